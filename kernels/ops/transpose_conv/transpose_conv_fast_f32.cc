// TRANSPOSE_CONV float32 on the GEMM microkernels: for a band of input rows, one GEMM computes every
// input pixel's contribution to every filter tap and output channel (cols[pixel][tap][oc] = input[pixel]
// . filter[oc][tap]), then col2im adds each tap's out_c values onto its output pixel. The filter is
// reordered to [tap][oc][in_c] rows and packed once at prepare.
//
// col2im walks pixels and taps in the reference's order, so each output sums the same partial dot
// products in the same order; only a dot product's own rounding (FMA) differs from the reference.
// The GEMM is threaded; col2im runs on one thread (overlapping taps of neighbouring pixels add into the
// same outputs).
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "kernels/ops/gemm/gemm_f32.h"
#include "kernels/ops/transpose_conv/transpose_conv.h"
#include "kernels/ops/transpose_conv/transpose_conv_fast.h"

namespace eb {
namespace {

// Scratch kept near 4 MiB: bands of whole input rows whose cols fit it (at least one row).
constexpr size_t kColsBudgetFloats = size_t{1} << 20;

const char* fast_f32_name(Isa isa) {
  switch (isa) {
    case Isa::kAvx2: return "transpose_conv_f32_gemm_avx2";
    case Isa::kAvx512:
    case Isa::kAvx512Vnni: return "transpose_conv_f32_gemm_avx512";
    default: return "transpose_conv_f32_gemm_neon";
  }
}

class TransposeConvF32GemmOp final : public PreparedOp {
 public:
  TransposeConvF32GemmOp(const GemmF32Kernel& k, AlignedFloats packed, const TransposeConvParams& p, int in, int bias,
                         int out, const char* name)
      : k_(k), packed_(std::move(packed)), p_(p), in_(in), bias_(bias), out_(out), name_(name) {
    const ConvGeometry& g = p_.geom;
    n_ = static_cast<size_t>(g.filter_h) * g.filter_w * g.out_c;
    const size_t row_floats = static_cast<size_t>(g.in_w) * n_;
    band_rows_ = static_cast<int32_t>(std::clamp<size_t>(kColsBudgetFloats / std::max<size_t>(row_floats, 1), 1,
                                                         static_cast<size_t>(g.in_h)));
  }

  void run(const RunContext& c) override {
    const ConvGeometry& g = p_.geom;
    const float* input = c.in<float>(in_);
    const float* bias = bias_ >= 0 ? c.in<float>(bias_) : nullptr;
    float* output = c.out<float>(out_);
    float* cols = reinterpret_cast<float*>(c.scratch);
    const size_t kc = static_cast<size_t>(g.in_c), oc_n = static_cast<size_t>(g.out_c);
    const GemmF32Params no_clamp{-std::numeric_limits<float>::infinity(), std::numeric_limits<float>::infinity()};
    const size_t out_pixels = static_cast<size_t>(g.batches) * g.out_h * g.out_w;
    std::fill(output, output + out_pixels * oc_n, 0.0f);
    for (int32_t b = 0; b < g.batches; ++b)
      for (int32_t y0 = 0; y0 < g.in_h; y0 += band_rows_) {
        const int32_t rows = std::min(band_rows_, g.in_h - y0);
        const size_t m = static_cast<size_t>(rows) * g.in_w;
        run_gemm_f32(k_, packed_.data(), m, n_, kc, input + nhwc_offset(b, y0, 0, 0, g.in_h, g.in_w, g.in_c), kc, cols,
                     n_, no_clamp, c.pool);
        col2im(b, y0, rows, cols, output);
      }
    for (size_t i = 0; i < out_pixels; ++i)
      for (size_t oc = 0; oc < oc_n; ++oc) {
        float& v = output[i * oc_n + oc];
        v = std::min(std::max(v + (bias ? bias[oc] : 0.0f), p_.act_min), p_.act_max);
      }
  }

  const char* kernel_name() const override { return name_; }
  size_t scratch_bytes() const override {
    return static_cast<size_t>(band_rows_) * p_.geom.in_w * n_ * sizeof(float);
  }

 private:
  void col2im(int32_t b, int32_t y0, int32_t rows, const float* cols, float* output) const {
    const ConvGeometry& g = p_.geom;
    for (int32_t y = y0; y < y0 + rows; ++y)
      for (int32_t x = 0; x < g.in_w; ++x) {
        const float* col = cols + (static_cast<size_t>(y - y0) * g.in_w + x) * n_;
        for (int32_t fy = 0; fy < g.filter_h; ++fy) {
          const int64_t oy = int64_t{y} * g.stride_h - g.pad_top + fy;  // int64: hostile strides
          if (oy < 0 || oy >= g.out_h) continue;
          for (int32_t fx = 0; fx < g.filter_w; ++fx) {
            const int64_t ox = int64_t{x} * g.stride_w - g.pad_left + fx;
            if (ox < 0 || ox >= g.out_w) continue;
            const float* src = col + static_cast<size_t>(fy * g.filter_w + fx) * g.out_c;
            float* dst = output + nhwc_offset(b, static_cast<int32_t>(oy), static_cast<int32_t>(ox), 0, g.out_h, g.out_w, g.out_c);
            for (int32_t oc = 0; oc < g.out_c; ++oc) dst[oc] += src[oc];
          }
        }
      }
  }

  const GemmF32Kernel& k_;
  AlignedFloats packed_;
  TransposeConvParams p_;
  int in_, bias_, out_;
  const char* name_;
  size_t n_ = 0;
  int32_t band_rows_ = 1;
};

}  // namespace

std::unique_ptr<PreparedOp> prepare_transpose_conv_fast_f32(PrepareContext& ctx, const TransposeConvParams& p,
                                                            int filter, int input, int bias, int output) {
  const GemmF32Kernel* k = gemm_f32_kernel_for(ctx.isa());
  const Tensor& w = ctx.graph().tensors[static_cast<size_t>(filter)];
  if (k == nullptr || !w.is_constant()) return nullptr;
  const ConvGeometry& g = p.geom;
  // Filter [oc][fy][fx][ic] -> GEMM rows [fy][fx][oc], each in_c long.
  const size_t taps = static_cast<size_t>(g.filter_h) * g.filter_w, kc = static_cast<size_t>(g.in_c);
  const size_t n = taps * g.out_c;
  std::vector<float> rows(n * kc);
  const float* src = w.constant_as<float>();
  for (size_t oc = 0; oc < static_cast<size_t>(g.out_c); ++oc)
    for (size_t t = 0; t < taps; ++t)
      std::memcpy(&rows[(t * g.out_c + oc) * kc], src + (oc * taps + t) * kc, kc * sizeof(float));
  AlignedFloats packed = pack_gemm_f32_weights(rows.data(), nullptr, n, kc, k->nr);
  return std::make_unique<TransposeConvF32GemmOp>(*k, std::move(packed), p, input, bias, output,
                                                  fast_f32_name(ctx.isa()));
}

}  // namespace eb
