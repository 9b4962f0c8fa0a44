// The int8 GEMM op on 4-channel dot-product kernels (VNNI VPDPBUSD, ARMv8.2 SDOT): raw int8 input read
// through byte offsets (no centering pass), weights packed once as int8 with the kernel's input bias
// (VNNI's sign flip) and the input zero point folded into the bias. Numerics: gemm_q8_ukernel.h
// (Qs8GemmC4Args); bit-identical to the reference.
#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels/common/thread_pool.h"
#include "kernels/ops/gemm/gemm_q8.h"

namespace eb {

namespace {

// Indirection as in gemm_q8.cc (kPointwise, kRows, kTable; no per-pixel table for wide layers): here
// the kernel reads byte offsets from `input`, so the cached row of kRows is relative to the row's
// first input row and `input` moves to that row; rows touching the top or bottom padding are built per
// tile into a stack array of at most kMaxC4Offsets.
constexpr size_t kMaxC4Offsets = 2048;

class Qs8IgemmC4Op final : public PreparedOp {
 public:
  Qs8IgemmC4Op(const Qs8C4KernelInfo& k, const Q8ConvSpec& s, const char* name, int threads, int in, int out)
      : k_(k), name_(name), in_(in), out_(out) {
    batches_ = s.batches;
    geom_ = s;
    geom_.filter = nullptr;  // only the geometry is kept: the filter is packed below
    geom_.bias = nullptr;
    geom_.scale = nullptr;
    const bool pointwise = s.filter_h == 1 && s.filter_w == 1 && s.stride_h == 1 && s.stride_w == 1 &&
                           s.pad_top == 0 && s.pad_left == 0 && s.out_h == s.in_h && s.out_w == s.in_w;
    tiling_ = pointwise ? Tiling::kPointwise
                        : static_cast<size_t>(s.out_w) % k_.mr == 0 ? Tiling::kRows : Tiling::kTable;
    span_h_ = (s.filter_h - 1) * s.dilation_h;
    in_pixels_ = static_cast<size_t>(s.in_h) * static_cast<size_t>(s.in_w);
    kc_ = static_cast<size_t>(s.in_c);
    ks_ = static_cast<size_t>(s.filter_h) * static_cast<size_t>(s.filter_w);
    m_ = static_cast<size_t>(s.out_h) * static_cast<size_t>(s.out_w);
    n_ = static_cast<size_t>(s.out_c);
    tiles_per_row_ = (static_cast<size_t>(s.out_w) + k_.mr - 1) / k_.mr;
    m_tiles_ = tiling_ == Tiling::kRows ? static_cast<size_t>(s.out_h) * tiles_per_row_ : (m_ + k_.mr - 1) / k_.mr;
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
    build_table();
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
        int64_t offsets[kMaxC4Offsets];
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
          if (mt != offsets_mt) set_row_tile(mt, in_b, offsets, out_b, a, c_row), offsets_mt = mt;
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
  // Points `a` at row tile mt (tiles are numbered row-block major, so a task's consecutive tiles share
  // it): its offsets, input base, rows to store and output (c_row). Rows past the last pixel repeat it.
  void set_row_tile(size_t mt, const uint8_t* in, int64_t* offsets, uint8_t* out, Qs8GemmC4Args& a,
                    uint8_t*& c_row) const {
    const Q8ConvSpec& s = geom_;
    const size_t mr = k_.mr;
    a.input = in;
    a.offsets = offsets;
    if (tiling_ != Tiling::kRows) {
      a.mr = std::min(mr, m_ - mt * mr);
      c_row = out + mt * mr * n_;
      if (tiling_ == Tiling::kTable)
        a.offsets = table_.data() + mt * ks_ * mr;
      else  // pointwise: output pixel m reads input pixel m
        for (size_t r = 0; r < mr; ++r) offsets[r] = static_cast<int64_t>(std::min(mt * mr + r, m_ - 1) * kc_);
      return;
    }
    const int32_t oy = static_cast<int32_t>(mt / tiles_per_row_);
    const size_t xt = mt % tiles_per_row_, ox0 = xt * mr;
    a.mr = mr;  // out_w is a multiple of MR
    c_row = out + (static_cast<size_t>(oy) * static_cast<size_t>(s.out_w) + ox0) * n_;
    const int32_t iy0 = oy * s.stride_h - s.pad_top;
    if (iy0 >= 0 && iy0 + span_h_ < s.in_h) {  // the cached row, moved to input row iy0
      a.offsets = table_.data() + xt * ks_ * mr;
      a.input = in + static_cast<size_t>(iy0) * static_cast<size_t>(s.in_w) * kc_;
      return;
    }
    for (size_t r = 0; r < mr; ++r) fill_row(oy, static_cast<int32_t>(ox0 + r), /*clip_rows=*/true, offsets, r);
  }

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

  // Row r of a tile ([tap][row] in `offsets`) for output pixel (oy, ox): byte offset of the pixel each
  // tap reads, -1 outside the input. clip_rows false builds the cached row table: rows are never
  // outside, and offsets are relative to the window's first row.
  void fill_row(int32_t oy, int32_t ox, bool clip_rows, int64_t* offsets, size_t r) const {
    const Q8ConvSpec& s = geom_;
    const int32_t iy0 = clip_rows ? oy * s.stride_h - s.pad_top : 0, ix0 = ox * s.stride_w - s.pad_left;
    for (int32_t ky = 0; ky < s.filter_h; ++ky) {
      for (int32_t kx = 0; kx < s.filter_w; ++kx) {
        const int32_t iy = iy0 + ky * s.dilation_h, ix = ix0 + kx * s.dilation_w;
        const size_t t = static_cast<size_t>(ky * s.filter_w + kx);
        const bool inside = (!clip_rows || (iy >= 0 && iy < s.in_h)) && ix >= 0 && ix < s.in_w;
        offsets[t * k_.mr + r] = inside ? (static_cast<int64_t>(iy) * s.in_w + ix) * static_cast<int64_t>(kc_) : -1;
      }
    }
  }

  void build_table() {
    const Q8ConvSpec& s = geom_;
    const size_t mr = k_.mr;
    if (tiling_ == Tiling::kRows) {  // one output row's tiles
      table_.resize(tiles_per_row_ * ks_ * mr);
      for (size_t xt = 0; xt < tiles_per_row_; ++xt)
        for (size_t r = 0; r < mr; ++r)
          fill_row(0, static_cast<int32_t>(xt * mr + r), /*clip_rows=*/false, table_.data() + xt * ks_ * mr, r);
    } else if (tiling_ == Tiling::kTable) {  // every tile
      table_.resize(m_tiles_ * ks_ * mr);
      for (size_t mt = 0; mt < m_tiles_; ++mt)
        for (size_t r = 0; r < mr; ++r) {
          const size_t m = std::min(mt * mr + r, m_ - 1);
          fill_row(static_cast<int32_t>(m / static_cast<size_t>(s.out_w)), static_cast<int32_t>(m % static_cast<size_t>(s.out_w)),
                   /*clip_rows=*/true, table_.data() + mt * ks_ * mr, r);
        }
    }
  }

  Qs8C4KernelInfo k_;
  const char* name_;
  int in_, out_;
  int32_t batches_ = 1;
  Q8ConvSpec geom_;
  enum class Tiling { kPointwise, kRows, kTable };  // see gemm_q8.cc
  Tiling tiling_ = Tiling::kTable;
  int32_t span_h_ = 0;  // extent of the dilated window below its first row
  std::vector<int64_t> table_;  // kRows: one output row's tiles; kTable: every tile
  size_t tiles_per_row_ = 0;
  size_t in_pixels_ = 0, kc_ = 0, ks_ = 0, m_ = 0, n_ = 0, m_tiles_ = 0, n_tiles_ = 0, block_bytes_ = 0;
  Q8Requant rq_{};
  int64_t tasks_ = 1;
  Q8Buffer packed_, pad_row_;
};

}  // namespace

Result<std::unique_ptr<PreparedOp>> make_qs8_c4_igemm_op(Isa isa, int threads, const Q8ConvSpec& spec, bool fc,
                                                         int input_tensor, int output_tensor) {
  // One output row (FULLY_CONNECTED at batch 1, a 1x1 output): the single-row kernel when there is one.
  const bool one_row = static_cast<int64_t>(spec.out_h) * spec.out_w == 1;
  const Qs8C4KernelInfo* k = one_row ? qs8_c4_gemv_kernel_for(isa) : nullptr;
  if (k == nullptr) k = qs8_c4_kernel_for(isa);
  // int8 weights are symmetric (filter_zp 0) and fit the kernel's int8 operand as they are, -128 too.
  const size_t taps = static_cast<size_t>(spec.filter_h) * static_cast<size_t>(spec.filter_w);
  if (k == nullptr || spec.is_unsigned || spec.filter_zp != 0 || spec.in_c % 4 != 0 || taps * k->mr > kMaxC4Offsets)
    return std::unique_ptr<PreparedOp>();
  auto op = std::make_unique<Qs8IgemmC4Op>(*k, spec, fc ? k->fc : k->conv, threads, input_tensor, output_tensor);
  EB_RETURN_IF_ERROR(op->init(spec));
  return std::unique_ptr<PreparedOp>(std::move(op));
}

}  // namespace eb
