// Data movement: SPLIT, SPLIT_V, UNPACK, PACK, STRIDED_SLICE, SLICE, TRANSPOSE, SPACE_TO_DEPTH,
// DEPTH_TO_SPACE, GATHER, GATHER_ND — results, kernel names, edge cases and every refusal.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "tests/support/op_harness.h"

namespace eb::testing {
namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

std::vector<float> iota_f(int n) {
  std::vector<float> v(static_cast<size_t>(n));
  std::iota(v.begin(), v.end(), 0.0f);
  return v;
}

Quantization q8(float scale, int zp) {
  Quantization q;
  q.scale = {scale};
  q.zero_point = {zp};
  return q;
}

TEST(DataMovementSplit, EqualPartsAlongNegativeAxis) {
  OpHarness h(OpCode::kSplit);
  h.add_constant(DType::kInt32, {}, std::vector<int32_t>{-1});
  h.add_input(DType::kFloat32, {2, 4}, iota_f(8));
  int a = h.add_output(DType::kFloat32), b = h.add_output(DType::kFloat32);
  h.node().options.num_splits = 2;
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.tensor(a).shape, (Shape{2, 2}));
  EXPECT_EQ(h.output<float>(a), (std::vector<float>{0, 1, 4, 5}));
  EXPECT_EQ(h.output<float>(b), (std::vector<float>{2, 3, 6, 7}));
  EXPECT_STREQ(h.prepared()->kernel_name(), "split_x32_ref");
}

TEST(DataMovementSplit, Refusals) {
  {
    OpHarness h(OpCode::kSplit);
    h.add_constant(DType::kInt32, {}, std::vector<int32_t>{1});
    h.add_input(DType::kInt8, {2, 3}, std::vector<int8_t>(6));
    h.add_output(DType::kInt8);
    h.add_output(DType::kInt8);
    h.node().options.num_splits = 2;
    EXPECT_TRUE(contains(h.prepare().message(), "not divisible"));
  }
  {
    OpHarness h(OpCode::kSplit);
    h.add_input(DType::kInt32, {}, std::vector<int32_t>{0});  // axis computed at run time
    h.add_input(DType::kInt8, {2, 3}, std::vector<int8_t>(6));
    h.add_output(DType::kInt8);
    h.node().options.num_splits = 1;
    EXPECT_TRUE(contains(h.prepare().message(), "not a constant"));
  }
  {
    OpHarness h(OpCode::kSplit);
    h.add_constant(DType::kInt32, {}, std::vector<int32_t>{2});
    h.add_input(DType::kInt8, {2, 3}, std::vector<int8_t>(6));
    h.add_output(DType::kInt8);
    h.node().options.num_splits = 1;
    EXPECT_TRUE(contains(h.prepare().message(), "outside the rank"));
  }
  {
    OpHarness h(OpCode::kSplit);
    h.add_constant(DType::kInt32, {}, std::vector<int32_t>{0});
    h.add_input(DType::kInt8, {2, 3}, std::vector<int8_t>(6), q8(0.5f, 1));
    h.add_output(DType::kInt8, q8(0.25f, 1));
    h.node().options.num_splits = 1;
    EXPECT_TRUE(contains(h.prepare().message(), "cannot requantize"));
  }
}

TEST(DataMovementSplitV, MinusOneAndErrors) {
  OpHarness h(OpCode::kSplitV);
  h.add_input(DType::kInt16, {1, 5}, std::vector<int16_t>{1, 2, 3, 4, 5});
  h.add_constant(DType::kInt64, {3}, std::vector<int64_t>{1, -1, 2});
  h.add_constant(DType::kInt32, {1}, std::vector<int32_t>{1});
  int a = h.add_output(DType::kInt16), b = h.add_output(DType::kInt16), c = h.add_output(DType::kInt16);
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.output<int16_t>(a), (std::vector<int16_t>{1}));
  EXPECT_EQ(h.output<int16_t>(b), (std::vector<int16_t>{2, 3}));
  EXPECT_EQ(h.output<int16_t>(c), (std::vector<int16_t>{4, 5}));

  OpHarness bad(OpCode::kSplitV);
  bad.add_input(DType::kInt16, {1, 5}, std::vector<int16_t>(5));
  bad.add_constant(DType::kInt32, {2}, std::vector<int32_t>{4, 3});
  bad.add_constant(DType::kInt32, {1}, std::vector<int32_t>{1});
  bad.add_output(DType::kInt16);
  bad.add_output(DType::kInt16);
  EXPECT_TRUE(contains(bad.prepare().message(), "do not add up"));
}

TEST(DataMovementUnpackPack, RoundTripMiddleAxis) {
  OpHarness u(OpCode::kUnpack);
  u.add_input(DType::kFloat32, {2, 3, 2}, iota_f(12));
  std::vector<int> outs;
  for (int i = 0; i < 3; ++i) outs.push_back(u.add_output(DType::kFloat32));
  u.node().options.axis = 1;
  u.node().options.num = 3;
  ASSERT_TRUE(u.prepare_and_run().ok());
  EXPECT_EQ(u.tensor(outs[1]).shape, (Shape{2, 2}));
  EXPECT_EQ(u.output<float>(outs[1]), (std::vector<float>{2, 3, 8, 9}));

  OpHarness p(OpCode::kPack);
  for (int i = 0; i < 3; ++i) p.add_input(DType::kFloat32, {2, 2}, u.output<float>(outs[static_cast<size_t>(i)]));
  int out = p.add_output(DType::kFloat32);
  p.node().options.axis = -2;
  p.node().options.values_count = 3;
  ASSERT_TRUE(p.prepare_and_run().ok());
  EXPECT_EQ(p.tensor(out).shape, (Shape{2, 3, 2}));
  EXPECT_EQ(p.output<float>(out), iota_f(12));

  OpHarness bad(OpCode::kPack);
  bad.add_input(DType::kFloat32, {2}, std::vector<float>{1, 2});
  bad.add_input(DType::kFloat32, {3}, std::vector<float>{1, 2, 3});
  bad.add_output(DType::kFloat32);
  EXPECT_TRUE(contains(bad.prepare().message(), "all must match"));

  OpHarness bad_num(OpCode::kUnpack);
  bad_num.add_input(DType::kFloat32, {2}, std::vector<float>{1, 2});
  bad_num.add_output(DType::kFloat32);
  EXPECT_TRUE(contains(bad_num.prepare().message(), "outputs but dimension"));
}

int add_ints(OpHarness& h, std::vector<int32_t> v) {
  return h.add_constant(DType::kInt32, {static_cast<int32_t>(v.size())}, v);
}

TEST(DataMovementStridedSlice, NegativeStrideAndMasks) {
  OpHarness h(OpCode::kStridedSlice);
  h.add_input(DType::kFloat32, {2, 5}, iota_f(10));
  add_ints(h, {1, -1});
  add_ints(h, {0, 0});
  add_ints(h, {1, -2});
  int out = h.add_output(DType::kFloat32);
  h.node().options.begin_mask = 1;  // dimension 0 whole: both masks
  h.node().options.end_mask = 1;
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.tensor(out).shape, (Shape{2, 2}));
  EXPECT_EQ(h.output<float>(out), (std::vector<float>{4, 2, 9, 7}));
  EXPECT_STREQ(h.prepared()->kernel_name(), "strided_slice_x32_ref");
}

TEST(DataMovementStridedSlice, ShrinkNewAxisEllipsisOffset) {
  {  // x[1, ..., tf.newaxis]: shrink dimension 0, keep the rest, add a trailing axis
    OpHarness h(OpCode::kStridedSlice);
    h.add_input(DType::kInt8, {2, 2, 2}, std::vector<int8_t>{0, 1, 2, 3, 4, 5, 6, 7});
    add_ints(h, {1, 0, 0});
    add_ints(h, {2, 0, 0});
    add_ints(h, {1, 1, 1});
    int out = h.add_output(DType::kInt8);
    h.node().options.shrink_axis_mask = 1;
    h.node().options.ellipsis_mask = 2;
    h.node().options.new_axis_mask = 4;
    ASSERT_TRUE(h.prepare_and_run().ok());
    EXPECT_EQ(h.tensor(out).shape, (Shape{2, 2, 1}));
    EXPECT_EQ(h.output<int8_t>(out), (std::vector<int8_t>{4, 5, 6, 7}));
  }
  {  // offset: end is a length from begin
    OpHarness h(OpCode::kStridedSlice);
    h.add_input(DType::kInt64, {6}, std::vector<int64_t>{0, 1, 2, 3, 4, 5});
    add_ints(h, {-4});
    add_ints(h, {3});
    add_ints(h, {1});
    int out = h.add_output(DType::kInt64);
    h.node().options.offset = true;
    ASSERT_TRUE(h.prepare_and_run().ok());
    EXPECT_EQ(h.output<int64_t>(out), (std::vector<int64_t>{2, 3, 4}));
  }
  {  // empty result
    OpHarness h(OpCode::kStridedSlice);
    h.add_input(DType::kFloat32, {4}, iota_f(4));
    add_ints(h, {3});
    add_ints(h, {1});
    add_ints(h, {1});
    int out = h.add_output(DType::kFloat32);
    ASSERT_TRUE(h.prepare_and_run().ok());
    EXPECT_EQ(h.tensor(out).shape, (Shape{0}));
  }
}

TEST(DataMovementStridedSlice, Refusals) {
  {
    OpHarness h(OpCode::kStridedSlice);
    h.add_input(DType::kFloat32, {4}, iota_f(4));
    add_ints(h, {0});
    add_ints(h, {4});
    add_ints(h, {0});
    h.add_output(DType::kFloat32);
    EXPECT_TRUE(contains(h.prepare().message(), "stride"));
  }
  {
    OpHarness h(OpCode::kStridedSlice);
    h.add_input(DType::kFloat32, {4}, iota_f(4));
    add_ints(h, {7});
    add_ints(h, {8});
    add_ints(h, {1});
    h.add_output(DType::kFloat32);
    h.node().options.shrink_axis_mask = 1;
    EXPECT_TRUE(contains(h.prepare().message(), "outside"));
  }
  {
    OpHarness h(OpCode::kStridedSlice);
    h.add_input(DType::kFloat32, {4}, iota_f(4));
    add_ints(h, {0, 0});
    add_ints(h, {1, 1});
    add_ints(h, {1, 1});
    h.add_output(DType::kFloat32);
    EXPECT_TRUE(contains(h.prepare().message(), "rank 1"));
  }
}

// Hostile int64 begin/end/strides/size values neither overflow nor read outside the input.
TEST(DataMovementStridedSlice, ExtremeValuesClampOrRefuse) {
  const int64_t big = std::numeric_limits<int64_t>::max(), small = std::numeric_limits<int64_t>::min();
  OpHarness h(OpCode::kStridedSlice);
  h.add_input(DType::kFloat32, {4}, iota_f(4));
  h.add_constant(DType::kInt64, {1}, std::vector<int64_t>{small});
  h.add_constant(DType::kInt64, {1}, std::vector<int64_t>{big});
  h.add_constant(DType::kInt64, {1}, std::vector<int64_t>{big});
  int out = h.add_output(DType::kFloat32);
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.output<float>(out), (std::vector<float>{0}));

  OpHarness s(OpCode::kSlice);
  s.add_input(DType::kFloat32, {4}, iota_f(4));
  s.add_constant(DType::kInt64, {1}, std::vector<int64_t>{1});
  s.add_constant(DType::kInt64, {1}, std::vector<int64_t>{big});
  s.add_output(DType::kFloat32);
  EXPECT_TRUE(contains(s.prepare().message(), "do not fit"));
}

TEST(DataMovementSlice, SizeMinusOneAndOutOfRange) {
  OpHarness h(OpCode::kSlice);
  h.add_input(DType::kUInt8, {2, 3}, std::vector<uint8_t>{1, 2, 3, 4, 5, 6});
  add_ints(h, {1, 1});
  add_ints(h, {-1, -1});
  int out = h.add_output(DType::kUInt8);
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.tensor(out).shape, (Shape{1, 2}));
  EXPECT_EQ(h.output<uint8_t>(out), (std::vector<uint8_t>{5, 6}));
  EXPECT_STREQ(h.prepared()->kernel_name(), "slice_x8_ref");

  OpHarness bad(OpCode::kSlice);
  bad.add_input(DType::kUInt8, {2, 3}, std::vector<uint8_t>(6));
  add_ints(bad, {1, 2});
  add_ints(bad, {1, 2});
  bad.add_output(DType::kUInt8);
  EXPECT_TRUE(contains(bad.prepare().message(), "do not fit"));
}

TEST(DataMovementTranspose, LargeTiledMatchesNaive) {
  // 40 x 37 x 3 -> perm [1, 0, 2] and [2, 1, 0]: exercises the tiled path and the strided row path.
  const int a = 40, b = 37, c = 3;
  std::vector<int32_t> x(static_cast<size_t>(a * b * c));
  std::iota(x.begin(), x.end(), 0);
  for (const std::vector<int32_t>& perm : {std::vector<int32_t>{1, 0, 2}, std::vector<int32_t>{2, 1, 0}}) {
    OpHarness h(OpCode::kTranspose);
    h.add_input(DType::kInt32, {a, b, c}, x);
    add_ints(h, perm);
    int out = h.add_output(DType::kInt32);
    ASSERT_TRUE(h.prepare_and_run().ok());
    const Shape in_shape{a, b, c};
    const Shape& os = h.tensor(out).shape;
    std::vector<int32_t> y = h.output<int32_t>(out);
    const int in_strides[3] = {b * c, c, 1};
    size_t k = 0;
    for (int i = 0; i < os[0]; ++i)
      for (int j = 0; j < os[1]; ++j)
        for (int l = 0; l < os[2]; ++l, ++k) {
          const int idx[3] = {i, j, l};
          int src = 0;
          for (int d = 0; d < 3; ++d) src += idx[d] * in_strides[perm[static_cast<size_t>(d)]];
          ASSERT_EQ(y[k], x[static_cast<size_t>(src)]);
        }
  }
  // One-byte elements take the 8x8 block path; 21 x 139 leaves remainders on both sides and 150 rows
  // span two tiles.
  for (const Shape& shape : {Shape{21, 139}, Shape{150, 19}}) {
    std::vector<int8_t> bytes(static_cast<size_t>(shape[0] * shape[1]));
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<int8_t>(i * 7 + i / 13);
    OpHarness h(OpCode::kTranspose);
    h.add_input(DType::kInt8, shape, bytes);
    add_ints(h, {1, 0});
    int out = h.add_output(DType::kInt8);
    ASSERT_TRUE(h.prepare_and_run().ok());
    const std::vector<int8_t> y = h.output<int8_t>(out);
    for (int i = 0; i < shape[0]; ++i)
      for (int j = 0; j < shape[1]; ++j)
        ASSERT_EQ(y[static_cast<size_t>(j * shape[0] + i)], bytes[static_cast<size_t>(i * shape[1] + j)]) << i << "," << j;
  }
  OpHarness bad(OpCode::kTranspose);
  bad.add_input(DType::kInt32, {2, 2}, std::vector<int32_t>(4));
  add_ints(bad, {0, 0});
  bad.add_output(DType::kInt32);
  EXPECT_TRUE(contains(bad.prepare().message(), "not a permutation"));
}

// A copy large enough to be split over threads gives the single-threaded result, for a transpose (tiled)
// and a split (memcpy runs).
TEST(DataMovementThreads, LargeCopiesMatchOneThread) {
  std::vector<int32_t> x(256 * 300);
  std::iota(x.begin(), x.end(), 0);
  auto transpose = [&](int threads) {
    OpHarness h(OpCode::kTranspose);
    h.set_threads(threads);
    h.add_input(DType::kInt32, {256, 300}, x);
    add_ints(h, {1, 0});
    int out = h.add_output(DType::kInt32);
    EXPECT_TRUE(h.prepare_and_run().ok());
    return h.output<int32_t>(out);
  };
  const std::vector<int32_t> one = transpose(1);
  EXPECT_EQ(one[1], 300);
  EXPECT_EQ(transpose(3), one);
  auto split = [&](int threads) {
    OpHarness h(OpCode::kSplit);
    h.set_threads(threads);
    h.add_constant(DType::kInt32, {}, std::vector<int32_t>{1});
    h.add_input(DType::kInt32, {256, 300}, x);
    int a = h.add_output(DType::kInt32), b = h.add_output(DType::kInt32);
    h.node().options.num_splits = 2;
    EXPECT_TRUE(h.prepare_and_run().ok());
    std::vector<int32_t> r = h.output<int32_t>(a), rb = h.output<int32_t>(b);
    r.insert(r.end(), rb.begin(), rb.end());
    return r;
  };
  const std::vector<int32_t> split_one = split(1);
  EXPECT_EQ(split_one[150], 300);
  EXPECT_EQ(split(3), split_one);
}

TEST(DataMovementDepthSpace, RoundTrip) {
  OpHarness s(OpCode::kSpaceToDepth);
  s.add_input(DType::kFloat32, {1, 2, 4, 1}, iota_f(8));
  int d = s.add_output(DType::kFloat32);
  s.node().options.block_size = 2;
  ASSERT_TRUE(s.prepare_and_run().ok());
  EXPECT_EQ(s.tensor(d).shape, (Shape{1, 1, 2, 4}));
  EXPECT_EQ(s.output<float>(d), (std::vector<float>{0, 1, 4, 5, 2, 3, 6, 7}));
  OpHarness t(OpCode::kDepthToSpace);
  t.add_input(DType::kFloat32, {1, 1, 2, 4}, s.output<float>(d));
  int back = t.add_output(DType::kFloat32);
  t.node().options.block_size = 2;
  ASSERT_TRUE(t.prepare_and_run().ok());
  EXPECT_EQ(t.output<float>(back), iota_f(8));

  OpHarness bad(OpCode::kSpaceToDepth);
  bad.add_input(DType::kFloat32, {1, 3, 4, 1}, iota_f(12));
  bad.add_output(DType::kFloat32);
  bad.node().options.block_size = 2;
  EXPECT_TRUE(contains(bad.prepare().message(), "multiples of block_size"));
}

TEST(DataMovementGather, AxisBatchDimsAndRunTimeIndices) {
  {
    OpHarness h(OpCode::kGather);
    h.add_input(DType::kFloat32, {2, 3}, iota_f(6));
    h.add_input(DType::kInt64, {2}, std::vector<int64_t>{2, 7});  // 7 is out of range: zeros
    int out = h.add_output(DType::kFloat32);
    h.node().options.axis = -1;
    ASSERT_TRUE(h.prepare_and_run().ok());
    EXPECT_EQ(h.tensor(out).shape, (Shape{2, 2}));
    EXPECT_EQ(h.output<float>(out), (std::vector<float>{2, 0, 5, 0}));
    EXPECT_STREQ(h.prepared()->kernel_name(), "gather_x32_ref");
  }
  {
    OpHarness h(OpCode::kGather);
    h.add_input(DType::kInt8, {2, 3}, std::vector<int8_t>{0, 1, 2, 3, 4, 5});
    h.add_input(DType::kInt32, {2, 2}, std::vector<int32_t>{2, 0, 1, 1});
    int out = h.add_output(DType::kInt8);
    h.node().options.axis = 1;
    h.node().options.batch_dims = 1;
    ASSERT_TRUE(h.prepare_and_run().ok());
    EXPECT_EQ(h.tensor(out).shape, (Shape{2, 2}));
    EXPECT_EQ(h.output<int8_t>(out), (std::vector<int8_t>{2, 0, 4, 4}));
  }
  {
    OpHarness h(OpCode::kGather);
    h.add_input(DType::kFloat32, {2, 3}, iota_f(6));
    h.add_constant(DType::kInt32, {1}, std::vector<int32_t>{3});
    h.add_output(DType::kFloat32);
    h.node().options.axis = 1;
    EXPECT_TRUE(contains(h.prepare().message(), "outside dimension 1"));
  }
  {
    OpHarness h(OpCode::kGather);
    h.add_input(DType::kFloat32, {2, 3}, iota_f(6));
    h.add_input(DType::kFloat32, {1}, std::vector<float>{0});
    h.add_output(DType::kFloat32);
    EXPECT_TRUE(contains(h.prepare().message(), "int32 or int64"));
  }
}

TEST(DataMovementGatherNd, SlicesAndBounds) {
  OpHarness h(OpCode::kGatherNd);
  h.add_input(DType::kInt32, {2, 2, 2}, std::vector<int32_t>{0, 1, 2, 3, 4, 5, 6, 7});
  h.add_input(DType::kInt32, {3, 2}, std::vector<int32_t>{1, 0, 0, 1, 5, 0});
  int out = h.add_output(DType::kInt32);
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.tensor(out).shape, (Shape{3, 2}));
  EXPECT_EQ(h.output<int32_t>(out), (std::vector<int32_t>{4, 5, 2, 3, 0, 0}));

  OpHarness bad(OpCode::kGatherNd);
  bad.add_input(DType::kInt32, {2, 2}, std::vector<int32_t>(4));
  bad.add_constant(DType::kInt32, {1, 3}, std::vector<int32_t>{0, 0, 0});
  bad.add_output(DType::kInt32);
  EXPECT_TRUE(contains(bad.prepare().message(), "index 3 dimensions"));
}

}  // namespace
}  // namespace eb::testing
