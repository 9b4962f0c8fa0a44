// The hybrid (dynamic-range) CONV_2D fast path, groups == 1: each batch item's input quantized exactly
// as the reference does (hybrid_quantize_*_ref), then per output pixel and tap inside the input one call
// of the int8 dot-product microkernel (hybrid_dot.h) over the tap's input channels for every output
// channel, summed in int32 with wrapping adds. The reference sums w * (x - offset); here sum(w * x) -
// offset * sum(w) over the same taps, equal modulo 2^32 (the reference's own wrapping), so the int32 is
// the reference's and the float epilogue below is its operations in its order: bit-identical.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/common/thread_pool.h"
#include "kernels/ops/conv2d/conv2d.h"
#include "kernels/ops/gemm/hybrid_dot.h"

namespace eb {
namespace {

uint32_t wrap(int32_t v) { return static_cast<uint32_t>(v); }

class Conv2DHybridFastOp final : public PreparedOp {
 public:
  Conv2DHybridFastOp(const HybridDotKernel& k, Conv2DParams p, const int8_t* filter, int threads, int in, int bias,
                     int out)
      : k_(k), p_(std::move(p)), filter_(filter), in_(in), bias_(bias), out_(out) {
    const ConvGeometry& g = p_.geom;
    ks_ = static_cast<size_t>(g.filter_h) * static_cast<size_t>(g.filter_w);
    oc_ = static_cast<size_t>(g.out_c);
    ic_ = static_cast<size_t>(g.in_c);
    rows_ = static_cast<int64_t>(g.out_h);
    tasks_ = tasks_for_work(threads, rows_, static_cast<int64_t>(g.out_w) * g.out_c * g.in_c * static_cast<int64_t>(ks_));
    // Shared scratch (RunContext::scratch): the quantized batch item, then per task the pixel's
    // accumulators, one tap's dot products and the pixel's weight sums.
    quantized_bytes_ = (static_cast<size_t>(g.in_h) * static_cast<size_t>(g.in_w) * ic_ + 63) / 64 * 64;
    symmetric_ = p_.hybrid.input_quant == HybridInputQuant::kSymmetric;
    // Sum of each output channel's weights per tap: the input offset's share (asymmetric inputs only).
    if (!symmetric_) {
      tap_sums_.assign(ks_ * oc_, 0);
      for (size_t o = 0; o < oc_; ++o)
        for (size_t t = 0; t < ks_; ++t)
          for (size_t c = 0; c < ic_; ++c) tap_sums_[t * oc_ + o] += filter_[(o * ks_ + t) * ic_ + c];
    }
  }

  size_t scratch_bytes() const override {
    return quantized_bytes_ + static_cast<size_t>(tasks_) * oc_ * 3 * sizeof(int32_t);
  }

  void run(const RunContext& ctx) override {
    const ConvGeometry& g = p_.geom;
    const float* input = ctx.in<float>(in_);
    const float* bias = bias_ >= 0 ? ctx.in<float>(bias_) : nullptr;
    float* output = ctx.out<float>(out_);
    const int64_t batch_elems = static_cast<int64_t>(g.in_h) * g.in_w * g.in_c;
    const bool symmetric = symmetric_;
    int8_t* quantized = reinterpret_cast<int8_t*>(ctx.scratch);
    int32_t* task_scratch = reinterpret_cast<int32_t*>(ctx.scratch + quantized_bytes_);
    for (int32_t b = 0; b < g.batches; ++b) {
      float input_scale = 1.0f;
      int32_t offset = 0;
      if (symmetric)
        hybrid_quantize_symmetric_ref(input + b * batch_elems, batch_elems, quantized, &input_scale);
      else
        hybrid_quantize_asymmetric_ref(input + b * batch_elems, batch_elems, quantized, &input_scale, &offset);
      float* out_b = output + static_cast<int64_t>(b) * g.out_h * g.out_w * g.out_c;
      parallel_for(ctx.pool, tasks_, [&](int64_t t) {
        const SplitRange r = split_range(rows_, tasks_, 1, t);
        int32_t* acc = task_scratch + static_cast<size_t>(t) * oc_ * 3;
        int32_t* dots = acc + oc_;
        int32_t* wsum = dots + oc_;
        for (int64_t oy = r.begin; oy < r.end; ++oy)
          for (int32_t ox = 0; ox < g.out_w; ++ox)
            pixel(static_cast<int32_t>(oy), ox, quantized, offset, input_scale, bias, acc, dots, wsum,
                  out_b + (oy * g.out_w + ox) * g.out_c);
      });
    }
  }

  const char* kernel_name() const override { return k_.conv_name; }

 private:
  void pixel(int32_t oy, int32_t ox, const int8_t* quantized, int32_t offset, float input_scale, const float* bias,
             int32_t* acc, int32_t* dots, int32_t* wsum, float* out) const {
    const ConvGeometry& g = p_.geom;
    std::fill(acc, acc + oc_, 0);
    std::fill(wsum, wsum + oc_, 0);
    const int32_t iy0 = oy * g.stride_h - g.pad_top, ix0 = ox * g.stride_w - g.pad_left;
    for (int32_t ky = 0; ky < g.filter_h; ++ky) {
      const int32_t iy = iy0 + ky * g.dilation_h;
      if (iy < 0 || iy >= g.in_h) continue;  // padding taps are skipped, as in the reference
      for (int32_t kx = 0; kx < g.filter_w; ++kx) {
        const int32_t ix = ix0 + kx * g.dilation_w;
        if (ix < 0 || ix >= g.in_w) continue;
        const size_t t = static_cast<size_t>(ky) * static_cast<size_t>(g.filter_w) + static_cast<size_t>(kx);
        const int8_t* x = quantized + (static_cast<size_t>(iy) * static_cast<size_t>(g.in_w) + static_cast<size_t>(ix)) * ic_;
        k_.conv_fn(ic_, x, filter_ + t * ic_, ks_ * ic_, oc_, dots);
        for (size_t o = 0; o < oc_; ++o) acc[o] = static_cast<int32_t>(wrap(acc[o]) + wrap(dots[o]));
        if (symmetric_) continue;  // offset 0: the weight sums are not needed
        const int32_t* ts = tap_sums_.data() + t * oc_;
        for (size_t o = 0; o < oc_; ++o) wsum[o] = static_cast<int32_t>(wrap(wsum[o]) + wrap(ts[o]));
      }
    }
    for (size_t o = 0; o < oc_; ++o) {
      const int32_t a = static_cast<int32_t>(wrap(acc[o]) - wrap(offset) * wrap(wsum[o]));
      out[o] = conv2d_hybrid_output(p_, symmetric_, a, input_scale, bias, o);
    }
  }

  HybridDotKernel k_;
  Conv2DParams p_;
  const int8_t* filter_;
  int in_, bias_, out_;
  size_t ks_ = 0, oc_ = 0, ic_ = 0;
  int64_t rows_ = 0, tasks_ = 1;
  size_t quantized_bytes_ = 0;  // the quantized batch item's share of the scratch, 64-byte rounded
  bool symmetric_ = false;
  std::vector<int32_t> tap_sums_;  // [tap][out channel], asymmetric inputs only
};

}  // namespace

std::unique_ptr<PreparedOp> prepare_conv2d_fast_hybrid(PrepareContext& ctx, const Conv2DParams& p) {
  const HybridDotKernel* k = hybrid_dot_kernel_for(ctx.isa());
  const Tensor& w = ctx.input(1);
  if (k == nullptr || p.groups != 1 || !w.is_constant() || p.geom.in_c != p.filter_c || p.geom.out_c <= 0)
    return nullptr;
  return std::make_unique<Conv2DHybridFastOp>(*k, p, w.constant_as<int8_t>(), ctx.threads(), ctx.input_index(0),
                                              ctx.num_inputs() > 2 && ctx.has_input(2) ? ctx.input_index(2) : -1,
                                              ctx.output_index(0));
}

}  // namespace eb
