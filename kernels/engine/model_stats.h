// What `edgebench inspect` reports about a loaded model: variant kind, operator histogram, parameter
// count and multiply-accumulates per inference.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "kernels/engine/engine.h"

namespace eb {

struct ModelStats {
  std::string variant;                  // float32 | float16 | dynamic-range | int8 | uint8 | mixed
  std::map<std::string, int> op_histogram;  // over all nodes of the file, folded ones included
  int64_t parameters = 0;               // elements of constant tensors stored in the file
  int64_t macs = 0;                     // multiply-accumulates of CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED
};

ModelStats compute_model_stats(const Engine& engine);

}  // namespace eb
