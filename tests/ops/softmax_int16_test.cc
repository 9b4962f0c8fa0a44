// int16 SOFTMAX (16x8 mode, TFLite's SoftmaxInt16): the two tables' ends worked out from LUTPopulate's
// definition, LUTLookup's interpolation, hand-derived outputs, accuracy against the real softmax, the
// row-split fast path byte for byte against the reference on odd shapes and thread counts, and Prepare's
// refusals.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kernels/ops/softmax/softmax.h"
#include "tests/support/fast_isa.h"
#include "tests/support/op_harness.h"

namespace eb::testing {
namespace {

struct Out16 {
  Status status;
  std::vector<int16_t> y;
  std::string kernel;
};

Out16 softmax16(Shape shape, const std::vector<int16_t>& x, float in_scale, float beta, Isa isa = Isa::kReference,
                int threads = 1, float out_scale = 1.0f / 32768, int64_t in_zp = 0, int64_t out_zp = 0) {
  OpHarness h(OpCode::kSoftmax);
  h.add_input(DType::kInt16, shape, x, qparams(in_scale, in_zp));
  const int o = h.add_output(DType::kInt16, qparams(out_scale, out_zp));
  h.node().options.beta = beta;
  h.set_isa(isa);
  h.set_threads(threads);
  Out16 r;
  r.status = h.prepare();
  if (!r.status.ok()) return r;
  h.run();
  r.kernel = h.prepared()->kernel_name();
  r.y = h.output<int16_t>(o);
  return r;
}

std::vector<int16_t> random16(size_t n, int lo, int hi, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<int16_t> v(n);
  for (auto& e : v) e = static_cast<int16_t>(d(rng));
  return v;
}

TEST(SoftmaxInt16, TableEnds) {
  std::vector<int16_t> e(kSoftmaxInt16LutSize), r(kSoftmaxInt16LutSize);
  softmax_int16_populate_luts(e.data(), r.data());
  // Output steps are 2/65535 over [-1, 1]: 1.0 is 32768 steps, clamped to 32767.
  EXPECT_EQ(e[512], 32767);  // exp(0)
  // exp(-10) = 1.488 steps -> 1; the segment's midpoint exp(-9.9902) = 1.502 -> 2 while the
  // interpolation of 1 and exp(-9.9805) = 1.517 gives round(1.259) = 1: bias round(-0.5) = -1, entry 2.
  EXPECT_EQ(e[0], 2);
  EXPECT_EQ(r[0], 32767);  // 1/(1+0)
  EXPECT_EQ(r[512], 16384);  // 1/(1+1) = 0.5
  for (int i = 1; i < kSoftmaxInt16LutSize; ++i) {
    ASSERT_GE(e[i], e[i - 1]) << i;
    ASSERT_LE(r[i], r[i - 1]) << i;
  }
}

TEST(SoftmaxInt16, LutLookupInterpolates) {
  std::vector<int16_t> lut(kSoftmaxInt16LutSize);
  for (int i = 0; i < kSoftmaxInt16LutSize; ++i) lut[i] = static_cast<int16_t>(100 * (i - 256));
  // value v sits at entry 256 + (v >> 7), 1/128 of the way per low bit: 100 * v / 128, rounded.
  EXPECT_EQ(lut_lookup_int16(0, lut.data()), 0);
  EXPECT_EQ(lut_lookup_int16(64, lut.data()), 50);
  EXPECT_EQ(lut_lookup_int16(65, lut.data()), 51);    // 50.78
  EXPECT_EQ(lut_lookup_int16(-1, lut.data()), -1);    // entry 255 (-100) + (100 * 127 + 64) >> 7 = 99
  EXPECT_EQ(lut_lookup_int16(32767, lut.data()), 25599);  // entry 511 = 25500, + (100 * 127 + 64) >> 7 = 99
  EXPECT_EQ(lut_lookup_int16(-32768, lut.data()), -25600);
}

TEST(SoftmaxInt16, HandValues) {
  // One element: exp(0) = e[511] + slope * 127 / 128 -> s; the sum s normalized and 1/(1+x) push the
  // output above 32767: clamped.
  const Out16 one = softmax16({3, 1}, {-32768, 0, 32767}, 0.001f, 1.0f);
  ASSERT_TRUE(one.status.ok()) << one.status.message();
  EXPECT_EQ(one.kernel, "softmax_qs16_ref");
  EXPECT_EQ(one.y, (std::vector<int16_t>{32767, 32767, 32767}));
  // Far below the maximum (past -10 after rescaling): exp saturates at the table's first entry, 2, and
  // the sum (about 32769) normalizes to a reciprocal of about 1/2 in Q0.15 applied with a shift of 14:
  // the floor passes through as 2, not 0.
  const Out16 far = softmax16({1, 2}, {-32768, 32767}, 0.001f, 1.0f);
  ASSERT_TRUE(far.status.ok());
  EXPECT_EQ(far.y[0], 2);
  EXPECT_GE(far.y[1], 32760);
  // A uniform row of 4: a quarter each, up to the tables' rounding.
  const Out16 four = softmax16({1, 4}, {7, 7, 7, 7}, 0.001f, 1.0f);
  ASSERT_TRUE(four.status.ok());
  for (int16_t v : four.y) EXPECT_NEAR(v, 8192, 2);
}

TEST(SoftmaxInt16, CloseToRealSoftmax) {
  for (const auto& [scale, beta] : {std::pair{0.00012207f, 1.0f}, std::pair{0.0006104f, 1.0f},
                                    std::pair{1.5259e-05f, 1.0f}, std::pair{0.0002441f, 2.0f},
                                    std::pair{0.0002441f, 0.5f}}) {
    const int32_t rows = 7, depth = 37;
    const auto x = random16(rows * depth, -20000, 20000, 5);
    const Out16 r = softmax16({rows, depth}, x, scale, beta);
    ASSERT_TRUE(r.status.ok()) << r.status.message();
    for (int32_t i = 0; i < rows; ++i) {
      double mx = -1e30, sum = 0;
      for (int32_t c = 0; c < depth; ++c) mx = std::max(mx, static_cast<double>(x[i * depth + c]));
      for (int32_t c = 0; c < depth; ++c) sum += std::exp((x[i * depth + c] - mx) * scale * beta);
      for (int32_t c = 0; c < depth; ++c) {
        const double want = std::exp((x[i * depth + c] - mx) * scale * beta) / sum * 32768;
        // exp(-10) is the table's floor (2 steps) and both tables interpolate: a few steps plus 0.1%.
        ASSERT_NEAR(r.y[i * depth + c], std::min(want, 32767.0), 4.0 + 0.001 * want)
            << "scale " << scale << " beta " << beta;
      }
    }
  }
}

class SoftmaxInt16Fast : public FastIsaTest {};

TEST_P(SoftmaxInt16Fast, RowsMatchReference) {
  uint32_t seed = 1;
  for (int32_t depth : {1, 2, 7, 33, 1001}) {
    for (int32_t rows : {1, 3, 17, 40}) {
      const auto x = random16(static_cast<size_t>(rows * depth), -32768, 32767, seed++);
      const Out16 want = softmax16({rows, depth}, x, 0.0003f, 1.0f);
      for (int threads = 1; threads <= 3; ++threads) {
        const Out16 got = softmax16({rows, depth}, x, 0.0003f, 1.0f, GetParam(), threads);
        ASSERT_TRUE(got.status.ok());
        EXPECT_EQ(got.kernel, "softmax_qs16_rows");
        ASSERT_EQ(got.y, want.y) << rows << "x" << depth << " threads " << threads;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Isas, SoftmaxInt16Fast, ::testing::ValuesIn(fast_isas()), isa_test_name);

TEST(SoftmaxInt16, RefusesWhatTfliteRefuses) {
  auto refused = [](const Out16& r, const char* what) {
    EXPECT_FALSE(r.status.ok());
    EXPECT_NE(r.status.message().find(what), std::string::npos) << r.status.message();
    EXPECT_EQ(r.status.message().find('\n'), std::string::npos);
  };
  refused(softmax16({1, 2}, {0, 0}, 0.001f, 1.0f, Isa::kReference, 1, 1.0f / 256), "scale 1/32768");
  refused(softmax16({1, 2}, {0, 0}, 0.001f, 1.0f, Isa::kReference, 1, 1.0f / 32768, 0, 5), "zero point 0");
  refused(softmax16({1, 2}, {0, 0}, 0.001f, 1.0f, Isa::kReference, 1, 1.0f / 32768, 3, 0), "zero point 0");
  refused(softmax16({1, 2}, {0, 0}, 100.0f, 10.0f), "overflow");
  // Within TFLite's 0.1% of 1/32768 is accepted.
  EXPECT_TRUE(softmax16({1, 2}, {0, 0}, 0.001f, 1.0f, Isa::kReference, 1, 1.0005f / 32768).status.ok());
}

}  // namespace
}  // namespace eb::testing
