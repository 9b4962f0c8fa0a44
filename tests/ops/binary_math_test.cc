// DIV, FLOOR_DIV, SQUARED_DIFFERENCE, POW, MAXIMUM, MINIMUM, comparisons, logic, SELECT / SELECT_V2:
// TFLite's edge cases (integer division, quantized rescaling, SELECT's rank-1 condition) and the errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "tests/support/op_harness.h"

namespace eb::testing {
namespace {

using B = std::vector<uint8_t>;  // bool tensors as bytes

template <typename T>
std::vector<T> run_binary(OpCode op, DType dt, Shape sa, std::vector<T> a, Shape sb, std::vector<T> b,
                          Activation act = Activation::kNone) {
  OpHarness h(op);
  h.add_input(dt, sa, a);
  h.add_input(dt, sb, b);
  const int out = h.add_output(dt);
  h.node().options.activation = act;
  EXPECT_TRUE(h.prepare_and_run().ok());
  return h.output<T>(out);
}

template <typename T>
B run_compare(OpCode op, DType dt, Shape sa, std::vector<T> a, Shape sb, std::vector<T> b, Quantization qa = {},
              Quantization qb = {}) {
  OpHarness h(op);
  h.add_input(dt, sa, a, qa);
  h.add_input(dt, sb, b, qb);
  const int out = h.add_output(DType::kBool);
  const Status s = h.prepare_and_run();
  EXPECT_TRUE(s.ok()) << s.message();
  return h.output<uint8_t>(out);
}

TEST(BinaryMath, DivFloatBroadcastAndRelu6) {
  EXPECT_EQ(run_binary<float>(OpCode::kDiv, DType::kFloat32, {2, 2}, {1, -8, 30, 9}, {2}, {2, 4}, Activation::kRelu6),
            (std::vector<float>{0.5f, 0.0f, 6.0f, 2.25f}));
}

TEST(BinaryMath, DivInt32TruncatesAndNeverTraps) {
  const int32_t kMin = std::numeric_limits<int32_t>::min();
  // A zero that shows up at run time gives 0; INT_MIN / -1 wraps to INT_MIN.
  EXPECT_EQ(run_binary<int32_t>(OpCode::kDiv, DType::kInt32, {4}, {7, -7, 5, kMin}, {4}, {2, 2, 0, -1}),
            (std::vector<int32_t>{3, -3, 0, kMin}));
}

TEST(BinaryMath, DivUint8WithinOneStepOfTheRealQuotient) {
  // Every numerator against a spread of divisors (both signs), checked against the float quotient.
  std::vector<uint8_t> a, b;
  for (int i = 0; i < 256; ++i)
    for (int d : {0, 1, 37, 99, 127, 129, 130, 200, 255}) {
      a.push_back(static_cast<uint8_t>(i));
      b.push_back(static_cast<uint8_t>(d));
    }
  const float as = 0.05f, bs = 0.02f, os = 0.5f;
  const int azp = 100, bzp = 128, ozp = 120;
  OpHarness h(OpCode::kDiv);
  h.add_input(DType::kUInt8, {static_cast<int32_t>(a.size())}, a, qparams(as, azp));
  h.add_input(DType::kUInt8, {static_cast<int32_t>(b.size())}, b, qparams(bs, bzp));
  const int out = h.add_output(DType::kUInt8, qparams(os, ozp));
  ASSERT_TRUE(h.prepare_and_run().ok());
  const std::vector<uint8_t> y = h.output<uint8_t>(out);
  for (size_t i = 0; i < a.size(); ++i) {
    if (b[i] == bzp) {
      EXPECT_EQ(y[i], ozp);  // a run-time zero divisor gives the zero point
      continue;
    }
    const double q = (a[i] - azp) * as / ((b[i] - bzp) * bs);
    const double want = std::min(255.0, std::max(0.0, std::round(q / os) + ozp));
    EXPECT_NEAR(y[i], want, 1.0) << int(a[i]) << " / " << int(b[i]);
  }
}

TEST(BinaryMath, IntegerDivisionByConstantZeroIsRefused) {
  for (OpCode op : {OpCode::kDiv, OpCode::kFloorDiv}) {
    OpHarness h(op);
    h.add_input(DType::kInt32, {2}, std::vector<int32_t>{1, 2});
    h.add_constant(DType::kInt32, {2}, std::vector<int32_t>{3, 0});
    h.add_output(DType::kInt32);
    const Status s = h.prepare();
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.message().find("division by zero"), std::string::npos) << s.message();
  }
}

TEST(BinaryMath, FloorDivRoundsTowardMinusInfinity) {
  EXPECT_EQ(run_binary<int32_t>(OpCode::kFloorDiv, DType::kInt32, {4}, {7, -7, 7, -7}, {4}, {2, 2, -2, -2}),
            (std::vector<int32_t>{3, -4, -4, 3}));
  EXPECT_EQ(run_binary<int8_t>(OpCode::kFloorDiv, DType::kInt8, {3}, {-128, 5, 9}, {3}, {-1, 0, -4}),
            (std::vector<int8_t>{-128, 0, -3}));
  EXPECT_EQ(run_binary<float>(OpCode::kFloorDiv, DType::kFloat32, {2}, {-7.5f, 7.5f}, {1}, {2.0f}),
            (std::vector<float>{-4.0f, 3.0f}));
}

TEST(BinaryMath, SquaredDifferenceInt8FixedPoint) {
  OpHarness h(OpCode::kSquaredDifference);
  h.add_input(DType::kInt8, {3}, std::vector<int8_t>{10, -10, 0}, qparams(0.1f, 0));   // 1.0, -1.0, 0
  h.add_input(DType::kInt8, {1}, std::vector<int8_t>{0}, qparams(0.05f, -20));         // 1.0
  const int out = h.add_output(DType::kInt8, qparams(0.05f, -128));
  ASSERT_TRUE(h.prepare_and_run().ok());
  // (0)^2 = 0, (-2)^2 = 4, (-1)^2 = 1 at scale 0.05, zero point -128.
  EXPECT_EQ(h.output<int8_t>(out), (std::vector<int8_t>{-128, -48, -108}));
}

TEST(BinaryMath, PowInt32AndNegativeConstantExponentRefused) {
  EXPECT_EQ(run_binary<int32_t>(OpCode::kPow, DType::kInt32, {3}, {2, -3, 5}, {3}, {10, 3, 0}),
            (std::vector<int32_t>{1024, -27, 1}));
  OpHarness h(OpCode::kPow);
  h.add_input(DType::kInt32, {1}, std::vector<int32_t>{2});
  h.add_constant(DType::kInt32, {1}, std::vector<int32_t>{-1});
  h.add_output(DType::kInt32);
  EXPECT_FALSE(h.prepare().ok());
}

TEST(BinaryMath, MaximumMinimumRawValues) {
  EXPECT_EQ(run_binary<int64_t>(OpCode::kMaximum, DType::kInt64, {2, 2}, {1, -5, 7, 0}, {2, 1}, {2, -1}),
            (std::vector<int64_t>{2, 2, 7, 0}));
  EXPECT_EQ(run_binary<int8_t>(OpCode::kMinimum, DType::kInt8, {3}, {-128, 5, 127}, {1}, {3}),
            (std::vector<int8_t>{-128, 3, 3}));
}

TEST(BinaryMath, QuantizedComparisonRescalesBothSides) {
  // 0.5 * 4 = 2.0 vs 0.25 * 8 = 2.0 (equal), 0.5 * 5 = 2.5 vs 2.0.
  EXPECT_EQ(run_compare<int8_t>(OpCode::kEqual, DType::kInt8, {2}, {4, 5}, {2}, {8, 8}, qparams(0.5f, 0),
                                qparams(0.25f, 0)),
            (B{1, 0}));
  EXPECT_EQ(run_compare<uint8_t>(OpCode::kGreater, DType::kUInt8, {2}, {133, 132}, {1}, {136}, qparams(0.5f, 128),
                                 qparams(0.25f, 128)),
            (B{1, 0}));
}

TEST(BinaryMath, ComparisonScaleOfOneOrMoreRefused) {
  OpHarness h(OpCode::kLess);
  h.add_input(DType::kInt8, {1}, std::vector<int8_t>{1}, qparams(2.0f, 0));
  h.add_input(DType::kInt8, {1}, std::vector<int8_t>{1}, qparams(0.5f, 0));
  h.add_output(DType::kBool);
  EXPECT_FALSE(h.prepare().ok());
}

TEST(BinaryMath, BoolEqualityReadsAnyNonZeroByteAsTrue) {
  EXPECT_EQ(run_compare<uint8_t>(OpCode::kEqual, DType::kBool, {3}, {2, 0, 1}, {3}, {1, 0, 0}), (B{1, 1, 0}));
  OpHarness h(OpCode::kLess);  // ordering of bools is not a TFLite comparison
  h.add_input(DType::kBool, {1}, B{1});
  h.add_input(DType::kBool, {1}, B{0});
  h.add_output(DType::kBool);
  EXPECT_FALSE(h.prepare().ok());
}

TEST(BinaryMath, Logical) {
  {
    OpHarness h(OpCode::kLogicalAnd);
    h.add_input(DType::kBool, {2, 2}, B{1, 0, 1, 1});
    h.add_input(DType::kBool, {2}, B{1, 0});
    const int out = h.add_output(DType::kBool);
    ASSERT_TRUE(h.prepare_and_run().ok());
    EXPECT_EQ(h.output<uint8_t>(out), (B{1, 0, 1, 0}));
  }
  OpHarness h(OpCode::kLogicalNot);
  h.add_input(DType::kBool, {3}, B{1, 0, 7});
  const int out = h.add_output(DType::kBool);
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.output<uint8_t>(out), (B{0, 1, 0}));
}

TEST(BinaryMath, SelectRankOneConditionPicksRows) {
  OpHarness h(OpCode::kSelect);
  h.add_input(DType::kBool, {2}, B{0, 1});
  h.add_input(DType::kFloat32, {2, 2}, std::vector<float>{1, 2, 3, 4});
  h.add_input(DType::kFloat32, {2, 2}, std::vector<float>{-1, -2, -3, -4});
  const int out = h.add_output(DType::kFloat32);
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.output<float>(out), (std::vector<float>{-1, -2, 3, 4}));
}

TEST(BinaryMath, SelectRefusesBroadcastSelectV2Broadcasts) {
  auto build = [](OpHarness& h) {
    h.add_input(DType::kBool, {2, 1}, B{1, 0});
    h.add_input(DType::kInt32, {1, 3}, std::vector<int32_t>{1, 2, 3});
    h.add_input(DType::kInt32, {1}, std::vector<int32_t>{9});
    return h.add_output(DType::kInt32);
  };
  OpHarness v1(OpCode::kSelect);
  build(v1);
  EXPECT_FALSE(v1.prepare().ok());
  OpHarness v2(OpCode::kSelectV2);
  const int out = build(v2);
  ASSERT_TRUE(v2.prepare_and_run().ok());
  EXPECT_EQ(v2.output<int32_t>(out), (std::vector<int32_t>{1, 2, 3, 9, 9, 9}));
}

TEST(BinaryMath, RankSixBroadcastAndZeroSizedInputs) {
  EXPECT_EQ(run_binary<float>(OpCode::kMinimum, DType::kFloat32, {2, 1, 1, 1, 1, 2}, {1, 5, 3, 7}, {1, 1, 1, 1, 2, 1},
                              {4, 2}),
            (std::vector<float>{1, 4, 1, 2, 3, 4, 2, 2}));
  OpHarness h(OpCode::kSelectV2);
  h.add_input(DType::kBool, {0, 3}, B{});
  h.add_input(DType::kFloat32, {3}, std::vector<float>{1, 2, 3});
  h.add_input(DType::kFloat32, {1}, std::vector<float>{0});
  const int out = h.add_output(DType::kFloat32);
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.tensor(out).shape, (Shape{0, 3}));
}

TEST(BinaryMath, Errors) {
  {  // mismatched dtypes
    OpHarness h(OpCode::kMaximum);
    h.add_input(DType::kFloat32, {1}, std::vector<float>{1});
    h.add_input(DType::kInt32, {1}, std::vector<int32_t>{1});
    h.add_output(DType::kFloat32);
    EXPECT_FALSE(h.prepare().ok());
  }
  {  // shapes that do not broadcast
    OpHarness h(OpCode::kDiv);
    h.add_input(DType::kFloat32, {2}, std::vector<float>{1, 2});
    h.add_input(DType::kFloat32, {3}, std::vector<float>{1, 2, 3});
    h.add_output(DType::kFloat32);
    EXPECT_FALSE(h.prepare().ok());
  }
  {  // rank above 6
    OpHarness h(OpCode::kGreater);
    h.add_input(DType::kFloat32, {1, 1, 1, 1, 1, 1, 1}, std::vector<float>{1});
    h.add_input(DType::kFloat32, {1}, std::vector<float>{1});
    h.add_output(DType::kBool);
    EXPECT_FALSE(h.prepare().ok());
  }
  {  // comparison output must be bool
    OpHarness h(OpCode::kEqual);
    h.add_input(DType::kFloat32, {1}, std::vector<float>{1});
    h.add_input(DType::kFloat32, {1}, std::vector<float>{1});
    h.add_output(DType::kFloat32);
    EXPECT_FALSE(h.prepare().ok());
  }
  {  // DIV has no int8
    OpHarness h(OpCode::kDiv);
    h.add_input(DType::kInt8, {1}, std::vector<int8_t>{1}, qparams(1.0f, 0));
    h.add_input(DType::kInt8, {1}, std::vector<int8_t>{1}, qparams(1.0f, 0));
    h.add_output(DType::kInt8, qparams(1.0f, 0));
    EXPECT_FALSE(h.prepare().ok());
  }
  {  // select condition must be bool
    OpHarness h(OpCode::kSelectV2);
    h.add_input(DType::kInt32, {1}, std::vector<int32_t>{1});
    h.add_input(DType::kFloat32, {1}, std::vector<float>{1});
    h.add_input(DType::kFloat32, {1}, std::vector<float>{1});
    h.add_output(DType::kFloat32);
    EXPECT_FALSE(h.prepare().ok());
  }
}

}  // namespace
}  // namespace eb::testing
