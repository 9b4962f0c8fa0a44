// prepare_softmax: checks dtypes and the fixed output quantization of quantized softmax, builds the
// exponential lookup table once, and binds the reference kernel or (fast paths) the row-interleaved one.
#include "kernels/ops/softmax/softmax.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <type_traits>

#include "kernels/common/quantization.h"
#include "kernels/ops/ops.h"
#include "kernels/common/thread_pool.h"
#include "kernels/ops/quant_checks.h"

namespace eb {
namespace {

class SoftmaxFloatOp final : public PreparedOp {
 public:
  SoftmaxFloatOp(const SoftmaxParams& p, int in, int out) : p_(p), in_(in), out_(out) {}
  void run(const RunContext& ctx) override { softmax_float32_ref(p_, ctx.in<float>(in_), ctx.out<float>(out_)); }
  const char* kernel_name() const override { return "softmax_float32_ref"; }

 private:
  SoftmaxParams p_;
  int in_, out_;
};

// The reference kernel, or on the fast paths (`fast`) softmax_*_fast split by rows over the threads.
template <typename T>
class SoftmaxQuantOp final : public PreparedOp {
 public:
  SoftmaxQuantOp(const SoftmaxParams& p, float input_scale, bool fast, int in, int out)
      : p_(p), in_(in), out_(out) {
    softmax_populate_table(input_scale, p.beta, table_.data());
    p_.table = table_.data();
    // The fast kernel's rounding shortcut needs every exponential in [0, 1] (softmax_fast.cc).
    fast_ = fast && std::all_of(table_.begin(), table_.end(), [](float v) { return v >= 0.0f && v <= 1.0f; });
  }
  void run(const RunContext& ctx) override {
    const T* x = ctx.in<T>(in_);
    T* y = ctx.out<T>(out_);
    if (!fast_) {
      if constexpr (std::is_same_v<T, int8_t>)
        softmax_int8_ref(p_, x, y);
      else
        softmax_uint8_ref(p_, x, y);
      return;
    }
    const int64_t tasks = tasks_for_work(ctx.pool ? ctx.pool->size() : 1, p_.rows, p_.depth * 4);
    parallel_for(ctx.pool, tasks, [&](int64_t t) {
      const SplitRange r = split_range(p_.rows, tasks, 16, t);
      if (r.end <= r.begin) return;
      if constexpr (std::is_same_v<T, int8_t>)
        softmax_int8_fast(p_, x, y, r.begin, r.end);
      else
        softmax_uint8_fast(p_, x, y, r.begin, r.end);
    });
  }
  const char* kernel_name() const override {
    if (std::is_same_v<T, int8_t>) return fast_ ? "softmax_qs8_rows" : "softmax_int8_ref";
    return fast_ ? "softmax_qu8_rows" : "softmax_uint8_ref";
  }

 private:
  SoftmaxParams p_;
  std::array<float, 256> table_{};
  bool fast_ = false;
  int in_, out_;
};

// int16: TFLite's SoftmaxInt16 with its two tables built once; on the fast paths rows split over threads.
class SoftmaxInt16Op final : public PreparedOp {
 public:
  SoftmaxInt16Op(const SoftmaxInt16Params& p, bool fast, int in, int out) : p_(p), fast_(fast), in_(in), out_(out) {
    softmax_int16_populate_luts(exp_lut_.data(), one_over_one_plus_x_lut_.data());
    p_.exp_lut = exp_lut_.data();
    p_.one_over_one_plus_x_lut = one_over_one_plus_x_lut_.data();
  }
  void run(const RunContext& ctx) override {
    const int16_t* x = ctx.in<int16_t>(in_);
    int16_t* y = ctx.out<int16_t>(out_);
    if (!fast_) return softmax_int16_ref(p_, x, y);
    const int64_t tasks = tasks_for_work(ctx.pool ? ctx.pool->size() : 1, p_.rows, p_.depth * 4);
    parallel_for(ctx.pool, tasks, [&](int64_t t) {
      const SplitRange r = split_range(p_.rows, tasks, 1, t);
      if (r.end > r.begin) softmax_int16_rows(p_, x, y, r.begin, r.end);
    });
  }
  const char* kernel_name() const override { return fast_ ? "softmax_qs16_rows" : "softmax_qs16_ref"; }

 private:
  SoftmaxInt16Params p_;
  std::array<int16_t, kSoftmaxInt16LutSize> exp_lut_{};
  std::array<int16_t, kSoftmaxInt16LutSize> one_over_one_plus_x_lut_{};
  bool fast_ = false;
  int in_, out_;
};

// TFLite's int16 SoftmaxPrepare: zero points 0, output scale 1/32768 within 0.1% (TF_LITE_ENSURE_NEAR in
// float), the exp input rescale in_scale * beta / (10/65535).
Status prepare_int16(const Tensor& in, const Tensor& out, float beta, SoftmaxInt16Params* p) {
  EB_RETURN_IF_ERROR(check_per_tensor_quant(in, "input"));
  EB_RETURN_IF_ERROR(check_per_tensor_quant(out, "output"));
  const float os = out.quant.scale0();
  constexpr float kScale = 1.f / 32768, kTolerance = 0.001f * 1.f / 32768;
  if (out.quant.zp0() != 0 || (os > kScale ? os - kScale : kScale - os) > kTolerance)
    return error("output '%s' has scale %g and zero point %d; int16 softmax needs scale 1/32768 and zero point 0",
                 out.name.c_str(), static_cast<double>(os), out.quant.zp0());
  if (in.quant.zp0() != 0)
    return error("input '%s' has zero point %d; int16 softmax needs zero point 0", in.name.c_str(), in.quant.zp0());
  // The int32 sum of a row's Q0.15 exponentials must not overflow.
  if (p->depth > 65536)
    return error("input '%s' has a last dimension of %d; int16 softmax takes at most 65536", in.name.c_str(),
                 p->depth);
  // TFLite: input scale * beta in float, then divided in double.
  const double rescale = static_cast<double>(in.quant.scale0() * beta) / (10.0 / 65535.0);
  if (!(std::fabs(rescale) < 32768.0))  // else the left shift of a 16-bit difference overflows int32
    return error("input '%s' scale %g with beta %g is outside what int16 softmax computes without overflow",
                 in.name.c_str(), static_cast<double>(in.quant.scale0()), static_cast<double>(beta));
  const QuantizedMultiplier m = quantize_multiplier(rescale);
  p->input_multiplier = m.multiplier;
  p->input_shift = m.shift;
  return Status();
}

// TFLite's quantized softmax writes probabilities with scale 1/256 and a fixed zero point.
Status check_quantized(const Tensor& in, const Tensor& out, int32_t want_zp) {
  EB_RETURN_IF_ERROR(check_per_tensor_quant(in, "input"));
  EB_RETURN_IF_ERROR(check_per_tensor_quant(out, "output"));
  constexpr double kScale = 1.0 / 256.0;
  if (out.quant.zp0() != want_zp || std::fabs(static_cast<double>(out.quant.scale0()) - kScale) > 0.001 * kScale)
    return error("output '%s' has scale %g and zero point %d; quantized softmax needs scale 1/256 and zero point %d",
                 out.name.c_str(), static_cast<double>(out.quant.scale0()), out.quant.zp0(), want_zp);
  return Status();
}

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_softmax(PrepareContext& ctx) {
  EB_RETURN_IF_ERROR(ctx.expect_io(1, 1, 1));
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  if (in.rank() < 1) return error("input '%s' is a scalar; softmax needs at least 1-D", in.name.c_str());
  if (out.dtype != in.dtype)
    return error("output '%s' is %s but input '%s' is %s; they must match (float32, int8, uint8 or int16)", out.name.c_str(),
                 dtype_name(out.dtype), in.name.c_str(), dtype_name(in.dtype));
  const float beta = ctx.options().beta;
  if (!std::isfinite(beta)) return error("beta %g is not finite", static_cast<double>(beta));

  SoftmaxParams p;
  p.depth = in.dim(in.rank() - 1);
  p.rows = p.depth > 0 ? in.elements() / p.depth : 0;
  p.beta = beta;
  const int ii = ctx.input_index(0), oi = ctx.output_index(0);
  const bool fast = ctx.isa() != Isa::kReference;
  std::unique_ptr<PreparedOp> op;
  switch (in.dtype) {
    case DType::kFloat32:
      op.reset(new SoftmaxFloatOp(p, ii, oi));
      break;
    case DType::kInt8:
      EB_RETURN_IF_ERROR(check_quantized(in, out, -128));
      p.output_scale = out.quant.scale0();
      p.output_zero_point = out.quant.zp0();
      op.reset(new SoftmaxQuantOp<int8_t>(p, in.quant.scale0(), fast, ii, oi));
      break;
    case DType::kUInt8:
      EB_RETURN_IF_ERROR(check_quantized(in, out, 0));
      p.output_scale = out.quant.scale0();
      p.output_zero_point = out.quant.zp0();
      op.reset(new SoftmaxQuantOp<uint8_t>(p, in.quant.scale0(), fast, ii, oi));
      break;
    case DType::kInt16: {
      SoftmaxInt16Params q;
      q.rows = p.rows;
      q.depth = p.depth;
      EB_RETURN_IF_ERROR(prepare_int16(in, out, beta, &q));
      op.reset(new SoftmaxInt16Op(q, fast, ii, oi));
      break;
    }
    default:
      return error("input '%s' is %s; supported: float32, int8, uint8, int16", in.name.c_str(), dtype_name(in.dtype));
  }
  out.shape = in.shape;
  return op;
}

}  // namespace eb
