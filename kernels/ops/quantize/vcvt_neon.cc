// QUANTIZE / DEQUANTIZE conversions for aarch64 ASIMD, 8 floats per step; tails go through a small
// stack buffer so they use the very same instructions. Contract: vcvt_ukernels.h.
#include <arm_neon.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/ops/quantize/vcvt_ukernels.h"

namespace eb {
namespace {

// FMAXNM returns the number when the other operand is a NaN: the reference maps NaN to the lower bound.
static inline int32x4_t quantize4(float32x4_t x, float32x4_t inv, float32x4_t lo, float32x4_t hi, int32x4_t zp) {
  const float32x4_t v = vminq_f32(vmaxnmq_f32(vmulq_f32(x, inv), lo), hi);
  return vaddq_s32(vcvtnq_s32_f32(v), zp);  // round to nearest, ties to even
}

static inline void quantize8(const float* in, uint8_t* out, const VcvtQuantizeParams* p, bool is_unsigned) {
  const float32x4_t inv = vdupq_n_f32(p->inv_scale), lo = vdupq_n_f32(p->min_less_zp), hi = vdupq_n_f32(p->max_less_zp);
  const int32x4_t zp = vdupq_n_s32(p->zero_point);
  const int16x8_t w = vcombine_s16(vmovn_s32(quantize4(vld1q_f32(in), inv, lo, hi, zp)),
                                   vmovn_s32(quantize4(vld1q_f32(in + 4), inv, lo, hi, zp)));  // codes fit int16
  if (is_unsigned) vst1_u8(out, vqmovun_s16(w));
  else vst1_s8(reinterpret_cast<int8_t*>(out), vqmovn_s16(w));
}

static inline void quantize(size_t n, const float* in, uint8_t* out, const VcvtQuantizeParams* p, bool is_unsigned) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) quantize8(in + i, out + i, p, is_unsigned);
  if (i < n) {
    float tail[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    uint8_t bytes[8];
    std::memcpy(tail, in + i, (n - i) * sizeof(float));
    quantize8(tail, bytes, p, is_unsigned);
    std::memcpy(out + i, bytes, n - i);
  }
}

static inline void dequantize8(const uint8_t* in, float* out, const VcvtDequantizeParams* p, bool is_unsigned) {
  const int16x8_t q = is_unsigned ? vreinterpretq_s16_u16(vmovl_u8(vld1_u8(in)))
                                  : vmovl_s8(vld1_s8(reinterpret_cast<const int8_t*>(in)));
  const int32x4_t zp = vdupq_n_s32(p->zero_point);
  const float32x4_t scale = vdupq_n_f32(p->scale);
  vst1q_f32(out, vmulq_f32(vcvtq_f32_s32(vsubq_s32(vmovl_s16(vget_low_s16(q)), zp)), scale));
  vst1q_f32(out + 4, vmulq_f32(vcvtq_f32_s32(vsubq_s32(vmovl_s16(vget_high_s16(q)), zp)), scale));
}

static inline void dequantize(size_t n, const uint8_t* in, float* out, const VcvtDequantizeParams* p, bool is_unsigned) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) dequantize8(in + i, out + i, p, is_unsigned);
  if (i < n) {
    uint8_t bytes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    float tail[8];
    std::memcpy(bytes, in + i, n - i);
    dequantize8(bytes, tail, p, is_unsigned);
    std::memcpy(out + i, tail, (n - i) * sizeof(float));
  }
}

}  // namespace

void vcvt_f32_qs8_neon(size_t n, const float* in, int8_t* out, const VcvtQuantizeParams* p) {
  quantize(n, in, reinterpret_cast<uint8_t*>(out), p, false);
}
void vcvt_f32_qu8_neon(size_t n, const float* in, uint8_t* out, const VcvtQuantizeParams* p) {
  quantize(n, in, out, p, true);
}
void vcvt_qs8_f32_neon(size_t n, const int8_t* in, float* out, const VcvtDequantizeParams* p) {
  dequantize(n, reinterpret_cast<const uint8_t*>(in), out, p, false);
}
void vcvt_qu8_f32_neon(size_t n, const uint8_t* in, float* out, const VcvtDequantizeParams* p) {
  dequantize(n, in, out, p, true);
}

}  // namespace eb
