// The hybrid (dynamic-range) CONV_2D fast path per pixel, groups == 1 (layers the GEMM path,
// conv2d_fast_hybrid_gemm.cc, does not take): each batch item's input quantized to the reference's bits
// (hybrid_quantize.h, on the ISA's scan and quantize microkernels), then per output pixel its window
// gathered into one row (ks * ic values, the filter's own [tap][channel] order) and one call of the int8
// dot-product microkernel (hybrid_dot.h) over that row for every output channel: long rows, even for
// layers with one input channel (kws-dscnn's first layer: 40 taps of 1 value). The reference sums
// w * (x - offset) over the taps inside the input; here padding taps hold `offset` and the row's
// sum(w * x) loses offset * sum(w) over all taps, equal modulo 2^32 (the reference's own wrapping), so
// the int32 is the reference's, and the SIMD epilogue (HybridOutputUkernel: conv2d_hybrid_output's
// arithmetic) makes the output bit-identical.
#include <algorithm>
#include <cstring>
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/common/thread_pool.h"
#include "kernels/ops/conv2d/conv2d.h"
#include "kernels/ops/gemm/hybrid_dot.h"
#include "kernels/ops/gemm/hybrid_quantize.h"

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
    // Shared scratch (RunContext::scratch): the quantized batch item, the epilogue's per-channel terms
    // (int32 shift, float scale), then per task one pixel's window (ks * ic values) and its dot products.
    quantized_bytes_ = round64(static_cast<size_t>(g.in_h) * static_cast<size_t>(g.in_w) * ic_);
    column_bytes_ = round64(oc_ * sizeof(int32_t));
    task_bytes_ = round64(ks_ * ic_) + round64(oc_ * sizeof(int32_t));
    symmetric_ = p_.hybrid.input_quant == HybridInputQuant::kSymmetric;
    // Sum of each output channel's weights over all taps: the input offset's share (asymmetric only).
    if (!symmetric_) {
      weight_sums_.assign(oc_, 0);
      for (size_t o = 0; o < oc_; ++o)
        for (size_t i = 0; i < ks_ * ic_; ++i)
          weight_sums_[o] = static_cast<int32_t>(wrap(weight_sums_[o]) + wrap(filter_[o * ks_ * ic_ + i]));
    }
  }

  size_t scratch_bytes() const override {
    return quantized_bytes_ + 2 * column_bytes_ + static_cast<size_t>(tasks_) * task_bytes_;
  }

  void run(const RunContext& ctx) override {
    const ConvGeometry& g = p_.geom;
    const float* input = ctx.in<float>(in_);
    const float* bias = bias_ >= 0 ? ctx.in<float>(bias_) : nullptr;
    float* output = ctx.out<float>(out_);
    const int64_t batch_elems = static_cast<int64_t>(g.in_h) * g.in_w * g.in_c;
    int8_t* quantized = reinterpret_cast<int8_t*>(ctx.scratch);
    int32_t* shift = reinterpret_cast<int32_t*>(ctx.scratch + quantized_bytes_);
    float* scale = reinterpret_cast<float*>(ctx.scratch + quantized_bytes_ + column_bytes_);
    uint8_t* task_scratch = ctx.scratch + quantized_bytes_ + 2 * column_bytes_;
    for (int32_t b = 0; b < g.batches; ++b) {
      float input_scale = 1.0f;
      int32_t offset = 0;
      hybrid_quantize_fast(k_, symmetric_, input + b * batch_elems, static_cast<size_t>(batch_elems), quantized,
                           &input_scale, &offset);
      hybrid_conv_output_terms(p_, symmetric_, input_scale, offset, weight_sums_.data(), oc_, shift, scale);
      float* out_b = output + static_cast<int64_t>(b) * g.out_h * g.out_w * g.out_c;
      parallel_for(ctx.pool, tasks_, [&](int64_t t) {
        const SplitRange r = split_range(rows_, tasks_, 1, t);
        int8_t* window = reinterpret_cast<int8_t*>(task_scratch + static_cast<size_t>(t) * task_bytes_);
        int32_t* dots = reinterpret_cast<int32_t*>(window + round64(ks_ * ic_));
        for (int64_t oy = r.begin; oy < r.end; ++oy)
          for (int32_t ox = 0; ox < g.out_w; ++ox) {
            pixel(static_cast<int32_t>(oy), ox, quantized, offset, window, dots);
            k_.output(dots, oc_, shift, scale, bias, p_.act_min, p_.act_max, out_b + (oy * g.out_w + ox) * g.out_c);
          }
      });
    }
  }

  const char* kernel_name() const override { return k_.conv_name; }

 private:
  static size_t round64(size_t n) { return (n + 63) / 64 * 64; }

  // One output pixel: its window gathered into one row of ks * ic values in the filter's [tap][channel]
  // order (padding taps hold `offset`), one dot product per output channel over the whole row.
  void pixel(int32_t oy, int32_t ox, const int8_t* quantized, int32_t offset, int8_t* window, int32_t* dots) const {
    const ConvGeometry& g = p_.geom;
    const int32_t iy0 = oy * g.stride_h - g.pad_top, ix0 = ox * g.stride_w - g.pad_left;
    const int8_t* row = window;
    if (ks_ == 1 && iy0 >= 0 && iy0 < g.in_h && ix0 >= 0 && ix0 < g.in_w)  // 1x1 inside the input: the pixel
      row = quantized + (static_cast<size_t>(iy0) * static_cast<size_t>(g.in_w) + static_cast<size_t>(ix0)) * ic_;
    else
      hybrid_gather_window(g, quantized, offset, oy, ox, window);
    k_.conv_fn(ks_ * ic_, row, filter_, ks_ * ic_, oc_, dots);
  }

  HybridDotKernel k_;
  Conv2DParams p_;
  const int8_t* filter_;
  int in_, bias_, out_;
  size_t ks_ = 0, oc_ = 0, ic_ = 0;
  int64_t rows_ = 0, tasks_ = 1;
  size_t quantized_bytes_ = 0, column_bytes_ = 0, task_bytes_ = 0;  // scratch layout, 64-byte rounded
  bool symmetric_ = false;
  std::vector<int32_t> weight_sums_;  // per output channel over all taps (wrapping), asymmetric inputs only
};

}  // namespace

namespace {
// Short runs (a first layer's few taps of one channel) as plain loops: a memcpy/memset call per run
// cost more than the bytes (kws-dscnn's 10x4 window on 1 channel: 13% of the model in the calls).
inline void copy_run(int8_t* dst, const int8_t* src, size_t n) {
  if (n > 32) {
    std::memcpy(dst, src, n);
    return;
  }
  for (size_t i = 0; i < n; ++i) dst[i] = src[i];
}
inline void fill_run(int8_t* dst, int8_t v, size_t n) {
  if (n > 32) {
    std::memset(dst, v, n);
    return;
  }
  for (size_t i = 0; i < n; ++i) dst[i] = v;
}
}  // namespace

void hybrid_gather_window(const ConvGeometry& g, const int8_t* quantized, int32_t offset, int32_t oy, int32_t ox,
                          int8_t* row) {
  const size_t ic = static_cast<size_t>(g.in_c), fw = static_cast<size_t>(g.filter_w);
  const int8_t pad = static_cast<int8_t>(offset);  // (offset - offset) = 0: as the reference skipping the tap
  const int32_t iy0 = oy * g.stride_h - g.pad_top, ix0 = ox * g.stride_w - g.pad_left;
  for (int32_t ky = 0; ky < g.filter_h; ++ky, row += fw * ic) {
    const int32_t iy = iy0 + ky * g.dilation_h;
    if (iy < 0 || iy >= g.in_h) {
      fill_run(row, pad, fw * ic);
      continue;
    }
    const int8_t* line = quantized + static_cast<size_t>(iy) * static_cast<size_t>(g.in_w) * ic;
    if (g.dilation_w == 1) {  // the taps inside the row are one contiguous run of the input line
      const int32_t lo = std::clamp(-ix0, 0, g.filter_w), hi = std::clamp(g.in_w - ix0, lo, g.filter_w);
      fill_run(row, pad, static_cast<size_t>(lo) * ic);
      copy_run(row + static_cast<size_t>(lo) * ic, line + static_cast<size_t>(ix0 + lo) * ic,
               static_cast<size_t>(hi - lo) * ic);
      fill_run(row + static_cast<size_t>(hi) * ic, pad, static_cast<size_t>(g.filter_w - hi) * ic);
      continue;
    }
    for (int32_t kx = 0; kx < g.filter_w; ++kx) {
      const int32_t ix = ix0 + kx * g.dilation_w;
      int8_t* tap = row + static_cast<size_t>(kx) * ic;
      if (ix < 0 || ix >= g.in_w)
        fill_run(tap, pad, ic);
      else
        copy_run(tap, line + static_cast<size_t>(ix) * ic, ic);
    }
  }
}

std::unique_ptr<PreparedOp> prepare_conv2d_fast_hybrid(PrepareContext& ctx, const Conv2DParams& p) {
  const HybridDotKernel* k = hybrid_dot_kernel_for(ctx.isa());
  const Tensor& w = ctx.input(1);
  if (k == nullptr || p.groups != 1 || !w.is_constant() || p.geom.in_c != p.filter_c || p.geom.out_c <= 0)
    return nullptr;
  const int bias = ctx.num_inputs() > 2 && ctx.has_input(2) ? ctx.input_index(2) : -1;
  // The GEMM when it fits; if it cannot be built (out of memory packing), the per-pixel path still can.
  auto gemm = make_conv2d_hybrid_gemm_op(ctx.isa(), ctx.threads(), p, w.constant_as<int8_t>(), ctx.input_index(0),
                                         bias, ctx.output_index(0));
  if (gemm.ok() && gemm.value() != nullptr) return std::move(gemm.value());
  return std::make_unique<Conv2DHybridFastOp>(*k, p, w.constant_as<int8_t>(), ctx.threads(), ctx.input_index(0), bias,
                                              ctx.output_index(0));
}

}  // namespace eb
