// BATCH_MATMUL: adj_x / adj_y against a plain loop, broadcast batch dimensions and the output shape,
// the int8 fixed-point requantization, refusals.
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

// a [M, K] x b [K, N], row-major.
std::vector<float> matmul(const std::vector<float>& a, const std::vector<float>& b, int m, int k, int n) {
  std::vector<float> c(static_cast<size_t>(m * n), 0.0f);
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j)
      for (int d = 0; d < k; ++d) c[static_cast<size_t>(i * n + j)] += a[static_cast<size_t>(i * k + d)] * b[static_cast<size_t>(d * n + j)];
  return c;
}

std::vector<float> transpose(const std::vector<float>& a, int rows, int cols) {
  std::vector<float> t(a.size());
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) t[static_cast<size_t>(c * rows + r)] = a[static_cast<size_t>(r * cols + c)];
  return t;
}

std::vector<float> iota(int n, float start) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) v[static_cast<size_t>(i)] = start + 0.5f * static_cast<float>(i);
  return v;
}

TEST(BatchMatMul, AdjointFlags) {
  const std::vector<float> a = iota(6, -1.0f), b = iota(12, 0.25f);  // a [2, 3], b [3, 4]
  const std::vector<float> want = matmul(a, b, 2, 3, 4);
  for (int mode = 0; mode < 4; ++mode) {
    const bool ax = mode & 1, ay = mode & 2;
    OpHarness h(OpCode::kBatchMatMul);
    h.add_input(DType::kFloat32, ax ? Shape{3, 2} : Shape{2, 3}, ax ? transpose(a, 2, 3) : a);
    h.add_input(DType::kFloat32, ay ? Shape{4, 3} : Shape{3, 4}, ay ? transpose(b, 3, 4) : b);
    const int out = h.add_output(DType::kFloat32);
    h.node().options.adj_x = ax;
    h.node().options.adj_y = ay;
    ASSERT_TRUE(h.prepare_and_run().ok());
    EXPECT_EQ(h.tensor(out).shape, (Shape{2, 4}));
    EXPECT_EQ(h.output<float>(out), want) << mode;
  }
}

TEST(BatchMatMul, BroadcastBatches) {
  // lhs [2, 1, 1, 2] against rhs [3, 2, 1]: output [2, 3, 1, 1], each lhs row with each rhs batch.
  OpHarness h(OpCode::kBatchMatMul);
  h.add_input(DType::kFloat32, {2, 1, 1, 2}, std::vector<float>{1, 2, 3, 4});
  h.add_input(DType::kFloat32, {3, 2, 1}, std::vector<float>{1, 0, 0, 1, 1, 1});
  const int out = h.add_output(DType::kFloat32);
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.tensor(out).shape, (Shape{2, 3, 1, 1}));
  EXPECT_EQ(h.output<float>(out), (std::vector<float>{1, 2, 3, 3, 4, 7}));
}

TEST(BatchMatMul, Int8Requantizes) {
  // (x - 1) . (w + 2): [3, 5] . [1, 2] = 13, times 0.5 * 0.25 / 0.125 = 1 -> 13 + zp 3.
  OpHarness h(OpCode::kBatchMatMul);
  h.add_input(DType::kInt8, {1, 2}, std::vector<int8_t>{4, 6}, qparams(0.5f, 1));
  h.add_input(DType::kInt8, {2, 1}, std::vector<int8_t>{-1, 0}, qparams(0.25f, -2));
  const int out = h.add_output(DType::kInt8, qparams(0.125f, 3));
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.output<int8_t>(out), (std::vector<int8_t>{16}));
  EXPECT_STREQ(h.prepared()->kernel_name(), "batch_matmul_qs8_ref");
}

TEST(BatchMatMul, HybridQuantizesEachLhsRow) {
  // Row 0 (1, -0.5) quantizes symmetrically to (127, -64) with scale 1/127; weights (2, 4) x 0.5.
  // total = 127 * 2 - 64 * 4 = -2 -> -2 * (1/127) * 0.5. Row 1 is all zero: scale 1, q 0.
  OpHarness h(OpCode::kBatchMatMul);
  h.add_input(DType::kFloat32, {2, 2}, std::vector<float>{1.0f, -0.5f, 0.0f, 0.0f});
  h.add_constant(DType::kInt8, {2, 1}, std::vector<int8_t>{2, 4}, qparams(0.5f, 0));
  const int out = h.add_output(DType::kFloat32);
  ASSERT_TRUE(h.prepare_and_run().ok());
  const std::vector<float> y = h.output<float>(out);
  EXPECT_FLOAT_EQ(y[0], -2.0f * (1.0f / 127.0f * 0.5f));
  EXPECT_EQ(y[1], 0.0f);
  EXPECT_STREQ(h.prepared()->kernel_name(), "batch_matmul_hybrid_ref");
  h.node().options.asymmetric_quantize_inputs = true;  // the exact product 1 * 2 * 0.5 - 0.5 * 4 * 0.5 = 0
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_NEAR(h.output<float>(out)[0], 0.0f, 0.01f);
}

TEST(BatchMatMul, Refusals) {
  auto prep = [](Shape a, Shape b, DType ta, DType tb) {
    OpHarness h(OpCode::kBatchMatMul);
    h.add_input(ta, a, std::vector<uint8_t>(256, 0));
    h.add_input(tb, b, std::vector<uint8_t>(256, 0));
    h.add_output(ta);
    return h.prepare();
  };
  EXPECT_FALSE(prep({2, 3}, {4, 5}, DType::kFloat32, DType::kFloat32).ok());               // depth 3 vs 4
  EXPECT_FALSE(prep({2, 2, 3}, {3, 3, 5}, DType::kFloat32, DType::kFloat32).ok());         // batch 2 vs 3
  EXPECT_FALSE(prep({3}, {3, 5}, DType::kFloat32, DType::kFloat32).ok());                  // rank 1
  EXPECT_FALSE(prep({1, 1, 1, 1, 2, 3}, {3, 5}, DType::kFloat32, DType::kFloat32).ok());   // rank 6
  EXPECT_FALSE(prep({2, 3}, {3, 5}, DType::kFloat32, DType::kInt8).ok());                  // hybrid, weights not constant
  EXPECT_FALSE(prep({2, 3}, {3, 5}, DType::kInt8, DType::kFloat32).ok());
  EXPECT_FALSE(prep({2, 3}, {3, 5}, DType::kInt32, DType::kInt32).ok());
  EXPECT_FALSE(prep({2, 3}, {3, 5}, DType::kInt8, DType::kInt8).ok());                     // no quantization
}

}  // namespace
