// The hybrid (dynamic-range) CONV_2D fast paths (kernels/ops/conv2d/conv2d_fast_hybrid*.cc): float input,
// int8 filter with one scale (symmetric input quantization) or differing per-channel scales (asymmetric,
// with the input offset), SAME / VALID padding, strides, dilation, bias or none, activations, batches,
// under every fast ISA this CPU has and 1 to 3 threads: the reference kernel's bits. Where the ISA has
// an int8 4-channel GEMM (conv2d_fast_hybrid_gemm.cc; the ARMv8.0 one only for weights in [-127, 127])
// layers take it, directly when the input channels are a multiple of 4, over the im2col matrix when
// not; the others take the per-pixel dot kernel: the test asserts which ran. Channel counts hit the dot
// kernel's 16-value step and tails and its 4-row blocks, the GEMM's full and partial column tiles and
// the im2col rows' zero padding; widths hit its row tiles within and across output rows.
// Grouped convolutions keep the reference.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "kernels/ops/gemm/gemm_q8.h"
#include "tests/support/fast_isa.h"
#include "tests/support/op_harness.h"

using eb::Activation;
using eb::DType;
using eb::Isa;
using eb::OpCode;
using eb::Padding;
using eb::testing::OpHarness;

namespace {

struct HybridConv {
  int n, h, w, cin, cout, kh, kw, sh, sw, dh, dw;
  Padding pad;
  bool per_channel, bias;
  Activation act;
};

struct Out {
  std::vector<float> y;
  std::string kernel;
};

Out run_conv(const HybridConv& c, const std::vector<float>& x, const std::vector<int8_t>& w, const std::vector<float>& b,
             Isa isa, int threads) {
  OpHarness h(OpCode::kConv2D);
  h.add_input(DType::kFloat32, {c.n, c.h, c.w, c.cin}, x);
  eb::Quantization wq;
  for (int o = 0; o < (c.per_channel ? c.cout : 1); ++o) {
    wq.scale.push_back(0.002f + (c.per_channel ? 0.0005f * static_cast<float>(o % 4) : 0.0f));
    wq.zero_point.push_back(0);
  }
  wq.axis = 0;
  h.add_constant(DType::kInt8, {c.cout, c.kh, c.kw, c.cin}, w, wq);
  if (c.bias) h.add_constant(DType::kFloat32, {c.cout}, b);
  const int o = h.add_output(DType::kFloat32);
  h.node().options.padding = c.pad;
  h.node().options.stride_h = c.sh;
  h.node().options.stride_w = c.sw;
  h.node().options.dilation_h = c.dh;
  h.node().options.dilation_w = c.dw;
  h.node().options.activation = c.act;
  h.set_isa(isa);
  h.set_threads(threads);
  const eb::Status s = h.prepare_and_run();
  EXPECT_TRUE(s.ok()) << s.message();
  Out r;
  if (!s.ok()) return r;
  r.y = h.output<float>(o);
  r.kernel = h.prepared()->kernel_name();
  return r;
}

class HybridConvFast : public eb::testing::FastIsaTest {};

TEST_P(HybridConvFast, MatchesReferenceBitForBit) {
  std::mt19937 rng(33);
  std::uniform_real_distribution<float> d(-1.5f, 2.5f);  // not symmetric: the asymmetric offset is not 0
  const int cins[] = {1, 3, 4, 16, 17, 32, 33};
  const int couts[] = {1, 5, 13, 17, 33};
  const Activation acts[] = {Activation::kNone, Activation::kRelu, Activation::kRelu6};
#if defined(__aarch64__)
  const std::string per_pixel = "conv2d_hybrid_dot_neon";
#else
  const std::string per_pixel = "conv2d_hybrid_dot_avx2";  // VNNI machines too (hybrid_dot.cc)
#endif
  const eb::Qs8C4KernelInfo* gemm = eb::qs8_c4_kernel_for(GetParam());
  int gemm_runs = 0;
  int trial = 0;
  for (int cin : cins)
    for (int cout : couts)
      for (int shape = 0; shape < 3; ++shape) {
        ++trial;
        HybridConv c{1 + trial % 2, 5 + shape, 4 + trial % 3, cin, cout, shape == 0 ? 1 : 3, shape == 2 ? 2 : (shape == 0 ? 1 : 3),
                     1 + (trial % 2), 1 + (shape == 2 ? trial % 2 : 0), shape == 1 && trial % 3 == 0 ? 2 : 1,
                     shape == 1 && trial % 3 == 1 ? 2 : 1,
                     trial % 3 == 0 ? Padding::kValid : Padding::kSame, trial % 2 == 0, trial % 4 != 0, acts[trial % 3]};
        std::vector<float> x(static_cast<size_t>(c.n * c.h * c.w * c.cin));
        for (float& v : x) v = d(rng);
        // Every third trial holds -128 (a hostile file; TFLite's own weights are in [-127, 127]).
        const bool hostile = trial % 3 == 1;
        std::vector<int8_t> w(static_cast<size_t>(c.cout * c.kh * c.kw * c.cin));
        for (int8_t& v : w) v = static_cast<int8_t>(static_cast<int>(rng() % 255) - 127);
        if (hostile) w[w.size() / 2] = -128;
        const bool takes_gemm = gemm != nullptr && gemm->hybrid_conv != nullptr &&
                                !(gemm->needs_pair_safe_weights && hostile);
        const std::string want = !takes_gemm ? per_pixel : cin % 4 == 0 ? gemm->hybrid_conv : gemm->hybrid_conv_im2col;
        std::vector<float> b(static_cast<size_t>(c.cout));
        for (float& v : b) v = d(rng);
        const Out ref = run_conv(c, x, w, b, Isa::kReference, 1);
        ASSERT_EQ(ref.kernel.rfind("conv2d_hybrid_", 0), 0u) << ref.kernel;
        for (int threads = 1; threads <= 3; ++threads) {
          const Out got = run_conv(c, x, w, b, GetParam(), threads);
          EXPECT_EQ(got.kernel, want) << "trial " << trial << " cin " << cin;
          gemm_runs += got.kernel == want && takes_gemm;
          ASSERT_EQ(got.y.size(), ref.y.size());
          EXPECT_EQ(0, std::memcmp(got.y.data(), ref.y.data(), got.y.size() * sizeof(float)))
              << "trial " << trial << " cin " << cin << " cout " << cout << " per_channel " << c.per_channel
              << " threads " << threads;
        }
      }
  // The GEMM path really ran where the ISA has one (a forced-path check, not only a fallback).
  if (gemm != nullptr) {
    EXPECT_GT(gemm_runs, 0);
  }
}

INSTANTIATE_TEST_SUITE_P(Isas, HybridConvFast, ::testing::ValuesIn(eb::testing::fast_isas()),
                         eb::testing::isa_test_name);

}  // namespace
