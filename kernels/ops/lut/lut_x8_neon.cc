// y = table[x] on NEON: 16 bytes per step, TBL on the first 64 entries then TBX (out-of-range indices
// leave the lane as it is) on the next three quarters with the index moved down by 64 each time.
#include <arm_neon.h>

#include <cstring>

#include "kernels/ops/lut/lut_x8_ukernels.h"

namespace eb {
namespace {

inline uint8x16_t lookup16(uint8x16_t x, const uint8x16x4_t* t) {
  const uint8x16_t quarter = vdupq_n_u8(64);
  uint8x16_t y = vqtbl4q_u8(t[0], x);
  x = vsubq_u8(x, quarter);
  y = vqtbx4q_u8(y, t[1], x);
  x = vsubq_u8(x, quarter);
  y = vqtbx4q_u8(y, t[2], x);
  x = vsubq_u8(x, quarter);
  return vqtbx4q_u8(y, t[3], x);
}

}  // namespace

void lut_x8_neon(size_t n, const uint8_t* x, uint8_t* y, const uint8_t* table) {
  uint8x16x4_t t[4];
  for (int q = 0; q < 4; ++q) t[q] = vld1q_u8_x4(table + 64 * q);
  for (; n >= 32; n -= 32, x += 32, y += 32) {
    const uint8x16_t a = lookup16(vld1q_u8(x), t);
    const uint8x16_t b = lookup16(vld1q_u8(x + 16), t);
    vst1q_u8(y, a);
    vst1q_u8(y + 16, b);
  }
  for (; n >= 16; n -= 16, x += 16, y += 16) vst1q_u8(y, lookup16(vld1q_u8(x), t));
  if (n > 0) {
    uint8_t buf[16] = {};
    std::memcpy(buf, x, n);
    vst1q_u8(buf, lookup16(vld1q_u8(buf), t));
    std::memcpy(y, buf, n);
  }
}

}  // namespace eb
