// The int8 GEMM op on 4-channel dot-product kernels (VNNI VPDPBUSD, ARMv8.2 SDOT): raw int8 input read
// through byte offsets (no centering pass), weights packed once as int8 with the kernel's input bias
// (VNNI's sign flip) and the input zero point folded into the bias. Numerics: gemm_q8_ukernel.h
// (Qs8GemmC4Args); bit-identical to the reference.
#include <algorithm>
#include <cstring>

#include "kernels/common/thread_pool.h"
#include "kernels/ops/gemm/gemm_q8.h"
#include "kernels/ops/gemm/igemm_indirection.h"

namespace eb {

namespace {

// Byte offsets into the raw input, relative to an input row (see igemm_indirection.h): the op moves
// Qs8GemmC4Args::input to that row; -1 reads the padding row.
struct C4Offset {
  int64_t row_bytes, kc;  // in_w * kc, kc
  int64_t operator()(bool inside, int32_t iy, int32_t ix) const { return inside ? iy * row_bytes + ix * kc : -1; }
};
using C4Indirection = IgemmIndirection<int64_t, C4Offset>;

class Qs8IgemmC4Op final : public PreparedOp {
 public:
  Qs8IgemmC4Op(const Qs8C4KernelInfo& k, const Q8ConvSpec& s, const char* name, int threads, int in, int out)
      : k_(k),
        name_(name),
        in_(in),
        out_(out),
        ind_(s, k.mr, C4Offset{static_cast<int64_t>(s.in_w) * s.in_c, static_cast<int64_t>(s.in_c)}) {
    batches_ = s.batches;
    in_pixels_ = static_cast<size_t>(s.in_h) * static_cast<size_t>(s.in_w);
    kc_ = static_cast<size_t>(s.in_c);
    ks_ = static_cast<size_t>(s.filter_h) * static_cast<size_t>(s.filter_w);
    m_ = static_cast<size_t>(s.out_h) * static_cast<size_t>(s.out_w);
    n_ = static_cast<size_t>(s.out_c);
    in_w_ = static_cast<size_t>(s.in_w);
    m_tiles_ = ind_.m_tiles();
    n_tiles_ = (n_ + k_.nr - 1) / k_.nr;
    block_bytes_ = k_.nr * 8 + ks_ * kc_ * k_.nr;
    rq_ = make_q8_requant(s.output_zp, s.act_min, s.act_max, /*is_unsigned=*/false);
    const int64_t tiles = static_cast<int64_t>(m_tiles_ * n_tiles_);
    tasks_ = tasks_for_work(threads, tiles, static_cast<int64_t>(k_.mr * k_.nr * kc_ * ks_));
  }

  Status init(const Q8ConvSpec& s) {
    EB_RETURN_IF_ERROR(packed_.allocate(n_tiles_ * block_bytes_));
    EB_RETURN_IF_ERROR(pad_row_.allocate(kc_));
    // Padding taps read the input zero point: its (x - x_zp) is 0, as the reference skips them.
    std::memset(pad_row_.data(), static_cast<int>(static_cast<uint8_t>(s.input_zp)), kc_);
    pack_weights(s);
    return Status();
  }

  void run(const RunContext& ctx) override {
    const uint8_t* in = ctx.data[in_];
    uint8_t* out = ctx.data[out_];
    for (int32_t b = 0; b < batches_; ++b) {
      const uint8_t* in_b = in + static_cast<size_t>(b) * in_pixels_ * kc_;
      uint8_t* out_b = out + static_cast<size_t>(b) * m_ * n_;
      parallel_for(ctx.pool, tasks_, [&](int64_t t) {
        const SplitRange r = split_range(static_cast<int64_t>(m_tiles_ * n_tiles_), tasks_, 1, t);
        int64_t offsets[kMaxIgemmEntries];
        size_t offsets_mt = m_tiles_;  // the row tile `a` points at (none yet)
        uint8_t* c_row = nullptr;
        Qs8GemmC4Args a;
        a.kc = kc_;
        a.ks = ks_;
        a.pad = pad_row_.data();
        a.c_stride = n_;
        a.rq = &rq_;
        for (int64_t tile = r.begin; tile < r.end; ++tile) {
          const size_t mt = static_cast<size_t>(tile) / n_tiles_, nt = static_cast<size_t>(tile) % n_tiles_;
          if (mt != offsets_mt) {
            const C4Indirection::Tile row_tile = ind_.tile(mt, offsets);
            a.offsets = row_tile.entries;
            a.mr = row_tile.mr;
            a.input = in_b + static_cast<size_t>(row_tile.base_row) * in_w_ * kc_;
            c_row = out_b + row_tile.first_pixel * n_;
            offsets_mt = mt;
          }
          a.nc = std::min(k_.nr, n_ - nt * k_.nr);
          a.w = packed_.data() + nt * block_bytes_;
          a.c = c_row + nt * k_.nr;
          k_.fn(&a);
        }
      });
    }
  }

  const char* kernel_name() const override { return name_; }

 private:
  void pack_weights(const Q8ConvSpec& s) {
    const size_t nr = k_.nr;
    const uint32_t flip_and_zp = static_cast<uint32_t>(k_.input_bias + s.input_zp);
    for (size_t nt = 0; nt < n_tiles_; ++nt) {
      uint8_t* block = packed_.data() + nt * block_bytes_;
      int32_t* bias = reinterpret_cast<int32_t*>(block);
      float* scale = reinterpret_cast<float*>(block + nr * 4);
      int8_t* w = reinterpret_cast<int8_t*>(block + nr * 8);
      for (size_t j = 0; j < nr; ++j) {
        const size_t n = nt * nr + j;
        if (n >= n_) break;  // padding columns: bias, scale and weights stay 0
        int32_t b0 = 0;
        if (s.bias) std::memcpy(&b0, s.bias + n * 4, 4);
        uint32_t folded = static_cast<uint32_t>(b0);  // wrapping, like the reference's adds
        scale[j] = s.scale[n];
        for (size_t t = 0; t < ks_; ++t) {
          for (size_t k = 0; k < kc_; ++k) {
            const int8_t v = static_cast<int8_t>(s.filter[(n * ks_ + t) * kc_ + k]);
            w[((t * (kc_ / 4) + k / 4) * nr + j) * 4 + (k & 3)] = v;
            folded -= flip_and_zp * static_cast<uint32_t>(static_cast<int32_t>(v));
          }
        }
        bias[j] = static_cast<int32_t>(folded);
      }
    }
  }

  Qs8C4KernelInfo k_;
  const char* name_;
  int in_, out_;
  C4Indirection ind_;
  int32_t batches_ = 1;
  size_t in_w_ = 0;
  size_t in_pixels_ = 0, kc_ = 0, ks_ = 0, m_ = 0, n_ = 0, m_tiles_ = 0, n_tiles_ = 0, block_bytes_ = 0;
  Q8Requant rq_{};
  int64_t tasks_ = 1;
  Q8Buffer packed_, pad_row_;
};

// Whether any int8 weight is -128 (see Qs8C4KernelInfo::int16_pairs).
bool filter_holds_minus_128(const Q8ConvSpec& s) {
  const size_t n = static_cast<size_t>(s.out_c) * static_cast<size_t>(s.filter_h) * static_cast<size_t>(s.filter_w) *
                   static_cast<size_t>(s.in_c);
  for (size_t i = 0; i < n; ++i)
    if (s.filter[i] == 0x80) return true;
  return false;
}

}  // namespace

Result<std::unique_ptr<PreparedOp>> make_qs8_c4_igemm_op(Isa isa, int threads, const Q8ConvSpec& spec, bool fc,
                                                         int input_tensor, int output_tensor) {
  // One output row (FULLY_CONNECTED at batch 1, a 1x1 output): the single-row kernel when there is one.
  const bool one_row = static_cast<int64_t>(spec.out_h) * spec.out_w == 1;
  const Qs8C4KernelInfo* k = one_row ? qs8_c4_gemv_kernel_for(isa) : nullptr;
  if (k == nullptr) k = qs8_c4_kernel_for(isa);
  // int8 weights are symmetric (filter_zp 0) and fit the kernel's int8 operand as they are, -128 too.
  if (k == nullptr || spec.is_unsigned || spec.filter_zp != 0 || spec.in_c % 4 != 0 || !C4Indirection::fits(spec, k->mr))
    return std::unique_ptr<PreparedOp>();
  if (k->int16_pairs && filter_holds_minus_128(spec)) return std::unique_ptr<PreparedOp>();
  auto op = std::make_unique<Qs8IgemmC4Op>(*k, spec, fc ? k->fc : k->conv, threads, input_tensor, output_tensor);
  EB_RETURN_IF_ERROR(op->init(spec));
  return std::unique_ptr<PreparedOp>(std::move(op));
}

}  // namespace eb
