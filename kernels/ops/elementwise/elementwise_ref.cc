// Reference kernels of ADD, SUB and MUL. Each walks the broadcast output once, in row-major order.
#include <algorithm>
#include <cstdint>

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
