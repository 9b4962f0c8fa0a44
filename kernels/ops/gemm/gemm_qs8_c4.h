// The raw-int8 4-channel indirect GEMM (the Qs8C4 microkernels: VNNI VPDPBUSD, ARMv8.2 SDOT, ARMv8.0
// 8-bit multiplies) over a conv geometry: the indirection and the packed weights, built once at load,
// and the walk over output tiles. Two ops run on it: the int8 CONV_2D / FULLY_CONNECTED op
// (gemm_qs8_c4.cc, requantized int8 output) and the hybrid (dynamic-range) CONV_2D op
// (conv2d_fast_hybrid.cc, which takes the int32 sums and applies its float epilogue).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "kernels/common/status.h"
#include "kernels/ops/gemm/gemm_q8.h"
#include "kernels/ops/gemm/igemm_indirection.h"

namespace eb {

// Byte offsets into the raw input, relative to an input row (see igemm_indirection.h): the walk moves
// Qs8GemmC4Args::input to that row; -1 reads the padding row.
struct C4Offset {
  int64_t row_bytes, kc;  // in_w * kc, kc
  int64_t operator()(bool inside, int32_t iy, int32_t ix) const { return inside ? iy * row_bytes + ix * kc : -1; }
};
using C4Indirection = IgemmIndirection<int64_t, C4Offset>;

class Qs8C4Igemm {
 public:
  // Whether kernel k can take the conv s: int8 with symmetric weights, in_c % 4 == 0, a tile's
  // indirection within kMaxIgemmEntries, and pair-safe weights for the kernels that need them.
  static bool fits(const Qs8C4KernelInfo& k, const Q8ConvSpec& s);
  // s must fit k (fits()).
  Qs8C4Igemm(const Qs8C4KernelInfo& k, const Q8ConvSpec& s);
  // Packs the weights: per column the bias (s.bias, or 0) less (k.input_bias + s.input_zp) * sum(w), in
  // wrapping int32 as the reference adds, and s.scale (or 0 when null: the int32-sums use ignores it).
  Status init(const Q8ConvSpec& s);

  size_t mr() const { return k_.mr; }
  size_t nr() const { return k_.nr; }
  size_t kc() const { return kc_; }
  size_t pixels() const { return m_; }   // output pixels of a batch item (GEMM rows)
  size_t columns() const { return n_; }  // output channels
  int64_t tiles() const { return static_cast<int64_t>(m_tiles_ * n_tiles_); }
  int64_t work_per_tile() const { return static_cast<int64_t>(k_.mr * k_.nr * kc_ * ks_); }

  // Runs tiles [begin, end) of one batch item: `in_b` its raw input, `pad` kc bytes the padding taps
  // read (the input zero point: its (x - x_zp) is 0, as the reference skips them), `rq` the kernel's
  // requantization (nullptr: int32 sums). For each tile, place(first_pixel, first_column, args) sets
  // args.c and args.c_stride; after the kernel, done(first_pixel, rows, first_column, columns).
  template <class Place, class Done>
  void run_tiles(const uint8_t* in_b, const uint8_t* pad, const Q8Requant* rq, int64_t begin, int64_t end,
                 Place&& place, Done&& done) const {
    int64_t offsets[kMaxIgemmEntries];
    size_t offsets_mt = m_tiles_;  // the row tile `a` points at (none yet)
    size_t first_pixel = 0;
    Qs8GemmC4Args a;
    a.kc = kc_;
    a.ks = ks_;
    a.pad = pad;
    a.rq = rq;
    for (int64_t tile = begin; tile < end; ++tile) {
      const size_t mt = static_cast<size_t>(tile) / n_tiles_, nt = static_cast<size_t>(tile) % n_tiles_;
      if (mt != offsets_mt) {
        const C4Indirection::Tile row_tile = ind_.tile(mt, offsets);
        a.offsets = row_tile.entries;
        a.mr = row_tile.mr;
        a.input = in_b + static_cast<size_t>(row_tile.base_row) * in_w_ * kc_;
        first_pixel = row_tile.first_pixel;
        offsets_mt = mt;
      }
      a.nc = std::min(k_.nr, n_ - nt * k_.nr);
      a.w = packed_.data() + nt * block_bytes_;
      place(first_pixel, nt * k_.nr, a);
      k_.fn(&a);
      done(first_pixel, a.mr, nt * k_.nr, a.nc);
    }
  }

 private:
  Qs8C4KernelInfo k_;
  C4Indirection ind_;
  size_t in_w_ = 0, kc_ = 0, ks_ = 0, m_ = 0, n_ = 0, m_tiles_ = 0, n_tiles_ = 0, block_bytes_ = 0;
  Q8Buffer packed_;
};

}  // namespace eb
