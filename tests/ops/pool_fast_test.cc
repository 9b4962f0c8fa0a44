// The pooling fast path (kernels/ops/pooling/pool_*): MAX_POOL_2D and AVERAGE_POOL_2D in float32, int8
// and uint8 under every fast ISA this CPU has, 1 to 3 threads, against the reference kernel run through
// the same prepare: bit identical on random shapes whose channel counts hit every vector tail (below, at
// and above 4 / 8 / 16 / 32 lanes), SAME and VALID windows (partial windows at the borders change the
// averaging count), strides 1-3, activation clamps, and float NaN taps (skipped by max, propagated by
// the average, as in the reference). Each case also checks that the fast kernel really ran (its name).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <type_traits>
#include <string>
#include <vector>

#include "kernels/engine/cpu_features.h"
#include "tests/support/fast_isa.h"
#include "tests/support/op_harness.h"

using eb::Activation;
using eb::DType;
using eb::Isa;
using eb::OpCode;
using eb::Padding;
using eb::testing::OpHarness;

namespace {

struct Case {
  int n, h, w, c, fh, fw, sh, sw;
  Padding pad;
  Activation act;
};

class PoolFast : public eb::testing::FastIsaTest {
 protected:

  // Runs the case under `isa` with `threads`; returns the output bytes and the bound kernel's name.
  template <typename T>
  static std::vector<T> run(OpCode op, const Case& k, DType dtype, const std::vector<T>& x, Isa isa, int threads,
                            std::string* kernel) {
    OpHarness h(op);
    const eb::Quantization q = dtype == DType::kFloat32 ? eb::Quantization{} : eb::testing::qparams(0.05f, dtype == DType::kInt8 ? -3 : 120);
    h.add_input(dtype, {k.n, k.h, k.w, k.c}, x, q);
    const int out = h.add_output(dtype, q);
    h.node().options.filter_h = k.fh;
    h.node().options.filter_w = k.fw;
    h.node().options.stride_h = k.sh;
    h.node().options.stride_w = k.sw;
    h.node().options.padding = k.pad;
    h.node().options.activation = k.act;
    h.set_isa(isa);
    h.set_threads(threads);
    const eb::Status s = h.prepare_and_run();
    EXPECT_TRUE(s.ok()) << s.message();
    if (kernel) *kernel = h.prepared() ? h.prepared()->kernel_name() : "";
    return h.output<T>(out);
  }

  template <typename T>
  void check_dtype(OpCode op, DType dtype, const char* prefix, const char* suffix) {
    std::mt19937 rng(11);
    const int channels[] = {1, 3, 4, 7, 8, 9, 15, 16, 17, 31, 32, 33, 48, 65};
    const Activation acts[] = {Activation::kNone, Activation::kRelu, Activation::kRelu6, Activation::kReluN1To1};
    for (int trial = 0; trial < 60; ++trial) {
      Case k;
      k.n = 1 + trial % 2;
      k.h = 1 + static_cast<int>(rng() % 9);
      k.w = 1 + static_cast<int>(rng() % 9);
      k.c = channels[trial % 14];
      k.fh = 1 + static_cast<int>(rng() % 3);
      k.fw = 1 + static_cast<int>(rng() % 3);
      k.sh = 1 + static_cast<int>(rng() % 3);
      k.sw = 1 + static_cast<int>(rng() % 3);
      k.pad = trial % 3 == 0 ? Padding::kValid : Padding::kSame;
      k.act = acts[trial % 4];
      if (k.pad == Padding::kValid && (k.fh > k.h || k.fw > k.w)) k.fh = k.fw = 1;
      std::vector<T> x(static_cast<size_t>(k.n * k.h * k.w * k.c));
      for (T& v : x) {
        if constexpr (std::is_same_v<T, float>) {
          v = std::uniform_real_distribution<float>(-3.0f, 3.0f)(rng);
          if (rng() % 17 == 0) v = std::numeric_limits<float>::quiet_NaN();
        } else {
          v = static_cast<T>(rng());
        }
      }
      const std::vector<T> want = run(op, k, dtype, x, Isa::kReference, 1, nullptr);
      for (int threads = 1; threads <= 3; ++threads) {
        std::string kernel;
        const std::vector<T> got = run(op, k, dtype, x, GetParam(), threads, &kernel);
        EXPECT_EQ(kernel.rfind(prefix, 0), 0u) << kernel;
        EXPECT_NE(kernel.find(suffix), std::string::npos) << kernel;
        ASSERT_EQ(got.size(), want.size());
        // Bytes, not values: float results must be the very same bits (NaN included).
        EXPECT_EQ(0, std::memcmp(got.data(), want.data(), got.size() * sizeof(T)))
            << "trial " << trial << " " << k.n << "x" << k.h << "x" << k.w << "x" << k.c << " window " << k.fh << "x"
            << k.fw << " stride " << k.sh << "x" << k.sw << " threads " << threads;
      }
    }
  }
};

#if defined(__aarch64__)
constexpr const char* kSuffix = "_neon";
#else
constexpr const char* kSuffix = "_avx2";
#endif

TEST_P(PoolFast, MaxFloat32MatchesReferenceBitForBit) {
  check_dtype<float>(OpCode::kMaxPool2D, DType::kFloat32, "max_pool2d_f32", kSuffix);
}
TEST_P(PoolFast, MaxInt8MatchesReference) { check_dtype<int8_t>(OpCode::kMaxPool2D, DType::kInt8, "max_pool2d_s8", kSuffix); }
TEST_P(PoolFast, MaxUInt8MatchesReference) {
  check_dtype<uint8_t>(OpCode::kMaxPool2D, DType::kUInt8, "max_pool2d_u8", kSuffix);
}
TEST_P(PoolFast, AverageFloat32MatchesReferenceBitForBit) {
  check_dtype<float>(OpCode::kAveragePool2D, DType::kFloat32, "average_pool2d_f32", kSuffix);
}
TEST_P(PoolFast, AverageInt8MatchesReference) {
  check_dtype<int8_t>(OpCode::kAveragePool2D, DType::kInt8, "average_pool2d_s8", kSuffix);
}
TEST_P(PoolFast, AverageUInt8MatchesReference) {
  check_dtype<uint8_t>(OpCode::kAveragePool2D, DType::kUInt8, "average_pool2d_u8", kSuffix);
}

// A large pool splits its rows over the threads: still the reference's bytes. A global average over a
// 25x5 map (keyword spotting's last pool) sums 125 taps per channel.
TEST_P(PoolFast, LargeInputsSplitOverThreads) {
  const Case k{1, 64, 64, 32, 3, 3, 2, 2, Padding::kSame, Activation::kNone};
  std::vector<int8_t> x(64 * 64 * 32);
  std::mt19937 rng(5);
  for (int8_t& v : x) v = static_cast<int8_t>(rng());
  for (OpCode op : {OpCode::kMaxPool2D, OpCode::kAveragePool2D}) {
    const auto want = run(op, k, DType::kInt8, x, Isa::kReference, 1, nullptr);
    for (int threads = 2; threads <= 3; ++threads) EXPECT_EQ(run(op, k, DType::kInt8, x, GetParam(), threads, nullptr), want);
  }
  const Case global{1, 25, 5, 64, 25, 5, 1, 1, Padding::kValid, Activation::kNone};
  std::vector<int8_t> g(25 * 5 * 64);
  for (int8_t& v : g) v = static_cast<int8_t>(rng());
  std::string kernel;
  EXPECT_EQ(run(OpCode::kAveragePool2D, global, DType::kInt8, g, GetParam(), 1, &kernel),
            run(OpCode::kAveragePool2D, global, DType::kInt8, g, Isa::kReference, 1, nullptr));
  EXPECT_EQ(kernel.rfind("average_pool2d_s8", 0), 0u) << kernel;
}

INSTANTIATE_TEST_SUITE_P(Isas, PoolFast, ::testing::ValuesIn(eb::testing::fast_isas()), eb::testing::isa_test_name);

}  // namespace
