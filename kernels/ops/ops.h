// Prepare functions of every operator edgebench implements, declared from the one list
// (kernels/ops/op_list.inc); one folder per operator family under kernels/ops/.
#pragma once

#include "kernels/ops/op.h"

namespace eb {

#define EB_BUILTIN_OP(code, prepare, types) Result<std::unique_ptr<PreparedOp>> prepare(PrepareContext& ctx);
#define EB_CUSTOM_OP(name, prepare, types) Result<std::unique_ptr<PreparedOp>> prepare(PrepareContext& ctx);
#include "kernels/ops/op_list.inc"
#undef EB_BUILTIN_OP
#undef EB_CUSTOM_OP

}  // namespace eb
