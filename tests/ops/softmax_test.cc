// SOFTMAX: float32 (beta, several rows, large logits), int8 and uint8 through TFLite's lookup table
// (hand-computed ties and one-element rows, random rows against double precision), refusals.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "kernels/ops/softmax/softmax.h"
#include "tests/support/op_harness.h"

using eb::DType;
using eb::OpCode;
using eb::Quantization;
using eb::Shape;
using eb::Status;
using eb::testing::OpHarness;
using eb::testing::qparams;

namespace {

std::vector<double> softmax_ref(const std::vector<double>& x, int depth, double beta) {
  std::vector<double> y(x.size());
  for (size_t r = 0; r < x.size() / static_cast<size_t>(depth); ++r) {
    const double* row = x.data() + r * static_cast<size_t>(depth);
    const double m = *std::max_element(row, row + depth);
    double sum = 0;
    for (int j = 0; j < depth; ++j) sum += std::exp(beta * (row[j] - m));
    for (int j = 0; j < depth; ++j) y[r * static_cast<size_t>(depth) + static_cast<size_t>(j)] = std::exp(beta * (row[j] - m)) / sum;
  }
  return y;
}

template <typename T>
std::vector<T> run_softmax(DType dt, const Shape& shape, const std::vector<T>& x, float beta, Quantization in_q = {},
                           Quantization out_q = {}, const char* kernel = nullptr) {
  OpHarness h(OpCode::kSoftmax);
  h.add_input(dt, shape, x, in_q);
  const int o = h.add_output(dt, out_q);
  h.node().options.beta = beta;
  const Status st = h.prepare_and_run();
  EXPECT_TRUE(st.ok()) << st.message();
  if (!st.ok()) return {};
  EXPECT_EQ(h.tensor(o).shape, shape);
  if (kernel) {
    EXPECT_STREQ(h.prepared()->kernel_name(), kernel);
  }
  return h.output<T>(o);
}

// ------------------------------------------------------------------------------------------------ float

TEST(SoftmaxFloat, HandComputedEqualLogits) {
  const auto y = run_softmax<float>(DType::kFloat32, {1, 4}, {3, 3, 3, 3}, 1.0f, {}, {}, "softmax_float32_ref");
  EXPECT_EQ(y, (std::vector<float>{0.25f, 0.25f, 0.25f, 0.25f}));
}

TEST(SoftmaxFloat, RowsAreIndependentAndBetaScales) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> d(-4, 4);
  std::vector<float> x(3 * 2 * 7);
  for (float& v : x) v = d(rng);
  for (float beta : {1.0f, 0.5f, 2.5f}) {
    const auto y = run_softmax(DType::kFloat32, {3, 2, 7}, x, beta);
    const auto ref = softmax_ref(std::vector<double>(x.begin(), x.end()), 7, beta);
    ASSERT_EQ(y.size(), ref.size());
    for (size_t i = 0; i < y.size(); ++i) EXPECT_NEAR(y[i], ref[i], 1e-6) << i << " beta " << beta;
  }
}

TEST(SoftmaxFloat, LargeLogitsDoNotOverflow) {
  const auto y = run_softmax<float>(DType::kFloat32, {2}, {1000.0f, 1001.0f}, 1.0f);
  EXPECT_NEAR(y[0], 1.0 / (1.0 + std::exp(1.0)), 1e-6);
  EXPECT_NEAR(y[1], 1.0 / (1.0 + std::exp(-1.0)), 1e-6);
}

TEST(SoftmaxFloat, SingleElementRowsAreOne) {
  const auto y = run_softmax<float>(DType::kFloat32, {3, 1}, {-7, 0, 42}, 1.0f);
  EXPECT_EQ(y, (std::vector<float>{1, 1, 1}));
}

// ------------------------------------------------------------------------------------------- quantized

TEST(SoftmaxInt8, HandComputed) {
  // Equal logits over 4: p = 0.25 -> 64 steps of 1/256 -> 64 - 128 = -64. Over 2: 128 - 128 = 0.
  // One element: p = 1 -> 256 - 128 = 128, clamped to 127.
  const auto q = qparams(1.0f / 256.0f, -128);
  EXPECT_EQ(run_softmax<int8_t>(DType::kInt8, {1, 4}, {5, 5, 5, 5}, 1.0f, qparams(0.1f, 0), q, "softmax_int8_ref"),
            (std::vector<int8_t>{-64, -64, -64, -64}));
  EXPECT_EQ(run_softmax<int8_t>(DType::kInt8, {2}, {-100, -100}, 1.0f, qparams(0.1f, 0), q), (std::vector<int8_t>{0, 0}));
  EXPECT_EQ(run_softmax<int8_t>(DType::kInt8, {2, 1}, {-128, 127}, 1.0f, qparams(0.1f, 0), q),
            (std::vector<int8_t>{127, 127}));
}

TEST(SoftmaxInt8, FullRangeRowsUseTheWholeTable) {
  // max - x spans 0..255: the smallest probability underflows to the lowest step.
  const auto q = qparams(1.0f / 256.0f, -128);
  const auto y = run_softmax<int8_t>(DType::kInt8, {2}, {-128, 127}, 1.0f, qparams(0.05f, 3), q);
  // p(-128) = 1 / (1 + e^(255*0.05)) ~ 2.9e-6 -> 0 steps -> -128; p(127) ~ 1 -> 256 -> clamped 127.
  EXPECT_EQ(y, (std::vector<int8_t>{-128, 127}));
}

template <typename T>
void check_random(DType dt, int32_t out_zp, float in_s, float beta, unsigned seed) {
  const int rows = 4, depth = 11;
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(std::numeric_limits<T>::min(), std::numeric_limits<T>::max());
  std::vector<T> x(static_cast<size_t>(rows * depth));
  for (T& v : x) v = static_cast<T>(d(rng));
  // Row 1 spans a narrow range so that several probabilities are large.
  for (int j = 0; j < depth; ++j) x[static_cast<size_t>(depth + j)] = static_cast<T>(x[static_cast<size_t>(depth)] / 2 + j);
  const auto y = run_softmax(dt, {rows, depth}, x, beta, qparams(in_s, 17), qparams(1.0f / 256.0f, out_zp));
  std::vector<double> xd(x.size());
  for (size_t i = 0; i < x.size(); ++i) xd[i] = (static_cast<double>(x[i]) - 17) * in_s;
  const auto ref = softmax_ref(xd, depth, beta);
  ASSERT_EQ(y.size(), ref.size());
  int exact = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    const double steps = ref[i] * 256.0;
    const double e = std::clamp(std::round(steps) + out_zp, static_cast<double>(std::numeric_limits<T>::min()),
                                static_cast<double>(std::numeric_limits<T>::max()));
    const bool near_tie = std::fabs(steps - std::floor(steps) - 0.5) < 1e-3;
    EXPECT_LE(std::fabs(y[i] - e), near_tie ? 1.0 : 0.0) << i << " steps " << steps;
    exact += y[i] == e;
  }
  EXPECT_GT(exact, static_cast<int>(y.size()) * 9 / 10);
}

TEST(SoftmaxInt8, RandomRowsMatchDoublePrecision) { check_random<int8_t>(DType::kInt8, -128, 0.06f, 1.0f, 5); }
TEST(SoftmaxInt8, BetaScalesTheLogits) { check_random<int8_t>(DType::kInt8, -128, 0.02f, 3.0f, 6); }
TEST(SoftmaxUint8, RandomRowsMatchDoublePrecision) { check_random<uint8_t>(DType::kUInt8, 0, 0.13f, 1.0f, 7); }

TEST(SoftmaxUint8, HandComputed) {
  const auto q = qparams(1.0f / 256.0f, 0);
  EXPECT_EQ(run_softmax<uint8_t>(DType::kUInt8, {1, 4}, {9, 9, 9, 9}, 1.0f, qparams(0.2f, 100), q, "softmax_uint8_ref"),
            (std::vector<uint8_t>{64, 64, 64, 64}));
  EXPECT_EQ(run_softmax<uint8_t>(DType::kUInt8, {1}, {3}, 1.0f, qparams(0.2f, 100), q), (std::vector<uint8_t>{255}));
}

TEST(SoftmaxUint8, TableMatchesExpOfScaledDistance) {
  std::vector<float> table(256);
  eb::softmax_populate_table(0.1f, 2.0f, table.data());
  EXPECT_EQ(table[255], 1.0f);  // distance 0
  EXPECT_NEAR(table[254], std::exp(-0.2), 1e-7);
  EXPECT_NEAR(table[0], std::exp(-0.2 * 255), 1e-28);
}

// ------------------------------------------------------------------------------------------- refusals

Status prepare_softmax(DType in, DType out, Quantization iq, Quantization oq, Shape shape = {1, 4}, float beta = 1.0f) {
  OpHarness h(OpCode::kSoftmax);
  h.add_input(in, shape, std::vector<float>(4), iq);
  h.add_output(out, oq);
  h.node().options.beta = beta;
  return h.prepare();
}

void expect_refused(const Status& st, const std::string& fragment) {
  ASSERT_FALSE(st.ok()) << "expected a refusal mentioning '" << fragment << "'";
  EXPECT_NE(st.message().find(fragment), std::string::npos) << st.message();
}

TEST(SoftmaxRefuses, OutputQuantizationIsFixed) {
  EXPECT_TRUE(prepare_softmax(DType::kInt8, DType::kInt8, qparams(0.1f, 0), qparams(1.0f / 256, -128)).ok());
  expect_refused(prepare_softmax(DType::kInt8, DType::kInt8, qparams(0.1f, 0), qparams(1.0f / 256, -127)), "1/256");
  expect_refused(prepare_softmax(DType::kInt8, DType::kInt8, qparams(0.1f, 0), qparams(1.0f / 128, -128)), "1/256");
  expect_refused(prepare_softmax(DType::kUInt8, DType::kUInt8, qparams(0.1f, 0), qparams(1.0f / 256, 128)), "zero point 0");
  expect_refused(prepare_softmax(DType::kInt8, DType::kInt8, Quantization{}, qparams(1.0f / 256, -128)), "no quantization");
}

TEST(SoftmaxRefuses, BadTypesShapesAndBeta) {
  expect_refused(prepare_softmax(DType::kInt8, DType::kFloat32, qparams(0.1f, 0), {}), "must match");
  expect_refused(prepare_softmax(DType::kInt16, DType::kInt16, qparams(0.1f, 0), qparams(1.0f / 256, 0)), "1/32768");
  expect_refused(prepare_softmax(DType::kFloat32, DType::kFloat32, {}, {}, Shape{}), "scalar");
  expect_refused(prepare_softmax(DType::kFloat32, DType::kFloat32, {}, {}, {1, 4}, std::numeric_limits<float>::infinity()),
                 "beta");
}

}  // namespace
