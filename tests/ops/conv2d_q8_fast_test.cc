// The quantized GEMM family's fast path (kernels/ops/gemm/gemm_q8*): CONV_2D and FULLY_CONNECTED run
// under the reference ISA and under every fast ISA this CPU has, with 1 to 3 threads; the outputs must
// be bit-identical and the fast op must report its microkernel (the forced path really ran).
// Shapes hit the tile tails (MR = 4 rows; NR = 8 / 16 columns; odd channel counts for the k pairs;
// channel counts that are and are not multiples of 4, which selects the int8 4-channel kernel of
// AVX-512 VNNI / ARMv8.2 SDOT; scripts/cross-test.sh runs this under a qemu CPU with dotprod).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "kernels/engine/cpu_features.h"
#include "kernels/ops/gemm/gemm_q8.h"
#include "tests/support/fast_isa.h"
#include "tests/support/op_harness.h"

using eb::Activation;
using eb::DType;
using eb::Isa;
using eb::OpCode;
using eb::Padding;
using eb::Quantization;
using eb::testing::OpHarness;
using eb::testing::qparams;

namespace {

struct ConvCase {
  int n = 1, h = 5, w = 5, cin = 3, cout = 4, kh = 3, kw = 3, sh = 1, sw = 1, dh = 1, dw = 1;
  Padding pad = Padding::kSame;
  Activation act = Activation::kNone;
  bool uint8 = false;
  bool per_channel = true;
  bool bias = true;
  bool hostile_weights = false;  // int8 weights include -128
  unsigned seed = 1;
};

std::string describe(const ConvCase& c) {
  char buf[200];
  std::snprintf(buf, sizeof(buf), "n%d %dx%dx%d -> %d, k%dx%d s%dx%d d%dx%d %s act%d %s%s%s%s seed %u", c.n, c.h, c.w,
                c.cin, c.cout, c.kh, c.kw, c.sh, c.sw, c.dh, c.dw, c.pad == Padding::kSame ? "SAME" : "VALID",
                static_cast<int>(c.act), c.uint8 ? "uint8" : "int8", c.per_channel ? " per-channel" : "",
                c.bias ? " bias" : "", c.hostile_weights ? " w=-128" : "", c.seed);
  return buf;
}

template <typename T>
std::vector<T> random_values(size_t n, int lo, int hi, std::mt19937& rng) {
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<T> v(n);
  for (T& x : v) x = static_cast<T>(d(rng));
  return v;
}

// Threads 1..3 by default. EB_Q8_TEST_MAX_THREADS=1 limits the runs to one thread: under qemu the
// thread pool's shutdown can hang (a race reported to the lead), which must not hide kernel results.
int max_test_threads() {
  const char* v = std::getenv("EB_Q8_TEST_MAX_THREADS");
  const int n = v ? std::atoi(v) : 3;
  return n >= 1 && n <= 3 ? n : 3;
}

struct RunResult {
  std::vector<uint8_t> out;
  std::string kernel;
};

// One CONV_2D (fc = false) or FULLY_CONNECTED (fc = true; input [n, cin], weights [cout, cin]).
template <typename T>
RunResult run_q8(const ConvCase& c, bool fc, Isa isa, int threads) {
  std::mt19937 rng(c.seed);
  const int lo = c.uint8 ? 0 : -128, hi = c.uint8 ? 255 : 127;
  const int in_zp = c.uint8 ? 131 : -7, w_zp = c.uint8 ? 119 : 0, out_zp = c.uint8 ? 125 : 3;
  const float in_s = 0.02f;
  const int k = fc ? c.cin : c.kh * c.kw * c.cin;
  const size_t w_count = static_cast<size_t>(c.cout) * static_cast<size_t>(k);
  const size_t in_count = fc ? static_cast<size_t>(c.n * c.cin) : static_cast<size_t>(c.n * c.h * c.w * c.cin);

  OpHarness h(fc ? OpCode::kFullyConnected : OpCode::kConv2D);
  h.set_isa(isa);
  h.set_threads(threads);
  const eb::Shape in_shape = fc ? eb::Shape{c.n, c.cin} : eb::Shape{c.n, c.h, c.w, c.cin};
  h.add_input(c.uint8 ? DType::kUInt8 : DType::kInt8, in_shape, random_values<T>(in_count, lo, hi, rng),
              qparams(in_s, in_zp));
  Quantization wq;
  const bool pc = c.per_channel && !c.uint8;
  for (int oc = 0; oc < (pc ? c.cout : 1); ++oc) {
    wq.scale.push_back(0.004f + 0.0005f * static_cast<float>(oc % 7));
    wq.zero_point.push_back(w_zp);
  }
  wq.axis = 0;
  auto w = random_values<T>(w_count, c.uint8 ? 0 : (c.hostile_weights ? -128 : -127), hi, rng);
  if (c.hostile_weights)
    for (size_t i = 0; i < w.size(); i += 3) w[i] = static_cast<T>(-128);
  const eb::Shape w_shape = fc ? eb::Shape{c.cout, c.cin} : eb::Shape{c.cout, c.kh, c.kw, c.cin};
  h.add_constant(c.uint8 ? DType::kUInt8 : DType::kInt8, w_shape, w, wq);
  if (c.bias)
    h.add_constant(DType::kInt32, {c.cout}, random_values<int32_t>(static_cast<size_t>(c.cout), -20000, 20000, rng));
  // Output scale from the accumulator's spread, so outputs cover many codes without saturating.
  const float out_s = in_s * 0.005f * 74.0f * 74.0f * std::sqrt(static_cast<float>(k)) / 60.0f;
  const int out = h.add_output(c.uint8 ? DType::kUInt8 : DType::kInt8, qparams(out_s, out_zp));
  h.node().options.activation = c.act;
  if (!fc) {
    h.node().options.padding = c.pad;
    h.node().options.stride_h = c.sh;
    h.node().options.stride_w = c.sw;
    h.node().options.dilation_h = c.dh;
    h.node().options.dilation_w = c.dw;
  }
  const eb::Status s = h.prepare_and_run();
  EXPECT_TRUE(s.ok()) << s.message();
  RunResult r;
  if (!s.ok()) return r;
  r.out = h.output<uint8_t>(out);
  r.kernel = h.prepared()->kernel_name();
  return r;
}

// Output pixels per batch item (FULLY_CONNECTED: its batch is the GEMM's rows).
int out_pixels(const ConvCase& c, bool fc) {
  if (fc) return c.n;
  auto extent = [&](int in, int k, int s, int d) {
    return c.pad == Padding::kSame ? (in + s - 1) / s : (in - ((k - 1) * d + 1)) / s + 1;
  };
  return extent(c.h, c.kh, c.sh, c.dh) * extent(c.w, c.kw, c.sw, c.dw);
}

void check_case(const ConvCase& c, bool fc, Isa isa) {
  const RunResult ref =
      c.uint8 ? run_q8<uint8_t>(c, fc, Isa::kReference, 1) : run_q8<int8_t>(c, fc, Isa::kReference, 1);
  ASSERT_FALSE(ref.out.empty()) << describe(c);
  ASSERT_EQ(ref.kernel.find("_ref"), ref.kernel.size() - 4) << ref.kernel;
  // The data must exercise the requantization: many distinct output codes.
  const std::set<uint8_t> distinct(ref.out.begin(), ref.out.end());
  if (ref.out.size() >= 16) {
    EXPECT_GE(distinct.size(), 4u) << describe(c);
  }
  {
    const eb::Q8GemmKernelInfo* k = eb::q8_gemm_kernel_for(isa);
    ASSERT_NE(k, nullptr) << eb::isa_name(isa);
    std::string want = fc ? (c.uint8 ? k->fc_qu8 : k->fc_qs8) : (c.uint8 ? k->conv_qu8 : k->conv_qs8);
    // int8 with input channels a multiple of 4 takes the raw-int8 4-channel kernel where the ISA has one
    // (AVX-512 VNNI, ARMv8.2 SDOT); the test below pins which ISAs do, so a lost kernel fails here.
    // One output row per batch item (FC at batch 1, a 1x1 conv output) takes the family's single-row
    // kernel where the ISA has one.
    const eb::Qs8C4KernelInfo* c4 = eb::qs8_c4_kernel_for(isa);
    const eb::Qs8C4KernelInfo* c4_row = eb::qs8_c4_gemv_kernel_for(isa);
    if (c4_row != nullptr && out_pixels(c, fc) == 1) c4 = c4_row;
    // Kernels summing int8 product pairs in int16 (ARMv8.0) refuse filters holding -128.
    if (c4 != nullptr && !c.uint8 && c.cin % 4 == 0 && !(c4->needs_pair_safe_weights && c.hostile_weights))
      want = fc ? c4->fc : c4->conv;
    for (int threads = 1; threads <= max_test_threads(); ++threads) {
      const RunResult got = c.uint8 ? run_q8<uint8_t>(c, fc, isa, threads) : run_q8<int8_t>(c, fc, isa, threads);
      EXPECT_EQ(got.kernel, want) << describe(c);
      ASSERT_EQ(got.out.size(), ref.out.size());
      size_t mismatches = 0, first = 0;
      for (size_t i = 0; i < got.out.size(); ++i)
        if (got.out[i] != ref.out[i] && mismatches++ == 0) first = i;
      EXPECT_EQ(mismatches, 0u) << describe(c) << " " << eb::isa_name(isa) << " threads " << threads
                                << ": first mismatch at " << first << " got " << int(got.out[first]) << " want "
                                << int(ref.out[first]);
    }
  }
}

// One instantiation per fast ISA of the architecture; those the CPU lacks are skipped by name.
class Q8GemmFast : public eb::testing::FastIsaTest {};

TEST_P(Q8GemmFast, ConvPointwiseTails) {
  const Isa isa = GetParam();
  // 1x1 convs: pixels below / at / above MR; output channels below / at / above NR; odd input channels.
  const int couts[] = {1, 7, 8, 16, 17, 33};
  // 4, 12, 16, 24: the 4-channel kernels' main loop (8 channels) with and without the 4-channel tail.
  const int cins[] = {1, 2, 3, 4, 12, 16, 17, 24};
  unsigned seed = 10;
  for (int cout : couts)
    for (int cin : cins) {
      ConvCase c;
      c.h = 3;
      c.w = 3;
      c.kh = c.kw = 1;
      c.cin = cin;
      c.cout = cout;
      c.seed = seed++;
      check_case(c, false, isa);
    }
}

TEST_P(Q8GemmFast, ConvGeometryInt8) {
  const Isa isa = GetParam();
  std::vector<ConvCase> cases;
  ConvCase c;
  c.h = 7, c.w = 6, c.cin = 3, c.cout = 16, c.kh = c.kw = 3;  // first-layer shape
  cases.push_back(c);
  c.sh = c.sw = 2, c.pad = Padding::kSame, c.cout = 24;
  cases.push_back(c);
  c.pad = Padding::kValid, c.act = Activation::kRelu6;
  cases.push_back(c);
  c = ConvCase();
  c.h = 9, c.w = 8, c.cin = 5, c.cout = 9, c.kh = c.kw = 5, c.act = Activation::kRelu;
  cases.push_back(c);
  c.dh = 2, c.dw = 2, c.pad = Padding::kSame;  // dilation
  cases.push_back(c);
  c = ConvCase();
  c.n = 3, c.h = 4, c.w = 5, c.cin = 8, c.cout = 12, c.kh = 3, c.kw = 2, c.sh = 1, c.sw = 2;  // batch, odd kernel
  cases.push_back(c);
  c.per_channel = false, c.bias = false, c.act = Activation::kReluN1To1;
  cases.push_back(c);
  c = ConvCase();
  c.h = 1, c.w = 1, c.cin = 40, c.cout = 35, c.kh = c.kw = 1;  // a single pixel
  cases.push_back(c);
  unsigned seed = 100;
  for (ConvCase& k : cases) {
    k.seed = seed++;
    check_case(k, false, isa);
  }
}

// The drivers' three tilings (gemm_q8.cc, gemm_qs8_c4.cc): output widths that are a multiple of the
// kernels' 4 rows take per-row tiles with one cached row of offsets moved to each input row (rows at
// the top and bottom padding built per tile), other widths a table of every tile, 1x1 stride 1 the
// pointwise path. Taps left, right, above and below the input, strides, dilation and batches must all
// read the right pixel (or the padding) in each.
TEST_P(Q8GemmFast, ConvIndirectionTilings) {
  const Isa isa = GetParam();
  unsigned seed = 700;
  for (const bool uint8 : {false, true})
    for (const int cin : {3, 8})  // int8 with 8 channels: the 4-channel dot-product kernels
      for (const int w : {8, 16, 7, 10}) {
        ConvCase c;
        c.uint8 = uint8;
        c.n = 2, c.h = 9, c.w = w, c.cin = cin, c.cout = 20, c.kh = c.kw = 3, c.pad = Padding::kSame;
        c.seed = seed++;
        check_case(c, false, isa);  // stride 1: out_w == w
        c.h = 11, c.w = 2 * w, c.sh = c.sw = 2, c.seed = seed++;
        check_case(c, false, isa);  // stride 2: out_w == w
        c.sh = c.sw = 1, c.h = 9, c.w = w, c.dh = c.dw = 2, c.kh = 3, c.kw = 5, c.seed = seed++;
        check_case(c, false, isa);  // dilation, taps far outside the input
        c.dh = c.dw = 1, c.kh = c.kw = 3, c.pad = Padding::kValid, c.w = w + 2, c.seed = seed++;
        check_case(c, false, isa);  // VALID: every row inside
      }
}

TEST_P(Q8GemmFast, ConvUint8WithZeroPoints) {
  const Isa isa = GetParam();
  ConvCase c;
  c.uint8 = true;
  c.h = 8, c.w = 7, c.cin = 3, c.cout = 8, c.sh = c.sw = 2;
  check_case(c, false, isa);
  c.h = 5, c.w = 5, c.cin = 17, c.cout = 21, c.kh = c.kw = 1, c.sh = c.sw = 1, c.act = Activation::kRelu6;
  check_case(c, false, isa);
  c.kh = c.kw = 3, c.pad = Padding::kValid, c.bias = false, c.n = 2;
  check_case(c, false, isa);
}

TEST_P(Q8GemmFast, ConvHostileWeightsOfMinus128) {
  const Isa isa = GetParam();
  ConvCase c;
  c.hostile_weights = true;
  c.h = 6, c.w = 6, c.cin = 32, c.cout = 19;
  check_case(c, false, isa);
}

TEST_P(Q8GemmFast, ConvRandomShapes) {
  const Isa isa = GetParam();
  std::mt19937 rng(7);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  for (int i = 0; i < 12; ++i) {
    ConvCase c;
    c.n = pick(1, 2);
    c.h = pick(1, 9);
    c.w = pick(1, 9);
    c.cin = pick(1, 20);
    c.cout = pick(1, 40);
    c.kh = pick(1, 3) * 2 - 1;
    c.kw = pick(1, 3) * 2 - 1;
    c.sh = pick(1, 2);
    c.sw = pick(1, 2);
    c.pad = Padding::kSame;
    c.uint8 = pick(0, 3) == 0;
    c.per_channel = pick(0, 1) == 1;
    c.act = static_cast<Activation>(pick(0, 1) == 0 ? 0 : 3);  // NONE or RELU6
    c.seed = 1000u + static_cast<unsigned>(i);
    check_case(c, false, isa);
  }
}

TEST_P(Q8GemmFast, FcTails) {
  const Isa isa = GetParam();
  const int batches[] = {1, 3, 4, 5, 9};
  const int ins[] = {1, 7, 20, 64, 129};  // 20: the 4-channel kernels' 8-channel loop plus tail
  const int outs[] = {1, 10, 16, 33};
  unsigned seed = 500;
  for (int n : batches)
    for (int in : ins)
      for (int out : outs) {
        ConvCase c;
        c.n = n;
        c.cin = in;
        c.cout = out;
        c.per_channel = (seed % 2) == 0;
        c.seed = seed++;
        check_case(c, true, isa);
      }
}

TEST_P(Q8GemmFast, FcUint8AndActivations) {
  const Isa isa = GetParam();
  ConvCase c;
  c.uint8 = true;
  c.n = 2, c.cin = 100, c.cout = 17, c.act = Activation::kRelu;
  check_case(c, true, isa);
  c.uint8 = false, c.hostile_weights = true, c.bias = false, c.act = Activation::kRelu6;
  check_case(c, true, isa);
}

// Pair-safety decides between the 8-bit-multiply kernels and the 16-bit ones (GEMM and depthwise):
// every int8 weight less its zero point in [-127, 127]; uint8 never.
TEST(Q8GemmFastKernels, PairSafeWeightsAreExactlyThoseInMinus127To127) {
  const uint8_t symmetric[] = {0x81, 0x7F, 0x00, 0x01, 0xFF};  // -127, 127, 0, 1, -1
  EXPECT_TRUE(eb::q8_weights_pair_safe(symmetric, 5, 0, false));
  const uint8_t minus128[] = {0x00, 0x7F, 0x80};  // ..., -128 last: every weight is looked at
  EXPECT_FALSE(eb::q8_weights_pair_safe(minus128, 3, 0, false));
  EXPECT_TRUE(eb::q8_weights_pair_safe(minus128, 2, 0, false));  // the count is honoured
  // The zero point shifts the range: -128 - (-1) = -127 fits, 127 - (-1) = 128 does not.
  const uint8_t low[] = {0x80, 0x00};
  EXPECT_TRUE(eb::q8_weights_pair_safe(low, 2, -1, false));
  EXPECT_FALSE(eb::q8_weights_pair_safe(symmetric, 5, -1, false));
  EXPECT_FALSE(eb::q8_weights_pair_safe(symmetric, 5, 0, true));  // uint8
}

// The raw-int8 4-channel kernels exist exactly where expected (the tests above then prove they run).
TEST(Q8GemmFastKernels, DotProductKernelsPerIsa) {
#if defined(__aarch64__)
  // ARMv8.0 has no SDOT: 8-bit multiplies summing product pairs in int16.
  const eb::Qs8C4KernelInfo* k8 = eb::qs8_c4_kernel_for(Isa::kNeon);
  ASSERT_NE(k8, nullptr);
  EXPECT_STREQ(k8->conv, "conv2d_qs8_igemm_4x8c4_neon");
  EXPECT_TRUE(k8->needs_pair_safe_weights);
  const eb::Qs8C4KernelInfo* k = eb::qs8_c4_kernel_for(Isa::kNeonDot);
  ASSERT_NE(k, nullptr);
  EXPECT_STREQ(k->conv, "conv2d_qs8_igemm_4x16c4_neondot");
  EXPECT_STREQ(k->fc, "fully_connected_qs8_gemm_4x16c4_neondot");
#else
  EXPECT_EQ(eb::qs8_c4_kernel_for(Isa::kAvx2), nullptr);
  const eb::Qs8C4KernelInfo* k = eb::qs8_c4_kernel_for(Isa::kAvx512Vnni);
  ASSERT_NE(k, nullptr);
  EXPECT_STREQ(k->conv, "conv2d_qs8_igemm_8x32c4_avx512vnni");
#endif
}

INSTANTIATE_TEST_SUITE_P(Isas, Q8GemmFast, ::testing::ValuesIn(eb::testing::fast_isas()), eb::testing::isa_test_name);

}  // namespace
