// CONV_2D 16x8 (int16 activations, int8 weights) fast path, bit-identical to conv2d_int16_ref /
// conv2d_int16_bias32_ref: im2col of 4 output pixels at a time (padding taps hold 0, which is what the
// reference skipping them adds, the input offset being 0), one exact int64 dot product per pixel and
// output channel on the int16_dot.h microkernel (filter widened to int16 at prepare), then the
// reference's own epilogue (bias, conv_int16_output / conv_int16_output_acc32). Integer sums are exact
// whatever their order, so only overflow could differ: the microkernel's int32 lanes cannot overflow
// (int16_dot.h) and an int32-bias layer wraps its exact sum like the int32 reference does.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "kernels/common/thread_pool.h"
#include "kernels/ops/conv2d/conv2d.h"
#include "kernels/ops/conv2d/int16_dot.h"

namespace eb {
namespace {

constexpr int32_t kPixels = 4;  // output pixels per microkernel call (the "4x1" of the kernel names)

size_t round64(size_t n) { return (n + 63) / 64 * 64; }

class Conv2DInt16FastOp final : public PreparedOp {
 public:
  Conv2DInt16FastOp(Int16Dot4Fn dot, const char* name, Conv2DParams p, const int8_t* filter, bool bias32, int threads,
                    int in, int bias, int out)
      : dot_(dot), name_(name), p_(std::move(p)), bias32_(bias32), in_(in), bias_(bias), out_(out) {
    const ConvGeometry& g = p_.geom;
    k_ = static_cast<size_t>(g.filter_h) * static_cast<size_t>(g.filter_w) * static_cast<size_t>(g.in_c);
    kp_ = (k_ + kInt16DotBlock - 1) / kInt16DotBlock * kInt16DotBlock;
    oc_ = static_cast<size_t>(g.out_c);
    weights_.assign(oc_ * kp_, 0);
    for (size_t o = 0; o < oc_; ++o)
      for (size_t i = 0; i < k_; ++i) weights_[o * kp_ + i] = filter[o * k_ + i];
    // A 1x1 stride-1 unpadded layer whose channels fill whole blocks reads its rows in place.
    direct_ = g.filter_h == 1 && g.filter_w == 1 && g.stride_h == 1 && g.stride_w == 1 && g.pad_top == 0 &&
              g.pad_left == 0 && kp_ == k_;
    rows_ = static_cast<int64_t>(g.batches) * g.out_h;
    tasks_ = tasks_for_work(threads, rows_, static_cast<int64_t>(g.out_w) * g.out_c * static_cast<int64_t>(k_));
    task_bytes_ = round64(kPixels * kp_ * sizeof(int16_t)) + round64(oc_ * kPixels * sizeof(int64_t));
  }

  size_t scratch_bytes() const override { return static_cast<size_t>(tasks_) * task_bytes_; }

  void run(const RunContext& ctx) override {
    const int16_t* input = ctx.in<int16_t>(in_);
    const void* bias = bias_ >= 0 ? ctx.in<uint8_t>(bias_) : nullptr;
    int16_t* output = ctx.out<int16_t>(out_);
    parallel_for(ctx.pool, tasks_, [&](int64_t t) {
      const SplitRange r = split_range(rows_, tasks_, 1, t);
      uint8_t* scratch = ctx.scratch + static_cast<size_t>(t) * task_bytes_;
      int16_t* cols = reinterpret_cast<int16_t*>(scratch);
      int64_t* sums = reinterpret_cast<int64_t*>(scratch + round64(kPixels * kp_ * sizeof(int16_t)));
      for (int64_t row = r.begin; row < r.end; ++row) output_row(row, input, bias, output, cols, sums);
    });
  }

  const char* kernel_name() const override { return name_; }

 private:
  void output_row(int64_t row, const int16_t* input, const void* bias, int16_t* output, int16_t* cols,
                  int64_t* sums) const {
    const ConvGeometry& g = p_.geom;
    const int32_t b = static_cast<int32_t>(row / g.out_h), oy = static_cast<int32_t>(row % g.out_h);
    const int16_t* in_b = input + static_cast<int64_t>(b) * g.in_h * g.in_w * g.in_c;
    int16_t* out_row = output + nhwc_offset(b, oy, 0, 0, g.out_h, g.out_w, g.out_c);
    for (int32_t ox0 = 0; ox0 < g.out_w; ox0 += kPixels) {
      const int32_t n = std::min(kPixels, g.out_w - ox0);
      const int16_t* rows[kPixels];
      for (int32_t i = 0; i < kPixels; ++i) {
        const int32_t ox = ox0 + std::min(i, n - 1);  // a short tile repeats its last pixel (discarded)
        if (direct_) {
          rows[i] = in_b + nhwc_offset(0, oy, ox, 0, g.in_h, g.in_w, g.in_c);
        } else {
          int16_t* col = cols + static_cast<size_t>(i) * kp_;
          if (i < n) gather(in_b, oy, ox, col);
          rows[i] = i < n ? col : rows[n - 1];
        }
      }
      dot_(rows, weights_.data(), kp_, oc_, sums);
      for (int32_t i = 0; i < n; ++i) {
        int16_t* out = out_row + static_cast<int64_t>(ox0 + i) * g.out_c;
        for (int32_t oc = 0; oc < g.out_c; ++oc) {
          const int64_t s = sums[static_cast<size_t>(oc) * kPixels + static_cast<size_t>(i)];
          if (bias32_) {
            const int64_t acc = s + (bias ? static_cast<const int32_t*>(bias)[oc] : 0);
            out[oc] = conv_int16_output_acc32(p_.requant, static_cast<int32_t>(static_cast<uint32_t>(acc)), oc);
          } else {
            out[oc] = conv_int16_output(p_.requant, s + (bias ? static_cast<const int64_t*>(bias)[oc] : 0), oc);
          }
        }
      }
    }
  }

  // Output pixel (oy, ox)'s window as kp_ values in the filter's [ky][kx][ic] order, zeros for padding
  // taps and the block padding.
  void gather(const int16_t* in_b, int32_t oy, int32_t ox, int16_t* col) const {
    const ConvGeometry& g = p_.geom;
    const size_t ic = static_cast<size_t>(g.in_c);
    const int32_t iy0 = oy * g.stride_h - g.pad_top, ix0 = ox * g.stride_w - g.pad_left;
    int16_t* dst = col;
    for (int32_t ky = 0; ky < g.filter_h; ++ky) {
      const int32_t iy = iy0 + ky * g.dilation_h;
      for (int32_t kx = 0; kx < g.filter_w; ++kx, dst += ic) {
        const int32_t ix = ix0 + kx * g.dilation_w;
        if (iy < 0 || iy >= g.in_h || ix < 0 || ix >= g.in_w)
          std::memset(dst, 0, ic * sizeof(int16_t));
        else
          std::memcpy(dst, in_b + nhwc_offset(0, iy, ix, 0, g.in_h, g.in_w, g.in_c), ic * sizeof(int16_t));
      }
    }
    std::memset(col + k_, 0, (kp_ - k_) * sizeof(int16_t));
  }

  Int16Dot4Fn dot_;
  const char* name_;
  Conv2DParams p_;
  bool bias32_;
  int in_, bias_, out_;
  size_t k_ = 0, kp_ = 0, oc_ = 0;
  bool direct_ = false;
  int64_t rows_ = 0, tasks_ = 1;
  size_t task_bytes_ = 0;
  std::vector<int16_t> weights_;  // [out_c][kp_], the filter widened to int16, zero-padded
};

}  // namespace

std::unique_ptr<PreparedOp> prepare_conv2d_fast_int16(PrepareContext& ctx, const Conv2DParams& p, bool bias32) {
  const Tensor& w = ctx.input(1);
  if (p.groups != 1 || !w.is_constant()) return nullptr;  // grouped convs keep the reference
  Int16Dot4Fn dot = int16_dot4_generic;
  const char* name = "conv2d_qs16_igemm_4x1_generic";
#if defined(__x86_64__) || defined(_M_X64)
  if (ctx.isa() == Isa::kAvx2 || ctx.isa() == Isa::kAvx512 || ctx.isa() == Isa::kAvx512Vnni) {
    dot = int16_dot4_avx2;
    name = "conv2d_qs16_igemm_4x1_avx2";
  }
#endif
  ctx.input_packed(1);  // the filter is widened into the op; the bias is read as stored
  return std::make_unique<Conv2DInt16FastOp>(dot, name, p, w.constant_as<int8_t>(), bias32, ctx.threads(),
                                             ctx.input_index(0), ctx.has_input(2) ? ctx.input_index(2) : -1,
                                             ctx.output_index(0));
}

}  // namespace eb
