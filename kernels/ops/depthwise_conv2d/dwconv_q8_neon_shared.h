// What the quantized depthwise NEON kernels (dwconv_q8_neon.cc, dwconv_q8_s1_neon.cc) share: the
// packed 8-channel weight block's layout, and the requantization with the activation clamp done on the
// output bytes: round-to-nearest-even, the saturating adds and narrowings are monotonic and leave
// integers in range unchanged, and the clamp bounds are integers inside the output type, so
// clamp(round(v) + zp) == round(clamp(v - zp)) + zp, the reference's order (XNNPACK's fp32
// requantization, gemm_q8_ukernel.h), bit for bit; it saves the 128-bit float min/max.
//
// Include from *_neon.cc files only: the inline code is built with the baseline ARMv8.0 flags, and a
// file built with other flags (*_neondot.cc) must not define the same inline functions differently.
#pragma once

#include <arm_neon.h>

#include <cstddef>
#include <cstdint>

#include "kernels/ops/depthwise_conv2d/dwconv_q8_ukernel.h"
#include "kernels/ops/gemm/gemm_q8_ukernel.h"

namespace eb {
namespace dwconv_q8_neon {

// One packed block of kBlockChannels channels (dwconv_q8_ukernel.h, NEON: int16 weights):
// int32 bias[8], float scale[8], then int16 weights [taps][8].
constexpr size_t kBlockChannels = 8;
constexpr size_t block_bytes(size_t taps) { return kBlockChannels * 8 + taps * kBlockChannels * 2; }
struct PackedBlock {
  const int32_t* bias;
  const float* scale;
  const int16_t* w;  // tap t's 8 weights at w + 8 * t
};
inline PackedBlock packed_block(const uint8_t* block) {
  return {reinterpret_cast<const int32_t*>(block), reinterpret_cast<const float*>(block + kBlockChannels * 4),
          reinterpret_cast<const int16_t*>(block + kBlockChannels * 8)};
}

// Where the channels from `first_channel` of a call are read and written: their input bytes, the
// padding row's distance from them (a padding tap reads in + pad_delta: the select is one csel on the
// tap's offset), their output bytes.
struct BlockIo {
  const uint8_t* in;
  int64_t pad_delta;
  uint8_t* c;
};
inline BlockIo block_io(const Q8DwArgs* p, size_t first_channel) {
  const uint8_t* in = p->input + first_channel;
  return {in, (p->pad + first_channel) - in, p->c + first_channel};
}

// The activation bounds as output bytes (min_less_zp + zp is the integer act_min), in every lane.
struct ByteBounds {
  uint8x16_t min, max;
  int32x4_t zero_point;
};
inline ByteBounds byte_bounds(const Q8Requant* rq) {
  const int32_t act_min = static_cast<int32_t>(rq->min_less_zp) + rq->zero_point;
  const int32_t act_max = static_cast<int32_t>(rq->max_less_zp) + rq->zero_point;
  return {vdupq_n_u8(static_cast<uint8_t>(act_min)), vdupq_n_u8(static_cast<uint8_t>(act_max)),
          vdupq_n_s32(rq->zero_point)};
}

// int32 sums -> saturated int16 (scale, round, + zero point).
inline int16x8_t scale_round(int32x4_t lo, int32x4_t hi, float32x4_t s_lo, float32x4_t s_hi, int32x4_t vzp) {
  const int32x4_t q0 = vqaddq_s32(vcvtnq_s32_f32(vmulq_f32(vcvtq_f32_s32(lo), s_lo)), vzp);
  const int32x4_t q1 = vqaddq_s32(vcvtnq_s32_f32(vmulq_f32(vcvtq_f32_s32(hi), s_hi)), vzp);
  return vcombine_s16(vqmovn_s32(q0), vqmovn_s32(q1));
}

// 8 output bytes of two int32 quads.
template <bool kUnsigned>
inline uint8x8_t requantize8(int32x4_t lo, int32x4_t hi, float32x4_t s_lo, float32x4_t s_hi, const ByteBounds& q) {
  const int16x8_t q16 = scale_round(lo, hi, s_lo, s_hi, q.zero_point);
  if (kUnsigned) return vmin_u8(vmax_u8(vqmovun_s16(q16), vget_low_u8(q.min)), vget_low_u8(q.max));
  const int8x8_t b = vqmovn_s16(q16);
  return vreinterpret_u8_s8(
      vmin_s8(vmax_s8(b, vreinterpret_s8_u8(vget_low_u8(q.min))), vreinterpret_s8_u8(vget_low_u8(q.max))));
}

// 16 output bytes of four int32 quads; s0 / s1 point at the scales of channels 0-7 / 8-15.
template <bool kUnsigned>
inline uint8x16_t requantize16(int32x4_t a0, int32x4_t a1, int32x4_t a2, int32x4_t a3, const float* s0,
                               const float* s1, const ByteBounds& q) {
  const int16x8_t lo = scale_round(a0, a1, vld1q_f32(s0), vld1q_f32(s0 + 4), q.zero_point);
  const int16x8_t hi = scale_round(a2, a3, vld1q_f32(s1), vld1q_f32(s1 + 4), q.zero_point);
  if (kUnsigned) return vminq_u8(vmaxq_u8(vcombine_u8(vqmovun_s16(lo), vqmovun_s16(hi)), q.min), q.max);
  const int8x16_t b = vcombine_s8(vqmovn_s16(lo), vqmovn_s16(hi));
  return vreinterpretq_u8_s8(vminq_s8(vmaxq_s8(b, vreinterpretq_s8_u8(q.min)), vreinterpretq_s8_u8(q.max)));
}

}  // namespace dwconv_q8_neon
}  // namespace eb
