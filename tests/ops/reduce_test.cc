// SUM / REDUCE_MAX / REDUCE_MIN / REDUCE_PROD: output shapes (keep_dims, negative, repeated and empty
// axis lists), values per type (integer wrap-around, the neutral element of an empty reduction), the
// requantized int8 SUM, and every refusal.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "tests/support/op_harness.h"

using eb::DType;
using eb::OpCode;
using eb::Shape;
using eb::testing::OpHarness;
using eb::testing::qparams;

namespace {

// One reduction of a float32 input over the constant `axes`; returns the output shape via `shape`.
std::vector<float> reduce_f32(OpCode op, const Shape& in_shape, const std::vector<float>& x,
                              const std::vector<int32_t>& axes, bool keep_dims, Shape* shape = nullptr) {
  OpHarness h(op);
  h.add_input(DType::kFloat32, in_shape, x);
  h.add_constant(DType::kInt32, {static_cast<int32_t>(axes.size())}, axes);
  const int out = h.add_output(DType::kFloat32);
  h.node().options.keep_dims = keep_dims;
  EXPECT_TRUE(h.prepare_and_run().ok());
  if (shape) *shape = h.tensor(out).shape;
  return h.output<float>(out);
}

const std::vector<float> kX = {1, -2, 3, 4, 5, -6};  // shape {2, 3}

TEST(ReduceOps, SumAxesAndShapes) {
  Shape s;
  EXPECT_EQ(reduce_f32(OpCode::kSum, {2, 3}, kX, {1}, false, &s), (std::vector<float>{2, 3}));
  EXPECT_EQ(s, (Shape{2}));
  EXPECT_EQ(reduce_f32(OpCode::kSum, {2, 3}, kX, {-2}, true, &s), (std::vector<float>{5, 3, -3}));
  EXPECT_EQ(s, (Shape{1, 3}));
  // A repeated axis (even as its negative alias) is reduced once.
  EXPECT_EQ(reduce_f32(OpCode::kSum, {2, 3}, kX, {0, -2, 1}, false, &s), (std::vector<float>{5}));
  EXPECT_EQ(s, Shape{});
  // No axes: a copy.
  EXPECT_EQ(reduce_f32(OpCode::kSum, {2, 3}, kX, {}, false, &s), kX);
  EXPECT_EQ(s, (Shape{2, 3}));
}

TEST(ReduceOps, MaxMinProd) {
  EXPECT_EQ(reduce_f32(OpCode::kReduceMax, {2, 3}, kX, {1}, false), (std::vector<float>{3, 5}));
  EXPECT_EQ(reduce_f32(OpCode::kReduceMin, {2, 3}, kX, {0}, false), (std::vector<float>{1, -2, -6}));
  EXPECT_EQ(reduce_f32(OpCode::kReduceProd, {2, 3}, kX, {1}, true), (std::vector<float>{-6, -120}));
}

TEST(ReduceOps, EmptyReductionGivesNeutralElement) {
  EXPECT_EQ(reduce_f32(OpCode::kSum, {2, 0}, {}, {1}, false), (std::vector<float>{0, 0}));
  EXPECT_EQ(reduce_f32(OpCode::kReduceProd, {2, 0}, {}, {1}, false), (std::vector<float>{1, 1}));
  EXPECT_EQ(reduce_f32(OpCode::kReduceMax, {1, 0}, {}, {1}, false),
            (std::vector<float>{std::numeric_limits<float>::lowest()}));
}

TEST(ReduceOps, IntegerTypesWrapLikeTflite) {
  OpHarness h(OpCode::kSum);
  h.add_input(DType::kInt32, {2}, std::vector<int32_t>{std::numeric_limits<int32_t>::max(), 2});
  h.add_constant(DType::kInt32, {1}, std::vector<int32_t>{0});
  const int out = h.add_output(DType::kInt32);
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.output<int32_t>(out)[0], std::numeric_limits<int32_t>::min() + 1);

  OpHarness m(OpCode::kReduceMin);
  m.add_input(DType::kInt64, {2, 2}, std::vector<int64_t>{5, -(int64_t{1} << 40), 7, 9});
  m.add_constant(DType::kInt32, {1}, std::vector<int32_t>{1});
  const int mo = m.add_output(DType::kInt64);
  ASSERT_TRUE(m.prepare_and_run().ok());
  EXPECT_EQ(m.output<int64_t>(mo), (std::vector<int64_t>{-(int64_t{1} << 40), 7}));
}

TEST(ReduceOps, QuantizedMaxComparesRawValues) {
  OpHarness h(OpCode::kReduceMax);
  h.add_input(DType::kInt8, {2, 2}, std::vector<int8_t>{-5, 7, -128, -100}, qparams(0.5f, -3));
  h.add_constant(DType::kInt32, {1}, std::vector<int32_t>{1});
  const int out = h.add_output(DType::kInt8, qparams(0.5f, -3));
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.output<int8_t>(out), (std::vector<int8_t>{7, -100}));
  EXPECT_STREQ(h.prepared()->kernel_name(), "reduce_max_qs8_ref");
}

TEST(ReduceOps, QuantizedSumRequantizes) {
  // Values (x - 1) * 0.5 summed: row 0 = (9 + 19 - 1) * 0.5 = 13.5 -> /0.25 = 54 (+ zp 2) = 56;
  // row 1 saturates at 127 instead of wrapping.
  OpHarness h(OpCode::kSum);
  h.add_input(DType::kInt8, {2, 3}, std::vector<int8_t>{10, 20, 0, 127, 127, 127}, qparams(0.5f, 1));
  h.add_constant(DType::kInt32, {1}, std::vector<int32_t>{-1});
  const int out = h.add_output(DType::kInt8, qparams(0.25f, 2));
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.output<int8_t>(out), (std::vector<int8_t>{56, 127}));
  EXPECT_STREQ(h.prepared()->kernel_name(), "sum_qs8_ref");
}

TEST(ReduceOps, QuantizedSumWithEqualQuantizationStillRequantizes) {
  // As LiteRT: (200 + 50 + 10) - 3 * zp 5 + 5 = 250; (1 + 2) - 15 + 5 = -7 clamps to 0.
  OpHarness h(OpCode::kSum);
  h.add_input(DType::kUInt8, {2, 3}, std::vector<uint8_t>{200, 50, 10, 1, 2, 0}, qparams(0.5f, 5));
  h.add_constant(DType::kInt32, {1}, std::vector<int32_t>{1});
  const int out = h.add_output(DType::kUInt8, qparams(0.5f, 5));
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.output<uint8_t>(out), (std::vector<uint8_t>{250, 0}));
}

TEST(ReduceOps, UnquantizedInt8SumWraps) {
  OpHarness h(OpCode::kSum);
  h.add_input(DType::kInt8, {3}, std::vector<int8_t>{100, 50, 10});
  h.add_constant(DType::kInt32, {1}, std::vector<int32_t>{0});
  const int out = h.add_output(DType::kInt8);
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.output<int8_t>(out), (std::vector<int8_t>{-96}));  // 160 - 256, as TFLite's int8 loop
}

TEST(ReduceOps, QuantizedProdRescalesEachStep) {
  // in (x - 0) * 0.5, out scale 0.25: multiplier 0.5 / 0.25^(1/2) = 1. acc = 4, then 4 * 6 = 24 -> 24
  // (the value 2 * 3 = 6 is 24 steps of 0.25).
  OpHarness h(OpCode::kReduceProd);
  h.add_input(DType::kInt8, {1, 2}, std::vector<int8_t>{4, 6}, qparams(0.5f, 0));
  h.add_constant(DType::kInt32, {1}, std::vector<int32_t>{1});
  const int out = h.add_output(DType::kInt8, qparams(0.25f, 0));
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.output<int8_t>(out), (std::vector<int8_t>{24}));
  EXPECT_STREQ(h.prepared()->kernel_name(), "reduce_prod_qs8_ref");
}

TEST(ReduceOps, Refusals) {
  auto prepare = [](OpCode op, DType in_type, std::vector<int32_t> axes, DType axis_type, bool const_axis,
                   eb::Quantization in_q, eb::Quantization out_q, DType out_type) {
    OpHarness h(op);
    h.add_input(in_type, {2, 3}, std::vector<uint8_t>(24, 0), in_q);
    if (const_axis)
      h.add_constant(axis_type, {static_cast<int32_t>(axes.size())}, axes);
    else
      h.add_input(axis_type, {static_cast<int32_t>(axes.size())}, axes);
    h.add_output(out_type, out_q);
    return h.prepare();
  };
  const auto q = qparams(0.5f, 0), q2 = qparams(0.25f, 0);
  EXPECT_FALSE(prepare(OpCode::kSum, DType::kFloat32, {2}, DType::kInt32, true, {}, {}, DType::kFloat32).ok());
  EXPECT_FALSE(prepare(OpCode::kSum, DType::kFloat32, {-3}, DType::kInt32, true, {}, {}, DType::kFloat32).ok());
  EXPECT_FALSE(prepare(OpCode::kSum, DType::kFloat32, {0}, DType::kInt64, true, {}, {}, DType::kFloat32).ok());
  EXPECT_FALSE(prepare(OpCode::kSum, DType::kFloat32, {0}, DType::kInt32, false, {}, {}, DType::kFloat32).ok());
  EXPECT_FALSE(prepare(OpCode::kSum, DType::kFloat32, {0}, DType::kInt32, true, {}, {}, DType::kInt32).ok());
  EXPECT_FALSE(prepare(OpCode::kReduceMax, DType::kInt8, {0}, DType::kInt32, true, q, q2, DType::kInt8).ok());
  EXPECT_FALSE(prepare(OpCode::kReduceProd, DType::kUInt8, {0}, DType::kInt32, true, q, q, DType::kUInt8).ok());
  EXPECT_FALSE(prepare(OpCode::kSum, DType::kInt8, {0}, DType::kInt32, true, {}, q, DType::kInt8).ok());
  // Raw int8 (no quantization on either side) runs, as TFLite's generic loop.
  EXPECT_TRUE(prepare(OpCode::kReduceMax, DType::kInt8, {0}, DType::kInt32, true, {}, {}, DType::kInt8).ok());
  EXPECT_FALSE(prepare(OpCode::kReduceMin, DType::kBool, {0}, DType::kInt32, true, {}, {}, DType::kBool).ok());

  // An axis tensor whose buffer is shorter than its shape.
  OpHarness h(OpCode::kSum);
  h.add_input(DType::kFloat32, {2, 3}, std::vector<float>(6, 0.0f));
  const int a = h.add_constant(DType::kInt32, {1}, std::vector<int32_t>{0});
  h.tensor(a).shape = {4};
  h.add_output(DType::kFloat32);
  EXPECT_FALSE(h.prepare().ok());
}

}  // namespace
