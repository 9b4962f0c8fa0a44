// QUANTIZE (float -> 8-bit, 8-bit -> 8-bit requantize) and DEQUANTIZE (8/16-bit, per-channel, float16).
#include "kernels/ops/quantize/quantize.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "tests/support/op_harness.h"

namespace eb::testing {
namespace {

TEST(QuantizeOp, FloatToInt8RoundsHalfToEvenAndClamps) {
  OpHarness h(OpCode::kQuantize);
  h.add_input(DType::kFloat32, {1, 7}, std::vector<float>{0.25f, 0.75f, -0.25f, -0.75f, 1000.0f, -1000.0f, 1.0f});
  const int o = h.add_output(DType::kInt8, qparams(0.5f, 0));
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_STREQ(h.prepared()->kernel_name(), "quantize_float_to_int8_ref");
  EXPECT_EQ(h.tensor(o).shape, (Shape{1, 7}));
  // 0.5 -> 0, 1.5 -> 2, -0.5 -> 0, -1.5 -> -2, saturate, saturate, 2
  EXPECT_EQ(h.output<int8_t>(o), (std::vector<int8_t>{0, 2, 0, -2, 127, -128, 2}));
}

TEST(QuantizeOp, FloatToUint8WithZeroPoint) {
  OpHarness h(OpCode::kQuantize);
  std::vector<float> x;
  for (int i = -20; i <= 20; ++i) x.push_back(static_cast<float>(i) * 0.37f);
  h.add_input(DType::kFloat32, {41}, x);
  const int o = h.add_output(DType::kUInt8, qparams(0.05f, 120));
  ASSERT_TRUE(h.prepare_and_run().ok());
  const auto y = h.output<uint8_t>(o);
  for (size_t i = 0; i < x.size(); ++i) {
    const double q = std::min(255.0, std::max(0.0, static_cast<double>(x[i]) / 0.05 + 120));
    EXPECT_LE(std::abs(y[i] - q), 0.5 + 1e-4) << x[i];
  }
  EXPECT_EQ(y.front(), 0);
  EXPECT_EQ(y.back(), 255);
}

TEST(QuantizeOp, TfliteRoundingVariantRoundsHalfAway) {
  QuantizeFloatParams p;
  p.scale = 0.5;
  p.inv_scale = 2.0f;
  p.zero_point = 0;
  const std::vector<float> x{0.25f, 0.75f, -0.25f, 1000.0f};
  std::vector<int8_t> y(4);
  quantize_float_to_int8_tflite_ref(p, x.data(), y.data(), 4);
  EXPECT_EQ(y, (std::vector<int8_t>{1, 2, -1, 127}));
  std::vector<uint8_t> u(4);
  p.zero_point = 10;
  quantize_float_to_uint8_tflite_ref(p, x.data(), u.data(), 4);
  EXPECT_EQ(u, (std::vector<uint8_t>{11, 12, 9, 255}));
}

TEST(QuantizeOp, Uint8ToInt8SameScaleIsExactShift) {
  // mobilenet-v2's input: uint8 (s, 127) -> int8 (s, -1).
  OpHarness h(OpCode::kQuantize);
  std::vector<uint8_t> x(256);
  for (int i = 0; i < 256; ++i) x[static_cast<size_t>(i)] = static_cast<uint8_t>(i);
  h.add_input(DType::kUInt8, {1, 16, 16, 1}, x, qparams(0.007843138f, 127));
  const int o = h.add_output(DType::kInt8, qparams(0.007843138f, -1));
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_STREQ(h.prepared()->kernel_name(), "requantize_uint8_to_int8_ref");
  const auto y = h.output<int8_t>(o);
  for (int i = 0; i < 256; ++i) EXPECT_EQ(y[static_cast<size_t>(i)], i - 128) << i;
}

TEST(QuantizeOp, Int8ToUint8SameScaleIsExactShift) {
  OpHarness h(OpCode::kQuantize);
  std::vector<int8_t> x(256);
  for (int i = 0; i < 256; ++i) x[static_cast<size_t>(i)] = static_cast<int8_t>(i - 128);
  h.add_input(DType::kInt8, {1, 256}, x, qparams(0.00390625f, -128));
  const int o = h.add_output(DType::kUInt8, qparams(0.00390625f, 0));
  ASSERT_TRUE(h.prepare_and_run().ok());
  const auto y = h.output<uint8_t>(o);
  for (int i = 0; i < 256; ++i) EXPECT_EQ(y[static_cast<size_t>(i)], i) << i;
}

TEST(QuantizeOp, Int8RequantizeChangesScale) {
  OpHarness h(OpCode::kQuantize);
  std::vector<int8_t> x(256);
  for (int i = 0; i < 256; ++i) x[static_cast<size_t>(i)] = static_cast<int8_t>(i - 128);
  h.add_input(DType::kInt8, {256}, x, qparams(0.03f, 5));
  const int o = h.add_output(DType::kInt8, qparams(0.07f, -9));
  ASSERT_TRUE(h.prepare_and_run().ok());
  // Same type, ratio 0.43 inside [2^-8, 2^7]: XNNPACK's vcvt, which TFLite's default path delegates it to:
  // multiplier lrintf(256 * 0.4286) = 110, so at most 133 * |110/256 - 0.4286| + 0.5 = 0.65 step off.
  EXPECT_STREQ(h.prepared()->kernel_name(), "requantize_int8_xnnpack_ref");
  const auto y = h.output<int8_t>(o);
  for (int i = 0; i < 256; ++i) {
    const double q = std::min(127.0, std::max(-128.0, (i - 128 - 5) * 0.03 / 0.07 - 9));
    EXPECT_LE(std::abs(y[static_cast<size_t>(i)] - q), 0.65) << i;
    const int32_t want = std::min(127, std::max(-128, (((-9) * 256 - 110 * 5 + 128) + (i - 128) * 110) >> 8));
    EXPECT_EQ(y[static_cast<size_t>(i)], want) << i;
  }
  // int8 -> uint8 (XNNPACK converts within one type only) and a ratio below 2^-8: TFLite's fixed-point
  // Requantize, which rounds twice: up to 0.75 step from the real value.
  OpHarness m(OpCode::kQuantize);
  m.add_input(DType::kInt8, {256}, x, qparams(0.03f, 5));
  const int mo = m.add_output(DType::kUInt8, qparams(0.07f, 120));
  ASSERT_TRUE(m.prepare_and_run().ok());
  EXPECT_STREQ(m.prepared()->kernel_name(), "requantize_int8_to_uint8_ref");
  const auto ym = m.output<uint8_t>(mo);
  for (int i = 0; i < 256; ++i) {
    const double q = std::min(255.0, std::max(0.0, (i - 128 - 5) * 0.03 / 0.07 + 120));
    EXPECT_LE(std::abs(ym[static_cast<size_t>(i)] - q), 0.75 + 1e-3) << i;
  }
  OpHarness small(OpCode::kQuantize);
  small.add_input(DType::kInt8, {2}, std::vector<int8_t>{100, -100}, qparams(0.001f, 0));
  small.add_output(DType::kInt8, qparams(1.0f, 0));
  ASSERT_TRUE(small.prepare_and_run().ok());
  EXPECT_STREQ(small.prepared()->kernel_name(), "requantize_int8_to_int8_ref");
  // uint8 -> uint8 with a larger output scale.
  OpHarness u(OpCode::kQuantize);
  u.add_input(DType::kUInt8, {3}, std::vector<uint8_t>{0, 128, 255}, qparams(0.1f, 128));
  const int uo = u.add_output(DType::kUInt8, qparams(0.2f, 128));
  ASSERT_TRUE(u.prepare_and_run().ok());
  EXPECT_EQ(u.output<uint8_t>(uo), (std::vector<uint8_t>{64, 128, 192}));  // -64, 0, +63.5 -> 64 (half up)
  EXPECT_STREQ(u.prepared()->kernel_name(), "requantize_uint8_xnnpack_ref");
}

TEST(QuantizeOp, RefusesUnsupported) {
  {
    OpHarness h(OpCode::kQuantize);
    h.add_input(DType::kFloat32, {2, 3}, std::vector<float>(6));
    Quantization q;
    q.scale = {0.1f, 0.2f, 0.3f};
    q.zero_point = {0, 0, 0};
    q.axis = 1;
    h.add_output(DType::kInt8, q);
    const Status s = h.prepare();
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.message().find("per channel"), std::string::npos) << s.message();
  }
  {
    // TFLite's QUANTIZE has no int8 -> int16 (the 16x8 converter writes float32 -> int16).
    OpHarness h(OpCode::kQuantize);
    h.add_input(DType::kInt8, {2}, std::vector<int8_t>(2), qparams(0.1f, 0));
    h.add_output(DType::kInt16, qparams(0.1f, 0));
    const Status s = h.prepare();
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.message().find("int16"), std::string::npos) << s.message();
  }
  {
    OpHarness h(OpCode::kQuantize);
    h.add_input(DType::kInt32, {2}, std::vector<int32_t>(2));
    h.add_output(DType::kInt8, qparams(0.1f, 0));
    EXPECT_FALSE(h.prepare().ok());
  }
  {
    OpHarness h(OpCode::kQuantize);
    h.add_input(DType::kFloat32, {2}, std::vector<float>(2));
    h.add_output(DType::kInt8, qparams(0.0f, 0));
    const Status s = h.prepare();
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.message().find("scale"), std::string::npos) << s.message();
  }
  {
    OpHarness h(OpCode::kQuantize);  // requantize needs the input parameters
    h.add_input(DType::kInt8, {2}, std::vector<int8_t>(2));
    h.add_output(DType::kUInt8, qparams(0.1f, 0));
    EXPECT_FALSE(h.prepare().ok());
  }
}

TEST(DequantizeOp, PerTensorInt8Uint8Int16) {
  {
    OpHarness h(OpCode::kDequantize);
    h.add_input(DType::kInt8, {2, 2}, std::vector<int8_t>{-128, 89, 90, 127}, qparams(0.376f, 89));
    const int o = h.add_output(DType::kFloat32);
    ASSERT_TRUE(h.prepare_and_run().ok());
    EXPECT_EQ(h.tensor(o).shape, (Shape{2, 2}));
    const auto y = h.output<float>(o);
    const std::vector<double> e{-217 * 0.376, 0, 0.376, 38 * 0.376};
    for (size_t i = 0; i < 4; ++i) EXPECT_NEAR(y[i], e[i], 1e-5);
  }
  {
    OpHarness h(OpCode::kDequantize);
    h.add_input(DType::kUInt8, {3}, std::vector<uint8_t>{0, 128, 255}, qparams(0.5f, 128));
    const int o = h.add_output(DType::kFloat32);
    ASSERT_TRUE(h.prepare_and_run().ok());
    EXPECT_EQ(h.output<float>(o), (std::vector<float>{-64, 0, 63.5f}));
  }
  {
    OpHarness h(OpCode::kDequantize);
    h.add_input(DType::kInt16, {3}, std::vector<int16_t>{-32768, 0, 32767}, qparams(0.25f, 0));
    const int o = h.add_output(DType::kFloat32);
    ASSERT_TRUE(h.prepare_and_run().ok());
    EXPECT_STREQ(h.prepared()->kernel_name(), "dequantize_int16_ref");
    EXPECT_EQ(h.output<float>(o), (std::vector<float>{-8192, 0, 8191.75f}));
  }
}

TEST(DequantizeOp, PerChannelAlongQuantizedDimension) {
  OpHarness h(OpCode::kDequantize);
  std::vector<int8_t> x(12);
  for (int i = 0; i < 12; ++i) x[static_cast<size_t>(i)] = static_cast<int8_t>(i - 6);
  Quantization q;
  q.scale = {1.0f, 0.5f, 0.25f};
  q.zero_point = {0, 1, -2};
  q.axis = 1;
  h.add_input(DType::kInt8, {2, 3, 2}, x, q);
  const int o = h.add_output(DType::kFloat32);
  ASSERT_TRUE(h.prepare_and_run().ok());
  const auto y = h.output<float>(o);
  for (int i = 0; i < 12; ++i) {
    const int c = (i / 2) % 3;
    const double e =
        (x[static_cast<size_t>(i)] - q.zero_point[static_cast<size_t>(c)]) * q.scale[static_cast<size_t>(c)];
    EXPECT_EQ(y[static_cast<size_t>(i)], static_cast<float>(e)) << i;
  }
}

TEST(DequantizeOp, Float16NonConstant) {
  OpHarness h(OpCode::kDequantize);
  // 1.0, -2.0, 0.5, 65504 (largest half), 2^-24 (smallest subnormal), -0.0
  h.add_input(DType::kFloat16, {6}, std::vector<uint16_t>{0x3C00, 0xC000, 0x3800, 0x7BFF, 0x0001, 0x8000});
  const int o = h.add_output(DType::kFloat32);
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_STREQ(h.prepared()->kernel_name(), "dequantize_float16_ref");
  const auto y = h.output<float>(o);
  EXPECT_EQ(y[0], 1.0f);
  EXPECT_EQ(y[1], -2.0f);
  EXPECT_EQ(y[2], 0.5f);
  EXPECT_EQ(y[3], 65504.0f);
  EXPECT_EQ(y[4], std::ldexp(1.0f, -24));
  EXPECT_TRUE(y[5] == 0.0f && std::signbit(y[5]));
}

TEST(DequantizeOp, RefusesBadParameters) {
  {
    OpHarness h(OpCode::kDequantize);
    Quantization q;
    q.scale = {1.0f, 0.5f};
    q.zero_point = {0, 0};
    q.axis = 1;
    h.add_input(DType::kInt8, {2, 3}, std::vector<int8_t>(6), q);
    h.add_output(DType::kFloat32);
    const Status s = h.prepare();
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.message().find("2 scales"), std::string::npos) << s.message();
  }
  {
    OpHarness h(OpCode::kDequantize);
    h.add_input(DType::kInt8, {2}, std::vector<int8_t>(2), qparams(0.5f, 0));
    h.add_output(DType::kInt8);
    const Status s = h.prepare();
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.message().find("float32"), std::string::npos) << s.message();
  }
  {
    OpHarness h(OpCode::kDequantize);
    h.add_input(DType::kUInt8, {2}, std::vector<uint8_t>(2));
    h.add_output(DType::kFloat32);
    const Status s = h.prepare();
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.message().find("no quantization"), std::string::npos) << s.message();
  }
  {
    OpHarness h(OpCode::kDequantize);
    h.add_input(DType::kFloat32, {2}, std::vector<float>(2));
    h.add_output(DType::kFloat32);
    EXPECT_FALSE(h.prepare().ok());
  }
}

}  // namespace
}  // namespace eb::testing
