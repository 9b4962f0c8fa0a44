// The quantized indirect-GEMM op: weight packing, input centering, indirection and the threaded tile
// loop around one ISA microkernel (gemm_q8_dispatch.cc picks it).
#include "kernels/ops/gemm/gemm_q8.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "kernels/common/thread_pool.h"
#include "kernels/ops/gemm/igemm_indirection.h"

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

namespace {

// Rows of C channels (C odd and small: RGB or grayscale first layers) into rows of C + 1 with the pad
// lane zeroed, as plain C++ the compiler unrolls for a known C. The per-row path below would call the
// SIMD kernel and memset once per pixel, a few elements each: that call overhead was ~15% of a
// 128x128 RGB uint8 MobileNet (its first layer centers 16384 pixels of 3 channels).
template <size_t C, bool Unsigned>
void center_odd_rows(const uint8_t* src, int32_t zero_point, size_t rows, int16_t* dst) {
  for (size_t r = 0; r < rows; ++r, src += C, dst += C + 1) {
    for (size_t k = 0; k < C; ++k) {
      const int32_t x = Unsigned ? static_cast<int32_t>(src[k]) : static_cast<int32_t>(static_cast<int8_t>(src[k]));
      dst[k] = static_cast<int16_t>(x - zero_point);
    }
    dst[C] = 0;
  }
}

template <size_t C>
void center_odd(const uint8_t* src, bool is_unsigned, int32_t zero_point, size_t rows, int16_t* dst) {
  if (is_unsigned)
    center_odd_rows<C, true>(src, zero_point, rows, dst);
  else
    center_odd_rows<C, false>(src, zero_point, rows, dst);
}

}  // namespace

void q8_center_rows(Q8CenterUkernel center, const uint8_t* src, bool is_unsigned, int32_t zero_point, size_t rows,
                    size_t channels, size_t stride, int16_t* dst) {
  const int32_t u = is_unsigned ? 1 : 0;
  if (channels == stride) {  // no padding: one flat pass
    center(src, rows * channels, zero_point, u, dst);
    return;
  }
  if (stride == channels + 1) {
    switch (channels) {
      case 1:
        center_odd<1>(src, is_unsigned, zero_point, rows, dst);
        return;
      case 3:
        center_odd<3>(src, is_unsigned, zero_point, rows, dst);
        return;
      case 5:
        center_odd<5>(src, is_unsigned, zero_point, rows, dst);
        return;
      case 7:
        center_odd<7>(src, is_unsigned, zero_point, rows, dst);
        return;
      default:
        break;
    }
  }
  for (size_t r = 0; r < rows; ++r, src += channels, dst += stride) {
    center(src, channels, zero_point, u, dst);
    std::memset(dst + channels, 0, (stride - channels) * sizeof(int16_t));
  }
}

bool q8_weights_pair_safe(const uint8_t* filter, size_t count, int32_t filter_zp, bool is_unsigned) {
  if (is_unsigned) return false;
  for (size_t i = 0; i < count; ++i) {
    const int32_t v = static_cast<int32_t>(static_cast<int8_t>(filter[i])) - filter_zp;
    if (v < -127 || v > 127) return false;
  }
  return true;
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

// Row pointers into the centered input, relative to an input row (see igemm_indirection.h): the
// kernel adds Q8GemmArgs::a_offset to every pointer but the padding row's.
struct Q8RowPointer {
  size_t row_elems, kc;  // in_w * kc, kc
  const int16_t* zero;
  const int16_t* operator()(bool inside, int32_t iy, int32_t ix) const {
    if (!inside) return zero;
    const size_t elems = static_cast<size_t>(iy) * row_elems + static_cast<size_t>(ix) * kc;
    return reinterpret_cast<const int16_t*>(static_cast<uintptr_t>(elems * sizeof(int16_t)));
  }
};
using Q8Indirection = IgemmIndirection<const int16_t*, Q8RowPointer>;

class Q8IgemmOp final : public PreparedOp {
 public:
  Q8IgemmOp(const Q8GemmKernelInfo& k, const Q8ConvSpec& s, const char* name, int threads, int in, int out)
      : k_(k), name_(name), in_(in), out_(out) {
    batches_ = s.batches;
    in_pixels_ = static_cast<size_t>(s.in_h) * static_cast<size_t>(s.in_w);
    in_c_ = static_cast<size_t>(s.in_c);
    kc_ = (in_c_ + 1) / 2 * 2;
    ks_ = static_cast<size_t>(s.filter_h) * static_cast<size_t>(s.filter_w);
    m_ = static_cast<size_t>(s.out_h) * static_cast<size_t>(s.out_w);
    n_ = static_cast<size_t>(s.out_c);
    in_w_ = static_cast<size_t>(s.in_w);
    m_tiles_ = 0;  // set by init() with the indirection
    n_tiles_ = (n_ + k_.nr - 1) / k_.nr;
    block_bytes_ = k_.nr * 8 + ks_ * kc_ * k_.nr * 2;
    is_unsigned_ = s.is_unsigned;
    input_zp_ = s.input_zp;
    rq_ = make_q8_requant(s.output_zp, s.act_min, s.act_max, s.is_unsigned);
    // Centering takes whole groups of 64 pixels (split_range grain in run()).
    // Centering an element (a load, a subtract, a store) is counted as kCenterWork multiply-adds: the
    // odd-channel rows of q8_center_rows take ~0.3 ns per element on the development machine, about
    // what 8-10 multiply-adds of the VNNI GEMM take. Without the weight a 3-channel 128x128 first layer
    // was centered on one thread while the others waited.
    constexpr int64_t kCenterWork = 8;
    center_tasks_ = tasks_for_work(threads, static_cast<int64_t>((in_pixels_ + 63) / 64),
                                   static_cast<int64_t>(64 * in_c_) * kCenterWork);
    threads_ = threads;
  }

  Status init(const Q8ConvSpec& s) {
    EB_RETURN_IF_ERROR(packed_.allocate(n_tiles_ * block_bytes_));
    EB_RETURN_IF_ERROR(zeros_.allocate(kc_ * sizeof(int16_t)));
    pack_weights(s);
    ind_.emplace(s, k_.mr, Q8RowPointer{in_w_ * kc_, kc_, zeros_.as<int16_t>()});
    m_tiles_ = ind_->m_tiles();
    gemm_tasks_ = tasks_for_work(threads_, static_cast<int64_t>(m_tiles_ * n_tiles_),
                                 static_cast<int64_t>(k_.mr * k_.nr * kc_ * ks_));
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
        const int16_t* ptrs[kMaxIgemmEntries];
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
          if (mt != ptrs_mt) {
            const Q8Indirection::Tile row_tile = ind_->tile(mt, ptrs);
            a.a = row_tile.entries;
            a.mr = row_tile.mr;
            a.a_offset = reinterpret_cast<uintptr_t>(centered + static_cast<size_t>(row_tile.base_row) * in_w_ * kc_);
            c_row = out_b + row_tile.first_pixel * n_;
            ptrs_mt = mt;
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
        const uint8_t* column = s.filter + n * ks_ * in_c_;  // [taps][in_c], contiguous
        if (s.is_unsigned)
          k_.k_major ? pack_column<true, true>(column, s.filter_zp, j, w) : pack_column<true, false>(column, s.filter_zp, j, w);
        else
          k_.k_major ? pack_column<false, true>(column, s.filter_zp, j, w) : pack_column<false, false>(column, s.filter_zp, j, w);
      }
    }
  }

  // Column j's weights less the zero point, as int16, to their places: k-major ([tap][k][nr]) or in pairs
  // of channels ([tap][k / 2][nr][2]). The element loop knows the layout and the type at compile time.
  template <bool Unsigned, bool KMajor>
  void pack_column(const uint8_t* column, int32_t zp, size_t j, int16_t* w) const {
    const size_t nr = k_.nr, in_c = in_c_, kc = kc_;
    for (size_t t = 0; t < ks_; ++t, column += in_c) {
      if (KMajor) {
        int16_t* dst = w + t * kc * nr + j;
        for (size_t k = 0; k < in_c; ++k, dst += nr) *dst = static_cast<int16_t>(weight<Unsigned>(column[k]) - zp);
      } else {
        int16_t* dst = w + t * (kc / 2) * nr * 2 + j * 2;
        size_t k = 0;
        for (; k + 2 <= in_c; k += 2, dst += nr * 2) {
          dst[0] = static_cast<int16_t>(weight<Unsigned>(column[k]) - zp);
          dst[1] = static_cast<int16_t>(weight<Unsigned>(column[k + 1]) - zp);
        }
        if (k < in_c) dst[0] = static_cast<int16_t>(weight<Unsigned>(column[k]) - zp);  // odd in_c: pad lane stays 0
      }
    }
  }
  template <bool Unsigned>
  static int32_t weight(uint8_t b) {
    return Unsigned ? static_cast<int32_t>(b) : static_cast<int32_t>(static_cast<int8_t>(b));
  }

  Q8GemmKernelInfo k_;
  const char* name_;
  int in_, out_;
  int32_t batches_ = 1;
  std::optional<Q8Indirection> ind_;  // built by init() (needs the padding row's address)
  size_t in_w_ = 0;
  int threads_ = 1;
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
  if (k == nullptr || !Q8Indirection::fits(spec, k->mr)) return std::unique_ptr<PreparedOp>();
  const char* name = fc ? (spec.is_unsigned ? k->fc_qu8 : k->fc_qs8) : (spec.is_unsigned ? k->conv_qu8 : k->conv_qs8);
  auto op = std::make_unique<Q8IgemmOp>(*k, spec, name, threads, input_tensor, output_tensor);
  EB_RETURN_IF_ERROR(op->init(spec));
  return std::unique_ptr<PreparedOp>(std::move(op));
}

}  // namespace eb
