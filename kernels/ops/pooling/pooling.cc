// prepare_average_pool2d and prepare_max_pool2d: check the NHWC input, the window options and the
// quantization, compute the output shape and padding, and pick the kernel for the dtype.
#include "kernels/ops/pooling/pooling.h"

#include <cmath>
#include <cstdint>
#include <memory>

#include "kernels/common/padding.h"
#include "kernels/common/quantization.h"
#include "kernels/ops/ops.h"
#include "kernels/ops/pooling/pool_fast.h"
#include "kernels/ops/quant_checks.h"

namespace eb {
namespace {

enum class PoolKind { kAverage, kMax };

template <typename T>
using PoolKernel = void (*)(const PoolParams&, const T*, T*);

template <typename T>
class PoolOp final : public PreparedOp {
 public:
  PoolOp(const PoolParams& p, PoolKernel<T> kernel, const char* name, int in, int out)
      : p_(p), kernel_(kernel), name_(name), in_(in), out_(out) {}
  void run(const RunContext& ctx) override { kernel_(p_, ctx.in<T>(in_), ctx.out<T>(out_)); }
  const char* kernel_name() const override { return name_; }

 private:
  PoolParams p_;
  PoolKernel<T> kernel_;
  const char* name_;
  int in_, out_;
};

// The quantized reference op of type T: the output's range narrowed by the fused activation, then the
// average or max kernel (input and output quantization are equal: checked by the caller). Sets p.qmin and
// p.qmax, which the fast path reads too.
template <typename T>
std::unique_ptr<PreparedOp> quantized_pool(PoolParams& p, Activation act, const Tensor& out, bool avg,
                                           PoolKernel<T> average, PoolKernel<T> max, const char* average_name,
                                           const char* max_name, int ii, int oi) {
  const QuantRange r = activation_range_quantized(act, out.quant.scale0(), out.quant.zp0(), qmin_of<T>(), qmax_of<T>());
  p.qmin = r.min;
  p.qmax = r.max;
  return avg ? std::unique_ptr<PreparedOp>(new PoolOp<T>(p, average, average_name, ii, oi))
             : std::unique_ptr<PreparedOp>(new PoolOp<T>(p, max, max_name, ii, oi));
}

Result<std::unique_ptr<PreparedOp>> prepare_pool(PrepareContext& ctx, PoolKind kind) {
  EB_RETURN_IF_ERROR(ctx.expect_io(1, 1, 1));
  const NodeOptions& opt = ctx.options();
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  if (in.rank() != 4)
    return error("input '%s' must be 4-D NHWC, has shape %s", in.name.c_str(), shape_str(in.shape).c_str());
  if (opt.filter_h < 1 || opt.filter_w < 1)
    return error("filter size %dx%d must be at least 1x1", opt.filter_h, opt.filter_w);
  if (opt.stride_h < 1 || opt.stride_w < 1)
    return error("strides %dx%d must be at least 1", opt.stride_h, opt.stride_w);
  if (!activation_is_clamp(opt.activation))
    return error("fused activation %d is not supported (only NONE, RELU, RELU_N1_TO_1, RELU6)",
                 static_cast<int>(opt.activation));
  if (out.dtype != in.dtype)
    return error("output '%s' is %s but input '%s' is %s; they must match", out.name.c_str(), dtype_name(out.dtype),
                 in.name.c_str(), dtype_name(in.dtype));

  PoolParams p;
  p.batch = in.dim(0);
  p.in_h = in.dim(1);
  p.in_w = in.dim(2);
  p.channels = in.dim(3);
  p.filter_h = opt.filter_h;
  p.filter_w = opt.filter_w;
  p.stride_h = opt.stride_h;
  p.stride_w = opt.stride_w;
  const WindowGeometry gh = window_geometry(opt.padding, p.in_h, p.filter_h, p.stride_h, 1);
  const WindowGeometry gw = window_geometry(opt.padding, p.in_w, p.filter_w, p.stride_w, 1);
  if (gh.out <= 0 || gw.out <= 0)
    return error("a %dx%d window with VALID padding does not fit input '%s' of shape %s", p.filter_h, p.filter_w,
                 in.name.c_str(), shape_str(in.shape).c_str());
  p.out_h = gh.out;
  p.out_w = gw.out;
  p.pad_top = gh.pad_before;
  p.pad_left = gw.pad_before;

  const int ii = ctx.input_index(0), oi = ctx.output_index(0);
  const bool avg = kind == PoolKind::kAverage;
  std::unique_ptr<PreparedOp> op;
  switch (in.dtype) {
    case DType::kFloat32: {
      const FloatRange r = activation_range_float(opt.activation);
      p.act_min = r.min;
      p.act_max = r.max;
      op.reset(avg ? new PoolOp<float>(p, average_pool2d_float32_ref, "average_pool2d_float32_ref", ii, oi)
                   : new PoolOp<float>(p, max_pool2d_float32_ref, "max_pool2d_float32_ref", ii, oi));
      break;
    }
    case DType::kInt8:
      EB_RETURN_IF_ERROR(check_same_quant(in, out));
      op = quantized_pool<int8_t>(p, opt.activation, out, avg, average_pool2d_int8_ref, max_pool2d_int8_ref,
                                  "average_pool2d_int8_ref", "max_pool2d_int8_ref", ii, oi);
      break;
    case DType::kUInt8:
      EB_RETURN_IF_ERROR(check_same_quant(in, out));
      op = quantized_pool<uint8_t>(p, opt.activation, out, avg, average_pool2d_uint8_ref, max_pool2d_uint8_ref,
                                   "average_pool2d_uint8_ref", "max_pool2d_uint8_ref", ii, oi);
      break;
    case DType::kInt16:
      EB_RETURN_IF_ERROR(check_same_quant(in, out));
      op = quantized_pool<int16_t>(p, opt.activation, out, avg, average_pool2d_int16_ref, max_pool2d_int16_ref,
                                   "average_pool2d_int16_ref", "max_pool2d_int16_ref", ii, oi);
      break;
    default:
      return error("input '%s' is %s; supported: float32, int8, uint8, int16", in.name.c_str(), dtype_name(in.dtype));
  }
  out.shape = {p.batch, p.out_h, p.out_w, p.channels};
  if (ctx.isa() != Isa::kReference)
    if (auto fast = prepare_pool2d_fast(ctx, p, in.dtype, avg)) return fast;
  return op;
}

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_average_pool2d(PrepareContext& ctx) {
  return prepare_pool(ctx, PoolKind::kAverage);
}

Result<std::unique_ptr<PreparedOp>> prepare_max_pool2d(PrepareContext& ctx) {
  return prepare_pool(ctx, PoolKind::kMax);
}

}  // namespace eb
