// LOG_SOFTMAX (float and the fixed quantized output), L2_NORMALIZATION (float epsilon, TFLite's integer
// inverse square root), LOCAL_RESPONSE_NORMALIZATION, and their refusals.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "kernels/ops/normalization/normalization.h"
#include "tests/support/op_harness.h"

using eb::DType;
using eb::OpCode;
using eb::testing::OpHarness;
using eb::testing::qparams;

namespace {

TEST(LogSoftmax, Float) {
  OpHarness h(OpCode::kLogSoftmax);
  h.add_input(DType::kFloat32, {1, 3}, std::vector<float>{1, 2, 3});
  const int out = h.add_output(DType::kFloat32);
  ASSERT_TRUE(h.prepare_and_run().ok());
  const double lse = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0));
  const std::vector<float> y = h.output<float>(out);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(y[static_cast<size_t>(i)], i + 1 - lse, 1e-6);
}

TEST(LogSoftmax, Int8) {
  // Equal inputs: log(1/4) = -1.386 -> / (16/256) = -22.18 -> -22 + 127 = 105.
  OpHarness h(OpCode::kLogSoftmax);
  h.add_input(DType::kInt8, {4}, std::vector<int8_t>{5, 5, 5, 5}, qparams(0.1f, 0));
  const int out = h.add_output(DType::kInt8, qparams(16.0f / 256.0f, 127));
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.output<int8_t>(out), (std::vector<int8_t>{105, 105, 105, 105}));
  OpHarness bad(OpCode::kLogSoftmax);  // TFLite fixes the output quantization
  bad.add_input(DType::kInt8, {4}, std::vector<int8_t>(4, 0), qparams(0.1f, 0));
  bad.add_output(DType::kInt8, qparams(16.0f / 256.0f, 0));
  EXPECT_FALSE(bad.prepare().ok());
}

TEST(L2Norm, FloatWithEpsilon) {
  OpHarness h(OpCode::kL2Normalization);
  h.add_input(DType::kFloat32, {2, 2}, std::vector<float>{3, 4, 0, 0});
  const int out = h.add_output(DType::kFloat32);
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.output<float>(out), (std::vector<float>{0.6f, 0.8f, 0.0f, 0.0f}));
}

TEST(L2Norm, InvSqrtMultiplierApproximatesTheInverseSquareRoot) {
  for (int32_t v : {2, 3, 100, 12345, 1 << 20, (1 << 29) + 7, 2147483647}) {
    const eb::QuantizedMultiplier m = eb::inv_sqrt_quantized_multiplier(v);
    const double got = static_cast<double>(m.multiplier) / 2147483648.0 * std::ldexp(1.0, m.shift);
    EXPECT_NEAR(got * std::sqrt(static_cast<double>(v)), 1.0, 1e-4) << v;
  }
  EXPECT_EQ(eb::inv_sqrt_quantized_multiplier(0).multiplier, 2147483647);
}

TEST(L2Norm, Int8AndUint8) {
  OpHarness h(OpCode::kL2Normalization);
  h.add_input(DType::kInt8, {2}, std::vector<int8_t>{5, 6}, qparams(0.1f, 2));  // (3, 4)
  const int out = h.add_output(DType::kInt8, qparams(1.0f / 128.0f, 0));
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.output<int8_t>(out), (std::vector<int8_t>{77, 102}));  // 0.6 and 0.8 in 1/128
  OpHarness u(OpCode::kL2Normalization);
  u.add_input(DType::kUInt8, {2}, std::vector<uint8_t>{125, 124}, qparams(0.1f, 128));  // (-3, -4)
  const int uo = u.add_output(DType::kUInt8, qparams(1.0f / 128.0f, 128));
  ASSERT_TRUE(u.prepare_and_run().ok());
  EXPECT_EQ(u.output<uint8_t>(uo), (std::vector<uint8_t>{51, 26}));
  OpHarness bad(OpCode::kL2Normalization);
  bad.add_input(DType::kInt8, {2}, std::vector<int8_t>{5, 6}, qparams(0.1f, 2));
  bad.add_output(DType::kInt8, qparams(1.0f / 64.0f, 0));
  EXPECT_FALSE(bad.prepare().ok());
}

TEST(Lrn, WindowClippedToChannels) {
  OpHarness h(OpCode::kLocalResponseNormalization);
  h.add_input(DType::kFloat32, {1, 1, 1, 3}, std::vector<float>{1, 2, 3});
  const int out = h.add_output(DType::kFloat32);
  auto& o = h.node().options;
  o.lrn_radius = 1;
  o.lrn_bias = 1.0f;
  o.lrn_alpha = 0.5f;
  o.lrn_beta = 1.0f;
  ASSERT_TRUE(h.prepare_and_run().ok());
  const std::vector<float> y = h.output<float>(out);
  EXPECT_FLOAT_EQ(y[0], 1.0f / (1.0f + 0.5f * 5.0f));
  EXPECT_FLOAT_EQ(y[1], 2.0f / (1.0f + 0.5f * 14.0f));
  EXPECT_FLOAT_EQ(y[2], 3.0f / (1.0f + 0.5f * 13.0f));
  o.lrn_radius = -1;
  EXPECT_FALSE(h.prepare().ok());
  OpHarness r(OpCode::kLocalResponseNormalization);  // 4-D only
  r.add_input(DType::kFloat32, {3}, std::vector<float>{1, 2, 3});
  r.add_output(DType::kFloat32);
  EXPECT_FALSE(r.prepare().ok());
}

}  // namespace
