// Quantized SOFTMAX on the fast paths (kernels/ops/softmax/softmax_fast.cc) against the reference kernel,
// byte for byte: int8 and uint8, row depths around the 16-value chunk and row counts around the 16-row
// block (tails of both), input scales and betas from flat to peaked distributions (many ties at max and
// rounding at .5), on 1 to 3 threads, the fast kernel named; and a negative beta (exponentials above 1)
// stays on the reference kernel.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "tests/support/fast_isa.h"
#include "tests/support/op_harness.h"

using eb::DType;
using eb::Isa;
using eb::OpCode;
using eb::testing::OpHarness;
using eb::testing::qparams;

namespace {

template <typename T>
std::vector<T> softmax(Isa isa, int threads, int32_t rows, int32_t depth, const std::vector<T>& x, float in_scale,
                       float beta, std::string* name) {
  constexpr bool s8 = std::is_same_v<T, int8_t>;
  OpHarness h(OpCode::kSoftmax);
  h.add_input(s8 ? DType::kInt8 : DType::kUInt8, {rows, depth}, x, qparams(in_scale, s8 ? -3 : 120));
  const int o = h.add_output(s8 ? DType::kInt8 : DType::kUInt8, qparams(1.0f / 256, s8 ? -128 : 0));
  h.node().options.beta = beta;
  h.set_isa(isa);
  h.set_threads(threads);
  const eb::Status st = h.prepare_and_run();
  EXPECT_TRUE(st.ok()) << st.message();
  if (!st.ok()) return {};
  if (name) *name = h.prepared()->kernel_name();
  return h.output<T>(o);
}

// Random values in [lo, lo + span): a small span gives many equal values (ties at the maximum).
template <typename T>
std::vector<T> random_values(size_t n, int lo, int span, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<T> v(n);
  for (auto& e : v) e = static_cast<T>(lo + static_cast<int>(rng() % static_cast<uint32_t>(span)));
  return v;
}

class SoftmaxFast : public eb::testing::FastIsaTest {};

template <typename T>
void check_against_reference(Isa isa, const char* fast_name) {
  constexpr int lo = std::is_same_v<T, int8_t> ? -128 : 0;
  uint32_t seed = 1;
  for (int32_t depth : {1, 2, 7, 15, 16, 17, 31, 33, 64, 1001}) {
    for (int32_t rows : {1, 3, 15, 16, 17, 40}) {
      for (const auto& [scale, beta, span] : {std::tuple{0.1586f, 1.0f, 256}, std::tuple{0.02f, 1.0f, 256},
                                               std::tuple{1.0f, 0.5f, 12}, std::tuple{0.05f, 0.0f, 256},
                                               std::tuple{0.3f, 2.0f, 3}}) {
        const auto x = random_values<T>(static_cast<size_t>(rows) * static_cast<size_t>(depth), lo, span, seed++);
        const auto want = softmax<T>(Isa::kReference, 1, rows, depth, x, scale, beta, nullptr);
        for (int threads = 1; threads <= 3; ++threads) {
          std::string name;
          ASSERT_EQ(softmax<T>(isa, threads, rows, depth, x, scale, beta, &name), want)
              << rows << "x" << depth << " scale " << scale << " beta " << beta << " threads " << threads;
          ASSERT_EQ(name, fast_name);
        }
      }
    }
  }
}

TEST_P(SoftmaxFast, Int8MatchesReferenceOnEveryTail) { check_against_reference<int8_t>(GetParam(), "softmax_qs8_rows"); }

TEST_P(SoftmaxFast, Uint8MatchesReferenceOnEveryTail) {
  check_against_reference<uint8_t>(GetParam(), "softmax_qu8_rows");
}

// YOLOv8's DFL head: [1, N, 4, 16] at its real input scale, many rows over two threads.
TEST_P(SoftmaxFast, DflShapeOnThreads) {
  const auto x = random_values<int8_t>(8400 * 4 * 16, -128, 256, 99);
  const auto want = softmax<int8_t>(Isa::kReference, 1, 8400 * 4, 16, x, 0.15857916f, 1.0f, nullptr);
  EXPECT_EQ(softmax<int8_t>(GetParam(), 2, 8400 * 4, 16, x, 0.15857916f, 1.0f, nullptr), want);
}

// Equal values over a row of 512 rescale to exactly 0.5 output steps: int8 rounds half away from zero
// (std::round: -128 + 1), uint8 adds 0.5 and truncates (1); 1024 gives 0.25 (0 steps) and 341 a
// fraction just below .75.
TEST_P(SoftmaxFast, HalfwayValuesRoundAsTheReference) {
  for (int32_t depth : {512, 1024, 341}) {
    const std::vector<int8_t> xs(static_cast<size_t>(depth) * 17, int8_t{5});
    const std::vector<uint8_t> xu(static_cast<size_t>(depth) * 17, uint8_t{200});
    const auto want_s = softmax<int8_t>(Isa::kReference, 1, 17, depth, xs, 0.1f, 1.0f, nullptr);
    const auto want_u = softmax<uint8_t>(Isa::kReference, 1, 17, depth, xu, 0.1f, 1.0f, nullptr);
    if (depth == 512) {
      EXPECT_EQ(want_s[0], -127);
      EXPECT_EQ(want_u[0], 1);
    }
    EXPECT_EQ(softmax<int8_t>(GetParam(), 2, 17, depth, xs, 0.1f, 1.0f, nullptr), want_s) << depth;
    EXPECT_EQ(softmax<uint8_t>(GetParam(), 2, 17, depth, xu, 0.1f, 1.0f, nullptr), want_u) << depth;
  }
}

TEST_P(SoftmaxFast, NegativeBetaStaysOnTheReference) {
  const auto x = random_values<int8_t>(5 * 9, -128, 256, 7);
  std::string name;
  const auto want = softmax<int8_t>(Isa::kReference, 1, 5, 9, x, 0.1f, -1.0f, nullptr);
  EXPECT_EQ(softmax<int8_t>(GetParam(), 2, 5, 9, x, 0.1f, -1.0f, &name), want);
  EXPECT_EQ(name, "softmax_int8_ref");
}

INSTANTIATE_TEST_SUITE_P(Isas, SoftmaxFast, ::testing::ValuesIn(eb::testing::fast_isas()), eb::testing::isa_test_name);

}  // namespace
