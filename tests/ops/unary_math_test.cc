// FLOOR, EXP, LOG, SQRT, RSQRT, SQUARE, ABS, NEG, GELU, ELU and PRELU: float32, the 8-bit tables, integer
// NEG/ABS, and every refusal.
#include "kernels/ops/unary_math/unary_math.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "tests/support/op_harness.h"

namespace eb::testing {
namespace {

template <typename T>
std::vector<T> run_unary(OpCode op, DType dt, const std::vector<T>& x, Quantization qi = {}, Quantization qo = {},
                         bool approximate = false) {
  OpHarness h(op);
  h.add_input(dt, {1, static_cast<int32_t>(x.size())}, x, qi);
  const int o = h.add_output(dt, qo);
  h.node().options.approximate = approximate;
  const Status s = h.prepare_and_run();
  EXPECT_TRUE(s.ok()) << s.message();
  return s.ok() ? h.output<T>(o) : std::vector<T>();
}

Status prepare_only(OpCode op, DType dt, DType out_dt, Quantization q = {}) {
  OpHarness h(op);
  h.add_input(dt, {2}, std::vector<uint8_t>(2 * dtype_size(dt)), q);
  h.add_output(out_dt, q);
  return h.prepare();
}

std::vector<int8_t> all_int8() {
  std::vector<int8_t> v;
  for (int i = -128; i <= 127; ++i) v.push_back(static_cast<int8_t>(i));
  return v;
}

TEST(UnaryMathFloat, MatchesTheFloatFunctions) {
  const std::vector<float> x = {-2.5f, -1.0f, -0.3f, 0.0f, 0.4f, 1.0f, 2.7f};
  const std::vector<float> p = {0.01f, 0.25f, 1.0f, 4.0f, 9.5f};
  const auto fl = run_unary(OpCode::kFloor, DType::kFloat32, x);
  const auto ex = run_unary(OpCode::kExp, DType::kFloat32, x);
  const auto sq = run_unary(OpCode::kSquare, DType::kFloat32, x);
  const auto ab = run_unary(OpCode::kAbs, DType::kFloat32, x);
  const auto ng = run_unary(OpCode::kNeg, DType::kFloat32, x);
  const auto ge = run_unary(OpCode::kGelu, DType::kFloat32, x);
  const auto gt = run_unary(OpCode::kGelu, DType::kFloat32, x, {}, {}, /*approximate=*/true);
  for (size_t i = 0; i < x.size(); ++i) {
    const double v = x[i];
    EXPECT_EQ(fl[i], std::floor(x[i]));
    EXPECT_NEAR(ex[i], std::exp(v), 1e-5 * std::exp(v));
    EXPECT_EQ(sq[i], x[i] * x[i]);
    EXPECT_EQ(ab[i], std::fabs(x[i]));
    EXPECT_EQ(ng[i], -x[i]);
    EXPECT_NEAR(ge[i], 0.5 * v * (1.0 + std::erf(v / std::sqrt(2.0))), 1e-6);
    EXPECT_NEAR(gt[i], 0.5 * v * (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (v + 0.044715 * v * v * v))), 1e-6);
  }
  const auto lg = run_unary(OpCode::kLog, DType::kFloat32, p);
  const auto sr = run_unary(OpCode::kSqrt, DType::kFloat32, p);
  const auto rs = run_unary(OpCode::kRsqrt, DType::kFloat32, p);
  for (size_t i = 0; i < p.size(); ++i) {
    EXPECT_NEAR(lg[i], std::log(static_cast<double>(p[i])), 1e-6);
    EXPECT_NEAR(sr[i], std::sqrt(static_cast<double>(p[i])), 1e-6);
    EXPECT_NEAR(rs[i], 1.0 / std::sqrt(static_cast<double>(p[i])), 1e-5);
  }
}

TEST(UnaryMathInt, NegAndAbsWrapLikeTwosComplement) {
  constexpr int32_t kMin32 = std::numeric_limits<int32_t>::min();
  constexpr int64_t kMin64 = std::numeric_limits<int64_t>::min();
  EXPECT_EQ(run_unary<int32_t>(OpCode::kNeg, DType::kInt32, {3, -7, 0, kMin32}),
            (std::vector<int32_t>{-3, 7, 0, kMin32}));
  EXPECT_EQ(run_unary<int64_t>(OpCode::kNeg, DType::kInt64, {int64_t{1} << 40, kMin64}),
            (std::vector<int64_t>{-(int64_t{1} << 40), kMin64}));
  EXPECT_EQ(run_unary<int32_t>(OpCode::kAbs, DType::kInt32, {-5, 6, kMin32}), (std::vector<int32_t>{5, 6, kMin32}));
}

TEST(UnaryMathInt8, ExpAndGeluFollowLutPopulate) {
  const auto x = all_int8();
  const float is = 0.03f, os = 0.05f;
  const auto ex = run_unary(OpCode::kExp, DType::kInt8, x, qparams(is, 10), qparams(os, -128));
  const auto ge = run_unary(OpCode::kGelu, DType::kInt8, x, qparams(is, 10), qparams(os, -20));
  for (size_t i = 0; i < x.size(); ++i) {
    const float d = is * static_cast<float>(x[i] - 10);
    const float e = std::round(std::exp(d) * (1.0f / os)) - 128.0f;
    EXPECT_EQ(ex[i], static_cast<int8_t>(std::fmin(127.0f, std::fmax(-128.0f, e)))) << int{x[i]};
    const float g = std::round(0.5f * d * (1.0f + std::erf(d * 0.70710678f)) * (1.0f / os)) - 20.0f;
    EXPECT_EQ(ge[i], static_cast<int8_t>(std::fmin(127.0f, std::fmax(-128.0f, g)))) << int{x[i]};
  }
  // uint8 GELU, tanh form: input 128 is the zero point -> 0 -> output zero point.
  const auto gu = run_unary<uint8_t>(OpCode::kGelu, DType::kUInt8, {128, 255, 0}, qparams(0.05f, 128),
                                     qparams(0.05f, 100), true);
  EXPECT_EQ(gu[0], 100);
  EXPECT_EQ(gu[1], 227);  // gelu(6.35) = 6.35 to float precision: 127 steps above the zero point
  EXPECT_EQ(gu[2], 100);  // gelu(-6.4) is -0.0 after rounding
}

TEST(UnaryMathInt8, LogSqrtAbs) {
  // LOG: x <= 0 maps to the lowest output value.
  const auto lg = run_unary<int8_t>(OpCode::kLog, DType::kInt8, {-128, -100, -99, 27}, qparams(0.1f, -100),
                                    qparams(0.05f, 0));
  EXPECT_EQ(lg[0], -128);
  EXPECT_EQ(lg[1], -128);
  EXPECT_EQ(lg[2], static_cast<int8_t>(std::round(std::log(0.1f) / 0.05f)));
  EXPECT_EQ(lg[3], static_cast<int8_t>(std::round(std::log(12.7f) * 20.0f)));
  // SQRT truncates toward zero: sqrt(0.5)/0.1 = 7.07 -> 7, sqrt(2)/0.1 = 14.14 -> 14; negative -> sqrt(0).
  const auto sr = run_unary<int8_t>(OpCode::kSqrt, DType::kInt8, {5, 20, -3, 0}, qparams(0.1f, 0), qparams(0.1f, -5));
  EXPECT_EQ(sr, (std::vector<int8_t>{2, 9, -5, -5}));
  // ABS without rescale (same scales, different zero points) and with rescale.
  const auto a1 =
      run_unary<int8_t>(OpCode::kAbs, DType::kInt8, {-128, 0, 10, 127}, qparams(0.1f, 10), qparams(0.1f, -128));
  EXPECT_EQ(a1, (std::vector<int8_t>{10, -118, -128, -11}));  // |x - 10| - 128
  const auto a2 = run_unary<int8_t>(OpCode::kAbs, DType::kInt8, {-20, 0, 20}, qparams(0.1f, 0), qparams(0.2f, 0));
  EXPECT_EQ(a2, (std::vector<int8_t>{10, 0, 10}));
}

TEST(UnaryMathInt8, RsqrtFixedPointIsWithinAStepOfTheFloatValue) {
  const auto x = all_int8();
  const float is = 0.02f, os = 0.1f;
  const auto r = run_unary(OpCode::kRsqrt, DType::kInt8, x, qparams(is, -100), qparams(os, -128));
  for (size_t i = 0; i < x.size(); ++i) {
    const int v = x[i] + 100;
    if (v <= 0) {
      EXPECT_EQ(r[i], 127) << v;  // zero (and the invalid negatives) give the maximum
      continue;
    }
    const double want = std::min(127.0, 1.0 / std::sqrt(is * v) / os - 128.0);
    EXPECT_NEAR(r[i], want, 1.0) << v;
  }
}

TEST(UnaryMathElu, FloatAndInt8Table) {
  const std::vector<float> x = {-3.0f, -0.5f, -1e-4f, 0.0f, 1.5f};
  const auto y = run_unary(OpCode::kElu, DType::kFloat32, x);
  for (size_t i = 0; i < x.size(); ++i) EXPECT_EQ(y[i], x[i] < 0 ? std::expm1(x[i]) : x[i]);
  const auto q = all_int8();
  const auto yq = run_unary(OpCode::kElu, DType::kInt8, q, qparams(0.04f, 30), qparams(0.03f, 5));
  for (size_t i = 0; i < q.size(); ++i) {
    const float d = 0.04f * static_cast<float>(q[i] - 30);
    const float e = std::round((d < 0 ? std::expm1(d) : d) * (1.0f / 0.03f)) + 5.0f;
    EXPECT_EQ(yq[i], static_cast<int8_t>(std::fmin(127.0f, std::fmax(-128.0f, e)))) << int{q[i]};
  }
}

TEST(UnaryMathErrors, RefusesWhatTfliteRefuses) {
  const Quantization q = qparams(0.1f, 0);
  EXPECT_FALSE(prepare_only(OpCode::kFloor, DType::kInt8, DType::kInt8, q).ok());
  EXPECT_FALSE(prepare_only(OpCode::kSquare, DType::kInt8, DType::kInt8, q).ok());
  EXPECT_FALSE(prepare_only(OpCode::kRsqrt, DType::kUInt8, DType::kUInt8, q).ok());
  EXPECT_FALSE(prepare_only(OpCode::kExp, DType::kUInt8, DType::kUInt8, q).ok());
  EXPECT_FALSE(prepare_only(OpCode::kNeg, DType::kInt8, DType::kInt8, q).ok());
  EXPECT_FALSE(prepare_only(OpCode::kElu, DType::kUInt8, DType::kUInt8, q).ok());
  EXPECT_FALSE(prepare_only(OpCode::kExp, DType::kFloat32, DType::kInt8).ok());
  EXPECT_FALSE(prepare_only(OpCode::kExp, DType::kInt8, DType::kInt8).ok());  // not quantized
  EXPECT_FALSE(prepare_only(OpCode::kSqrt, DType::kInt32, DType::kInt32).ok());
  EXPECT_FALSE(prepare_only(OpCode::kLog, DType::kInt16, DType::kInt16, q).ok());
}

TEST(Prelu, FloatBroadcastsAlphaOverChannels) {
  OpHarness h(OpCode::kPRelu);
  h.add_input(DType::kFloat32, {1, 2, 3}, std::vector<float>{-1, 2, -3, 4, -5, -6});
  h.add_constant(DType::kFloat32, {3}, std::vector<float>{0.5f, 0.25f, 2.0f});
  const int o = h.add_output(DType::kFloat32);
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.tensor(o).shape, (Shape{1, 2, 3}));
  EXPECT_EQ(h.output<float>(o), (std::vector<float>{-0.5f, 2, -6, 4, -1.25f, -12}));
}

TEST(Prelu, OutputTakesTheBroadcastShape) {
  OpHarness h(OpCode::kPRelu);
  h.add_input(DType::kFloat32, {2, 1}, std::vector<float>{-1, -2});
  h.add_constant(DType::kFloat32, {1, 3}, std::vector<float>{1, 2, 3});
  const int o = h.add_output(DType::kFloat32);
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.tensor(o).shape, (Shape{2, 3}));
  EXPECT_EQ(h.output<float>(o), (std::vector<float>{-1, -2, -3, -2, -4, -6}));
}

TEST(Prelu, Int8TwoMultipliers) {
  OpHarness h(OpCode::kPRelu);
  // in scale 0.1 zp 0, alpha scale 0.01 zp 0 (alpha 0.25 = 25), out scale 0.05 zp 3.
  h.add_input(DType::kInt8, {4}, std::vector<int8_t>{-40, -1, 0, 50}, qparams(0.1f, 0));
  h.add_constant(DType::kInt8, {1}, std::vector<int8_t>{25}, qparams(0.01f, 0));
  const int o = h.add_output(DType::kInt8, qparams(0.05f, 3));
  ASSERT_TRUE(h.prepare_and_run().ok());
  // -4.0*0.25 = -1.0 -> -20+3; -0.1*0.25 = -0.025 -> -0.5 rounds away from zero -> -1+3; 5.0 -> 100+3.
  EXPECT_EQ(h.output<int8_t>(o), (std::vector<int8_t>{-17, 2, 3, 103}));
}

TEST(Prelu, Refusals) {
  {
    OpHarness h(OpCode::kPRelu);
    h.add_input(DType::kFloat32, {2, 3}, std::vector<float>(6));
    h.add_constant(DType::kFloat32, {4}, std::vector<float>(4));
    h.add_output(DType::kFloat32);
    EXPECT_FALSE(h.prepare().ok());  // 3 vs 4 does not broadcast
  }
  {
    OpHarness h(OpCode::kPRelu);
    h.add_input(DType::kInt8, {2}, std::vector<int8_t>(2), qparams(0.1f, 0));
    h.add_constant(DType::kFloat32, {1}, std::vector<float>(1));
    h.add_output(DType::kInt8, qparams(0.1f, 0));
    EXPECT_FALSE(h.prepare().ok());  // alpha dtype differs
  }
  {
    OpHarness h(OpCode::kPRelu);
    h.add_input(DType::kInt8, {2}, std::vector<int8_t>(2));
    h.add_constant(DType::kInt8, {1}, std::vector<int8_t>(1));
    h.add_output(DType::kInt8);
    EXPECT_FALSE(h.prepare().ok());  // not quantized
  }
}

}  // namespace
}  // namespace eb::testing
