// prepare_prelu.
#include "kernels/ops/prelu/prelu.h"

#include <memory>

#include "kernels/ops/elementwise/elementwise.h"
#include "kernels/ops/ops.h"
#include "kernels/ops/quant_checks.h"

namespace eb {
namespace {

// Right-aligns `s` to `rank` dims and gives its row-major strides, 0 where it broadcasts.
void broadcast_strides(const Shape& s, int rank, int64_t* stride) {
  int64_t step = 1;
  const int offset = rank - static_cast<int>(s.size());
  for (int d = rank - 1; d >= 0; --d) {
    const int sd = d - offset;
    const int64_t dim = sd >= 0 ? s[static_cast<size_t>(sd)] : 1;
    stride[d] = dim == 1 ? 0 : step;
    step *= dim;
  }
}

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_prelu(PrepareContext& ctx) {
  EB_RETURN_IF_ERROR(ctx.expect_io(2, 2, 1));
  const Tensor& in = ctx.input(0);
  const Tensor& alpha = ctx.input(1);
  Tensor& out = ctx.output(0);
  const DType dt = in.dtype;
  if (dt != DType::kFloat32 && dt != DType::kInt8 && dt != DType::kUInt8)
    return error("input '%s' has dtype %s; supported: float32, int8, uint8", in.name.c_str(), dtype_name(dt));
  if (alpha.dtype != dt || out.dtype != dt)
    return error("alpha '%s' (%s) and output '%s' (%s) must have the input's dtype %s", alpha.name.c_str(),
                 dtype_name(alpha.dtype), out.name.c_str(), dtype_name(out.dtype), dtype_name(dt));
  for (const Tensor* t : {&in, &alpha})
    for (int32_t d : t->shape)
      if (d < 0) return error("'%s' has unresolved shape %s", t->name.c_str(), shape_str(t->shape).c_str());
  Shape shape;
  if (!broadcast_shapes(in.shape, alpha.shape, &shape))
    return error("alpha '%s' %s does not broadcast against input '%s' %s", alpha.name.c_str(),
                 shape_str(alpha.shape).c_str(), in.name.c_str(), shape_str(in.shape).c_str());
  if (static_cast<int>(shape.size()) > kPreluMaxRank)
    return error("rank %d of output '%s' is above the supported %d", static_cast<int>(shape.size()), out.name.c_str(),
                 kPreluMaxRank);
  out.shape = shape;
  PreluLayout l;
  l.rank = static_cast<int>(shape.size());
  for (int d = 0; d < l.rank; ++d) l.dims[d] = shape[static_cast<size_t>(d)];
  broadcast_strides(in.shape, l.rank, l.in_stride);
  broadcast_strides(alpha.shape, l.rank, l.alpha_stride);
  const int ii = ctx.input_index(0), ia = ctx.input_index(1), io = ctx.output_index(0);

  if (dt == DType::kFloat32)
    return bind_kernel("prelu_f32_ref", [=](const RunContext& c) {
      prelu_f32_ref(l, c.in<float>(ii), c.in<float>(ia), c.out<float>(io));
    });
  EB_RETURN_IF_ERROR(check_per_tensor_quant(in, "input"));
  EB_RETURN_IF_ERROR(check_per_tensor_quant(alpha, "alpha"));
  EB_RETURN_IF_ERROR(check_per_tensor_quant(out, "output"));
  PreluQuantParams p;
  p.in_zp = in.quant.zp0();
  p.alpha_zp = alpha.quant.zp0();
  p.out_zp = out.quant.zp0();
  // TFLite computes both ratios in float (the tensors' scales), then widens them to double.
  p.positive = quantize_multiplier(static_cast<double>(in.quant.scale0() / out.quant.scale0()));
  p.negative = quantize_multiplier(static_cast<double>(in.quant.scale0() * alpha.quant.scale0() / out.quant.scale0()));
  if (dt == DType::kInt8)
    return bind_kernel("prelu_qs8_ref", [=](const RunContext& c) {
      prelu_qs8_ref(l, p, c.in<int8_t>(ii), c.in<int8_t>(ia), c.out<int8_t>(io));
    });
  return bind_kernel("prelu_qu8_ref", [=](const RunContext& c) {
    prelu_qu8_ref(l, p, c.in<uint8_t>(ii), c.in<uint8_t>(ia), c.out<uint8_t>(io));
  });
}

}  // namespace eb
