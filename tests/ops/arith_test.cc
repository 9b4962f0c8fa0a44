// DIV, FLOOR_DIV and SQRT beyond what the TensorFlow-made models reach: integer division by zero and
// INT32_MIN / -1 (defined results, no trap), floor semantics on negative operands, float division by
// zero, broadcasting, the fused clamp, and every refusal.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "tests/support/op_harness.h"

namespace eb::testing {
namespace {

template <typename T>
std::vector<T> binary(OpCode op, DType dt, Shape sa, std::vector<T> a, Shape sb, std::vector<T> b,
                      Activation act = Activation::kNone, Shape* out_shape = nullptr) {
  OpHarness h(op);
  h.add_input(dt, sa, a);
  h.add_input(dt, sb, b);
  const int out = h.add_output(dt);
  h.node().options.activation = act;
  Status s = h.prepare_and_run();
  EXPECT_TRUE(s.ok()) << s.message();
  if (out_shape) *out_shape = h.tensor(out).shape;
  return h.output<T>(out);
}

TEST(Div, Int32TruncatesAndNeverTraps) {
  const int32_t kMin = std::numeric_limits<int32_t>::min();
  EXPECT_EQ(binary<int32_t>(OpCode::kDiv, DType::kInt32, {6}, {7, -7, 7, -7, 5, kMin}, {6}, {2, 2, -2, -2, 0, -1}),
            (std::vector<int32_t>{3, -3, -3, 3, 0, kMin}));
}

TEST(Div, Float32BroadcastClampAndDivisionByZero) {
  Shape shape;
  const auto y = binary<float>(OpCode::kDiv, DType::kFloat32, {2, 2}, {1, -8, 3, 0}, {2}, {2, 4}, Activation::kNone, &shape);
  EXPECT_EQ(shape, (Shape{2, 2}));
  EXPECT_EQ(y, (std::vector<float>{0.5f, -2.0f, 1.5f, 0.0f}));
  const auto z = binary<float>(OpCode::kDiv, DType::kFloat32, {3}, {1, -1, 0}, {1}, {0});
  EXPECT_TRUE(std::isinf(z[0]) && z[0] > 0);
  EXPECT_TRUE(std::isinf(z[1]) && z[1] < 0);
  EXPECT_TRUE(std::isnan(z[2]));
  EXPECT_EQ(binary<float>(OpCode::kDiv, DType::kFloat32, {3}, {1, -1, 60}, {1}, {0.5f}, Activation::kRelu6),
            (std::vector<float>{2.0f, 0.0f, 6.0f}));
}

TEST(FloorDiv, RoundsTowardMinusInfinity) {
  EXPECT_EQ(binary<int32_t>(OpCode::kFloorDiv, DType::kInt32, {5}, {7, -7, 7, -7, 3}, {5}, {2, 2, -2, -2, 0}),
            (std::vector<int32_t>{3, -4, -4, 3, 0}));
  EXPECT_EQ(binary<int8_t>(OpCode::kFloorDiv, DType::kInt8, {3}, {-128, 5, -5}, {3}, {-1, 3, 3}),
            (std::vector<int8_t>{0, 1, -2}));  // 128 does not fit int8: 0, as for a zero divisor
  EXPECT_EQ(binary<float>(OpCode::kFloorDiv, DType::kFloat32, {3}, {7.5f, -7.5f, 1.0f}, {1}, {2.0f}),
            (std::vector<float>{3.0f, -4.0f, 0.0f}));
}

TEST(Sqrt, Float32) {
  OpHarness h(OpCode::kSqrt);
  h.add_input(DType::kFloat32, {4}, std::vector<float>{0, 4, 2.25f, -1});
  const int out = h.add_output(DType::kFloat32);
  ASSERT_TRUE(h.prepare_and_run().ok());
  const auto y = h.output<float>(out);
  EXPECT_EQ(y[0], 0.0f);
  EXPECT_EQ(y[1], 2.0f);
  EXPECT_EQ(y[2], 1.5f);
  EXPECT_TRUE(std::isnan(y[3]));
}

bool refused(OpCode op, DType a, DType b, Shape sa, Shape sb, const std::string& part, Quantization q = {}) {
  OpHarness h(op);
  h.add_input(a, sa, std::vector<uint8_t>(64), q);
  if (op != OpCode::kSqrt) h.add_input(b, sb, std::vector<uint8_t>(64));
  h.add_output(a);
  Status s = h.prepare();
  EXPECT_NE(s.message().find(part), std::string::npos) << s.message();
  return !s.ok();
}

TEST(Arith, Refusals) {
  EXPECT_TRUE(refused(OpCode::kDiv, DType::kInt32, DType::kFloat32, {2}, {2}, "same type"));
  EXPECT_TRUE(refused(OpCode::kDiv, DType::kInt8, DType::kInt8, {2}, {2}, "supported: float32, int32"));
  EXPECT_TRUE(refused(OpCode::kDiv, DType::kFloat32, DType::kFloat32, {2}, {3}, "cannot be broadcast"));
  EXPECT_TRUE(refused(OpCode::kFloorDiv, DType::kInt8, DType::kInt8, {2}, {2}, "quantized", qparams(0.5f, 1)));
  EXPECT_TRUE(refused(OpCode::kDiv, DType::kFloat32, DType::kFloat32, {1, 1, 1, 1, 1, 1, 2}, {2}, "rank 7"));
  EXPECT_TRUE(refused(OpCode::kSqrt, DType::kInt32, DType::kInt32, {2}, {2}, "supported: float32"));
}

}  // namespace
}  // namespace eb::testing
