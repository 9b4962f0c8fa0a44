// TRANSPOSE_CONV int8 on the raw-int8 4-channel GEMM (Qs8C4: AVX-512 VNNI, NEON SDOT / 8-bit multiplies):
// per batch item one GEMM gives every input pixel's int32 sums sum (x - x_zp) * w for every filter tap
// and output channel (the filter reordered to [tap][oc][in_c] rows and packed once, run as a 1x1
// convolution over the pixels), col2im adds them onto the output pixels in wrapping int32, then the bias
// and ConvRequant finish each output as the reference does. Integer sums are exact, so the result is
// bit-identical to transpose_conv_qs8_ref. Needs in_c % 4 == 0 (the kernel's channel groups).
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "kernels/ops/gemm/gemm_qs8_c4.h"
#include "kernels/ops/transpose_conv/transpose_conv.h"
#include "kernels/ops/transpose_conv/transpose_conv_fast.h"

namespace eb {
namespace {

// The int32 GEMM output of one batch item is kept whole; larger layers stay on the reference.
constexpr size_t kMaxColsBytes = size_t{64} << 20;

size_t round64(size_t v) { return (v + 63) / 64 * 64; }

const char* fast_qs8_name(Isa isa) {
  switch (isa) {
    case Isa::kAvx512Vnni: return "transpose_conv_qs8_gemm_8x32c4_avx512vnni";
    case Isa::kNeonDot: return "transpose_conv_qs8_gemm_4x16c4_neondot";
    default: return "transpose_conv_qs8_gemm_4x8c4_neon";
  }
}

class TransposeConvQs8GemmOp final : public PreparedOp {
 public:
  TransposeConvQs8GemmOp(const Qs8C4KernelInfo& k, const Q8ConvSpec& spec, const TransposeConvParams& p, int threads,
                         int in, int bias, int out, const char* name)
      : gemm_(k, spec), p_(p), in_(in), bias_(bias), out_(out), name_(name) {
    const ConvGeometry& g = p_.geom;
    tasks_ = std::max<int64_t>(1, std::min<int64_t>(threads, gemm_.tiles()));
    cols_bytes_ = round64(gemm_.pixels() * gemm_.columns() * sizeof(int32_t));
    acc_bytes_ = round64(static_cast<size_t>(g.out_h) * g.out_w * g.out_c * sizeof(int32_t));
    pad_bytes_ = round64(gemm_.kc());
    tile_bytes_ = round64(gemm_.mr() * gemm_.nr() * sizeof(int32_t));
  }
  Status init(const Q8ConvSpec& spec) { return gemm_.init(spec); }

  size_t scratch_bytes() const override {
    return cols_bytes_ + acc_bytes_ + pad_bytes_ + static_cast<size_t>(tasks_) * tile_bytes_;
  }

  void run(const RunContext& c) override {
    const ConvGeometry& g = p_.geom;
    const ConvRequant& rq = p_.requant;
    const int8_t* input = c.in<int8_t>(in_);
    const int32_t* bias = bias_ >= 0 ? c.in<int32_t>(bias_) : nullptr;
    int8_t* output = c.out<int8_t>(out_);
    int32_t* cols = reinterpret_cast<int32_t*>(c.scratch);
    int32_t* acc = reinterpret_cast<int32_t*>(c.scratch + cols_bytes_);
    uint8_t* pad = c.scratch + cols_bytes_ + acc_bytes_;
    uint8_t* tiles = pad + pad_bytes_;
    std::memset(pad, static_cast<uint8_t>(static_cast<int8_t>(rq.input_zp)), gemm_.kc());  // never read: 1x1 taps
    const size_t n = gemm_.columns(), nr = gemm_.nr();
    const size_t in_elems = static_cast<size_t>(g.in_h) * g.in_w * g.in_c;
    const size_t out_elems = static_cast<size_t>(g.out_h) * g.out_w * g.out_c;
    for (int32_t b = 0; b < g.batches; ++b) {
      const uint8_t* in_b = reinterpret_cast<const uint8_t*>(input + b * in_elems);
      parallel_for(c.pool, tasks_, [&](int64_t t) {
        const SplitRange r = split_range(gemm_.tiles(), tasks_, 1, t);
        int32_t* sums = reinterpret_cast<int32_t*>(tiles + static_cast<size_t>(t) * tile_bytes_);
        gemm_.run_tiles(
            in_b, pad, /*rq=*/nullptr, r.begin, r.end,
            [&](size_t, size_t, Qs8GemmC4Args& a) {
              a.c = reinterpret_cast<uint8_t*>(sums);
              a.c_stride = nr * sizeof(int32_t);
            },
            [&](size_t first_pixel, size_t rows, size_t first_column, size_t columns) {
              for (size_t row = 0; row < rows; ++row)
                std::memcpy(cols + (first_pixel + row) * n + first_column, sums + row * nr, columns * sizeof(int32_t));
            });
      });
      std::fill(acc, acc + out_elems, 0);
      col2im(cols, acc);
      int8_t* out_b = output + b * out_elems;
      for (size_t i = 0; i < out_elems; i += static_cast<size_t>(g.out_c))
        for (int32_t oc = 0; oc < g.out_c; ++oc) {
          const int32_t a = bias ? wrapping_add_i32(acc[i + oc], bias[oc]) : acc[i + oc];
          out_b[i + oc] = static_cast<int8_t>(rq.apply(a, oc));
        }
    }
  }

  const char* kernel_name() const override { return name_; }

 private:
  void col2im(const int32_t* cols, int32_t* acc) const {
    const ConvGeometry& g = p_.geom;
    const size_t n = gemm_.columns();
    for (int32_t y = 0; y < g.in_h; ++y)
      for (int32_t x = 0; x < g.in_w; ++x) {
        const int32_t* col = cols + (static_cast<size_t>(y) * g.in_w + x) * n;
        for (int32_t fy = 0; fy < g.filter_h; ++fy) {
          const int64_t oy = int64_t{y} * g.stride_h - g.pad_top + fy;  // int64: hostile strides
          if (oy < 0 || oy >= g.out_h) continue;
          for (int32_t fx = 0; fx < g.filter_w; ++fx) {
            const int64_t ox = int64_t{x} * g.stride_w - g.pad_left + fx;
            if (ox < 0 || ox >= g.out_w) continue;
            const int32_t* src = col + static_cast<size_t>(fy * g.filter_w + fx) * g.out_c;
            int32_t* dst = acc + (static_cast<size_t>(oy) * g.out_w + static_cast<size_t>(ox)) * g.out_c;
            for (int32_t oc = 0; oc < g.out_c; ++oc) dst[oc] = wrapping_add_i32(dst[oc], src[oc]);
          }
        }
      }
  }

  Qs8C4Igemm gemm_;
  TransposeConvParams p_;
  int in_, bias_, out_;
  const char* name_;
  int64_t tasks_ = 1;
  size_t cols_bytes_ = 0, acc_bytes_ = 0, pad_bytes_ = 0, tile_bytes_ = 0;
};

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_transpose_conv_fast_qs8(PrepareContext& ctx, const TransposeConvParams& p,
                                                                    int filter, int input, int bias, int output) {
  const Qs8C4KernelInfo* k = qs8_c4_kernel_for(ctx.isa());
  const Tensor& w = ctx.graph().tensors[static_cast<size_t>(filter)];
  const ConvGeometry& g = p.geom;
  if (k == nullptr || !w.is_constant() || p.requant.filter_zp != 0) return std::unique_ptr<PreparedOp>();
  const size_t taps = static_cast<size_t>(g.filter_h) * g.filter_w, kc = static_cast<size_t>(g.in_c);
  const size_t m = static_cast<size_t>(g.in_h) * g.in_w, n = taps * g.out_c;
  if (m * n * sizeof(int32_t) > kMaxColsBytes) return std::unique_ptr<PreparedOp>();
  // Filter [oc][fy][fx][ic] -> GEMM rows [fy][fx][oc], each in_c long.
  std::vector<uint8_t> rows(n * kc);
  const uint8_t* src = w.constant_as<uint8_t>();
  for (size_t oc = 0; oc < static_cast<size_t>(g.out_c); ++oc)
    for (size_t t = 0; t < taps; ++t) std::memcpy(&rows[(t * g.out_c + oc) * kc], src + (oc * taps + t) * kc, kc);
  // The GEMM as a 1x1 convolution over the m input pixels of one batch item.
  Q8ConvSpec s;
  s.in_w = s.out_w = static_cast<int32_t>(m);
  s.in_c = g.in_c;
  s.out_c = static_cast<int32_t>(n);
  s.input_zp = p.requant.input_zp;
  s.filter = rows.data();
  if (!Qs8C4Igemm::fits(*k, s)) return std::unique_ptr<PreparedOp>();
  auto op = std::make_unique<TransposeConvQs8GemmOp>(*k, s, p, ctx.threads(), input, bias, output,
                                                     fast_qs8_name(ctx.isa()));
  EB_RETURN_IF_ERROR(op->init(s));
  return std::unique_ptr<PreparedOp>(std::move(op));
}

}  // namespace eb
