// y = table[x] on NEON: 16 bytes per step, TBL on the first 64 entries then TBX (out-of-range indices
// leave the lane as it is) on the next three quarters with the index moved down by 64 each time. The
// four quarters are separate locals, not an array: GCC then keeps all 16 table registers live across
// the loop instead of reloading them from the stack every step (bench/RESULTS.md, session 10).
#include <arm_neon.h>

#include <cstring>

#include "kernels/ops/lut/lut_x8_ukernels.h"

namespace eb {

void lut_x8_neon(size_t n, const uint8_t* x, uint8_t* y, const uint8_t* table) {
  const uint8x16x4_t t0 = vld1q_u8_x4(table);
  const uint8x16x4_t t1 = vld1q_u8_x4(table + 64);
  const uint8x16x4_t t2 = vld1q_u8_x4(table + 128);
  const uint8x16x4_t t3 = vld1q_u8_x4(table + 192);
  const uint8x16_t quarter = vdupq_n_u8(64);
  auto lookup16 = [&](uint8x16_t v) {
    uint8x16_t r = vqtbl4q_u8(t0, v);
    v = vsubq_u8(v, quarter);
    r = vqtbx4q_u8(r, t1, v);
    v = vsubq_u8(v, quarter);
    r = vqtbx4q_u8(r, t2, v);
    v = vsubq_u8(v, quarter);
    return vqtbx4q_u8(r, t3, v);
  };
  for (; n >= 32; n -= 32, x += 32, y += 32) {
    const uint8x16_t a = lookup16(vld1q_u8(x));
    const uint8x16_t b = lookup16(vld1q_u8(x + 16));
    vst1q_u8(y, a);
    vst1q_u8(y + 16, b);
  }
  for (; n >= 16; n -= 16, x += 16, y += 16) vst1q_u8(y, lookup16(vld1q_u8(x)));
  if (n > 0) {  // the tail through a zero-padded copy: no read or write past the ends
    uint8_t buf[16] = {};
    std::memcpy(buf, x, n);
    vst1q_u8(buf, lookup16(vld1q_u8(buf)));
    std::memcpy(y, buf, n);
  }
}

}  // namespace eb
