// Data movement, second part: CAST, TILE, EXPAND_DIMS, SHAPE, FILL, ZEROS_LIKE, PADV2, MIRROR_PAD,
// SPACE_TO_BATCH_ND, BATCH_TO_SPACE_ND — results, kernel names, edge cases and refusals.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
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

TEST(DataMovementCast, FloatToIntTruncatesAndWraps) {
  OpHarness h(OpCode::kCast);
  h.add_input(DType::kFloat32, {6}, std::vector<float>{-1.7f, 2.9f, 300.0f, -129.5f, 0.0f, std::numeric_limits<float>::quiet_NaN()});
  int out = h.add_output(DType::kInt8);
  ASSERT_TRUE(h.prepare_and_run().ok());
  // -1, 2, 300 -> 44 (low byte), -129 -> 127 (low byte), 0, NaN -> int32 minimum's low byte 0.
  EXPECT_EQ(h.output<int8_t>(out), (std::vector<int8_t>{-1, 2, 44, 127, 0, 0}));
  EXPECT_STREQ(h.prepared()->kernel_name(), "cast_f32_s8_ref");
}

TEST(DataMovementCast, BoolIntAndHalf) {
  {
    OpHarness h(OpCode::kCast);
    h.add_input(DType::kInt64, {3}, std::vector<int64_t>{0, -5, int64_t{1} << 40});
    int out = h.add_output(DType::kBool);
    ASSERT_TRUE(h.prepare_and_run().ok());
    EXPECT_EQ(h.output<uint8_t>(out), (std::vector<uint8_t>{0, 1, 1}));
  }
  {
    OpHarness h(OpCode::kCast);
    h.add_input(DType::kUInt8, {2}, std::vector<uint8_t>{200, 7});
    int out = h.add_output(DType::kInt32);
    ASSERT_TRUE(h.prepare_and_run().ok());
    EXPECT_EQ(h.output<int32_t>(out), (std::vector<int32_t>{200, 7}));
  }
  {
    OpHarness h(OpCode::kCast);
    // 1.0, -2.5, 65504, smallest subnormal
    h.add_input(DType::kFloat16, {4}, std::vector<uint16_t>{0x3c00, 0xc100, 0x7bff, 0x0001});
    int out = h.add_output(DType::kFloat32);
    ASSERT_TRUE(h.prepare_and_run().ok());
    EXPECT_EQ(h.output<float>(out), (std::vector<float>{1.0f, -2.5f, 65504.0f, 5.9604644775390625e-8f}));
  }
  {
    OpHarness h(OpCode::kCast);
    h.add_input(DType::kFloat32, {1}, std::vector<float>{1});
    h.add_output(DType::kFloat16);
    EXPECT_TRUE(contains(h.prepare().message(), "cannot cast"));
  }
  {
    OpHarness h(OpCode::kCast);
    h.add_input(DType::kFloat32, {1}, std::vector<float>{1});
    h.add_output(DType::kInt32);
    h.node().options.out_data_type = DType::kInt64;
    EXPECT_TRUE(contains(h.prepare().message(), "out_data_type"));
  }
}

// Every pair among the seven types: small values that every type holds (0, 1, 7) cast exactly, and
// bool reads non-zero as 1.
TEST(DataMovementCast, EveryPairOnSmallValues) {
  const DType types[] = {DType::kFloat32, DType::kInt64, DType::kInt32, DType::kInt16,
                         DType::kInt8,    DType::kUInt8, DType::kBool};
  auto bytes_of = [](DType t, double v) {
    std::vector<uint8_t> b(dtype_size(t));
    switch (t) {
      case DType::kFloat32: { float x = static_cast<float>(v); std::memcpy(b.data(), &x, 4); break; }
      case DType::kInt64: { int64_t x = static_cast<int64_t>(v); std::memcpy(b.data(), &x, 8); break; }
      case DType::kInt32: { int32_t x = static_cast<int32_t>(v); std::memcpy(b.data(), &x, 4); break; }
      case DType::kInt16: { int16_t x = static_cast<int16_t>(v); std::memcpy(b.data(), &x, 2); break; }
      default: b[0] = static_cast<uint8_t>(v); break;
    }
    return b;
  };
  for (DType from : types)
    for (DType to : types) {
      std::vector<uint8_t> in, expected;
      for (double v : {0.0, 1.0, 7.0}) {
        const double src = from == DType::kBool ? (v != 0 ? 1 : 0) : v;
        const std::vector<uint8_t> a = bytes_of(from, src), b = bytes_of(to, to == DType::kBool ? (src != 0) : src);
        in.insert(in.end(), a.begin(), a.end());
        expected.insert(expected.end(), b.begin(), b.end());
      }
      OpHarness h(OpCode::kCast);
      h.add_input(from, {3}, in);
      int out = h.add_output(to);
      ASSERT_TRUE(h.prepare_and_run().ok()) << dtype_name(from) << " -> " << dtype_name(to);
      EXPECT_EQ(h.output<uint8_t>(out), expected) << dtype_name(from) << " -> " << dtype_name(to);
    }
}

TEST(DataMovementTile, RepeatsAndZero) {
  OpHarness h(OpCode::kTile);
  h.add_input(DType::kInt16, {2, 2}, std::vector<int16_t>{1, 2, 3, 4});
  h.add_constant(DType::kInt64, {2}, std::vector<int64_t>{2, 3});
  int out = h.add_output(DType::kInt16);
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.tensor(out).shape, (Shape{4, 6}));
  EXPECT_EQ(h.output<int16_t>(out), (std::vector<int16_t>{1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4,
                                                          1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4}));
  EXPECT_STREQ(h.prepared()->kernel_name(), "tile_x16_ref");

  OpHarness z(OpCode::kTile);
  z.add_input(DType::kFloat32, {2}, std::vector<float>{1, 2});
  z.add_constant(DType::kInt32, {1}, std::vector<int32_t>{0});
  int zo = z.add_output(DType::kFloat32);
  ASSERT_TRUE(z.prepare_and_run().ok());
  EXPECT_EQ(z.tensor(zo).shape, (Shape{0}));

  OpHarness bad(OpCode::kTile);
  bad.add_input(DType::kFloat32, {2}, std::vector<float>{1, 2});
  bad.add_constant(DType::kInt32, {2}, std::vector<int32_t>{1, 1});
  bad.add_output(DType::kFloat32);
  EXPECT_TRUE(contains(bad.prepare().message(), "has rank 1"));
}

TEST(DataMovementExpandDimsShape, AxisAndTypes) {
  OpHarness h(OpCode::kExpandDims);
  h.add_input(DType::kFloat32, {2, 3}, iota_f(6));
  h.add_constant(DType::kInt32, {}, std::vector<int32_t>{-1});
  int out = h.add_output(DType::kFloat32);
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.tensor(out).shape, (Shape{2, 3, 1}));
  EXPECT_EQ(h.output<float>(out), iota_f(6));

  OpHarness bad(OpCode::kExpandDims);
  bad.add_input(DType::kFloat32, {2, 3}, iota_f(6));
  bad.add_constant(DType::kInt32, {}, std::vector<int32_t>{3});
  bad.add_output(DType::kFloat32);
  EXPECT_TRUE(contains(bad.prepare().message(), "outside"));

  OpHarness s(OpCode::kShape);
  s.add_input(DType::kInt8, {4, 1, 7}, std::vector<int8_t>(28));
  int so = s.add_output(DType::kInt64);
  ASSERT_TRUE(s.prepare_and_run().ok());
  EXPECT_EQ(s.output<int64_t>(so), (std::vector<int64_t>{4, 1, 7}));
  OpHarness s32(OpCode::kShape);
  s32.add_input(DType::kFloat32, {5}, iota_f(5));
  int s32o = s32.add_output(DType::kInt32);
  ASSERT_TRUE(s32.prepare_and_run().ok());
  EXPECT_EQ(s32.output<int32_t>(s32o), (std::vector<int32_t>{5}));
}

TEST(DataMovementFill, RunTimeValueAndZerosLike) {
  OpHarness h(OpCode::kFill);
  h.add_constant(DType::kInt32, {2}, std::vector<int32_t>{2, 2});
  h.add_input(DType::kFloat32, {}, std::vector<float>{-1.5f});
  int out = h.add_output(DType::kFloat32);
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.output<float>(out), (std::vector<float>{-1.5f, -1.5f, -1.5f, -1.5f}));

  OpHarness bad(OpCode::kFill);
  bad.add_input(DType::kInt32, {1}, std::vector<int32_t>{3});
  bad.add_input(DType::kFloat32, {}, std::vector<float>{1});
  bad.add_output(DType::kFloat32);
  EXPECT_TRUE(contains(bad.prepare().message(), "not a constant"));

  OpHarness z(OpCode::kZerosLike);
  z.add_input(DType::kInt64, {3}, std::vector<int64_t>{5, 6, 7});
  int zo = z.add_output(DType::kInt64);
  ASSERT_TRUE(z.prepare_and_run().ok());
  EXPECT_EQ(z.output<int64_t>(zo), (std::vector<int64_t>{0, 0, 0}));
}

TEST(DataMovementPadV2, ValueAndQuantizedRefusal) {
  OpHarness h(OpCode::kPadV2);
  h.add_input(DType::kInt32, {1, 2}, std::vector<int32_t>{1, 2});
  h.add_constant(DType::kInt32, {2, 2}, std::vector<int32_t>{1, 0, 0, 2});
  h.add_input(DType::kInt32, {}, std::vector<int32_t>{9});
  int out = h.add_output(DType::kInt32);
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.tensor(out).shape, (Shape{2, 4}));
  EXPECT_EQ(h.output<int32_t>(out), (std::vector<int32_t>{9, 9, 9, 9, 1, 2, 9, 9}));

  Quantization a, b;
  a.scale = {0.5f};
  a.zero_point = {3};
  b.scale = {0.25f};
  b.zero_point = {3};
  OpHarness bad(OpCode::kPadV2);
  bad.add_input(DType::kInt8, {2}, std::vector<int8_t>{1, 2}, a);
  bad.add_constant(DType::kInt32, {1, 2}, std::vector<int32_t>{1, 1});
  bad.add_constant(DType::kInt8, {}, std::vector<int8_t>{0}, b);
  bad.add_output(DType::kInt8, a);
  EXPECT_TRUE(contains(bad.prepare().message(), "constant_values"));

  OpHarness neg(OpCode::kPadV2);
  neg.add_input(DType::kInt32, {2}, std::vector<int32_t>{1, 2});
  neg.add_constant(DType::kInt32, {1, 2}, std::vector<int32_t>{-1, 0});
  neg.add_output(DType::kInt32);
  EXPECT_TRUE(contains(neg.prepare().message(), "invalid value"));
}

TEST(DataMovementMirrorPad, ReflectSymmetricAndLimits) {
  for (bool symmetric : {false, true}) {
    OpHarness h(OpCode::kMirrorPad);
    h.add_input(DType::kFloat32, {2, 3}, std::vector<float>{1, 2, 3, 4, 5, 6});
    h.add_constant(DType::kInt32, {2, 2}, std::vector<int32_t>{1, 1, 2, 1});
    int out = h.add_output(DType::kFloat32);
    h.node().options.mirror_symmetric = symmetric;
    ASSERT_TRUE(h.prepare_and_run().ok());
    EXPECT_EQ(h.tensor(out).shape, (Shape{4, 6}));
    if (!symmetric)
      EXPECT_EQ(h.output<float>(out), (std::vector<float>{6, 5, 4, 5, 6, 5, 3, 2, 1, 2, 3, 2,
                                                          6, 5, 4, 5, 6, 5, 3, 2, 1, 2, 3, 2}));
    else
      EXPECT_EQ(h.output<float>(out), (std::vector<float>{2, 1, 1, 2, 3, 3, 2, 1, 1, 2, 3, 3,
                                                          5, 4, 4, 5, 6, 6, 5, 4, 4, 5, 6, 6}));
  }
  OpHarness bad(OpCode::kMirrorPad);
  bad.add_input(DType::kFloat32, {2}, std::vector<float>{1, 2});
  bad.add_constant(DType::kInt32, {1, 2}, std::vector<int32_t>{2, 0});
  bad.add_output(DType::kFloat32);
  EXPECT_TRUE(contains(bad.prepare().message(), "REFLECT"));
}

TEST(DataMovementBatchSpace, RoundTripWithPaddingAndCrops) {
  OpHarness s(OpCode::kSpaceToBatchNd);
  s.add_input(DType::kFloat32, {1, 2, 3, 1}, std::vector<float>{1, 2, 3, 4, 5, 6});
  s.add_constant(DType::kInt32, {2}, std::vector<int32_t>{2, 2});
  s.add_constant(DType::kInt32, {2, 2}, std::vector<int32_t>{0, 0, 1, 0});
  int b = s.add_output(DType::kFloat32);
  ASSERT_TRUE(s.prepare_and_run().ok());
  EXPECT_EQ(s.tensor(b).shape, (Shape{4, 1, 2, 1}));
  // Padded rows: [0 1 2 3], [0 4 5 6]; block (0,0): 0 2, (0,1): 1 3, (1,0): 0 5, (1,1): 4 6.
  EXPECT_EQ(s.output<float>(b), (std::vector<float>{0, 2, 1, 3, 0, 5, 4, 6}));

  OpHarness t(OpCode::kBatchToSpaceNd);
  t.add_input(DType::kFloat32, {4, 1, 2, 1}, s.output<float>(b));
  t.add_constant(DType::kInt32, {2}, std::vector<int32_t>{2, 2});
  t.add_constant(DType::kInt32, {2, 2}, std::vector<int32_t>{0, 0, 1, 0});
  int back = t.add_output(DType::kFloat32);
  ASSERT_TRUE(t.prepare_and_run().ok());
  EXPECT_EQ(t.tensor(back).shape, (Shape{1, 2, 3, 1}));
  EXPECT_EQ(t.output<float>(back), (std::vector<float>{1, 2, 3, 4, 5, 6}));

  OpHarness bad(OpCode::kSpaceToBatchNd);
  bad.add_input(DType::kFloat32, {1, 3, 3, 1}, iota_f(9));
  bad.add_constant(DType::kInt32, {2}, std::vector<int32_t>{2, 2});
  bad.add_constant(DType::kInt32, {2, 2}, std::vector<int32_t>{0, 0, 0, 0});
  bad.add_output(DType::kFloat32);
  EXPECT_TRUE(contains(bad.prepare().message(), "not a multiple of block"));
}

}  // namespace
}  // namespace eb::testing
