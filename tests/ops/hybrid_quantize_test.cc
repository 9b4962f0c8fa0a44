// The hybrid input quantization on the ISA microkernels (hybrid_quantize.h: scan and quantize passes of
// hybrid_dot.h's kernel) against the scalar reference, symmetric and asymmetric, on every length from
// 1 to 80 (the SIMD steps and their tails) and long rows: values placed exactly on the rounding
// boundaries (k + 0.5 after scaling, both signs), values that clamp, zeros and -0.0, and items that
// must become zeros (all zero, an Inf, a NaN at any position). Bit for bit, scale and offset included.
// Also the conv output epilogue microkernel (the third float-side pass) against its scalar form.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "kernels/ops/gemm/hybrid_quantize.h"
#include "tests/support/fast_isa.h"

namespace {

class HybridQuantizeFast : public eb::testing::FastIsaTest {};

void expect_same(const eb::HybridDotKernel& k, bool symmetric, const std::vector<float>& x, const char* what) {
  std::vector<int8_t> want(x.size() + 1, 55), got(x.size() + 1, 55);  // the byte past the end must stay
  float want_scale = -1, got_scale = -2;
  int32_t want_offset = -1000, got_offset = -2000;
  eb::hybrid_quantize_ref(symmetric, x.data(), x.size(), want.data(), &want_scale, &want_offset);
  eb::hybrid_quantize_fast(k, symmetric, x.data(), x.size(), got.data(), &got_scale, &got_offset);
  EXPECT_EQ(want, got) << what << " n " << x.size() << (symmetric ? " symmetric" : " asymmetric");
  EXPECT_EQ(want_scale, got_scale) << what << " n " << x.size();
  EXPECT_EQ(want_offset, got_offset) << what << " n " << x.size();
}

TEST_P(HybridQuantizeFast, MatchesTheReferenceBitForBit) {
  const eb::HybridDotKernel* k = eb::hybrid_dot_kernel_for(GetParam());
  ASSERT_NE(k, nullptr);
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> d(-3.0f, 5.0f);
  std::vector<size_t> lengths;
  for (size_t n = 1; n <= 80; ++n) lengths.push_back(n);
  lengths.push_back(1000);
  lengths.push_back(4099);
  for (bool symmetric : {true, false})
    for (size_t n : lengths) {
      std::vector<float> x(n);
      for (float& v : x) v = d(rng);
      expect_same(*k, symmetric, x, "random");
      // Exact rounding boundaries: with max |x| = 127 the symmetric multiplier is 1, so k + 0.5 stays
      // a tie; the asymmetric range [-127, 127] puts ties at other points, which the random values and
      // the sweep of halves reach too.
      for (size_t i = 0; i < n; ++i) x[i] = static_cast<float>(static_cast<int>(i % 60) - 30) + 0.5f;
      x[0] = 127.0f;
      if (n > 1) x[1] = -127.0f;
      expect_same(*k, symmetric, x, "halves");
      for (size_t i = 0; i < n; ++i) x[i] = (i % 3 == 0) ? -0.0f : (i % 3 == 1 ? 0.0f : 1e-30f);
      expect_same(*k, symmetric, x, "zeros and tiny");
    }
}

TEST_P(HybridQuantizeFast, NonFiniteOrAllZeroItemsBecomeZeros) {
  const eb::HybridDotKernel* k = eb::hybrid_dot_kernel_for(GetParam());
  ASSERT_NE(k, nullptr);
  for (bool symmetric : {true, false})
    for (size_t n : {1, 5, 8, 17, 33, 64}) {
      expect_same(*k, symmetric, std::vector<float>(n, 0.0f), "all zero");
      for (size_t at = 0; at < n; at += 3) {
        std::vector<float> x(n, 0.25f);
        x[at] = std::numeric_limits<float>::quiet_NaN();
        expect_same(*k, symmetric, x, "NaN");
        x[at] = -std::numeric_limits<float>::infinity();
        expect_same(*k, symmetric, x, "-Inf");
      }
    }
}

// The conv epilogue microkernel against its scalar statement (conv2d_hybrid_output's arithmetic), every
// length 1..40 with and without bias, activation bounds none / ReLU / ReLU6, wrapping shifts, and the
// ties on zeros where std::max / std::min keep their first operand: -0.0 against a bound of +0.0.
TEST_P(HybridQuantizeFast, OutputEpilogueMatchesTheScalarForm) {
  const eb::HybridDotKernel* k = eb::hybrid_dot_kernel_for(GetParam());
  ASSERT_NE(k, nullptr);
  std::mt19937 rng(11);
  const float inf = std::numeric_limits<float>::infinity();
  const float bounds[][2] = {{-inf, inf}, {0.0f, inf}, {0.0f, 6.0f}, {-0.0f, 0.0f}};
  for (size_t n = 1; n <= 40; ++n)
    for (const auto& b : bounds)
      for (bool with_bias : {false, true}) {
        std::vector<int32_t> acc(n), shift(n);
        std::vector<float> scale(n), bias(n), want(n), got(n);
        for (size_t j = 0; j < n; ++j) {
          acc[j] = static_cast<int32_t>(rng());  // full range: the subtraction wraps
          shift[j] = j % 5 == 0 ? acc[j] : static_cast<int32_t>(rng());  // some sums exactly 0
          scale[j] = (j % 3 == 0 ? -1.0f : 1.0f) * 1e-9f * static_cast<float>(1 + rng() % 1000);
          bias[j] = j % 4 == 0 ? -0.0f : static_cast<float>(static_cast<int>(rng() % 200) - 100) * 0.01f;
          float v = static_cast<float>(static_cast<int32_t>(static_cast<uint32_t>(acc[j]) -
                                                            static_cast<uint32_t>(shift[j]))) * scale[j];
          if (with_bias) v += bias[j];
          want[j] = std::min(std::max(v, b[0]), b[1]);
        }
        k->output(acc.data(), n, shift.data(), scale.data(), with_bias ? bias.data() : nullptr, b[0], b[1], got.data());
        EXPECT_EQ(0, std::memcmp(want.data(), got.data(), n * sizeof(float)))
            << "n " << n << " bounds " << b[0] << ".." << b[1] << " bias " << with_bias;
      }
}

INSTANTIATE_TEST_SUITE_P(Isas, HybridQuantizeFast, ::testing::ValuesIn(eb::testing::fast_isas()),
                         eb::testing::isa_test_name);

}  // namespace
