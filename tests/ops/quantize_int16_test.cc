// QUANTIZE to and from int16 (16x8 mode) and DEQUANTIZE int16: TFLite's kernels as LiteRT's x86 build
// runs them (quantize.h).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "kernels/ops/quantize/quantize.h"
#include "tests/support/op_harness.h"

namespace eb::testing {
namespace {

TEST(QuantizeInt16, FloatBodyRoundsHalfEvenTailHalfAway) {
  // scale 0.25: x/scale = 0.5, 1.5, -0.5, 2.5 are ties. The first 8 values take the NEON body (x * 4 in
  // float, half to even), the 9th the scalar loop (double division, half away from zero).
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> x{0.125f, 0.375f, -0.125f, 0.625f, 9000.0f, -9000.0f, 1e9f, nan, 0.125f};
  OpHarness h(OpCode::kQuantize);
  h.add_input(DType::kFloat32, {9}, x);
  const int o = h.add_output(DType::kInt16, qparams(0.25f, 0));
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_STREQ(h.prepared()->kernel_name(), "quantize_f32_qs16_ref");
  // 1e9 * 4 and NaN are outside int32: x86 converts them to INT32_MIN, clamped to -32768 (as LiteRT).
  EXPECT_EQ(h.output<int16_t>(o), (std::vector<int16_t>{0, 2, 0, 2, 32767, -32768, -32768, -32768, 1}));
}

TEST(QuantizeInt16, ScalarTailMatchesTfliteRound) {
  QuantizeFloatParams p;
  p.scale = 0.25;
  p.inv_scale = 4.0f;
  const std::vector<float> x{-0.125f, 0.625f, -1e10f, 1e10f};
  std::vector<int16_t> y(4);
  quantize_f32_qs16_ref(p, x.data(), y.data(), 4);  // n < 8: all scalar
  EXPECT_EQ(y, (std::vector<int16_t>{-1, 3, -32768, -32768}));
}

TEST(QuantizeInt16, Int16ToInt16RequantizeRoundsHalfUpThenAway) {
  // in/out = 0.5: multiplier 2^30, shift 0: SaturatingRoundingDoublingHighMul rounds -1.5 to -1 and 1.5
  // to 2 (half up).
  OpHarness h(OpCode::kQuantize);
  h.add_input(DType::kInt16, {5}, std::vector<int16_t>{3, -3, 1000, -32768, 32767}, qparams(0.5f, 0));
  const int o = h.add_output(DType::kInt16, qparams(1.0f, 0));
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_STREQ(h.prepared()->kernel_name(), "requantize_qs16_qs16_ref");
  EXPECT_EQ(h.output<int16_t>(o), (std::vector<int16_t>{2, -1, 500, -16384, 16384}));
}

TEST(QuantizeInt16, Int16ToInt16UpscaleSaturates) {
  OpHarness h(OpCode::kQuantize);
  h.add_input(DType::kInt16, {3}, std::vector<int16_t>{1000, 20000, -20000}, qparams(0.5f, 0));
  const int o = h.add_output(DType::kInt16, qparams(0.25f, 0));
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.output<int16_t>(o), (std::vector<int16_t>{2000, 32767, -32768}));
}

TEST(QuantizeInt16, Int16ToInt8WithZeroPoint) {
  OpHarness h(OpCode::kQuantize);
  h.add_input(DType::kInt16, {3}, std::vector<int16_t>{1000, 30000, -1100}, qparams(0.01f, 0));
  const int o = h.add_output(DType::kInt8, qparams(0.5f, 10));
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_STREQ(h.prepared()->kernel_name(), "requantize_qs16_qs8_ref");
  // 10 + 20 = 30; 600 saturates; -22 + 10 = -12.
  EXPECT_EQ(h.output<int8_t>(o), (std::vector<int8_t>{30, 127, -12}));
}

TEST(QuantizeInt16, RefusesWhatTfliteRefuses) {
  {
    OpHarness h(OpCode::kQuantize);  // int8 -> int16: not a TFLite QUANTIZE
    h.add_input(DType::kInt8, {2}, std::vector<int8_t>{1, 2}, qparams(0.1f, 0));
    h.add_output(DType::kInt16, qparams(0.01f, 0));
    EXPECT_FALSE(h.prepare().ok());
  }
  {
    OpHarness h(OpCode::kQuantize);  // int16 -> uint8
    h.add_input(DType::kInt16, {2}, std::vector<int16_t>{1, 2}, qparams(0.1f, 0));
    h.add_output(DType::kUInt8, qparams(0.5f, 128));
    EXPECT_FALSE(h.prepare().ok());
  }
  {
    OpHarness h(OpCode::kQuantize);  // int16 -> int16 with a zero point
    h.add_input(DType::kInt16, {2}, std::vector<int16_t>{1, 2}, qparams(0.1f, 5));
    h.add_output(DType::kInt16, qparams(0.2f, 0));
    EXPECT_FALSE(h.prepare().ok());
  }
}

TEST(QuantizeInt16, DequantizeInt16IsTheSingleRoundedProduct) {
  // TFLite: float(double(scale) * q) (tail) or q * float scale (NEON body): both the product rounded once.
  OpHarness h(OpCode::kDequantize);
  h.add_input(DType::kInt16, {3}, std::vector<int16_t>{-32768, 12345, 1}, qparams(3.0517578e-05f, 0));
  const int o = h.add_output(DType::kFloat32);
  ASSERT_TRUE(h.prepare_and_run().ok());
  const auto y = h.output<float>(o);
  EXPECT_EQ(y[0], static_cast<float>(-32768.0 * static_cast<double>(3.0517578e-05f)));
  EXPECT_EQ(y[1], static_cast<float>(12345.0 * static_cast<double>(3.0517578e-05f)));
  EXPECT_EQ(y[2], 3.0517578e-05f);
}

}  // namespace
}  // namespace eb::testing
