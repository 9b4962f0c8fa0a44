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

class Q8DwconvOp final : public PreparedOp {
 public:
  Q8DwconvOp(const Q8DwKernelInfo& k, const Q8ConvSpec& s, int threads, int in, int out) : k_(k), in_(in), out_(out) {
    batches_ = s.batches;
    channels_ = static_cast<size_t>(s.in_c);
    stride_ = (channels_ + kChannelPad - 1) / kChannelPad * kChannelPad;
    in_pixels_ = static_cast<size_t>(s.in_h) * static_cast<size_t>(s.in_w);
    out_pixels_ = static_cast<size_t>(s.out_h) * static_cast<size_t>(s.out_w);
    taps_ = static_cast<size_t>(s.filter_h) * static_cast<size_t>(s.filter_w);
    blocks_ = (channels_ + k_.cb - 1) / k_.cb;
    block_bytes_ = k_.cb * 8 + taps_ * k_.cb * k_.weight_bytes;
    is_unsigned_ = s.is_unsigned;
    rq_ = make_q8_requant(s.output_zp, s.act_min, s.act_max, s.is_unsigned);
    // Tasks take whole groups of 8 output pixels (split_range grain in run()).
    dw_tasks_ = tasks_for_work(threads, static_cast<int64_t>((out_pixels_ + 7) / 8), static_cast<int64_t>(8 * channels_ * taps_));
  }

  Status init(const Q8ConvSpec& s) {
    EB_RETURN_IF_ERROR(packed_.allocate(blocks_ * block_bytes_));
    EB_RETURN_IF_ERROR(pad_row_.allocate(stride_));
    // Padding taps read the input zero point: (x - x_zp) = 0, as the reference skips them.
    std::memset(pad_row_.data(), static_cast<int>(static_cast<uint8_t>(s.input_zp)), stride_);
    pack_weights(s);
    build_indirection(s);
    return Status();
  }

  void run(const RunContext& ctx) override {
    const uint8_t* in = ctx.data[in_];
    uint8_t* out = ctx.data[out_];
    for (int32_t b = 0; b < batches_; ++b) {
      const uint8_t* in_b = in + static_cast<size_t>(b) * in_pixels_ * channels_;
      uint8_t* out_b = out + static_cast<size_t>(b) * out_pixels_ * channels_;
      parallel_for(ctx.pool, dw_tasks_, [&](int64_t t) {
        const SplitRange r = split_range(static_cast<int64_t>(out_pixels_), dw_tasks_, 8, t);
        if (r.end <= r.begin) return;
        const size_t begin = static_cast<size_t>(r.begin);
        Q8DwArgs a;
        a.channels = channels_;
        a.taps = taps_;
        a.pixels = static_cast<size_t>(r.end - r.begin);
        a.offsets = offsets_.data() + begin * taps_;
        a.input = in_b;
        a.pad = pad_row_.data();
        a.in_unsigned = is_unsigned_ ? 1 : 0;
        a.w = packed_.data();
        a.c = out_b + begin * channels_;
        a.c_stride = channels_;
        a.rq = &rq_;
        k_.fn(&a);
      });
    }
  }

  const char* kernel_name() const override { return is_unsigned_ ? k_.qu8 : k_.qs8; }

 private:
  void pack_weights(const Q8ConvSpec& s) {
    const size_t cb = k_.cb;
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

  // [pixel][tap]: the byte offset (within one batch item) of the pixel each tap reads, -1 in the padding.
  void build_indirection(const Q8ConvSpec& s) {
    offsets_.assign(out_pixels_ * taps_, -1);
    for (size_t m = 0; m < out_pixels_; ++m) {
      const int32_t oy = static_cast<int32_t>(m / static_cast<size_t>(s.out_w));
      const int32_t ox = static_cast<int32_t>(m % static_cast<size_t>(s.out_w));
      for (int32_t ky = 0; ky < s.filter_h; ++ky) {
        for (int32_t kx = 0; kx < s.filter_w; ++kx) {
          const int32_t iy = oy * s.stride_h - s.pad_top + ky * s.dilation_h;
          const int32_t ix = ox * s.stride_w - s.pad_left + kx * s.dilation_w;
          if (iy < 0 || iy >= s.in_h || ix < 0 || ix >= s.in_w) continue;
          offsets_[m * taps_ + static_cast<size_t>(ky * s.filter_w + kx)] =
              (static_cast<int64_t>(iy) * s.in_w + ix) * static_cast<int64_t>(channels_);
        }
      }
    }
  }

  Q8DwKernelInfo k_;
  int in_, out_;
  int32_t batches_ = 1;
  size_t channels_ = 0, stride_ = 0, in_pixels_ = 0, out_pixels_ = 0, taps_ = 0, blocks_ = 0, block_bytes_ = 0;
  bool is_unsigned_ = false;
  Q8Requant rq_{};
  int64_t dw_tasks_ = 1;
  Q8Buffer packed_, pad_row_;
  std::vector<int64_t> offsets_;
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
