// The hybrid (dynamic-range) CONV_2D on the int8 4-channel indirect GEMM (gemm_qs8_c4.h), for layers with
// in_c % 4 == 0 on an ISA with a Qs8C4 kernel (AVX-512 VNNI, ARMv8.2 SDOT, ARMv8.0 8-bit multiplies).
// Each batch item's input is quantized to the reference's bits (hybrid_quantize.h, on the ISA's scan and
// quantize microkernels of hybrid_dot.h); the GEMM
// then gives MR pixels x NR output channels of int32 sums per tile (each weight vector loaded once per
// MR pixels, no horizontal sums: the per-pixel dot path of conv2d_fast_hybrid.cc loads every weight
// once per pixel and reduces every output), and the shared float epilogue (conv2d_hybrid_output) turns
// the tile into outputs at once, from a per-task tile buffer.
//
// Layers whose input channels are not a multiple of 4 (a first layer on 1 or 3 channels: kws-dscnn's 10x4
// filter over 1 channel) run as a pointwise GEMM over the im2col matrix: each output pixel's window
// gathered into one row of ks * ic values (hybrid_gather_window), zero-padded to a multiple of 4, the
// filter packed as [oc][ks * ic] with zero weights in the padding: their products are 0.
//
// Numerics: the packed bias is only the kernel's own input bias (VNNI's sign flip) folded away, so a
// tile holds sum over taps of x * w, where padding taps read a row of the input offset; subtracting
// offset * sum(w) over all taps leaves sum over the inside taps of (x - offset) * w, the reference's
// int32 modulo 2^32 (its own wrapping). Same int32, same epilogue: bit-identical to the reference.
#include <cstring>
#include <memory>
#include <vector>

#include "kernels/common/thread_pool.h"
#include "kernels/ops/conv2d/conv2d.h"
#include "kernels/ops/conv2d/conv_q8_spec.h"
#include "kernels/ops/gemm/gemm_qs8_c4.h"
#include "kernels/ops/gemm/hybrid_quantize.h"

namespace eb {
namespace {

size_t round64(size_t n) { return (n + 63) / 64 * 64; }

constexpr size_t kMaxIm2colBytes = size_t{64} << 20;

class Conv2DHybridGemmOp final : public PreparedOp {
 public:
  // s: the GEMM's spec, the conv's own or (im2col) the pointwise one over the im2col matrix.
  Conv2DHybridGemmOp(const Qs8C4KernelInfo& k, const HybridDotKernel& quantize, const Q8ConvSpec& s, bool im2col,
                     Conv2DParams p, int threads, int in, int bias, int out)
      : gemm_(k, s),
        quantize_(quantize),
        name_(im2col ? k.hybrid_conv_im2col : k.hybrid_conv),
        p_(std::move(p)),
        im2col_(im2col),
        in_(in),
        bias_(bias),
        out_(out) {
    const ConvGeometry& g = p_.geom;
    symmetric_ = p_.hybrid.input_quant == HybridInputQuant::kSymmetric;
    tasks_ = tasks_for_work(threads, gemm_.tiles(), gemm_.work_per_tile());
    // Shared scratch (RunContext::scratch): the quantized batch item, (im2col) its windows' matrix, the
    // padding row, the epilogue's per-channel terms of the batch item (int32 shift, float scale), one
    // tile of int32 sums per task.
    quantized_bytes_ = round64(static_cast<size_t>(g.in_h) * static_cast<size_t>(g.in_w) * static_cast<size_t>(g.in_c));
    window_ = static_cast<size_t>(g.filter_h) * static_cast<size_t>(g.filter_w) * static_cast<size_t>(g.in_c);
    im2col_bytes_ = im2col ? round64(gemm_.pixels() * gemm_.kc()) : 0;
    pad_bytes_ = round64(gemm_.kc());
    column_bytes_ = round64(gemm_.columns() * sizeof(int32_t));
    tile_bytes_ = round64(gemm_.mr() * gemm_.nr() * sizeof(int32_t));
  }

  Status init(const Q8ConvSpec& s) {
    EB_RETURN_IF_ERROR(gemm_.init(s));
    // Sum of each output channel's weights over all taps: the input offset's share (0 when symmetric).
    const size_t n = gemm_.columns(), per_channel = static_cast<size_t>(s.filter_h) * s.filter_w * gemm_.kc();
    weight_sums_.assign(n, 0);
    if (symmetric_) return Status();
    for (size_t o = 0; o < n; ++o) {
      uint32_t sum = 0;
      for (size_t i = 0; i < per_channel; ++i)
        sum += static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(s.filter[o * per_channel + i])));
      weight_sums_[o] = static_cast<int32_t>(sum);
    }
    return Status();
  }

  size_t scratch_bytes() const override {
    return quantized_bytes_ + im2col_bytes_ + pad_bytes_ + 2 * column_bytes_ + static_cast<size_t>(tasks_) * tile_bytes_;
  }

  void run(const RunContext& ctx) override {
    const ConvGeometry& g = p_.geom;
    const float* input = ctx.in<float>(in_);
    const float* bias = bias_ >= 0 ? ctx.in<float>(bias_) : nullptr;
    float* output = ctx.out<float>(out_);
    const int64_t batch_elems = static_cast<int64_t>(g.in_h) * g.in_w * g.in_c;
    int8_t* quantized = reinterpret_cast<int8_t*>(ctx.scratch);
    int8_t* matrix = reinterpret_cast<int8_t*>(ctx.scratch + quantized_bytes_);  // im2col
    uint8_t* pad = ctx.scratch + quantized_bytes_ + im2col_bytes_;
    int32_t* shift = reinterpret_cast<int32_t*>(pad + pad_bytes_);
    float* scale = reinterpret_cast<float*>(pad + pad_bytes_ + column_bytes_);
    uint8_t* tiles = pad + pad_bytes_ + 2 * column_bytes_;
    const size_t n = gemm_.columns(), nr = gemm_.nr();
    for (int32_t b = 0; b < g.batches; ++b) {
      float input_scale = 1.0f;
      int32_t offset = 0;
      hybrid_quantize_fast(quantize_, symmetric_, input + b * batch_elems, static_cast<size_t>(batch_elems),
                           quantized, &input_scale, &offset);
      // Padding taps read the offset: (offset - offset) = 0, as the reference skipping the tap.
      std::memset(pad, offset, gemm_.kc());
      hybrid_conv_output_terms(p_, symmetric_, input_scale, offset, weight_sums_.data(), n, shift, scale);
      float* out_b = output + static_cast<size_t>(b) * gemm_.pixels() * n;
      if (im2col_) {
        const size_t k4 = gemm_.kc();
        parallel_for(ctx.pool, tasks_, [&](int64_t t) {
          const SplitRange r = split_range(g.out_h, tasks_, 1, t);
          for (int64_t oy = r.begin; oy < r.end; ++oy)
            for (int32_t ox = 0; ox < g.out_w; ++ox) {
              int8_t* row = matrix + (static_cast<size_t>(oy) * static_cast<size_t>(g.out_w) + static_cast<size_t>(ox)) * k4;
              hybrid_gather_window(g, quantized, offset, static_cast<int32_t>(oy), ox, row);
              std::memset(row + window_, 0, k4 - window_);  // times the zero weights of the padding
            }
        });
      }
      const uint8_t* gemm_input = reinterpret_cast<const uint8_t*>(im2col_ ? matrix : quantized);
      parallel_for(ctx.pool, tasks_, [&](int64_t t) {
        const SplitRange r = split_range(gemm_.tiles(), tasks_, 1, t);
        int32_t* sums = reinterpret_cast<int32_t*>(tiles + static_cast<size_t>(t) * tile_bytes_);
        gemm_.run_tiles(
            gemm_input, pad, /*rq=*/nullptr, r.begin, r.end,
            [&](size_t, size_t, Qs8GemmC4Args& a) {
              a.c = reinterpret_cast<uint8_t*>(sums);
              a.c_stride = nr * sizeof(int32_t);
            },
            [&](size_t first_pixel, size_t rows, size_t first_column, size_t columns) {
              for (size_t row = 0; row < rows; ++row)
                quantize_.output(sums + row * nr, columns, shift + first_column, scale + first_column,
                                 bias ? bias + first_column : nullptr, p_.act_min, p_.act_max,
                                 out_b + (first_pixel + row) * n + first_column);
            });
      });
    }
  }

  const char* kernel_name() const override { return name_; }

 private:
  Qs8C4Igemm gemm_;
  HybridDotKernel quantize_;  // its scan and quantize microkernels
  const char* name_;
  Conv2DParams p_;
  bool im2col_;
  size_t window_ = 0;  // ks * ic: an im2col row before its zero padding
  int in_, bias_, out_;
  bool symmetric_ = false;
  int64_t tasks_ = 1;
  size_t quantized_bytes_ = 0, im2col_bytes_ = 0, pad_bytes_ = 0, column_bytes_ = 0, tile_bytes_ = 0;  // scratch
  std::vector<int32_t> weight_sums_;  // per output channel over all taps (wrapping); 0 for symmetric inputs
};

}  // namespace

Result<std::unique_ptr<PreparedOp>> make_conv2d_hybrid_gemm_op(Isa isa, int threads, const Conv2DParams& p,
                                                               const int8_t* filter, int input, int bias, int output) {
  const Qs8C4KernelInfo* k = qs8_c4_kernel_for(isa);
  const HybridDotKernel* quantize = hybrid_dot_kernel_for(isa);
  if (k == nullptr || k->hybrid_conv == nullptr || quantize == nullptr || p.groups != 1)
    return std::unique_ptr<PreparedOp>();
  const ConvGeometry& g = p.geom;
  Q8ConvSpec s = q8_spec_geometry(g);
  s.filter = reinterpret_cast<const uint8_t*>(filter);  // int8, symmetric (filter_zp 0); no bias, no scale
  const bool im2col = g.in_c % 4 != 0;
  std::vector<uint8_t> padded;  // im2col: the filter as [oc][k4], zeros past each row's ks * ic weights
  if (im2col) {
    const size_t window = static_cast<size_t>(g.filter_h) * static_cast<size_t>(g.filter_w) * static_cast<size_t>(g.in_c);
    const size_t k4 = (window + 3) / 4 * 4, oc = static_cast<size_t>(g.out_c);
    // The matrix lives in the engine's scratch: past kMaxIm2colBytes the per-pixel path (no matrix)
    // serves the layer instead of a load error for a large but valid model.
    const size_t pixels = static_cast<size_t>(g.out_h) * static_cast<size_t>(g.out_w);
    if (pixels > kMaxIm2colBytes / k4) return std::unique_ptr<PreparedOp>();
    padded.assign(oc * k4, 0);
    for (size_t o = 0; o < oc; ++o) std::memcpy(padded.data() + o * k4, s.filter + o * window, window);
    Q8ConvSpec m;  // pointwise over the [pixels][k4] matrix: one "input row" of out_h * out_w pixels
    m.batches = g.batches;
    m.in_h = m.out_h = 1;
    m.in_w = m.out_w = g.out_h * g.out_w;
    m.in_c = static_cast<int32_t>(k4);
    m.out_c = g.out_c;
    m.filter = padded.data();
    s = m;
  }
  if (!Qs8C4Igemm::fits(*k, s)) return std::unique_ptr<PreparedOp>();
  auto op = std::make_unique<Conv2DHybridGemmOp>(*k, *quantize, s, im2col, p, threads, input, bias, output);
  EB_RETURN_IF_ERROR(op->init(s));
  return std::unique_ptr<PreparedOp>(std::move(op));
}

}  // namespace eb
