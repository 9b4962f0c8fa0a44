// CAST: converts values (not quantized meanings: TFLite's cast ignores scales and zero points).
#include <memory>

#include "kernels/ops/data_movement/cast.h"
#include "kernels/ops/ops.h"

namespace eb {

Result<std::unique_ptr<PreparedOp>> prepare_cast(PrepareContext& ctx) {
  EB_RETURN_IF_ERROR(ctx.expect_io(1, 1, 1));
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  const NodeOptions& o = ctx.options();
  if (o.in_data_type != DType::kUnsupported && o.in_data_type != in.dtype)
    return error("in_data_type is %s but input '%s' is %s", dtype_name(o.in_data_type), in.name.c_str(),
                 dtype_name(in.dtype));
  if (o.out_data_type != DType::kUnsupported && o.out_data_type != out.dtype)
    return error("out_data_type is %s but output '%s' is %s", dtype_name(o.out_data_type), out.name.c_str(),
                 dtype_name(out.dtype));
  const char* name = nullptr;
  CastKernel k = find_cast_kernel(in.dtype, out.dtype, &name);
  if (!k)
    return error("cannot cast input '%s' (%s) to output '%s' (%s); supported: float32, int64, int32, int16, int8, "
                 "uint8, bool to each other, and float16 to float32",
                 in.name.c_str(), dtype_name(in.dtype), out.name.c_str(), dtype_name(out.dtype));
  out.shape = in.shape;
  const int a = ctx.input_index(0), b = ctx.output_index(0);
  const int64_t n = in.elements();
  return bind_kernel(name, [=](const RunContext& c) { k(c.in<uint8_t>(a), c.out<uint8_t>(b), n); });
}

}  // namespace eb
