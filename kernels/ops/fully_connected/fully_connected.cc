// prepare_fully_connected: picks the mode from the dtypes (float32, int8, uint8, hybrid), checks shapes and
// quantization, sets the output shape and precomputes the per-channel requantization.
#include "kernels/ops/fully_connected/fully_connected.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "kernels/common/quantization.h"
#include "kernels/ops/ops.h"
#include "kernels/ops/quant_checks.h"

namespace eb {
namespace {

// TFLite's default path hands int8 and uint8 fully connected to XNNPACK: fp32 requantization.
// Evidence (conformance data): ad-toycar-int8 (10 int8 FC layers) is bit exact with kFp32 and up to 2
// steps off with kFixedPoint. No model has a uint8 FC; mobilenet-v1 uint8 shows the reference runtime
// delegates uint8 (QU8) conv to XNNPACK (bit exact with fp32, up to 6 steps off with fixed point), so
// uint8 FC takes the same route.
constexpr FcRequant kInt8Requant = FcRequant::kFp32;
constexpr FcRequant kUInt8Requant = FcRequant::kFp32;

constexpr int kInput = 0, kWeights = 1, kBias = 2;

class FullyConnectedFloatOp final : public PreparedOp {
 public:
  FullyConnectedFloatOp(const FullyConnectedFloatParams& p, int in, int w, int b, int out)
      : p_(p), in_(in), w_(w), b_(b), out_(out) {}
  void run(const RunContext& ctx) override {
    fully_connected_float32_ref(p_, ctx.in<float>(in_), ctx.in<float>(w_), b_ >= 0 ? ctx.in<float>(b_) : nullptr,
                                ctx.out<float>(out_));
  }
  const char* kernel_name() const override { return "fully_connected_float32_ref"; }

 private:
  FullyConnectedFloatParams p_;
  int in_, w_, b_, out_;
};

template <typename T>
class FullyConnectedQuantOp final : public PreparedOp {
 public:
  FullyConnectedQuantOp(const FullyConnectedQuantParams& p, std::vector<float> scale,
                        std::vector<QuantizedMultiplier> multiplier, int in, int w, int b, int out, const char* name)
      : p_(p),
        scale_(std::move(scale)),
        multiplier_(std::move(multiplier)),
        in_(in),
        w_(w),
        b_(b),
        out_(out),
        name_(name) {
    p_.scale = scale_.data();
    p_.multiplier = multiplier_.data();
  }
  void run(const RunContext& ctx) override {
    const int32_t* bias = b_ >= 0 ? ctx.in<int32_t>(b_) : nullptr;
    if constexpr (std::is_same_v<T, int8_t>)
      fully_connected_int8_ref(p_, ctx.in<int8_t>(in_), ctx.in<int8_t>(w_), bias, ctx.out<int8_t>(out_));
    else
      fully_connected_uint8_ref(p_, ctx.in<uint8_t>(in_), ctx.in<uint8_t>(w_), bias, ctx.out<uint8_t>(out_));
  }
  const char* kernel_name() const override { return name_; }

 private:
  FullyConnectedQuantParams p_;
  std::vector<float> scale_;
  std::vector<QuantizedMultiplier> multiplier_;
  int in_, w_, b_, out_;
  const char* name_;
};

class FullyConnectedHybridOp final : public PreparedOp {
 public:
  FullyConnectedHybridOp(const FullyConnectedHybridParams& p, std::vector<float> channel_scale,
                         std::vector<int32_t> row_sums, int in, int w, int b, int out)
      : p_(p),
        channel_scale_(std::move(channel_scale)),
        row_sums_(std::move(row_sums)),
        quantized_row_(static_cast<size_t>(p.in)),
        in_(in),
        w_(w),
        b_(b),
        out_(out) {
    p_.channel_scale = channel_scale_.empty() ? nullptr : channel_scale_.data();
    p_.row_sums = row_sums_.data();
  }
  void run(const RunContext& ctx) override {
    fully_connected_hybrid_ref(p_, ctx.in<float>(in_), ctx.in<int8_t>(w_), b_ >= 0 ? ctx.in<float>(b_) : nullptr,
                               quantized_row_.data(), ctx.out<float>(out_));
  }
  const char* kernel_name() const override { return "fully_connected_hybrid_ref"; }

 private:
  FullyConnectedHybridParams p_;
  std::vector<float> channel_scale_;
  std::vector<int32_t> row_sums_;
  std::vector<int8_t> quantized_row_;
  int in_, w_, b_, out_;
};

// Weight scales, one per output channel: per-tensor parameters are repeated. Checks the count, the
// quantized dimension, positivity and (symmetric weights) a zero zero point.
Result<std::vector<float>> weight_scales(const Tensor& w, int32_t out, bool symmetric) {
  const Quantization& q = w.quant;
  if (!q.present())
    return error("weights '%s' (%s) have no quantization parameters", w.name.c_str(), dtype_name(w.dtype));
  if (q.per_channel()) {
    if (static_cast<int32_t>(q.scale.size()) != out)
      return error("weights '%s' have %zu per-channel scales, expected %d (one per output channel)", w.name.c_str(),
                   q.scale.size(), out);
    if (q.axis != 0)
      return error("weights '%s' are quantized along dimension %d; per-channel weights must use dimension 0",
                   w.name.c_str(), q.axis);
  }
  std::vector<float> s(static_cast<size_t>(out));
  for (int32_t o = 0; o < out; ++o) {
    const float v = q.scale[q.per_channel() ? static_cast<size_t>(o) : 0];
    if (!(v > 0.0f) || !std::isfinite(v))
      return error("weights '%s' have a non-positive or non-finite scale %g", w.name.c_str(), static_cast<double>(v));
    s[static_cast<size_t>(o)] = v;
  }
  if (symmetric) {
    for (size_t i = 0; i < q.zero_point.size(); ++i)
      if (q.zero_point[i] != 0)
        return error("weights '%s' have zero point %lld; int8 weights must be symmetric (zero point 0)", w.name.c_str(),
                     static_cast<long long>(q.zero_point[i]));
  } else if (q.per_channel()) {
    return error("weights '%s': per-channel quantization is not supported for %s weights", w.name.c_str(),
                 dtype_name(w.dtype));
  }
  return s;
}

// The int32 bias must carry scale input_scale * weight_scale[o] (as TFLite checks, to 1e-6 relative).
Status check_bias_quant(const Tensor& b, float input_scale, const std::vector<float>& wscale) {
  if (!b.quant.present()) return Status();  // nothing to compare against; the data is used as given
  const bool per_channel = b.quant.per_channel();
  if (per_channel && b.quant.scale.size() != wscale.size())
    return error("bias '%s' has %zu scales, expected %zu", b.name.c_str(), b.quant.scale.size(), wscale.size());
  for (size_t o = 0; o < wscale.size(); ++o) {
    const double expect = static_cast<double>(input_scale) * static_cast<double>(wscale[o]);
    const double got = b.quant.scale[per_channel ? o : 0];
    if (std::fabs(expect - got) > 1e-6 * std::min(expect, got))
      return error("bias '%s' scale %g (channel %zu) is not input scale x weight scale = %g", b.name.c_str(), got, o,
                   expect);
    if (!per_channel) break;
  }
  return Status();
}

Result<std::unique_ptr<PreparedOp>> prepare_quantized(PrepareContext& ctx, const FullyConnectedQuantParams& base) {
  const Tensor& in = ctx.input(kInput);
  const Tensor& w = ctx.input(kWeights);
  Tensor& out = ctx.output(0);
  const DType t = in.dtype;
  if (w.dtype != t)
    return error("weights '%s' are %s; with %s input '%s' they must be %s", w.name.c_str(), dtype_name(w.dtype),
                 dtype_name(t), in.name.c_str(), dtype_name(t));
  if (out.dtype != t)
    return error("output '%s' is %s; with %s input it must be %s", out.name.c_str(), dtype_name(out.dtype),
                 dtype_name(t), dtype_name(t));
  EB_RETURN_IF_ERROR(check_per_tensor_quant(in, "input"));
  EB_RETURN_IF_ERROR(check_per_tensor_quant(out, "output"));
  auto ws = weight_scales(w, base.out, /*symmetric=*/t == DType::kInt8);
  if (!ws.ok()) return ws.status();
  FullyConnectedQuantParams p = base;
  p.input_zero_point = in.quant.zp0();
  p.output_zero_point = out.quant.zp0();
  p.weights_zero_point = t == DType::kUInt8 ? w.quant.zp0() : 0;
  if (t == DType::kUInt8 && (p.weights_zero_point < 0 || p.weights_zero_point > 255))
    return error("weights '%s' zero point %d is outside the uint8 range", w.name.c_str(), p.weights_zero_point);
  if (ctx.has_input(kBias)) {
    const Tensor& b = ctx.input(kBias);
    if (b.dtype != DType::kInt32)
      return error("bias '%s' is %s; quantized fully connected needs an int32 bias", b.name.c_str(),
                   dtype_name(b.dtype));
    EB_RETURN_IF_ERROR(check_bias_quant(b, in.quant.scale0(), ws.value()));
  }
  const float in_s = in.quant.scale0(), out_s = out.quant.scale0();
  const Activation act = ctx.options().activation;
  const QuantRange r =
      t == DType::kInt8
          ? activation_range_quantized(act, out_s, p.output_zero_point, qmin_of<int8_t>(), qmax_of<int8_t>())
          : activation_range_quantized(act, out_s, p.output_zero_point, qmin_of<uint8_t>(), qmax_of<uint8_t>());
  p.act_min = r.min;
  p.act_max = r.max;
  p.requant = t == DType::kInt8 ? kInt8Requant : kUInt8Requant;
  std::vector<float> scale(static_cast<size_t>(p.out));
  std::vector<QuantizedMultiplier> mult(static_cast<size_t>(p.out));
  for (size_t o = 0; o < scale.size(); ++o) {
    const float ws_o = ws.value()[o];
    scale[o] = xnnpack_requant_scale(in_s, ws_o, out_s);
    mult[o] = quantize_multiplier(static_cast<double>(in_s) * static_cast<double>(ws_o) / static_cast<double>(out_s));
  }
  const int b = ctx.has_input(kBias) ? ctx.input_index(kBias) : -1;
  const bool pc = w.quant.per_channel();
  if (ctx.isa() != Isa::kReference) {
    auto fast = prepare_fully_connected_fast_quant(ctx, p, scale);
    if (!fast.ok()) return fast.status();
    if (fast.value()) return std::move(fast.value());
  }
  if (t == DType::kInt8)
    return std::unique_ptr<PreparedOp>(new FullyConnectedQuantOp<int8_t>(
        p, std::move(scale), std::move(mult), ctx.input_index(kInput), ctx.input_index(kWeights), b,
        ctx.output_index(0), pc ? "fully_connected_int8_per_channel_ref" : "fully_connected_int8_ref"));
  return std::unique_ptr<PreparedOp>(new FullyConnectedQuantOp<uint8_t>(
      p, std::move(scale), std::move(mult), ctx.input_index(kInput), ctx.input_index(kWeights), b, ctx.output_index(0),
      "fully_connected_uint8_ref"));
}

class FullyConnectedInt16Op final : public PreparedOp {
 public:
  FullyConnectedInt16Op(const FullyConnectedInt16Params& p, std::vector<double> scale, bool bias32, int in, int w,
                        int b, int out, const char* name)
      : p_(p), scale_(std::move(scale)), bias32_(bias32), in_(in), w_(w), b_(b), out_(out), name_(name) {
    p_.scale = scale_.data();
  }
  void run(const RunContext& ctx) override {
    if (bias32_)
      fully_connected_int16_bias32_ref(p_, ctx.in<int16_t>(in_), ctx.in<int8_t>(w_), ctx.in<int32_t>(b_),
                                       ctx.out<int16_t>(out_));
    else
      fully_connected_int16_ref(p_, ctx.in<int16_t>(in_), ctx.in<int8_t>(w_), b_ >= 0 ? ctx.in<int64_t>(b_) : nullptr,
                                ctx.out<int16_t>(out_));
  }
  const char* kernel_name() const override { return name_; }

 private:
  FullyConnectedInt16Params p_;
  std::vector<double> scale_;
  bool bias32_;
  int in_, w_, b_, out_;
  const char* name_;
};

// 16x8: int16 input/output with zero point 0 (TFLite's Prepare demands it), int8 symmetric weights,
// int64 or int32 bias; the requantization scale in * w / out in double, as TFLite forms it.
Result<std::unique_ptr<PreparedOp>> prepare_int16(PrepareContext& ctx, FullyConnectedInt16Params p) {
  const Tensor& in = ctx.input(kInput);
  const Tensor& w = ctx.input(kWeights);
  const Tensor& out = ctx.output(0);
  if (w.dtype != DType::kInt8)
    return error("weights '%s' are %s; with int16 input '%s' (16x8 mode) they must be int8", w.name.c_str(),
                 dtype_name(w.dtype), in.name.c_str());
  if (out.dtype != DType::kInt16)
    return error("output '%s' is %s; with int16 input it must be int16", out.name.c_str(), dtype_name(out.dtype));
  EB_RETURN_IF_ERROR(check_per_tensor_quant(in, "input"));
  EB_RETURN_IF_ERROR(check_per_tensor_quant(out, "output"));
  for (const Tensor* t : {&in, &out})
    if (t->quant.zp0() != 0)
      return error("%s '%s' is int16 with zero point %d; int16 activations must be symmetric (zero point 0)",
                   t == &in ? "input" : "output", t->name.c_str(), t->quant.zp0());
  auto ws = weight_scales(w, p.out, /*symmetric=*/true);
  if (!ws.ok()) return ws.status();
  bool bias32 = false;
  if (ctx.has_input(kBias)) {
    const Tensor& b = ctx.input(kBias);
    if (b.dtype != DType::kInt64 && b.dtype != DType::kInt32)
      return error("bias '%s' is %s; int16 (16x8) fully connected needs an int64 or int32 bias", b.name.c_str(),
                   dtype_name(b.dtype));
    bias32 = b.dtype == DType::kInt32;
    EB_RETURN_IF_ERROR(check_bias_quant(b, in.quant.scale0(), ws.value()));
  }
  const float in_s = in.quant.scale0(), out_s = out.quant.scale0();
  const QuantRange r = activation_range_quantized(ctx.options().activation, out_s, 0, qmin_of<int16_t>(),
                                                  qmax_of<int16_t>());
  if (r.min > r.max)
    return error("output '%s': the fused activation leaves an empty range [%d, %d]", out.name.c_str(), r.min, r.max);
  p.act_min = r.min;
  p.act_max = r.max;
  std::vector<double> scale(static_cast<size_t>(p.out));
  for (size_t o = 0; o < scale.size(); ++o)
    scale[o] = static_cast<double>(in_s) * static_cast<double>(ws.value()[o]) / static_cast<double>(out_s);
  const char* name = bias32 ? (w.quant.per_channel() ? "fully_connected_qs16_per_channel_bias32_ref"
                                                     : "fully_connected_qs16_bias32_ref")
                            : (w.quant.per_channel() ? "fully_connected_qs16_per_channel_ref"
                                                     : "fully_connected_qs16_ref");
  return std::unique_ptr<PreparedOp>(new FullyConnectedInt16Op(
      p, std::move(scale), bias32, ctx.input_index(kInput), ctx.input_index(kWeights),
      ctx.has_input(kBias) ? ctx.input_index(kBias) : -1, ctx.output_index(0), name));
}

Result<std::unique_ptr<PreparedOp>> prepare_hybrid(PrepareContext& ctx, const FullyConnectedHybridParams& base) {
  const Tensor& w = ctx.input(kWeights);
  const Tensor& out = ctx.output(0);
  if (out.dtype != DType::kFloat32)
    return error("output '%s' is %s; hybrid fully connected (float input, int8 weights) produces float32",
                 out.name.c_str(), dtype_name(out.dtype));
  if (!w.is_constant())
    return error("weights '%s' are int8 computed at run time; hybrid fully connected needs constant weights",
                 w.name.c_str());
  if (ctx.has_input(kBias) && ctx.input(kBias).dtype != DType::kFloat32)
    return error("bias '%s' is %s; hybrid fully connected needs a float32 bias", ctx.input(kBias).name.c_str(),
                 dtype_name(ctx.input(kBias).dtype));
  auto ws = weight_scales(w, base.out, /*symmetric=*/true);
  if (!ws.ok()) return ws.status();
  FullyConnectedHybridParams p = base;
  std::vector<float> channel_scale;
  if (w.quant.per_channel())
    channel_scale = ws.value();
  else
    p.weight_scale = ws.value()[0];
  p.asymmetric = ctx.options().asymmetric_quantize_inputs;
  // Row sums of the constant weights: the asymmetric input zero point's contribution, precomputed.
  std::vector<int32_t> row_sums(static_cast<size_t>(p.out), 0);
  const int8_t* wd = w.constant_as<int8_t>();
  for (int32_t o = 0; o < p.out; ++o)
    for (int32_t i = 0; i < p.in; ++i) row_sums[static_cast<size_t>(o)] += wd[static_cast<int64_t>(o) * p.in + i];
  const int in = ctx.input_index(kInput), wi = ctx.input_index(kWeights);
  const int bi = ctx.has_input(kBias) ? ctx.input_index(kBias) : -1, oi = ctx.output_index(0);
  if (ctx.isa() != Isa::kReference)
    if (auto fast = prepare_fully_connected_fast_hybrid(ctx, p, channel_scale, row_sums, in, wi, bi, oi)) return fast;
  return std::unique_ptr<PreparedOp>(
      new FullyConnectedHybridOp(p, std::move(channel_scale), std::move(row_sums), in, wi, bi, oi));
}

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_fully_connected(PrepareContext& ctx) {
  EB_RETURN_IF_ERROR(ctx.expect_io(2, 3, 1));
  const NodeOptions& opt = ctx.options();
  if (!opt.weights_format_default)
    return Status::error("shuffled weights format (SHUFFLED4x16INT8) is not supported; only DEFAULT");
  if (!activation_is_clamp(opt.activation))
    return error("fused activation %d is not supported (only NONE, RELU, RELU_N1_TO_1, RELU6)",
                 static_cast<int>(opt.activation));
  const Tensor& in = ctx.input(kInput);
  const Tensor& w = ctx.input(kWeights);
  if (w.rank() != 2)
    return error("weights '%s' must be 2-D [out, in], have shape %s", w.name.c_str(), shape_str(w.shape).c_str());
  const int32_t units = w.dim(0), depth = w.dim(1);
  if (units <= 0 || depth <= 0)
    return error("weights '%s' have an empty shape %s", w.name.c_str(), shape_str(w.shape).c_str());
  if (in.rank() < 1) return error("input '%s' is a scalar; fully connected needs at least 1-D", in.name.c_str());
  const int64_t elements = in.elements();
  if (elements % depth != 0)
    return error("input '%s' has %lld elements (shape %s), not a multiple of the weights' input size %d",
                 in.name.c_str(), static_cast<long long>(elements), shape_str(in.shape).c_str(), depth);
  const int64_t batch = elements / depth;
  if (batch > std::numeric_limits<int32_t>::max())
    return error("input '%s' is too large (%lld rows)", in.name.c_str(), static_cast<long long>(batch));
  if (ctx.has_input(kBias)) {
    const Tensor& b = ctx.input(kBias);
    if (b.elements() != units)
      return error("bias '%s' has %lld elements (shape %s), expected %d (one per output unit)", b.name.c_str(),
                   static_cast<long long>(b.elements()), shape_str(b.shape).c_str(), units);
  }

  Shape out_shape;
  if (opt.keep_num_dims) {
    if (in.dim(in.rank() - 1) != depth)
      return error("keep_num_dims: input '%s' last dimension %d must equal the weights' input size %d", in.name.c_str(),
                   in.dim(in.rank() - 1), depth);
    out_shape = in.shape;
    out_shape.back() = units;
  } else {
    out_shape = {static_cast<int32_t>(batch), units};
  }

  if (in.dtype == DType::kFloat32 && w.dtype == DType::kFloat32) {
    const Tensor& out = ctx.output(0);
    if (out.dtype != DType::kFloat32)
      return error("output '%s' is %s; float32 fully connected produces float32", out.name.c_str(),
                   dtype_name(out.dtype));
    if (ctx.has_input(kBias) && ctx.input(kBias).dtype != DType::kFloat32)
      return error("bias '%s' is %s; float32 fully connected needs a float32 bias", ctx.input(kBias).name.c_str(),
                   dtype_name(ctx.input(kBias).dtype));
    FullyConnectedFloatParams p;
    p.batch = static_cast<int32_t>(batch);
    p.in = depth;
    p.out = units;
    const FloatRange r = activation_range_float(opt.activation);
    p.act_min = r.min;
    p.act_max = r.max;
    ctx.output(0).shape = out_shape;
    if (ctx.isa() != Isa::kReference) {
      auto fast = prepare_fully_connected_fast_f32(ctx, p);
      if (!fast.ok()) return fast.status();
      if (fast.value()) return std::move(fast.value());
    }
    return std::unique_ptr<PreparedOp>(new FullyConnectedFloatOp(p, ctx.input_index(kInput), ctx.input_index(kWeights),
                                                                 ctx.has_input(kBias) ? ctx.input_index(kBias) : -1,
                                                                 ctx.output_index(0)));
  }
  if (in.dtype == DType::kFloat32 && w.dtype == DType::kInt8) {
    FullyConnectedHybridParams p;
    p.batch = static_cast<int32_t>(batch);
    p.in = depth;
    p.out = units;
    const FloatRange r = activation_range_float(opt.activation);
    p.act_min = r.min;
    p.act_max = r.max;
    auto op = prepare_hybrid(ctx, p);
    if (op.ok()) ctx.output(0).shape = out_shape;
    return op;
  }
  if (in.dtype == DType::kInt8 || in.dtype == DType::kUInt8) {
    FullyConnectedQuantParams p;
    p.batch = static_cast<int32_t>(batch);
    p.in = depth;
    p.out = units;
    auto op = prepare_quantized(ctx, p);
    if (op.ok()) ctx.output(0).shape = out_shape;
    return op;
  }
  if (in.dtype == DType::kInt16) {
    FullyConnectedInt16Params p;
    p.batch = static_cast<int32_t>(batch);
    p.in = depth;
    p.out = units;
    auto op = prepare_int16(ctx, p);
    if (op.ok()) ctx.output(0).shape = out_shape;
    return op;
  }
  return error(
      "unsupported combination: input '%s' is %s, weights '%s' are %s (supported: float32/float32, "
      "float32/int8 hybrid, int8/int8, uint8/uint8, int16/int8)",
      in.name.c_str(), dtype_name(in.dtype), w.name.c_str(), dtype_name(w.dtype));
}

}  // namespace eb
