// The indirection of the quantized indirect GEMMs (gemm_q8.cc: row pointers into the centered input;
// gemm_qs8_c4.cc: byte offsets into the raw input) without a table of every output pixel for wide
// layers (out_h * out_w * taps * 8 bytes per convolution was the largest memory cost after the
// weights). Three tilings of the output pixels into row tiles of MR:
//  - kPointwise (1x1, stride 1, no padding: most GEMMs): row m reads input pixel m; MR entries built
//    per row tile;
//  - kRows (out_w a multiple of MR): tiles never cross output rows. A row whose window rows all lie
//    inside the input reads the same entries relative to its first input row, so ONE row of tiles is
//    kept ([tiles per row][taps][MR]; the padding entry where a tap falls left or right of the input)
//    and the op moves its input base to that row. Rows touching the top or bottom padding (a few per
//    layer) are built per tile into the caller's scratch of at most kMaxIgemmEntries;
//  - kTable (other widths; such layers are narrow): a table of every tile.
// Entries are always relative to an input row: the op adds Tile::base_row's address (an int16 pointer
// moved by Q8GemmArgs::a_offset, or Qs8GemmC4Args::input), so prepare never needs the input's address.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/ops/gemm/gemm_q8.h"

namespace eb {

// Most entries (MR x taps) of one row tile built at run time: a fixed array on the task's stack.
constexpr size_t kMaxIgemmEntries = 2048;

// Make(inside, iy, ix) -> Entry: the entry of input pixel (iy, ix) (rows relative to the base row), or
// the padding entry when !inside. It must be linear in iy * in_w + ix (pointwise tiles pass (0, m)).
template <typename Entry, typename Make>
class IgemmIndirection {
 public:
  struct Tile {
    const Entry* entries;  // [tap][MR]
    size_t mr;             // rows to store
    size_t first_pixel;    // output pixel (within the batch item) of row 0
    int32_t base_row;      // input row the entries are relative to
  };

  IgemmIndirection(const Q8ConvSpec& s, size_t mr, Make make) : s_(s), mr_(mr), make_(make) {
    s_.filter = nullptr;  // only the geometry is kept
    s_.bias = nullptr;
    s_.scale = nullptr;
    ks_ = static_cast<size_t>(s.filter_h) * static_cast<size_t>(s.filter_w);
    m_ = static_cast<size_t>(s.out_h) * static_cast<size_t>(s.out_w);
    span_h_ = (s.filter_h - 1) * s.dilation_h;
    const bool pointwise = s.filter_h == 1 && s.filter_w == 1 && s.stride_h == 1 && s.stride_w == 1 &&
                           s.pad_top == 0 && s.pad_left == 0 && s.out_h == s.in_h && s.out_w == s.in_w;
    mode_ = pointwise ? Mode::kPointwise : static_cast<size_t>(s.out_w) % mr == 0 ? Mode::kRows : Mode::kTable;
    tiles_per_row_ = (static_cast<size_t>(s.out_w) + mr - 1) / mr;
    m_tiles_ = mode_ == Mode::kRows ? static_cast<size_t>(s.out_h) * tiles_per_row_ : (m_ + mr - 1) / mr;
    if (mode_ == Mode::kRows) {  // one output row's tiles, relative to its window's first row
      table_.resize(tiles_per_row_ * ks_ * mr);
      for (size_t xt = 0; xt < tiles_per_row_; ++xt)
        for (size_t r = 0; r < mr; ++r) fill_row(0, static_cast<int32_t>(xt * mr + r), false, &table_[xt * ks_ * mr], r);
    } else if (mode_ == Mode::kTable) {  // every tile, relative to input row 0
      table_.resize(m_tiles_ * ks_ * mr);
      for (size_t mt = 0; mt < m_tiles_; ++mt)
        for (size_t r = 0; r < mr; ++r) {
          const size_t m = std::min(mt * mr + r, m_ - 1), w = static_cast<size_t>(s.out_w);
          fill_row(static_cast<int32_t>(m / w), static_cast<int32_t>(m % w), true, &table_[mt * ks_ * mr], r);
        }
    }
  }

  // Fits the stack scratch of tile()? (else the op is not offered: the reference runs).
  static bool fits(const Q8ConvSpec& s, size_t mr) {
    return static_cast<size_t>(s.filter_h) * static_cast<size_t>(s.filter_w) * mr <= kMaxIgemmEntries;
  }
  size_t m_tiles() const { return m_tiles_; }

  // Row tile mt; `scratch` (kMaxIgemmEntries) receives entries built at run time. Rows past the last
  // pixel repeat it.
  Tile tile(size_t mt, Entry* scratch) const {
    if (mode_ != Mode::kRows) {
      Tile t{scratch, std::min(mr_, m_ - mt * mr_), mt * mr_, 0};
      if (mode_ == Mode::kTable)
        t.entries = &table_[mt * ks_ * mr_];
      else
        for (size_t r = 0; r < mr_; ++r) scratch[r] = make_(true, 0, static_cast<int32_t>(std::min(mt * mr_ + r, m_ - 1)));
      return t;
    }
    const int32_t oy = static_cast<int32_t>(mt / tiles_per_row_);
    const size_t xt = mt % tiles_per_row_, ox0 = xt * mr_;
    const size_t first = static_cast<size_t>(oy) * static_cast<size_t>(s_.out_w) + ox0;
    const int32_t iy0 = oy * s_.stride_h - s_.pad_top;
    if (iy0 >= 0 && iy0 + span_h_ < s_.in_h) return Tile{&table_[xt * ks_ * mr_], mr_, first, iy0};
    for (size_t r = 0; r < mr_; ++r) fill_row(oy, static_cast<int32_t>(ox0 + r), true, scratch, r);
    return Tile{scratch, mr_, first, 0};
  }

 private:
  enum class Mode { kPointwise, kRows, kTable };

  // Row r of a tile ([tap][MR] in `tile`) for output pixel (oy, ox). clip_rows false builds the cached
  // row: rows are never outside, and relative to the window's first row.
  void fill_row(int32_t oy, int32_t ox, bool clip_rows, Entry* tile, size_t r) const {
    const int32_t iy0 = clip_rows ? oy * s_.stride_h - s_.pad_top : 0, ix0 = ox * s_.stride_w - s_.pad_left;
    for (int32_t ky = 0; ky < s_.filter_h; ++ky)
      for (int32_t kx = 0; kx < s_.filter_w; ++kx) {
        const int32_t iy = iy0 + ky * s_.dilation_h, ix = ix0 + kx * s_.dilation_w;
        const bool inside = (!clip_rows || (iy >= 0 && iy < s_.in_h)) && ix >= 0 && ix < s_.in_w;
        tile[static_cast<size_t>(ky * s_.filter_w + kx) * mr_ + r] = make_(inside, iy, ix);
      }
  }

  Q8ConvSpec s_;
  size_t mr_, ks_ = 0, m_ = 0, tiles_per_row_ = 0, m_tiles_ = 0;
  Make make_;
  Mode mode_ = Mode::kTable;
  int32_t span_h_ = 0;  // extent of the dilated window below its first row
  std::vector<Entry> table_;
};

}  // namespace eb
