// The quantized indirect-GEMM op: weight packing, input centering, indirection and the threaded tile
// loop around one ISA microkernel (gemm_q8_dispatch.cc picks it).
#include "kernels/ops/gemm/gemm_q8.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "kernels/common/thread_pool.h"

namespace eb {

void Q8Buffer::Free::operator()(uint8_t* p) const { std::free(p); }

Status Q8Buffer::allocate(size_t bytes) {
  const size_t rounded = (std::max<size_t>(bytes, 1) + 63) / 64 * 64;
  void* p = std::aligned_alloc(64, rounded);
  if (p == nullptr) return error("cannot allocate %zu bytes for packed kernel data", rounded);
  std::memset(p, 0, rounded);
  data_.reset(static_cast<uint8_t*>(p));
  return Status();
}

void q8_center_rows(Q8CenterUkernel center, const uint8_t* src, bool is_unsigned, int32_t zero_point, size_t rows,
                    size_t channels, size_t stride, int16_t* dst) {
  const int32_t u = is_unsigned ? 1 : 0;
  if (channels == stride) {  // no padding: one flat pass
    center(src, rows * channels, zero_point, u, dst);
    return;
  }
  for (size_t r = 0; r < rows; ++r, src += channels, dst += stride) {
    center(src, channels, zero_point, u, dst);
    std::memset(dst + channels, 0, (stride - channels) * sizeof(int16_t));
  }
}

Q8Requant make_q8_requant(int32_t output_zp, int32_t act_min, int32_t act_max, bool is_unsigned) {
  Q8Requant rq;
  rq.min_less_zp = static_cast<float>(act_min - output_zp);
  rq.max_less_zp = static_cast<float>(act_max - output_zp);
  rq.zero_point = output_zp;
  rq.out_unsigned = is_unsigned ? 1 : 0;
  return rq;
}

namespace {

// Indirection without a per-pixel table for large layers (out_h * out_w * taps * 8 bytes per
// convolution was the largest memory cost after the weights). Three tilings of the output pixels:
//  - kPointwise (1x1, stride 1, no padding: most GEMMs): row m reads centered pixel m, MR pointers
//    built per row tile;
//  - kRows (out_w a multiple of MR): tiles never cross output rows. A row whose window rows all lie
//    inside the input reads the same pointers relative to its first input row, so the op keeps ONE
//    row of tiles ([tiles per row][taps][MR], addresses relative to that row, the padding row where a
//    tap falls left or right of the input) and passes the row's address as Q8GemmArgs::a_offset. Rows
//    touching the top or bottom padding (a few per layer) are built per tile into a stack array of at
//    most kMaxIgemmPointers;
//  - kTable (other widths, narrow layers): a table of every tile relative to the centered input.
constexpr size_t kMaxIgemmPointers = 2048;

class Q8IgemmOp final : public PreparedOp {
 public:
  Q8IgemmOp(const Q8GemmKernelInfo& k, const Q8ConvSpec& s, const char* name, int threads, int in, int out)
      : k_(k), name_(name), in_(in), out_(out) {
    batches_ = s.batches;
    geom_ = s;
    geom_.filter = nullptr;  // only the geometry is kept: the filter is packed below
    geom_.bias = nullptr;
    geom_.scale = nullptr;
    const bool pointwise = s.filter_h == 1 && s.filter_w == 1 && s.stride_h == 1 && s.stride_w == 1 &&
                           s.pad_top == 0 && s.pad_left == 0 && s.out_h == s.in_h && s.out_w == s.in_w;
    // Row tiles waste nothing when out_w is a multiple of MR; otherwise a table of every tile (small:
    // such layers are narrow) keeps the flat tiling.
    tiling_ = pointwise ? Tiling::kPointwise
                        : static_cast<size_t>(s.out_w) % k_.mr == 0 ? Tiling::kRows : Tiling::kTable;
    span_h_ = (s.filter_h - 1) * s.dilation_h;
    in_pixels_ = static_cast<size_t>(s.in_h) * static_cast<size_t>(s.in_w);
    in_c_ = static_cast<size_t>(s.in_c);
    kc_ = (in_c_ + 1) / 2 * 2;
    ks_ = static_cast<size_t>(s.filter_h) * static_cast<size_t>(s.filter_w);
    m_ = static_cast<size_t>(s.out_h) * static_cast<size_t>(s.out_w);
    n_ = static_cast<size_t>(s.out_c);
    tiles_per_row_ = (static_cast<size_t>(s.out_w) + k_.mr - 1) / k_.mr;
    m_tiles_ = tiling_ == Tiling::kRows ? static_cast<size_t>(s.out_h) * tiles_per_row_ : (m_ + k_.mr - 1) / k_.mr;
    n_tiles_ = (n_ + k_.nr - 1) / k_.nr;
    block_bytes_ = k_.nr * 8 + ks_ * kc_ * k_.nr * 2;
    is_unsigned_ = s.is_unsigned;
    input_zp_ = s.input_zp;
    rq_ = make_q8_requant(s.output_zp, s.act_min, s.act_max, s.is_unsigned);
    // Centering takes whole groups of 64 pixels (split_range grain in run()).
    center_tasks_ = tasks_for_work(threads, static_cast<int64_t>((in_pixels_ + 63) / 64), static_cast<int64_t>(64 * in_c_));
    gemm_tasks_ = tasks_for_work(threads, static_cast<int64_t>(m_tiles_ * n_tiles_),
                                 static_cast<int64_t>(k_.mr * k_.nr * kc_ * ks_));
  }

  Status init(const Q8ConvSpec& s) {
    EB_RETURN_IF_ERROR(packed_.allocate(n_tiles_ * block_bytes_));
    EB_RETURN_IF_ERROR(zeros_.allocate(kc_ * sizeof(int16_t)));
    pack_weights(s);
    build_table(s);
    return Status();
  }

  // The centered input lives in the engine's shared scratch (rewritten by every run).
  size_t scratch_bytes() const override { return in_pixels_ * kc_ * sizeof(int16_t); }

  void run(const RunContext& ctx) override {
    const uint8_t* in = ctx.data[in_];
    uint8_t* out = ctx.data[out_];
    int16_t* centered = reinterpret_cast<int16_t*>(ctx.scratch);
    for (int32_t b = 0; b < batches_; ++b) {
      const uint8_t* in_b = in + static_cast<size_t>(b) * in_pixels_ * in_c_;
      uint8_t* out_b = out + static_cast<size_t>(b) * m_ * n_;
      parallel_for(ctx.pool, center_tasks_, [&](int64_t t) {
        const SplitRange r = split_range(static_cast<int64_t>(in_pixels_), center_tasks_, 64, t);
        if (r.end <= r.begin) return;
        const size_t begin = static_cast<size_t>(r.begin);
        q8_center_rows(k_.center, in_b + begin * in_c_, is_unsigned_, input_zp_, static_cast<size_t>(r.end - r.begin),
                       in_c_, kc_, centered + begin * kc_);
      });
      parallel_for(ctx.pool, gemm_tasks_, [&](int64_t t) {
        const SplitRange r = split_range(static_cast<int64_t>(m_tiles_ * n_tiles_), gemm_tasks_, 1, t);
        const int16_t* ptrs[kMaxIgemmPointers];
        size_t ptrs_mt = m_tiles_;  // the row tile `a` points at (none yet)
        uint8_t* c_row = nullptr;
        Q8GemmArgs a;
        a.kc = kc_;
        a.ks = ks_;
        a.zero = zeros_.as<int16_t>();
        a.c_stride = n_;
        a.rq = &rq_;
        for (int64_t tile = r.begin; tile < r.end; ++tile) {
          const size_t mt = static_cast<size_t>(tile) / n_tiles_, nt = static_cast<size_t>(tile) % n_tiles_;
          if (mt != ptrs_mt) set_row_tile(mt, centered, ptrs, out_b, a, c_row), ptrs_mt = mt;
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
    for (size_t nt = 0; nt < n_tiles_; ++nt) {
      uint8_t* block = packed_.data() + nt * block_bytes_;
      int32_t* bias = reinterpret_cast<int32_t*>(block);
      float* scale = reinterpret_cast<float*>(block + nr * 4);
      int16_t* w = reinterpret_cast<int16_t*>(block + nr * 8);
      for (size_t j = 0; j < nr; ++j) {
        const size_t n = nt * nr + j;
        if (n >= n_) break;  // padding columns: bias, scale and weights stay 0
        if (s.bias) std::memcpy(&bias[j], s.bias + n * 4, 4);
        scale[j] = s.scale[n];
        for (size_t t = 0; t < ks_; ++t) {
          for (size_t k = 0; k < in_c_; ++k) {
            const size_t src = (n * ks_ + t) * in_c_ + k;
            const int32_t raw = s.is_unsigned ? static_cast<int32_t>(s.filter[src])
                                              : static_cast<int32_t>(static_cast<int8_t>(s.filter[src]));
            const size_t dst = k_.k_major ? (t * kc_ + k) * nr + j : ((t * (kc_ / 2) + k / 2) * nr + j) * 2 + (k & 1);
            w[dst] = static_cast<int16_t>(raw - s.filter_zp);
          }
        }
      }
    }
  }

  // Points `a` at row tile mt (tiles are numbered row-block major, so a task's consecutive tiles share
  // it): its pointers, rows to store and output (c_row). Rows past the last pixel repeat it.
  void set_row_tile(size_t mt, const int16_t* centered, const int16_t** ptrs, uint8_t* out, Q8GemmArgs& a,
                    uint8_t*& c_row) const {
    const Q8ConvSpec& s = geom_;
    const size_t mr = k_.mr;
    a.a_offset = 0;
    a.a = ptrs;
    if (tiling_ != Tiling::kRows) {
      a.mr = std::min(mr, m_ - mt * mr);
      c_row = out + mt * mr * n_;
      if (tiling_ == Tiling::kTable) {
        a.a = table_.data() + mt * ks_ * mr;
        a.a_offset = reinterpret_cast<uintptr_t>(centered);
      } else {  // pointwise: output pixel m reads centered pixel m
        for (size_t r = 0; r < mr; ++r) ptrs[r] = centered + std::min(mt * mr + r, m_ - 1) * kc_;
      }
      return;
    }
    const int32_t oy = static_cast<int32_t>(mt / tiles_per_row_);
    const size_t xt = mt % tiles_per_row_, ox0 = xt * mr;
    a.mr = mr;  // out_w is a multiple of MR
    c_row = out + (static_cast<size_t>(oy) * static_cast<size_t>(s.out_w) + ox0) * n_;
    const int32_t iy0 = oy * s.stride_h - s.pad_top;
    if (iy0 >= 0 && iy0 + span_h_ < s.in_h) {  // the cached row, moved to input row iy0
      a.a = table_.data() + xt * ks_ * mr;
      a.a_offset = reinterpret_cast<uintptr_t>(centered + static_cast<size_t>(iy0) * static_cast<size_t>(s.in_w) * kc_);
      return;
    }
    for (size_t r = 0; r < mr; ++r) fill_row(oy, static_cast<int32_t>(ox0 + r), /*clip_rows=*/true, centered, ptrs, r);
  }

  // Row r of a tile ([tap][row] in `ptrs`) for output pixel (oy, ox): the pixel each tap reads, as an
  // address relative to `base`, or the padding row outside the input. clip_rows false builds the
  // cached row table: rows are never outside, and addresses are relative to the window's first row.
  void fill_row(int32_t oy, int32_t ox, bool clip_rows, const int16_t* base, const int16_t** ptrs, size_t r) const {
    const Q8ConvSpec& s = geom_;
    const int32_t iy0 = clip_rows ? oy * s.stride_h - s.pad_top : 0, ix0 = ox * s.stride_w - s.pad_left;
    for (int32_t ky = 0; ky < s.filter_h; ++ky) {
      for (int32_t kx = 0; kx < s.filter_w; ++kx) {
        const int32_t iy = iy0 + ky * s.dilation_h, ix = ix0 + kx * s.dilation_w;
        const size_t t = static_cast<size_t>(ky * s.filter_w + kx);
        const bool inside = (!clip_rows || (iy >= 0 && iy < s.in_h)) && ix >= 0 && ix < s.in_w;
        const size_t bytes = (static_cast<size_t>(iy) * static_cast<size_t>(s.in_w) + static_cast<size_t>(ix)) * kc_ * 2;
        ptrs[t * k_.mr + r] =
            inside ? reinterpret_cast<const int16_t*>(reinterpret_cast<uintptr_t>(base) + bytes) : zeros_.as<int16_t>();
      }
    }
  }

  // The cached tables, as addresses relative to 0 (runs add the real base through a_offset). They never
  // equal the padding row's address (a heap address far above any offset into an input).
  void build_table(const Q8ConvSpec& s) {
    const size_t mr = k_.mr;
    if (tiling_ == Tiling::kRows) {  // one output row's tiles
      table_.resize(tiles_per_row_ * ks_ * mr);
      for (size_t xt = 0; xt < tiles_per_row_; ++xt)
        for (size_t r = 0; r < mr; ++r)
          fill_row(0, static_cast<int32_t>(xt * mr + r), /*clip_rows=*/false, nullptr, table_.data() + xt * ks_ * mr, r);
    } else if (tiling_ == Tiling::kTable) {  // every tile
      table_.resize(m_tiles_ * ks_ * mr);
      for (size_t mt = 0; mt < m_tiles_; ++mt)
        for (size_t r = 0; r < mr; ++r) {
          const size_t m = std::min(mt * mr + r, m_ - 1);
          fill_row(static_cast<int32_t>(m / static_cast<size_t>(s.out_w)), static_cast<int32_t>(m % static_cast<size_t>(s.out_w)),
                   /*clip_rows=*/true, nullptr, table_.data() + mt * ks_ * mr, r);
        }
    }
  }

  Q8GemmKernelInfo k_;
  const char* name_;
  int in_, out_;
  int32_t batches_ = 1;
  Q8ConvSpec geom_;
  // How rows of output pixels are tiled and where their pointers come from (see kMaxIgemmPointers).
  enum class Tiling { kPointwise, kRows, kTable };
  Tiling tiling_ = Tiling::kTable;
  int32_t span_h_ = 0;  // extent of the dilated window below its first row
  std::vector<const int16_t*> table_;  // kRows: one output row's tiles; kTable: every tile
  size_t tiles_per_row_ = 0;
  size_t in_pixels_ = 0, in_c_ = 0, kc_ = 0, ks_ = 0, m_ = 0, n_ = 0, m_tiles_ = 0, n_tiles_ = 0, block_bytes_ = 0;
  bool is_unsigned_ = false;
  int32_t input_zp_ = 0;
  Q8Requant rq_{};
  int64_t center_tasks_ = 1, gemm_tasks_ = 1;
  Q8Buffer packed_, zeros_;
};

}  // namespace

Result<std::unique_ptr<PreparedOp>> make_q8_igemm_op(Isa isa, int threads, const Q8ConvSpec& spec, bool fc,
                                                     int input_tensor, int output_tensor) {
  auto c4 = make_qs8_c4_igemm_op(isa, threads, spec, fc, input_tensor, output_tensor);
  if (!c4.ok() || c4.value()) return c4;
  const Q8GemmKernelInfo* k = q8_gemm_kernel_for(isa);
  const size_t taps = static_cast<size_t>(spec.filter_h) * static_cast<size_t>(spec.filter_w);
  if (k == nullptr || taps * k->mr > kMaxIgemmPointers) return std::unique_ptr<PreparedOp>();
  const char* name = fc ? (spec.is_unsigned ? k->fc_qu8 : k->fc_qs8) : (spec.is_unsigned ? k->conv_qu8 : k->conv_qs8);
  auto op = std::make_unique<Q8IgemmOp>(*k, spec, name, threads, input_tensor, output_tensor);
  EB_RETURN_IF_ERROR(op->init(spec));
  return std::unique_ptr<PreparedOp>(std::move(op));
}

}  // namespace eb
