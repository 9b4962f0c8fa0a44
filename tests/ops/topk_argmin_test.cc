// TOPK_V2 (order, ties, k bounds, index types, quantized pass-through) and ARG_MIN (ARG_MAX's kernel
// with the comparison reversed: first index of the minimum, axis handling, refusals).
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "tests/support/op_harness.h"

using eb::DType;
using eb::OpCode;
using eb::Shape;
using eb::testing::OpHarness;
using eb::testing::qparams;

namespace {

TEST(TopKV2, DescendingWithTiesInIndexOrder) {
  OpHarness h(OpCode::kTopKV2);
  h.add_input(DType::kFloat32, {2, 5}, std::vector<float>{1, 5, 3, 5, 2, -1, -2, -3, -4, -5});
  h.add_constant(DType::kInt32, {}, std::vector<int32_t>{3});
  const int v = h.add_output(DType::kFloat32), i = h.add_output(DType::kInt32);
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.tensor(v).shape, (Shape{2, 3}));
  EXPECT_EQ(h.output<float>(v), (std::vector<float>{5, 5, 3, -1, -2, -3}));
  EXPECT_EQ(h.output<int32_t>(i), (std::vector<int32_t>{1, 3, 2, 0, 1, 2}));
}

TEST(TopKV2, Int64IndicesAndQuantizedValues) {
  OpHarness h(OpCode::kTopKV2);
  h.add_input(DType::kInt8, {4}, std::vector<int8_t>{-7, 100, 3, -128}, qparams(0.1f, 4));
  h.add_constant(DType::kInt32, {1}, std::vector<int32_t>{4});
  const int v = h.add_output(DType::kInt8, qparams(0.1f, 4)), i = h.add_output(DType::kInt64);
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.output<int8_t>(v), (std::vector<int8_t>{100, 3, -7, -128}));
  EXPECT_EQ(h.output<int64_t>(i), (std::vector<int64_t>{1, 2, 0, 3}));
  EXPECT_STREQ(h.prepared()->kernel_name(), "topk_v2_qs8_ref");
}

TEST(TopKV2, Refusals) {
  for (int32_t k : {-1, 6}) {
    OpHarness h(OpCode::kTopKV2);
    h.add_input(DType::kFloat32, {5}, std::vector<float>(5, 0.0f));
    h.add_constant(DType::kInt32, {}, std::vector<int32_t>{k});
    h.add_output(DType::kFloat32);
    h.add_output(DType::kInt32);
    EXPECT_FALSE(h.prepare().ok()) << k;
  }
  OpHarness dyn(OpCode::kTopKV2);  // k computed at run time
  dyn.add_input(DType::kFloat32, {5}, std::vector<float>(5, 0.0f));
  dyn.add_input(DType::kInt32, {}, std::vector<int32_t>{2});
  dyn.add_output(DType::kFloat32);
  dyn.add_output(DType::kInt32);
  EXPECT_FALSE(dyn.prepare().ok());
  OpHarness q(OpCode::kTopKV2);  // values would need a rescale
  q.add_input(DType::kUInt8, {5}, std::vector<uint8_t>(5, 0), qparams(0.1f, 4));
  q.add_constant(DType::kInt32, {}, std::vector<int32_t>{2});
  q.add_output(DType::kUInt8, qparams(0.2f, 4));
  q.add_output(DType::kInt32);
  EXPECT_FALSE(q.prepare().ok());
}

TEST(ArgMin, FirstIndexOfTheMinimum) {
  OpHarness h(OpCode::kArgMin);
  h.add_input(DType::kFloat32, {2, 3}, std::vector<float>{3, 1, 1, -2, 5, -2});
  h.add_constant(DType::kInt32, {1}, std::vector<int32_t>{-1});
  const int out = h.add_output(DType::kInt32);
  h.node().options.output_type = DType::kInt32;
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.output<int32_t>(out), (std::vector<int32_t>{1, 0}));
  EXPECT_STREQ(h.prepared()->kernel_name(), "arg_min_f32_s32_ref");
}

TEST(ArgMin, AxisZeroInt64AndQuantized) {
  OpHarness h(OpCode::kArgMin);
  h.add_input(DType::kUInt8, {2, 3}, std::vector<uint8_t>{3, 1, 9, 2, 5, 9}, qparams(0.5f, 128));
  h.add_constant(DType::kInt64, {1}, std::vector<int64_t>{0});
  const int out = h.add_output(DType::kInt64);
  h.node().options.output_type = DType::kInt64;
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.output<int64_t>(out), (std::vector<int64_t>{1, 0, 0}));
}

TEST(ArgMin, Refusals) {
  OpHarness h(OpCode::kArgMin);
  h.add_input(DType::kFloat32, {2, 3}, std::vector<float>(6, 0.0f));
  h.add_constant(DType::kInt32, {1}, std::vector<int32_t>{2});
  h.add_output(DType::kInt32);
  h.node().options.output_type = DType::kInt32;
  EXPECT_FALSE(h.prepare().ok());
  OpHarness e(OpCode::kArgMin);
  e.add_input(DType::kFloat32, {2, 0}, std::vector<float>{});
  e.add_constant(DType::kInt32, {1}, std::vector<int32_t>{1});
  e.add_output(DType::kInt32);
  e.node().options.output_type = DType::kInt32;
  EXPECT_FALSE(e.prepare().ok());
}

}  // namespace
