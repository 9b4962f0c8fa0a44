// Quantized depthwise microkernel, NEON (ARMv8.0): 8 channels at a time, the raw input widened to
// int16 and multiply-accumulated into int32 (SMLAL). Contract and numerics: dwconv_q8_ukernel.h.
#include <arm_neon.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/ops/depthwise_conv2d/dwconv_q8_ukernel.h"

namespace eb {

namespace {
constexpr size_t kCb = 8;

// n (<= 8) channels widened to int16 (uint8 fits); a partial block is copied first.
static inline int16x8_t load_channels(const uint8_t* x, size_t n, bool is_unsigned) {
  uint8x8_t b;
  if (n == kCb) {
    b = vld1_u8(x);
  } else {
    uint8_t tmp[8] = {};
    std::memcpy(tmp, x, n);
    b = vld1_u8(tmp);
  }
  return is_unsigned ? vreinterpretq_s16_u16(vmovl_u8(b)) : vmovl_s8(vreinterpret_s8_u8(b));
}
}  // namespace

void dwconv_q8_8c_neon(const Q8DwArgs* p) {
  const size_t blocks = (p->channels + kCb - 1) / kCb;
  const size_t block_bytes = kCb * 8 + p->taps * kCb * 2;
  const float32x4_t vmin = vdupq_n_f32(p->rq->min_less_zp);
  const float32x4_t vmax = vdupq_n_f32(p->rq->max_less_zp);
  const int32x4_t vzp = vdupq_n_s32(p->rq->zero_point);
  const bool out_unsigned = p->rq->out_unsigned != 0;
  const bool is_unsigned = p->in_unsigned != 0;
  const int64_t* offsets = p->offsets;
  uint8_t* c = p->c;
  for (size_t px = 0; px < p->pixels; ++px, offsets += p->taps, c += p->c_stride) {
    const uint8_t* block = static_cast<const uint8_t*>(p->w);
    for (size_t b = 0; b < blocks; ++b, block += block_bytes) {
      const int32_t* bias = reinterpret_cast<const int32_t*>(block);
      const float* scale = reinterpret_cast<const float*>(block + kCb * 4);
      const int16_t* w = reinterpret_cast<const int16_t*>(block + kCb * 8);
      int32x4_t lo = vld1q_s32(bias), hi = vld1q_s32(bias + 4);
      const size_t off = b * kCb;
      const size_t n = p->channels - off < kCb ? p->channels - off : kCb;
      for (size_t t = 0; t < p->taps; ++t, w += kCb) {
        const uint8_t* row = offsets[t] < 0 ? p->pad : p->input + offsets[t];
        const int16x8_t x = load_channels(row + off, n, is_unsigned);
        const int16x8_t wv = vld1q_s16(w);
        lo = vmlal_s16(lo, vget_low_s16(x), vget_low_s16(wv));
        hi = vmlal_high_s16(hi, x, wv);
      }
      float32x4_t v0 = vmulq_f32(vcvtq_f32_s32(lo), vld1q_f32(scale));
      float32x4_t v1 = vmulq_f32(vcvtq_f32_s32(hi), vld1q_f32(scale + 4));
      v0 = vminq_f32(vmaxq_f32(v0, vmin), vmax);
      v1 = vminq_f32(vmaxq_f32(v1, vmin), vmax);
      const int32x4_t q0 = vaddq_s32(vcvtnq_s32_f32(v0), vzp);
      const int32x4_t q1 = vaddq_s32(vcvtnq_s32_f32(v1), vzp);
      const int16x8_t q16 = vcombine_s16(vqmovn_s32(q0), vqmovn_s32(q1));
      const uint8x8_t q8 = out_unsigned ? vqmovun_s16(q16) : vreinterpret_u8_s8(vqmovn_s16(q16));
      if (n == kCb) {
        vst1_u8(c + off, q8);
      } else {
        uint8_t tmp[8];
        vst1_u8(tmp, q8);
        std::memcpy(c + off, tmp, n);
      }
    }
  }
}

}  // namespace eb
