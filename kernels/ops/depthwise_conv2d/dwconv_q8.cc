// The quantized depthwise op: dispatch table, weight packing, indirection and the threaded pixel loop
// around one ISA microkernel.
#include "kernels/ops/depthwise_conv2d/dwconv_q8.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels/common/thread_pool.h"

namespace eb {

const Q8DwKernelInfo* q8_dw_kernel_for(Isa isa) {
#if defined(__x86_64__)
  static constexpr Q8DwKernelInfo kAvx2 = {dwconv_q8_8c_avx2, 8, 4, "depthwise_conv2d_qs8_dwconv_8c_avx2",
                                           "depthwise_conv2d_qu8_dwconv_8c_avx2"};
  static constexpr Q8DwKernelInfo kAvx512 = {dwconv_q8_16c_avx512, 16, 4, "depthwise_conv2d_qs8_dwconv_16c_avx512",
                                             "depthwise_conv2d_qu8_dwconv_16c_avx512"};
  static constexpr Q8DwKernelInfo kAvx512Vnni = {dwconv_q8_16c_avx512vnni, 16, 4,
                                                 "depthwise_conv2d_qs8_dwconv_16c_avx512vnni",
                                                 "depthwise_conv2d_qu8_dwconv_16c_avx512vnni"};
  switch (isa) {
    case Isa::kAvx2:
      return &kAvx2;
    case Isa::kAvx512:
      return &kAvx512;
    case Isa::kAvx512Vnni:
      return &kAvx512Vnni;
    default:
      return nullptr;
  }
#elif defined(__aarch64__)
  static constexpr Q8DwKernelInfo kNeon = {dwconv_q8_8c_neon, 8, 2, "depthwise_conv2d_qs8_dwconv_8c_neon",
                                           "depthwise_conv2d_qu8_dwconv_8c_neon"};
  switch (isa) {
    case Isa::kNeon:
    case Isa::kNeonDot:
      return &kNeon;
    default:
      return nullptr;
  }
#else
  (void)isa;
  return nullptr;
#endif
}

namespace {

// The padding row covers whole blocks of the widest microkernel.
constexpr size_t kChannelPad = 16;

// Indirection without a per-pixel table for wide layers (out_h * out_w * taps * 8 bytes was 0.9 MiB in
// mobilenet-v2's first depthwise layer alone). Wide outputs (at least kMinRowPixels per row) are run
// one output row per microkernel call: a row whose window rows all lie inside the input reads the
// same byte offsets relative to its first input row, so the op keeps ONE row of offsets ([out_w][taps],
// -1 for horizontal padding) and moves the input pointer per row; rows touching the top or bottom
// padding are filled per call into a fixed stack array of at most kMaxOffsets. Narrow outputs (small
// tables) keep a table of every pixel and calls spanning rows: per-row calls would cost more than
// their few pixels' work.
constexpr int32_t kMinRowPixels = 8;
constexpr size_t kMaxOffsets = 1024;

class Q8DwconvOp final : public PreparedOp {
 public:
  Q8DwconvOp(const Q8DwKernelInfo& k, const Q8ConvSpec& s, int threads, int in, int out) : k_(k), in_(in), out_(out) {
    batches_ = s.batches;
    in_h_ = s.in_h;
    in_w_ = s.in_w;
    out_h_ = s.out_h;
    out_w_ = s.out_w;
    filter_h_ = s.filter_h;
    filter_w_ = s.filter_w;
    stride_h_ = s.stride_h;
    stride_w_ = s.stride_w;
    dilation_h_ = s.dilation_h;
    dilation_w_ = s.dilation_w;
    pad_top_ = s.pad_top;
    pad_left_ = s.pad_left;
    span_h_ = (s.filter_h - 1) * s.dilation_h;
    channels_ = static_cast<size_t>(s.in_c);
    stride_ = (channels_ + kChannelPad - 1) / kChannelPad * kChannelPad;
    in_pixels_ = static_cast<size_t>(s.in_h) * static_cast<size_t>(s.in_w);
    out_pixels_ = static_cast<size_t>(s.out_h) * static_cast<size_t>(s.out_w);
    taps_ = static_cast<size_t>(s.filter_h) * static_cast<size_t>(s.filter_w);
    chunk_ = std::max<size_t>(1, kMaxOffsets / taps_);
    // Neighbouring pixels share taps when the stride is a whole number of dilated taps.
    tap_shift_ = s.stride_w % s.dilation_w == 0 && s.stride_w / s.dilation_w < s.filter_w
                     ? static_cast<size_t>(s.stride_w / s.dilation_w)
                     : 0;
    blocks_ = (channels_ + k_.cb - 1) / k_.cb;
    block_bytes_ = k_.cb * 8 + taps_ * k_.cb * k_.weight_bytes;
    is_unsigned_ = s.is_unsigned;
    rq_ = make_q8_requant(s.output_zp, s.act_min, s.act_max, s.is_unsigned);
    by_rows_ = out_w_ >= kMinRowPixels;
    // Tasks take whole output rows (by_rows_), else groups of 8 pixels of a batch item.
    dw_tasks_ = by_rows_ ? tasks_for_work(threads, static_cast<int64_t>(batches_) * out_h_,
                                          static_cast<int64_t>(static_cast<size_t>(out_w_) * channels_ * taps_))
                         : tasks_for_work(threads, static_cast<int64_t>((out_pixels_ + 7) / 8),
                                          static_cast<int64_t>(8 * channels_ * taps_));
  }

  Status init(const Q8ConvSpec& s) {
    EB_RETURN_IF_ERROR(packed_.allocate(blocks_ * block_bytes_));
    EB_RETURN_IF_ERROR(pad_row_.allocate(stride_));
    // Padding taps read the input zero point: (x - x_zp) = 0, as the reference skips them.
    std::memset(pad_row_.data(), static_cast<int>(static_cast<uint8_t>(s.input_zp)), stride_);
    pack_weights(s);
    if (by_rows_) {
      table_.resize(static_cast<size_t>(out_w_) * taps_);
      for (int32_t ox = 0; ox < out_w_; ++ox) fill_checked(/*iy0=*/0, /*clip_rows=*/false, ox, &table_[static_cast<size_t>(ox) * taps_]);
    } else {
      table_.resize(out_pixels_ * taps_);
      for (size_t m = 0; m < out_pixels_; ++m) {
        const int32_t oy = static_cast<int32_t>(m / static_cast<size_t>(out_w_)), ox = static_cast<int32_t>(m % static_cast<size_t>(out_w_));
        fill_checked(oy * stride_h_ - pad_top_, /*clip_rows=*/true, ox, &table_[m * taps_]);
      }
    }
    return Status();
  }

  void run(const RunContext& ctx) override {
    const uint8_t* in = ctx.data[in_];
    uint8_t* out = ctx.data[out_];
    if (!by_rows_) return run_table(in, out, ctx.pool);
    const int64_t rows = static_cast<int64_t>(batches_) * out_h_;
    parallel_for(ctx.pool, dw_tasks_, [&](int64_t t) {
      const SplitRange r = split_range(rows, dw_tasks_, 1, t);
      int64_t offsets[kMaxOffsets];
      Q8DwArgs a;
      a.channels = channels_;
      a.taps = taps_;
      a.filter_w = static_cast<size_t>(filter_w_);
      a.tap_shift = tap_shift_;
      a.pad = pad_row_.data();
      a.in_unsigned = is_unsigned_ ? 1 : 0;
      a.w = packed_.data();
      a.c_stride = channels_;
      a.rq = &rq_;
      a.pair_safe = pair_safe_ ? 1 : 0;
      for (int64_t row = r.begin; row < r.end; ++row) {
        const int32_t b = static_cast<int32_t>(row / out_h_), oy = static_cast<int32_t>(row % out_h_);
        const uint8_t* in_b = in + static_cast<size_t>(b) * in_pixels_ * channels_;
        uint8_t* out_row = out + (static_cast<size_t>(row) * static_cast<size_t>(out_w_)) * channels_;
        const int32_t iy0 = oy * stride_h_ - pad_top_;
        if (iy0 >= 0 && iy0 + span_h_ < in_h_) {  // the cached row, relative to input row iy0
          a.input = in_b + static_cast<size_t>(iy0) * static_cast<size_t>(in_w_) * channels_;
          a.offsets = table_.data();
          a.pixels = static_cast<size_t>(out_w_);
          a.c = out_row;
          k_.fn(&a);
          continue;
        }
        a.input = in_b;
        a.offsets = offsets;
        for (int32_t ox0 = 0; ox0 < out_w_; ox0 += static_cast<int32_t>(chunk_)) {
          const int32_t n = std::min<int32_t>(out_w_ - ox0, static_cast<int32_t>(chunk_));
          for (int32_t ox = ox0; ox < ox0 + n; ++ox)
            fill_checked(iy0, /*clip_rows=*/true, ox, offsets + static_cast<size_t>(ox - ox0) * taps_);
          a.pixels = static_cast<size_t>(n);
          a.c = out_row + static_cast<size_t>(ox0) * channels_;
          k_.fn(&a);
        }
      }
    });
  }

  const char* kernel_name() const override { return is_unsigned_ ? k_.qu8 : k_.qs8; }

 private:
  // Narrow outputs: tasks take groups of 8 pixels of each batch item, offsets from the table of every
  // pixel; calls span rows, so no tap_shift.
  void run_table(const uint8_t* in, uint8_t* out, ThreadPool* pool) const {
    for (int32_t b = 0; b < batches_; ++b) {
      const uint8_t* in_b = in + static_cast<size_t>(b) * in_pixels_ * channels_;
      uint8_t* out_b = out + static_cast<size_t>(b) * out_pixels_ * channels_;
      parallel_for(pool, dw_tasks_, [&](int64_t t) {
        const SplitRange r = split_range(static_cast<int64_t>(out_pixels_), dw_tasks_, 8, t);
        if (r.end <= r.begin) return;
        const size_t begin = static_cast<size_t>(r.begin);
        Q8DwArgs a;
        a.channels = channels_;
        a.taps = taps_;
        a.filter_w = static_cast<size_t>(filter_w_);
        a.tap_shift = 0;
        a.pixels = static_cast<size_t>(r.end - r.begin);
        a.offsets = table_.data() + begin * taps_;
        a.input = in_b;
        a.pad = pad_row_.data();
        a.in_unsigned = is_unsigned_ ? 1 : 0;
        a.w = packed_.data();
        a.c = out_b + begin * channels_;
        a.c_stride = channels_;
        a.rq = &rq_;
        a.pair_safe = pair_safe_ ? 1 : 0;
        k_.fn(&a);
      });
    }
  }

  void pack_weights(const Q8ConvSpec& s) {
    const size_t cb = k_.cb;
    pair_safe_ = q8_weights_pair_safe(s.filter, taps_ * channels_, s.filter_zp, s.is_unsigned);
    for (size_t b = 0; b < blocks_; ++b) {
      uint8_t* block = packed_.data() + b * block_bytes_;
      int32_t* bias = reinterpret_cast<int32_t*>(block);
      float* scale = reinterpret_cast<float*>(block + cb * 4);
      uint8_t* w = block + cb * 8;
      for (size_t j = 0; j < cb; ++j) {
        const size_t c = b * cb + j;
        if (c >= channels_) break;  // padding channels stay 0
        int32_t b0 = 0;
        if (s.bias) std::memcpy(&b0, s.bias + c * 4, 4);
        uint32_t folded = static_cast<uint32_t>(b0);  // wrapping, like the reference's adds
        scale[j] = s.scale[c];
        for (size_t t = 0; t < taps_; ++t) {
          const size_t src = t * channels_ + c;
          const int32_t raw = s.is_unsigned ? static_cast<int32_t>(s.filter[src])
                                            : static_cast<int32_t>(static_cast<int8_t>(s.filter[src]));
          const int16_t v = static_cast<int16_t>(raw - s.filter_zp);
          folded -= static_cast<uint32_t>(s.input_zp) * static_cast<uint32_t>(static_cast<int32_t>(v));
          if (k_.weight_bytes == 4) {
            // Low half the weight, high half 0 (little endian): see dwconv_q8_ukernel.h.
            const uint32_t lane = static_cast<uint16_t>(v);
            std::memcpy(w + (t * cb + j) * 4, &lane, 4);
          } else {
            std::memcpy(w + (t * cb + j) * 2, &v, 2);
          }
        }
        bias[j] = static_cast<int32_t>(folded);
      }
    }
  }

  // The taps of output column ox whose window starts at input row iy0: byte offset of the pixel each
  // reads (relative to input row 0), -1 in the padding; clip_rows false treats every row as inside
  // (the cached row, built with iy0 = 0).
  void fill_checked(int32_t iy0, bool clip_rows, int32_t ox, int64_t* o) const {
    const int32_t ix0 = ox * stride_w_ - pad_left_;
    for (int32_t ky = 0; ky < filter_h_; ++ky) {
      const int32_t iy = iy0 + ky * dilation_h_;
      for (int32_t kx = 0; kx < filter_w_; ++kx) {
        const int32_t ix = ix0 + kx * dilation_w_;
        const bool inside = (!clip_rows || (iy >= 0 && iy < in_h_)) && ix >= 0 && ix < in_w_;
        *o++ = inside ? (static_cast<int64_t>(iy) * in_w_ + ix) * static_cast<int64_t>(channels_) : -1;
      }
    }
  }

  Q8DwKernelInfo k_;
  int in_, out_;
  int32_t batches_ = 1, in_h_ = 0, in_w_ = 0, out_h_ = 0, out_w_ = 0, filter_h_ = 0, filter_w_ = 0;
  int32_t stride_h_ = 1, stride_w_ = 1, dilation_h_ = 1, dilation_w_ = 1, pad_top_ = 0, pad_left_ = 0;
  int32_t span_h_ = 0;  // extent of the dilated window below its first row
  bool by_rows_ = true;
  std::vector<int64_t> table_;  // by_rows_: [out_w][taps] of a row inside the input, relative to its first input
                                // row; else [out_pixels][taps]
  size_t channels_ = 0, stride_ = 0, in_pixels_ = 0, out_pixels_ = 0, taps_ = 0, chunk_ = 1, tap_shift_ = 0;
  size_t blocks_ = 0, block_bytes_ = 0;
  bool is_unsigned_ = false;
  bool pair_safe_ = false;  // Q8DwArgs::pair_safe
  Q8Requant rq_{};
  int64_t dw_tasks_ = 1;
  Q8Buffer packed_, pad_row_;
};

}  // namespace

Result<std::unique_ptr<PreparedOp>> make_q8_dwconv_op(Isa isa, int threads, const Q8ConvSpec& spec, int input_tensor,
                                                      int output_tensor) {
  const Q8DwKernelInfo* k = q8_dw_kernel_for(isa);
  if (k == nullptr || spec.in_c != spec.out_c) return std::unique_ptr<PreparedOp>();
  auto op = std::make_unique<Q8DwconvOp>(*k, spec, threads, input_tensor, output_tensor);
  EB_RETURN_IF_ERROR(op->init(spec));
  return std::unique_ptr<PreparedOp>(std::move(op));
}

}  // namespace eb
