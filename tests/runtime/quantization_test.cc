#include "kernels/common/quantization.h"

#include <gtest/gtest.h>

#include <cstring>

#include "kernels/common/float16.h"
#include "kernels/common/padding.h"

namespace eb {
namespace {

TEST(Quantization, MultiplierRoundTrips) {
  for (double m : {0.5, 0.25, 0.0039215686, 0.7071, 1.5, 3.0e-6, 0.999999999}) {
    QuantizedMultiplier q = quantize_multiplier(m);
    const double back = static_cast<double>(q.multiplier) * std::ldexp(1.0, q.shift - 31);
    EXPECT_NEAR(back, m, m * 1e-9) << m;
    EXPECT_GE(q.multiplier, 1 << 30);
  }
  EXPECT_EQ(quantize_multiplier(0.0).multiplier, 0);
}

TEST(Quantization, FixedPointRoundsLikeTflite) {
  // gemmlowp's doubling high-mul rounds ties toward +infinity; the power-of-two divide rounds ties away
  // from zero. TFLite's integer results depend on exactly this.
  const QuantizedMultiplier half = quantize_multiplier(0.5);  // Q31 2^30, no shift: high-mul only
  EXPECT_EQ(multiply_by_quantized_multiplier(3, half), 2);    // 1.5 -> 2
  EXPECT_EQ(multiply_by_quantized_multiplier(-3, half), -1);  // -1.5 -> -1
  const QuantizedMultiplier quarter = quantize_multiplier(0.25);  // high-mul then divide by 2
  EXPECT_EQ(multiply_by_quantized_multiplier(6, quarter), 2);     // 1.5 -> 2
  EXPECT_EQ(multiply_by_quantized_multiplier(-6, quarter), -2);   // -1.5 -> -2
  EXPECT_EQ(multiply_by_quantized_multiplier(5, half), 3);
  EXPECT_EQ(multiply_by_quantized_multiplier(1000, quantize_multiplier(2.0)), 2000);
}

TEST(Quantization, Fp32RequantRoundsHalfToEvenAndClamps) {
  EXPECT_EQ(requantize_fp32(3, 0.5f, 0, -128, 127), 2);   // 1.5 -> 2
  EXPECT_EQ(requantize_fp32(5, 0.5f, 0, -128, 127), 2);   // 2.5 -> 2
  EXPECT_EQ(requantize_fp32(-5, 0.5f, 10, -128, 127), 8);  // -2.5 -> -2, + 10
  EXPECT_EQ(requantize_fp32(100000, 1.0f, 0, -128, 127), 127);
  EXPECT_EQ(requantize_fp32(-100000, 1.0f, 5, -128, 127), -128);
}

TEST(Quantization, ActivationRanges) {
  QuantRange r = activation_range_quantized(Activation::kRelu6, 0.1f, -10, -128, 127);
  EXPECT_EQ(r.min, -10);
  EXPECT_EQ(r.max, 50);
  r = activation_range_quantized(Activation::kNone, 0.1f, -10, -128, 127);
  EXPECT_EQ(r.min, -128);
  EXPECT_EQ(r.max, 127);
}

TEST(Float16, ExactConversions) {
  EXPECT_EQ(half_to_float(0x3c00), 1.0f);
  EXPECT_EQ(half_to_float(0xc000), -2.0f);
  EXPECT_EQ(half_to_float(0x7bff), 65504.0f);
  EXPECT_EQ(half_to_float(0x0001), std::ldexp(1.0f, -24));  // smallest subnormal
  EXPECT_TRUE(std::isinf(half_to_float(0x7c00)));
  EXPECT_TRUE(std::isnan(half_to_float(0x7e00)));
}

// Every one of the 65536 halves against the format's definition: (-1)^s * 2^(e - 15) * (1 + m / 1024)
// for normal exponents, 2^-14 * m / 1024 for subnormals, infinities and NaN (payload kept) at e = 31.
TEST(Float16, EveryValueMatchesTheDefinition) {
  for (uint32_t h = 0; h < 0x10000u; ++h) {
    const uint32_t e = (h >> 10) & 0x1fu, m = h & 0x3ffu;
    const float sign = (h & 0x8000u) ? -1.0f : 1.0f;
    const float got = half_to_float(static_cast<uint16_t>(h));
    uint32_t bits;
    std::memcpy(&bits, &got, sizeof bits);
    EXPECT_EQ(bits >> 31, h >> 15) << std::hex << h;
    if (e == 0x1f) {
      EXPECT_EQ(bits & 0x7fffffffu, 0x7f800000u | (m << 13)) << std::hex << h;
      continue;
    }
    const float want = e == 0 ? sign * std::ldexp(static_cast<float>(m), -24)
                              : sign * std::ldexp(static_cast<float>(1024 + m), static_cast<int>(e) - 25);
    EXPECT_EQ(got, want) << std::hex << h;
    if (got != want) break;
  }
}

TEST(Padding, SameAndValid) {
  WindowGeometry g = window_geometry(Padding::kSame, 7, 3, 2, 1);
  EXPECT_EQ(g.out, 4);
  EXPECT_EQ(g.pad_before, 1);
  g = window_geometry(Padding::kSame, 8, 3, 2, 1);  // total padding 1: all of it after
  EXPECT_EQ(g.out, 4);
  EXPECT_EQ(g.pad_before, 0);
  g = window_geometry(Padding::kValid, 7, 3, 2, 1);
  EXPECT_EQ(g.out, 3);
  g = window_geometry(Padding::kValid, 7, 3, 1, 2);  // effective filter 5
  EXPECT_EQ(g.out, 3);
  g = window_geometry(Padding::kValid, 2, 3, 1, 1);
  EXPECT_LE(g.out, 0);
}

}  // namespace
}  // namespace eb
