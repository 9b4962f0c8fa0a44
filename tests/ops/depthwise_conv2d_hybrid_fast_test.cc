// The hybrid (dynamic-range) DEPTHWISE_CONV_2D fast path (depthwise_conv2d_fast_hybrid.cc): float input,
// int8 filter (per-channel or one scale, -128 included), SAME / VALID padding, strides, dilation, filter
// sizes, bias or none, activations, batches, under every fast ISA this CPU has and 1 to 3 threads: the
// reference kernel's bits. Channel counts hit the microkernels' 8 / 16-channel steps and tails. Inputs
// far from zero make the asymmetric offset large, so a wrong padding correction shows.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "tests/support/fast_isa.h"
#include "tests/support/op_harness.h"

using eb::Activation;
using eb::DType;
using eb::Isa;
using eb::OpCode;
using eb::Padding;
using eb::testing::OpHarness;

namespace {

struct HybridDw {
  int n, h, w, c, kh, kw, sh, sw, dh, dw;
  Padding pad;
  bool per_channel, bias;
  Activation act;
};

struct Out {
  std::vector<float> y;
  std::string kernel;
};

Out run_dw(const HybridDw& c, const std::vector<float>& x, const std::vector<int8_t>& w, const std::vector<float>& b,
           Isa isa, int threads) {
  OpHarness h(OpCode::kDepthwiseConv2D);
  h.add_input(DType::kFloat32, {c.n, c.h, c.w, c.c}, x);
  eb::Quantization wq;
  for (int o = 0; o < (c.per_channel ? c.c : 1); ++o) {
    wq.scale.push_back(0.002f + (c.per_channel ? 0.0005f * static_cast<float>(o % 5) : 0.0f));
    wq.zero_point.push_back(0);
  }
  wq.axis = 3;
  h.add_constant(DType::kInt8, {1, c.kh, c.kw, c.c}, w, wq);
  if (c.bias) h.add_constant(DType::kFloat32, {c.c}, b);
  const int o = h.add_output(DType::kFloat32);
  h.node().options.padding = c.pad;
  h.node().options.stride_h = c.sh;
  h.node().options.stride_w = c.sw;
  h.node().options.dilation_h = c.dh;
  h.node().options.dilation_w = c.dw;
  h.node().options.depth_multiplier = 1;
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

// Fast vs reference on case c with random data from `seed`; `lo`..`hi` is the input range.
void check(const HybridDw& c, unsigned seed, float lo, float hi, Isa isa) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> x(static_cast<size_t>(c.n * c.h * c.w * c.c));
  for (float& v : x) v = d(rng);
  std::vector<int8_t> w(static_cast<size_t>(c.kh * c.kw * c.c));
  for (int8_t& v : w) v = static_cast<int8_t>(static_cast<int>(rng() % 256) - 128);
  std::vector<float> b(static_cast<size_t>(c.c));
  for (float& v : b) v = d(rng);
  const Out ref = run_dw(c, x, w, b, Isa::kReference, 1);
  ASSERT_EQ(ref.kernel, "depthwise_conv2d_hybrid_ref");
#if defined(__aarch64__)
  const std::string want = "depthwise_conv2d_hybrid_dwconv_neon";
#else
  const std::string want = "depthwise_conv2d_hybrid_dwconv_avx2";
#endif
  for (int threads = 1; threads <= 3; ++threads) {
    const Out got = run_dw(c, x, w, b, isa, threads);
    EXPECT_EQ(got.kernel, want);  // the fast path really ran
    ASSERT_EQ(got.y.size(), ref.y.size());
    EXPECT_EQ(0, std::memcmp(got.y.data(), ref.y.data(), got.y.size() * sizeof(float)))
        << "n" << c.n << " " << c.h << "x" << c.w << "x" << c.c << " k" << c.kh << "x" << c.kw << " s" << c.sh
        << " d" << c.dh << (c.pad == Padding::kSame ? " SAME" : " VALID") << " seed " << seed << " threads "
        << threads;
  }
}

class HybridDwconvFast : public eb::testing::FastIsaTest {};

TEST_P(HybridDwconvFast, ChannelTails) {
  unsigned seed = 1;
  for (int c : {1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64})
    check({1, 6, 7, c, 3, 3, 1, 1, 1, 1, Padding::kSame, true, true, Activation::kNone}, seed++, -1.0f, 2.0f,
          GetParam());
}

TEST_P(HybridDwconvFast, Geometry) {
  const HybridDw cases[] = {
      {1, 9, 8, 24, 3, 3, 2, 2, 1, 1, Padding::kSame, true, true, Activation::kRelu6},      // stride 2
      {1, 10, 7, 19, 5, 5, 1, 1, 1, 1, Padding::kSame, false, true, Activation::kRelu},     // 5x5, one scale
      {1, 11, 9, 16, 5, 5, 2, 2, 1, 1, Padding::kValid, true, false, Activation::kNone},    // 5x5 stride 2 VALID
      {1, 8, 8, 12, 3, 3, 1, 1, 2, 2, Padding::kSame, true, true, Activation::kNone},       // dilation
      {3, 5, 4, 20, 3, 1, 1, 1, 1, 1, Padding::kSame, true, true, Activation::kReluN1To1},  // batch, 3x1
      {2, 25, 5, 64, 10, 4, 2, 1, 1, 1, Padding::kSame, true, true, Activation::kRelu},     // kws-like
      {1, 1, 1, 33, 3, 3, 1, 1, 1, 1, Padding::kSame, true, true, Activation::kNone},       // all padding but one tap
      {1, 7, 6, 8, 1, 1, 1, 1, 1, 1, Padding::kValid, true, true, Activation::kNone},       // 1x1
  };
  unsigned seed = 100;
  for (const HybridDw& c : cases) check(c, seed++, -1.5f, 2.5f, GetParam());
}

// Inputs far from zero: the asymmetric zero point (offset) sits near the end of the int8 range, so
// padding taps that were not corrected (or corrected with the wrong sign) change the sums a lot.
TEST_P(HybridDwconvFast, LargeOffsetWithPadding) {
  check({2, 6, 6, 20, 3, 3, 1, 1, 1, 1, Padding::kSame, true, true, Activation::kNone}, 7, 5.0f, 9.0f, GetParam());
  check({1, 6, 6, 20, 5, 5, 1, 1, 1, 1, Padding::kSame, true, true, Activation::kNone}, 8, -9.0f, -5.0f, GetParam());
}

INSTANTIATE_TEST_SUITE_P(Isas, HybridDwconvFast, ::testing::ValuesIn(eb::testing::fast_isas()),
                         eb::testing::isa_test_name);

}  // namespace
