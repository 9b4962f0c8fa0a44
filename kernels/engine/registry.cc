#include "kernels/engine/registry.h"

#include "kernels/ops/ops.h"

namespace eb {

const std::vector<OpInfo>& supported_ops() {
  static const std::vector<OpInfo> kOps = [] {
    std::vector<OpInfo> v;
#define EB_BUILTIN_OP(code, prepare, types) \
  v.push_back({builtin_name(static_cast<int32_t>(OpCode::code)), static_cast<int32_t>(OpCode::code), false, types, prepare});
#define EB_CUSTOM_OP(name, prepare, types) \
  v.push_back({name, static_cast<int32_t>(OpCode::kCustom), true, types, prepare});
#include "kernels/ops/op_list.inc"
#undef EB_BUILTIN_OP
#undef EB_CUSTOM_OP
    return v;
  }();
  return kOps;
}

PrepareFn find_prepare(int32_t builtin_code) {
  switch (static_cast<OpCode>(builtin_code)) {
#define EB_BUILTIN_OP(code, prepare, types) \
  case OpCode::code:                        \
    return prepare;
#define EB_CUSTOM_OP(name, prepare, types)
#include "kernels/ops/op_list.inc"
#undef EB_BUILTIN_OP
#undef EB_CUSTOM_OP
    default:
      return nullptr;
  }
}

PrepareFn find_custom_prepare([[maybe_unused]] const std::string& custom_code) {
#define EB_BUILTIN_OP(code, prepare, types)
#define EB_CUSTOM_OP(name, prepare, types) \
  if (custom_code == name) return prepare;
#include "kernels/ops/op_list.inc"
#undef EB_BUILTIN_OP
#undef EB_CUSTOM_OP
  return nullptr;
}

PrepareFn find_node_prepare(const Node& node) {
  if (node.op() == OpCode::kCustom) return find_custom_prepare(node.op_name);
  return find_prepare(node.builtin);
}

}  // namespace eb
