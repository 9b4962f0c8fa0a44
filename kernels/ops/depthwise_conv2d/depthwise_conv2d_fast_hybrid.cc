// The hybrid (dynamic-range) DEPTHWISE_CONV_2D fast path, depth multiplier 1: each batch item's input
// quantized to the reference's bits (hybrid_quantize.h, on the ISA's scan and quantize microkernels of
// hybrid_dot.h), int32 sums over the taps on
// an ISA microkernel (dwconv_hybrid_ukernels.h), then the reference's own epilogue
// (depthwise_conv2d_hybrid_output): bit-identical to depthwise_conv2d_hybrid_ref.
//
// The reference sums w * (q - offset) over the taps inside the input. Here every tap is summed: padding
// taps read a row holding `offset`, and offset * (sum of all the channel's weights) is taken off, which
// leaves sum over inside taps of w * q - offset * sum over inside taps of w: the same int32 modulo 2^32
// (the reference's own wrapping). Tasks are ranges of output rows; scratch (the quantized batch item,
// the padding row, per task the accumulators of one row chunk) lives in the engine's shared scratch.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "kernels/common/thread_pool.h"
#include "kernels/ops/depthwise_conv2d/depthwise_conv2d.h"
#include "kernels/ops/depthwise_conv2d/dwconv_hybrid_ukernels.h"
#include "kernels/ops/gemm/hybrid_quantize.h"

namespace eb {
namespace {

// Most tap pointers one microkernel call takes (pixels * taps), held on the task's stack.
constexpr size_t kMaxHybridPointers = 1024;

struct HybridDwKernel {
  DwconvHybridUkernel fn;
  const char* name;
};

const HybridDwKernel* hybrid_dw_kernel_for(Isa isa) {
#if defined(__x86_64__)
  static const HybridDwKernel kAvx2 = {dwconv_hybrid_s8_avx2, "depthwise_conv2d_hybrid_dwconv_avx2"};
  if (isa == Isa::kAvx2 || isa == Isa::kAvx512 || isa == Isa::kAvx512Vnni) return &kAvx2;
#elif defined(__aarch64__)
  static const HybridDwKernel kNeon = {dwconv_hybrid_s8_neon, "depthwise_conv2d_hybrid_dwconv_neon"};
  if (isa == Isa::kNeon || isa == Isa::kNeonDot) return &kNeon;
#endif
  (void)isa;
  return nullptr;
}

size_t round64(size_t n) { return (n + 63) / 64 * 64; }

class DepthwiseHybridFastOp final : public PreparedOp {
 public:
  DepthwiseHybridFastOp(const HybridDwKernel& k, const HybridDotKernel& quantize, DepthwiseConv2DParams p,
                        const int8_t* filter, int threads, int in, int bias, int out)
      : k_(k), quantize_(quantize), p_(std::move(p)), in_(in), bias_(bias), out_(out) {
    const ConvGeometry& g = p_.geom;
    c_ = static_cast<size_t>(g.in_c);
    cstride_ = (c_ + 15) / 16 * 16;
    taps_ = static_cast<size_t>(g.filter_h) * static_cast<size_t>(g.filter_w);
    chunk_ = std::max<size_t>(1, kMaxHybridPointers / taps_);
    rows_ = static_cast<int64_t>(g.out_h);
    tasks_ = tasks_for_work(threads, rows_, static_cast<int64_t>(g.out_w) * g.out_c * static_cast<int64_t>(taps_));
    weights_.assign(taps_ * cstride_, 0);
    weight_sum_.assign(c_, 0);
    for (size_t t = 0; t < taps_; ++t)
      for (size_t c = 0; c < c_; ++c) {
        const int8_t v = filter[t * c_ + c];  // filter [1, KH, KW, C]
        weights_[t * cstride_ + c] = v;
        weight_sum_[c] = static_cast<int32_t>(static_cast<uint32_t>(weight_sum_[c]) + static_cast<uint32_t>(v));
      }
    quantized_bytes_ = round64(static_cast<size_t>(g.in_h) * static_cast<size_t>(g.in_w) * c_);
    pad_bytes_ = round64(c_);
    task_bytes_ = round64(chunk_ * c_ * sizeof(int32_t));
  }

  size_t scratch_bytes() const override {
    return quantized_bytes_ + pad_bytes_ + static_cast<size_t>(tasks_) * task_bytes_;
  }

  void run(const RunContext& ctx) override {
    const ConvGeometry& g = p_.geom;
    const float* input = ctx.in<float>(in_);
    const float* bias = bias_ >= 0 ? ctx.in<float>(bias_) : nullptr;
    float* output = ctx.out<float>(out_);
    int8_t* quantized = reinterpret_cast<int8_t*>(ctx.scratch);
    int8_t* pad = quantized + quantized_bytes_;
    uint8_t* task_scratch = ctx.scratch + quantized_bytes_ + pad_bytes_;
    const int64_t batch_elems = static_cast<int64_t>(g.in_h) * g.in_w * g.in_c;
    for (int32_t b = 0; b < g.batches; ++b) {
      float input_scale = 1.0f;
      int32_t offset = 0;
      hybrid_quantize_fast(quantize_, /*symmetric=*/false, input + b * batch_elems, static_cast<size_t>(batch_elems),
                           quantized, &input_scale, &offset);
      std::memset(pad, offset, c_);  // offset is in [-128, 127]: one int8 value
      float* out_b = output + static_cast<int64_t>(b) * g.out_h * g.out_w * g.out_c;
      parallel_for(ctx.pool, tasks_, [&](int64_t t) {
        const SplitRange r = split_range(rows_, tasks_, 1, t);
        int32_t* acc = reinterpret_cast<int32_t*>(task_scratch + static_cast<size_t>(t) * task_bytes_);
        for (int64_t oy = r.begin; oy < r.end; ++oy)
          run_row(static_cast<int32_t>(oy), quantized, pad, offset, input_scale, bias, acc, out_b);
      });
    }
  }

  const char* kernel_name() const override { return k_.name; }

 private:
  void run_row(int32_t oy, const int8_t* quantized, const int8_t* pad, int32_t offset, float input_scale,
               const float* bias, int32_t* acc, float* out_b) const {
    const ConvGeometry& g = p_.geom;
    const int8_t* ptrs[kMaxHybridPointers];
    for (int32_t ox0 = 0; ox0 < g.out_w; ox0 += static_cast<int32_t>(chunk_)) {
      const int32_t n = std::min<int32_t>(g.out_w - ox0, static_cast<int32_t>(chunk_));
      const int8_t** p = ptrs;
      for (int32_t ox = ox0; ox < ox0 + n; ++ox)
        for (int32_t ky = 0; ky < g.filter_h; ++ky)
          for (int32_t kx = 0; kx < g.filter_w; ++kx) {
            const int32_t iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
            const int32_t ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
            const bool inside = iy >= 0 && iy < g.in_h && ix >= 0 && ix < g.in_w;
            *p++ = inside ? quantized + (static_cast<size_t>(iy) * static_cast<size_t>(g.in_w) + static_cast<size_t>(ix)) * c_
                          : pad;
          }
      k_.fn(static_cast<size_t>(n), c_, taps_, ptrs, weights_.data(), cstride_, acc);
      float* out = out_b + (static_cast<int64_t>(oy) * g.out_w + ox0) * g.out_c;
      const uint32_t off = static_cast<uint32_t>(offset);
      for (size_t i = 0; i < static_cast<size_t>(n); ++i)
        for (size_t c = 0; c < c_; ++c) {
          const int32_t a = static_cast<int32_t>(static_cast<uint32_t>(acc[i * c_ + c]) -
                                                 off * static_cast<uint32_t>(weight_sum_[c]));
          out[i * c_ + c] = depthwise_conv2d_hybrid_output(p_, a, input_scale, bias, c);
        }
    }
  }

  HybridDwKernel k_;
  HybridDotKernel quantize_;  // its scan and quantize microkernels
  DepthwiseConv2DParams p_;
  int in_, bias_, out_;
  size_t c_ = 0, cstride_ = 0, taps_ = 0, chunk_ = 1;
  int64_t rows_ = 0, tasks_ = 1;
  size_t quantized_bytes_ = 0, pad_bytes_ = 0, task_bytes_ = 0;  // scratch layout, 64-byte rounded
  std::vector<int16_t> weights_;     // [taps][cstride_]
  std::vector<int32_t> weight_sum_;  // per channel, over all taps (wrapping)
};

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_depthwise_conv2d_fast_hybrid(PrepareContext& ctx,
                                                                         const DepthwiseConv2DParams& p) {
  const HybridDwKernel* k = hybrid_dw_kernel_for(ctx.isa());
  const HybridDotKernel* quantize = hybrid_dot_kernel_for(ctx.isa());
  const Tensor& w = ctx.input(1);
  if (k == nullptr || quantize == nullptr || p.depth_multiplier != 1 || !w.is_constant() || p.geom.in_c <= 0)
    return std::unique_ptr<PreparedOp>();
  return std::unique_ptr<PreparedOp>(std::make_unique<DepthwiseHybridFastOp>(
      *k, *quantize, p, w.constant_as<int8_t>(), ctx.threads(), ctx.input_index(0), ctx.has_input(2) ? ctx.input_index(2) : -1,
      ctx.output_index(0)));
}

}  // namespace eb
