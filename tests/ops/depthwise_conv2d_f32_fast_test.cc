// The float32 depthwise family's fast path (kernels/ops/depthwise_conv2d/dwconv_f32*): DEPTHWISE_CONV_2D
// runs under the reference ISA and under every fast ISA this CPU has, with 1 to 3 threads. The fast
// outputs must match the reference within float tolerance, be bit-identical across thread counts, and
// the op must report the fast microkernel (3x3, 5x5 or any). Channel counts hit the tile tails (4 / 8 /
// 16 lanes, and the two-tile main loop); strides 1 and 2, SAME/VALID, dilation, batch > 1, activations.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "kernels/engine/cpu_features.h"
#include "tests/support/fast_isa.h"
#include "kernels/ops/depthwise_conv2d/dwconv_f32.h"
#include "tests/support/op_harness.h"

using eb::Activation;
using eb::DType;
using eb::Isa;
using eb::OpCode;
using eb::Padding;
using eb::testing::OpHarness;

namespace {

struct Case {
  int n = 1, h = 6, w = 6, c = 8, kh = 3, kw = 3, sh = 1, sw = 1, dh = 1, dw = 1, multiplier = 1;
  Padding pad = Padding::kSame;
  Activation act = Activation::kNone;
  bool bias = true;
  unsigned seed = 1;
};

std::string describe(const Case& c) {
  char buf[200];
  std::snprintf(buf, sizeof(buf), "n%d %dx%dx%d x%d, k%dx%d s%dx%d d%dx%d %s act%d%s seed %u", c.n, c.h, c.w, c.c,
                c.multiplier, c.kh, c.kw, c.sh, c.sw, c.dh, c.dw, c.pad == Padding::kSame ? "SAME" : "VALID",
                static_cast<int>(c.act), c.bias ? " bias" : "", c.seed);
  return buf;
}

std::vector<float> random_floats(size_t n, std::mt19937& rng) {
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

struct RunResult {
  std::vector<float> out;
  std::string kernel;
};

RunResult run_op(const Case& c, Isa isa, int threads) {
  std::mt19937 rng(c.seed);
  const int oc = c.c * c.multiplier;
  const auto x = random_floats(static_cast<size_t>(c.n * c.h * c.w * c.c), rng);
  const auto w = random_floats(static_cast<size_t>(c.kh * c.kw * oc), rng);
  const auto b = random_floats(static_cast<size_t>(oc), rng);
  OpHarness h(OpCode::kDepthwiseConv2D);
  h.set_isa(isa);
  h.set_threads(threads);
  h.add_input(DType::kFloat32, {c.n, c.h, c.w, c.c}, x);
  h.add_constant(DType::kFloat32, {1, c.kh, c.kw, oc}, w);
  if (c.bias)
    h.add_constant(DType::kFloat32, {oc}, b);
  else
    h.add_omitted_input();
  const int out = h.add_output(DType::kFloat32);
  auto& o = h.node().options;
  o.padding = c.pad;
  o.stride_h = c.sh;
  o.stride_w = c.sw;
  o.dilation_h = c.dh;
  o.dilation_w = c.dw;
  o.depth_multiplier = c.multiplier;
  o.activation = c.act;
  const eb::Status s = h.prepare_and_run();
  EXPECT_TRUE(s.ok()) << s.message() << " (" << describe(c) << ")";
  if (!s.ok()) return {};
  return {h.output<float>(out), h.prepared()->kernel_name()};
}

void check_case(const Case& c, Isa isa, const std::string& expected_kernel) {
  const RunResult ref = run_op(c, Isa::kReference, 1);
  ASSERT_FALSE(ref.out.empty()) << describe(c);
  RunResult first;
  for (int threads = 1; threads <= 3; ++threads) {
    const RunResult fast = run_op(c, isa, threads);
    ASSERT_EQ(fast.kernel, expected_kernel) << describe(c);
    ASSERT_EQ(fast.out.size(), ref.out.size()) << describe(c);
    for (size_t i = 0; i < ref.out.size(); ++i) {
      const float tol = 1e-6f * static_cast<float>(c.kh * c.kw + 16) + 1e-5f * std::fabs(ref.out[i]);
      ASSERT_NEAR(fast.out[i], ref.out[i], tol) << describe(c) << " element " << i << " threads " << threads;
    }
    if (threads == 1) {
      first = fast;
    } else {
      ASSERT_EQ(0, std::memcmp(first.out.data(), fast.out.data(), first.out.size() * sizeof(float)))
          << "not bit-identical with " << threads << " threads: " << describe(c);
    }
  }
}

std::string isa_suffix(Isa isa) {
  if (isa == Isa::kAvx512Vnni) return "avx512";
  if (isa == Isa::kNeonDot) return "neon";
  return eb::isa_name(isa);
}

// The kernel the dispatch must pick (forced-path check): aarch64 has stride-1 and stride-2 kernels for
// 3x3 / 5x5 (horizontal stride, dilation 1).
std::string expected_kernel(const Case& c, Isa isa) {
  const bool sq = c.kh == c.kw && (c.kh == 3 || c.kh == 5);
  std::string shape = !sq ? "any" : c.kh == 3 ? "3x3" : "5x5";
#if defined(__aarch64__)
  if (sq && c.sw == 1 && c.dw == 1) shape += "s1";
  if (sq && c.sw == 2 && c.dw == 1) shape += "s2";
#endif
  return "depthwise_conv2d_f32_dwconv_" + shape + "_" + isa_suffix(isa);
}

class DwconvF32Fast : public eb::testing::FastIsaTest {};

TEST_P(DwconvF32Fast, EveryFilterSizeStrideAndChannelTail) {
  std::mt19937 rng(7);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  unsigned seed = 1;
  for (int k : {3, 5, 1, 2})
    for (int channels : {1, 3, 4, 8, 15, 16, 17, 32, 37, 64}) {
      Case c;
      c.kh = c.kw = k;
      c.c = channels;
      c.sh = c.sw = 1 + pick(0, 1);
      c.dh = c.dw = pick(0, 5) == 0 ? 2 : 1;
      c.pad = pick(0, 1) ? Padding::kSame : Padding::kValid;
      c.n = pick(0, 4) == 0 ? 2 : 1;
      c.h = pick(k * c.dh, 11);
      c.w = pick(k * c.dw, 11);
      c.act = std::vector<Activation>{Activation::kNone, Activation::kRelu, Activation::kRelu6,
                                      Activation::kReluN1To1}[static_cast<size_t>(pick(0, 3))];
      c.bias = pick(0, 3) != 0;
      c.seed = seed++;
      check_case(c, GetParam(), expected_kernel(c, GetParam()));
    }
}

#if defined(__aarch64__)
// The row-step kernels (dwconv_f32_3x3s1_neon / _5x5s1_neon, _3x3s2_neon / _5x5s2_neon) against the
// per-pixel NEON kernel on the same packed weights and pointers: the same bits, as every output sums bias
// then taps in the same order (the step kernels only interleave different outputs' chains).
void check_step_bits(const Case& c) {
  eb::ConvGeometry g;
  g.batches = c.n;
  g.in_h = c.h;
  g.in_w = c.w;
  g.in_c = g.out_c = c.c;
  g.filter_h = c.kh;
  g.filter_w = c.kw;
  g.stride_h = c.sh;
  g.stride_w = c.sw;
  if (c.pad == Padding::kSame) {
    g.out_h = (c.h + c.sh - 1) / c.sh;
    g.out_w = (c.w + c.sw - 1) / c.sw;
    g.pad_top = std::max(0, (g.out_h - 1) * c.sh + c.kh - c.h) / 2;
    g.pad_left = std::max(0, (g.out_w - 1) * c.sw + c.kw - c.w) / 2;
  } else {
    g.out_h = (c.h - c.kh) / c.sh + 1;
    g.out_w = (c.w - c.kw) / c.sw + 1;
  }
  const eb::DwconvF32Kernel* steps = eb::dwconv_f32_kernel_for(Isa::kNeon, c.kh, c.kw, c.sw, 1);
  ASSERT_NE(steps, nullptr);
  ASSERT_EQ(std::string(steps->name), expected_kernel(c, Isa::kNeon)) << describe(c);
  const eb::DwconvF32Kernel per_pixel{c.kh == 3 ? eb::dwconv_f32_3x3_neon : eb::dwconv_f32_5x5_neon, 4, "per-pixel"};
  std::mt19937 rng(c.seed);
  const size_t ks = static_cast<size_t>(c.kh * c.kw), channels = static_cast<size_t>(c.c);
  const auto x = random_floats(static_cast<size_t>(c.n * c.h * c.w * c.c), rng);
  const auto w = random_floats(ks * channels, rng);
  const auto b = random_floats(channels, rng);
  const eb::AlignedFloats packed = eb::pack_dwconv_f32_weights(w.data(), b.data(), channels, ks, 4);
  const std::vector<float> zero(channels, 0.0f);
  const eb::DwconvF32Params params{-0.75f, 0.75f};  // a clamp that bites on both sides
  const size_t out_n = static_cast<size_t>(g.batches * g.out_h * g.out_w) * channels;
  std::vector<float> want(out_n, -99.0f), got(out_n, 99.0f);
  eb::run_dwconv_f32(per_pixel, packed.data(), g, x.data(), zero.data(), want.data(), params, nullptr);
  eb::run_dwconv_f32(*steps, packed.data(), g, x.data(), zero.data(), got.data(), params, nullptr);
  ASSERT_EQ(0, std::memcmp(want.data(), got.data(), out_n * sizeof(float)))
      << "not the per-pixel bits: " << describe(c);
}
#endif

// Stride-1 rows in steps of 8 pixels (the NEON 3x3s1 / 5x5s1 kernels): widths below, at and past
// multiples of 8, channel tails past the 4-channel tiles, padding columns inside a step, the pointer
// chunks of the driver (5x5: 40 pixels per call) ending mid-row. Compared with the reference through the
// op and, on aarch64, bit for bit with the per-pixel NEON kernel.
TEST_P(DwconvF32Fast, StrideOneRowsInStepsOfEight) {
  unsigned seed = 300;
  for (int k : {3, 5})
    for (int w : {7, 8, 9, 16, 17, 23, 45})
      for (int channels : {1, 4, 5, 12}) {
        Case c;
        c.kh = c.kw = k;
        c.c = channels;
        c.h = 6;
        c.w = w;
        c.pad = w % 2 ? Padding::kSame : Padding::kValid;
        c.act = Activation::kRelu6;
        c.seed = seed++;
        check_case(c, GetParam(), expected_kernel(c, GetParam()));
#if defined(__aarch64__)
        check_step_bits(c);
#endif
      }
}


// Stride-2 rows in steps of 4 pixels (the NEON 3x3s2 / 5x5s2 kernels): output widths below, at and past
// multiples of 4, odd widths, a 5x5 row longer than one pointer chunk of the driver (40 pixels), channel
// tails (1: lanes only; 4: one lone tile; 5: tile + lanes; 12: tile pair + lone tile; 13: all three),
// SAME and VALID padding, stride 2 vertically too or not. Compared with the reference through the op and,
// on aarch64, bit for bit with the per-pixel NEON kernel.
TEST_P(DwconvF32Fast, StrideTwoRowsInSteps) {
  unsigned seed = 600;
  for (int k : {3, 5})
    for (int w : {7, 8, 9, 10, 15, 16, 17, 19, 24, 33, 99})
      for (int channels : {1, 4, 5, 12, 13})
        for (Padding pad : {Padding::kSame, Padding::kValid}) {
          if (pad == Padding::kValid && w < k) continue;
          Case c;
          c.kh = c.kw = k;
          c.c = channels;
          c.h = 6;
          c.w = w;
          c.sw = 2;
          c.sh = seed % 2 ? 2 : 1;
          c.pad = pad;
          c.act = seed % 3 ? Activation::kRelu6 : Activation::kNone;
          c.seed = seed++;
          check_case(c, GetParam(), expected_kernel(c, GetParam()));
#if defined(__aarch64__)
          check_step_bits(c);
#endif
        }
}

TEST_P(DwconvF32Fast, NonSquareFilterAndWideRows) {
  Case c;
  c.kh = 3;
  c.kw = 1;
  c.h = 9;
  c.w = 150;  // more pixels than one pointer chunk of the driver for big filters
  c.c = 24;
  check_case(c, GetParam(), "depthwise_conv2d_f32_dwconv_any_" + isa_suffix(GetParam()));
  Case d;
  d.kh = d.kw = 7;
  d.h = 8;
  d.w = 70;
  d.c = 5;
  d.sw = 2;
  check_case(d, GetParam(), "depthwise_conv2d_f32_dwconv_any_" + isa_suffix(GetParam()));
}

// Depth multiplier > 1 has no fast kernel: the reference runs and gives the same result.
TEST_P(DwconvF32Fast, DepthMultiplierKeepsTheReference) {
  Case c;
  c.multiplier = 2;
  c.c = 5;
  const RunResult ref = run_op(c, Isa::kReference, 1);
  const RunResult other = run_op(c, GetParam(), 2);
  EXPECT_EQ(other.kernel, "depthwise_conv2d_float32_ref");
  EXPECT_EQ(other.out, ref.out);
}

INSTANTIATE_TEST_SUITE_P(Isas, DwconvF32Fast, ::testing::ValuesIn(eb::testing::fast_isas()), eb::testing::isa_test_name);

}  // namespace
