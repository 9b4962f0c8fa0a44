// Reference kernels of ADD, SUB and MUL. Each walks the broadcast output once, in row-major order.
#include <algorithm>
#include <cstdint>
#include <limits>

#include "kernels/common/quantization.h"
#include "kernels/ops/elementwise/broadcast_walk.h"
#include "kernels/ops/elementwise/elementwise.h"

namespace eb {
namespace {

template <typename Op>
void binary_float(const BinaryFloatParams& p, const float* a, const float* b, float* out, Op op) {
  for_each_broadcast(p.geom, [&](int64_t ia, int64_t ib, int64_t io) {
    out[io] = std::min(std::max(op(a[ia], b[ib]), p.act_min), p.act_max);
  });
}

// int32 arithmetic in uint32 so that overflow wraps instead of being undefined.
template <typename Op>
void binary_int32(const BinaryInt32Params& p, const int32_t* a, const int32_t* b, int32_t* out, Op op) {
  for_each_broadcast(p.geom, [&](int64_t ia, int64_t ib, int64_t io) {
    const int32_t v = static_cast<int32_t>(op(static_cast<uint32_t>(a[ia]), static_cast<uint32_t>(b[ib])));
    out[io] = std::min(std::max(v, p.act_min), p.act_max);
  });
}

template <typename Op>
void binary_int64(const BinaryInt64Params& p, const int64_t* a, const int64_t* b, int64_t* out, Op op) {
  for_each_broadcast(p.geom, [&](int64_t ia, int64_t ib, int64_t io) {
    const int64_t v = static_cast<int64_t>(op(static_cast<uint64_t>(a[ia]), static_cast<uint64_t>(b[ib])));
    out[io] = std::min(std::max(v, p.act_min), p.act_max);
  });
}

template <typename T>
void add_xnnpack(const BroadcastGeometry& g, const AddQuantXnnpackParams& p, const T* a, const T* b, T* out) {
  for_each_broadcast(g, [&](int64_t ia, int64_t ib, int64_t io) {
    const int32_t acc =
        p.bias + static_cast<int32_t>(a[ia]) * p.a_multiplier + static_cast<int32_t>(b[ib]) * p.b_multiplier;
    int32_t v = (acc >> p.shift) + p.out_zp;  // arithmetic shift: the bias already holds the rounding term
    v = std::min(std::max(v, p.out_min), p.out_max);
    out[io] = static_cast<T>(v);
  });
}

// TFLite's MultiplyByQuantizedMultiplierSmallerThanOneExp: the shift is never positive here.
inline int32_t mul_smaller_than_one(int32_t x, QuantizedMultiplier m) {
  return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(x, m.multiplier), -m.shift);
}

template <typename T>
void add_tflite(const BroadcastGeometry& g, const AddQuantTfliteParams& p, const T* a, const T* b, T* out) {
  for_each_broadcast(g, [&](int64_t ia, int64_t ib, int64_t io) {
    const int32_t sa = (p.a_offset + static_cast<int32_t>(a[ia])) * (1 << p.left_shift);
    const int32_t sb = (p.b_offset + static_cast<int32_t>(b[ib])) * (1 << p.left_shift);
    const int32_t ra = mul_smaller_than_one(sa, p.a_multiplier);
    const int32_t rb = mul_smaller_than_one(sb, p.b_multiplier);
    const int32_t raw = p.subtract ? ra - rb : ra + rb;
    int32_t v = mul_smaller_than_one(raw, p.out_multiplier) + p.out_zp;
    v = std::min(std::max(v, p.out_min), p.out_max);
    out[io] = static_cast<T>(v);
  });
}

// NEON's vqrdmulhq_s32: the doubled product's high half, rounded half up, saturated.
inline int32_t vqrdmulh(int32_t a, int32_t b) {
  if (a == b && a == std::numeric_limits<int32_t>::min()) return std::numeric_limits<int32_t>::max();
  return static_cast<int32_t>((static_cast<int64_t>(a) * b * 2 + (int64_t{1} << 31)) >> 32);
}

// The input rescaling of TFLite's NEON int16 ADD body: vshlq_s32 by 15 + shift (a negative count is a
// truncating right shift), then vqrdmulh by the multiplier.
inline int32_t neon_rescale(int32_t x, QuantizedMultiplier m) {
  const int ls = 15 + m.shift;
  const int32_t v = ls >= 0 ? x * (1 << ls) : (x >> -ls);
  return vqrdmulh(v, m.multiplier);
}

inline int16_t add_qs16_finish(const AddQs16Params& p, int32_t ra, int32_t rb) {
  const int32_t raw = p.subtract ? ra - rb : ra + rb;
  const int32_t v = mul_smaller_than_one(raw, p.out_multiplier) + p.out_zp;
  return static_cast<int16_t>(std::min(std::max(v, p.out_min), p.out_max));
}

template <typename T>
void mul_fp32(const MulQuantParams& p, const T* a, const T* b, T* out) {
  for_each_broadcast(p.geom, [&](int64_t ia, int64_t ib, int64_t io) {
    const int32_t acc = (static_cast<int32_t>(a[ia]) - p.a_zp) * (static_cast<int32_t>(b[ib]) - p.b_zp);
    out[io] = static_cast<T>(requantize_fp32(acc, p.fp32_scale, p.out_zp, p.out_min, p.out_max));
  });
}

template <typename T>
void mul_fixed_point(const MulQuantParams& p, const T* a, const T* b, T* out) {
  for_each_broadcast(p.geom, [&](int64_t ia, int64_t ib, int64_t io) {
    const int32_t acc = (static_cast<int32_t>(a[ia]) - p.a_zp) * (static_cast<int32_t>(b[ib]) - p.b_zp);
    int32_t v = multiply_by_quantized_multiplier(acc, p.multiplier) + p.out_zp;
    v = std::min(std::max(v, p.out_min), p.out_max);
    out[io] = static_cast<T>(v);
  });
}

}  // namespace

void add_float_ref(const BinaryFloatParams& p, const float* a, const float* b, float* out) {
  binary_float(p, a, b, out, [](float x, float y) { return x + y; });
}
void sub_float_ref(const BinaryFloatParams& p, const float* a, const float* b, float* out) {
  binary_float(p, a, b, out, [](float x, float y) { return x - y; });
}
void mul_float_ref(const BinaryFloatParams& p, const float* a, const float* b, float* out) {
  binary_float(p, a, b, out, [](float x, float y) { return x * y; });
}

void add_int32_ref(const BinaryInt32Params& p, const int32_t* a, const int32_t* b, int32_t* out) {
  binary_int32(p, a, b, out, [](uint32_t x, uint32_t y) { return x + y; });
}
void sub_int32_ref(const BinaryInt32Params& p, const int32_t* a, const int32_t* b, int32_t* out) {
  binary_int32(p, a, b, out, [](uint32_t x, uint32_t y) { return x - y; });
}
void mul_int32_ref(const BinaryInt32Params& p, const int32_t* a, const int32_t* b, int32_t* out) {
  binary_int32(p, a, b, out, [](uint32_t x, uint32_t y) { return x * y; });
}

void add_s64_ref(const BinaryInt64Params& p, const int64_t* a, const int64_t* b, int64_t* out) {
  binary_int64(p, a, b, out, [](uint64_t x, uint64_t y) { return x + y; });
}
void sub_s64_ref(const BinaryInt64Params& p, const int64_t* a, const int64_t* b, int64_t* out) {
  binary_int64(p, a, b, out, [](uint64_t x, uint64_t y) { return x - y; });
}
void mul_s64_ref(const BinaryInt64Params& p, const int64_t* a, const int64_t* b, int64_t* out) {
  binary_int64(p, a, b, out, [](uint64_t x, uint64_t y) { return x * y; });
}

void add_int8_xnnpack_ref(const BroadcastGeometry& g, const AddQuantXnnpackParams& p, const int8_t* a, const int8_t* b,
                          int8_t* out) {
  add_xnnpack(g, p, a, b, out);
}
void add_uint8_xnnpack_ref(const BroadcastGeometry& g, const AddQuantXnnpackParams& p, const uint8_t* a,
                           const uint8_t* b, uint8_t* out) {
  add_xnnpack(g, p, a, b, out);
}
void add_int8_tflite_ref(const BroadcastGeometry& g, const AddQuantTfliteParams& p, const int8_t* a, const int8_t* b,
                         int8_t* out) {
  add_tflite(g, p, a, b, out);
}
void add_uint8_tflite_ref(const BroadcastGeometry& g, const AddQuantTfliteParams& p, const uint8_t* a, const uint8_t* b,
                          uint8_t* out) {
  add_tflite(g, p, a, b, out);
}

int16_t add_qs16_scalar(const AddQs16Params& p, int32_t a, int32_t b) {
  const int32_t ra = mul_smaller_than_one((p.a_offset + a) * (1 << 15), p.a_multiplier);
  const int32_t rb = mul_smaller_than_one((p.b_offset + b) * (1 << 15), p.b_multiplier);
  return add_qs16_finish(p, ra, rb);
}

int16_t add_qs16_neon_lane(const AddQs16Params& p, int32_t a, int32_t b) {
  const int32_t ra = neon_rescale(p.a_offset + a, p.a_multiplier);
  const int32_t rb = neon_rescale(p.b_offset + b, p.b_multiplier);
  const int32_t raw = p.subtract ? ra - rb : ra + rb;
  const int32_t v = rounding_divide_by_pot(vqrdmulh(raw, p.out_multiplier.multiplier), -p.out_multiplier.shift) + p.out_zp;
  return static_cast<int16_t>(std::min(std::max(v, p.out_min), p.out_max));
}

void add_qs16_ref(const BroadcastGeometry& g, const AddQs16Params& p, const int16_t* a, const int16_t* b,
                  int16_t* out) {
  const int64_t run = p.simd_run;
  const int64_t body = run - run % 16;
  for_each_broadcast(g, [&](int64_t ia, int64_t ib, int64_t io) {
    const bool neon = run > 0 && io % run < body;
    out[io] = neon ? add_qs16_neon_lane(p, a[ia], b[ib]) : add_qs16_scalar(p, a[ia], b[ib]);
  });
}

void add_qs16_pot_ref(const BroadcastGeometry& g, const AddQs16PotParams& p, const int16_t* a, const int16_t* b,
                      int16_t* out) {
  for_each_broadcast(g, [&](int64_t ia, int64_t ib, int64_t io) {
    int32_t x = a[ia], y = b[ib];
    if (p.a_right_shift > 0) x = rounding_divide_by_pot(x, p.a_right_shift);
    if (p.b_right_shift > 0) y = rounding_divide_by_pot(y, p.b_right_shift);
    // gemmlowp SaturatingAdd / SaturatingSub on int16, then the activation clamp.
    int32_t v = p.subtract ? x - y : x + y;
    v = std::min(std::max(v, int32_t{-32768}), int32_t{32767});
    out[io] = static_cast<int16_t>(std::min(std::max(v, p.out_min), p.out_max));
  });
}

void mul_qs16_ref(const MulQuantParams& p, const int16_t* a, const int16_t* b, int16_t* out) {
  mul_fixed_point(p, a, b, out);
}

void mul_int8_fp32_ref(const MulQuantParams& p, const int8_t* a, const int8_t* b, int8_t* out) {
  mul_fp32(p, a, b, out);
}
void mul_uint8_fp32_ref(const MulQuantParams& p, const uint8_t* a, const uint8_t* b, uint8_t* out) {
  mul_fp32(p, a, b, out);
}
void mul_int8_fixed_point_ref(const MulQuantParams& p, const int8_t* a, const int8_t* b, int8_t* out) {
  mul_fixed_point(p, a, b, out);
}
void mul_uint8_fixed_point_ref(const MulQuantParams& p, const uint8_t* a, const uint8_t* b, uint8_t* out) {
  mul_fixed_point(p, a, b, out);
}

}  // namespace eb
