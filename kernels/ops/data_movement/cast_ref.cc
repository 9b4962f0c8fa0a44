#include <cmath>
#include <cstdio>
#include <type_traits>
#include <cstring>
#include <limits>

#include "kernels/ops/data_movement/cast.h"

namespace eb {
namespace {

// float -> integer: TFLite's static_cast, which on its x86 builds truncates toward zero through a
// 32-bit (or, for int64, 64-bit) conversion that yields the "integer indefinite" value (the type's
// minimum) for NaN and out-of-range inputs, and narrower types keep the low bits. Spelled out here so
// this code has no undefined behaviour and gives the same answer on every CPU.
int64_t float_to_int64(float v) {
  if (!(v >= -9.2233720368547758e18f && v < 9.2233720368547758e18f)) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}
int32_t float_to_int32(float v) {
  if (!(v > -2147483904.0f && v < 2147483648.0f)) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(v);
}

template <typename To, typename From>
To convert(From v) {
  if constexpr (std::is_same_v<To, bool>) {
    return v != From(0);
  } else if constexpr (std::is_same_v<From, float> && std::is_same_v<To, int64_t>) {
    return float_to_int64(v);
  } else if constexpr (std::is_same_v<From, float> && std::is_integral_v<To>) {
    // Narrow through int32 and keep the low bits (two's complement wrap, defined since C++20).
    return static_cast<To>(static_cast<uint32_t>(float_to_int32(v)));
  } else if constexpr (std::is_integral_v<To> && std::is_integral_v<From>) {
    return static_cast<To>(v);  // wraps modulo 2^N like TFLite's static_cast
  } else {
    return static_cast<To>(v);
  }
}

template <typename From, typename To>
void cast_kernel(const void* in, void* out, int64_t n) {
  const From* x = static_cast<const From*>(in);
  To* y = static_cast<To*>(out);
  for (int64_t i = 0; i < n; ++i) y[i] = convert<To>(x[i]);
}

float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu;
  uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {  // subnormal: value = mant * 2^-24
      const float f = static_cast<float>(mant) * 5.9604644775390625e-8f;
      std::memcpy(&bits, &f, 4);
      bits |= sign;
    }
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else {
    bits = sign | ((exp + 112) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

void cast_f16_f32(const void* in, void* out, int64_t n) {
  const uint16_t* x = static_cast<const uint16_t*>(in);
  float* y = static_cast<float*>(out);
  for (int64_t i = 0; i < n; ++i) y[i] = half_to_float(x[i]);
}

const char* short_name(DType t) {
  switch (t) {
    case DType::kFloat32: return "f32";
    case DType::kInt64: return "s64";
    case DType::kInt32: return "s32";
    case DType::kInt16: return "s16";
    case DType::kInt8: return "s8";
    case DType::kUInt8: return "u8";
    case DType::kBool: return "bool";
    default: return "?";
  }
}

template <typename From>
CastKernel to_kernel(DType to) {
  switch (to) {
    case DType::kFloat32: return cast_kernel<From, float>;
    case DType::kInt64: return cast_kernel<From, int64_t>;
    case DType::kInt32: return cast_kernel<From, int32_t>;
    case DType::kInt16: return cast_kernel<From, int16_t>;
    case DType::kInt8: return cast_kernel<From, int8_t>;
    case DType::kUInt8: return cast_kernel<From, uint8_t>;
    case DType::kBool: return cast_kernel<From, bool>;
    default: return nullptr;
  }
}

// Names live in a fixed table so kernel_name() can return a pointer that outlives prepare.
constexpr int kTypes = 7;
char g_names[kTypes][kTypes][24];
int type_slot(DType t) {
  switch (t) {
    case DType::kFloat32: return 0;
    case DType::kInt64: return 1;
    case DType::kInt32: return 2;
    case DType::kInt16: return 3;
    case DType::kInt8: return 4;
    case DType::kUInt8: return 5;
    case DType::kBool: return 6;
    default: return -1;
  }
}
struct NameTable {
  NameTable() {
    const DType all[kTypes] = {DType::kFloat32, DType::kInt64, DType::kInt32, DType::kInt16,
                               DType::kInt8,    DType::kUInt8, DType::kBool};
    for (int a = 0; a < kTypes; ++a)
      for (int b = 0; b < kTypes; ++b)
        std::snprintf(g_names[a][b], sizeof g_names[a][b], "cast_%s_%s_ref", short_name(all[a]), short_name(all[b]));
  }
};
const NameTable g_name_table;

}  // namespace

CastKernel find_cast_kernel(DType from, DType to, const char** name) {
  if (from == DType::kFloat16 && to == DType::kFloat32) {
    *name = "cast_f16_f32_ref";
    return cast_f16_f32;
  }
  const int a = type_slot(from), b = type_slot(to);
  if (a < 0 || b < 0) return nullptr;
  *name = g_names[a][b];
  switch (from) {
    case DType::kFloat32: return to_kernel<float>(to);
    case DType::kInt64: return to_kernel<int64_t>(to);
    case DType::kInt32: return to_kernel<int32_t>(to);
    case DType::kInt16: return to_kernel<int16_t>(to);
    case DType::kInt8: return to_kernel<int8_t>(to);
    case DType::kUInt8: return to_kernel<uint8_t>(to);
    case DType::kBool: return to_kernel<bool>(to);
    default: return nullptr;
  }
}

}  // namespace eb
