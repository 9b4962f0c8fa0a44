// The registry of supported operators, made from the one list (kernels/ops/op_list.inc).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/graph/graph.h"
#include "kernels/ops/op.h"

namespace eb {

// nullptr when edgebench does not implement the builtin.
PrepareFn find_prepare(int32_t builtin_code);
// nullptr when edgebench does not implement the custom operator of that custom code.
PrepareFn find_custom_prepare(const std::string& custom_code);
// The prepare function of a node, builtin or custom; nullptr when unsupported.
PrepareFn find_node_prepare(const Node& node);

// One entry of the list, as `edgebench ops` prints it.
struct OpInfo {
  std::string name;   // "CONV_2D", or the custom code
  int32_t code = 0;   // builtin code (32, CUSTOM, for custom operators)
  bool custom = false;
  std::string types;  // "float32 int8 uint8"
  PrepareFn prepare = nullptr;
};
// Every supported operator, in the list's order.
const std::vector<OpInfo>& supported_ops();

}  // namespace eb
