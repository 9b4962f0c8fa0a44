// The hybrid (dynamic-range) FULLY_CONNECTED fast path (kernels/ops/fully_connected/hybrid_dot_*):
// float input, int8 weights (per-tensor and per-channel), symmetric and asymmetric row quantization,
// with and without bias, activation clamps, batches of 1 to 5 (the GEMM kernels' single and 4-row
// tiles and their tails), under every fast ISA this CPU has and 1 to 3 threads,
// against the reference kernel through the same prepare: the same output bits. Input lengths hit the
// 16-value step and its tails, output counts the 4-row blocks and their tails; rows of zeros and a row
// with a NaN take the reference's special cases. Each case checks the fast kernel really ran.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "tests/support/fast_isa.h"
#include "tests/support/op_harness.h"

using eb::Activation;
using eb::DType;
using eb::Isa;
using eb::OpCode;
using eb::testing::OpHarness;

namespace {

struct HybridCase {
  int batch, in, out;
  bool per_channel, asymmetric, bias;
  Activation act;
};

struct Result {
  std::vector<float> y;
  std::string kernel;
};

Result run_case(const HybridCase& c, const std::vector<float>& x, const std::vector<int8_t>& w,
                const std::vector<float>& b, Isa isa, int threads) {
  OpHarness h(OpCode::kFullyConnected);
  h.add_input(DType::kFloat32, {c.batch, c.in}, x);
  eb::Quantization wq;
  for (int o = 0; o < (c.per_channel ? c.out : 1); ++o) {
    wq.scale.push_back(0.003f + 0.0007f * static_cast<float>(o % 5));
    wq.zero_point.push_back(0);
  }
  wq.axis = 0;
  h.add_constant(DType::kInt8, {c.out, c.in}, w, wq);
  if (c.bias) h.add_constant(DType::kFloat32, {c.out}, b);
  const int o = h.add_output(DType::kFloat32);
  h.node().options.asymmetric_quantize_inputs = c.asymmetric;
  h.node().options.activation = c.act;
  h.set_isa(isa);
  h.set_threads(threads);
  const eb::Status s = h.prepare_and_run();
  EXPECT_TRUE(s.ok()) << s.message();
  Result r;
  if (!s.ok()) return r;
  r.y = h.output<float>(o);
  r.kernel = h.prepared()->kernel_name();
  return r;
}

class HybridFcFast : public eb::testing::FastIsaTest {};

TEST_P(HybridFcFast, MatchesReferenceBitForBit) {
  std::mt19937 rng(21);
  std::uniform_real_distribution<float> d(-2.0f, 2.0f);
  const int ins[] = {1, 3, 15, 16, 17, 31, 33, 64, 100, 128, 131};  // 64-wide VNNI steps and tails
  const int outs[] = {1, 3, 4, 5, 8, 13, 130};
  const Activation acts[] = {Activation::kNone, Activation::kRelu, Activation::kRelu6};
#if defined(__aarch64__)
  const std::string dot = "fully_connected_hybrid_dot_neon";
#else
  const std::string dot = GetParam() == Isa::kAvx512Vnni ? "fully_connected_hybrid_dot_avx512vnni" : "fully_connected_hybrid_dot_avx2";
#endif
  // Input lengths that are a multiple of 4 take the GEMM kernels where the ISA has them (AVX-512 VNNI:
  // the single-row one at batch 1, the 4-row one from batch 4; NEON: the 4-row ones from batch 4, on
  // pair-safe weights for ARMv8.0); the others, and batches of 2-3, the dot kernels.
  auto want_for = [&](const HybridCase& c, bool pair_safe) -> std::string {
    if (c.in % 4 != 0 || c.batch == 2 || c.batch == 3) return dot;
#if defined(__aarch64__)
    if (c.batch == 1) return dot;
    if (GetParam() == Isa::kNeonDot) return "fully_connected_hybrid_gemm_4x16c4_neondot";
    return pair_safe ? "fully_connected_hybrid_gemm_4x8c4_neon" : dot;
#else
    (void)pair_safe;
    if (GetParam() != Isa::kAvx512Vnni) return dot;
    return c.batch == 1 ? "fully_connected_hybrid_gemv_1x64c4_avx512vnni" : "fully_connected_hybrid_gemm_8x32c4_avx512vnni";
#endif
  };
  int trial = 0;
  for (int in : ins)
    for (int out : outs) {
      ++trial;
      HybridCase c{1 + trial % 5, in, out, trial % 2 == 0, trial % 3 == 0, trial % 4 != 0, acts[trial % 3]};
      std::vector<float> x(static_cast<size_t>(c.batch * in));
      for (float& v : x) v = d(rng);
      if (c.batch > 1) std::fill(x.begin(), x.begin() + in, 0.0f);  // an all-zero row
      if (c.batch > 2) x[static_cast<size_t>(2 * in)] = std::numeric_limits<float>::quiet_NaN();
      std::vector<int8_t> w(static_cast<size_t>(out * in));
      // -128 too in half the cases (hostile files; ARMv8.0's pair-sum kernel refuses those weights).
      const bool pair_safe = trial % 2 == 1;
      for (int8_t& v : w) v = static_cast<int8_t>(static_cast<int>(rng() % (pair_safe ? 255 : 256)) - (pair_safe ? 127 : 128));
      if (!pair_safe) w[w.size() / 2] = -128;
      std::vector<float> b(static_cast<size_t>(out));
      for (float& v : b) v = d(rng);
      const Result ref = run_case(c, x, w, b, Isa::kReference, 1);
      ASSERT_EQ(ref.kernel, "fully_connected_hybrid_ref");
      for (int threads = 1; threads <= 3; ++threads) {
        const Result got = run_case(c, x, w, b, GetParam(), threads);
        EXPECT_EQ(got.kernel, want_for(c, pair_safe)) << "batch " << c.batch << " in " << in;
        ASSERT_EQ(got.y.size(), ref.y.size());
        EXPECT_EQ(0, std::memcmp(got.y.data(), ref.y.data(), got.y.size() * sizeof(float)))
            << "batch " << c.batch << " in " << in << " out " << out << " per_channel " << c.per_channel
            << " asymmetric " << c.asymmetric << " threads " << threads;
      }
    }
}

INSTANTIATE_TEST_SUITE_P(Isas, HybridFcFast, ::testing::ValuesIn(eb::testing::fast_isas()),
                         eb::testing::isa_test_name);

}  // namespace
