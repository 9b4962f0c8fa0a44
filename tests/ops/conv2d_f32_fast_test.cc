// The float32 GEMM family's fast path (kernels/ops/gemm/gemm_f32*): CONV_2D (1x1 as GEMM, anything else
// as indirect GEMM) and FULLY_CONNECTED run under the reference ISA and under every fast ISA this CPU
// has, with 1 to 3 threads. The fast outputs must match the reference within float tolerance (FMA and
// summation order differ), be bit-identical across thread counts, and the op must report the fast
// microkernel (the forced path really ran). Shapes hit the tile tails: MR = 6/7 rows, NR = 8/16
// channels (fewer, equal, multiples, more), padding, strides, dilation, batch > 1, activations.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "kernels/engine/cpu_features.h"
#include "tests/support/fast_isa.h"
#include "kernels/ops/gemm/gemm_f32.h"
#include "tests/support/op_harness.h"

using eb::Activation;
using eb::DType;
using eb::Isa;
using eb::OpCode;
using eb::Padding;
using eb::testing::OpHarness;

namespace {

struct Case {
  int n = 1, h = 5, w = 5, cin = 3, cout = 4, kh = 3, kw = 3, sh = 1, sw = 1, dh = 1, dw = 1;
  Padding pad = Padding::kSame;
  Activation act = Activation::kNone;
  bool bias = true;
  unsigned seed = 1;
};

std::string describe(const Case& c) {
  char buf[200];
  std::snprintf(buf, sizeof(buf), "n%d %dx%dx%d -> %d, k%dx%d s%dx%d d%dx%d %s act%d%s seed %u", c.n, c.h, c.w, c.cin,
                c.cout, c.kh, c.kw, c.sh, c.sw, c.dh, c.dw, c.pad == Padding::kSame ? "SAME" : "VALID",
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

// One CONV_2D (fc = false) or FULLY_CONNECTED (fc = true: input [n, cin], weights [cout, cin]).
RunResult run_op(const Case& c, bool fc, Isa isa, int threads) {
  std::mt19937 rng(c.seed);
  const int k = fc ? c.cin : c.kh * c.kw * c.cin;
  const auto x = random_floats(static_cast<size_t>(fc ? c.n * c.cin : c.n * c.h * c.w * c.cin), rng);
  const auto w = random_floats(static_cast<size_t>(c.cout * k), rng);
  const auto b = random_floats(static_cast<size_t>(c.cout), rng);
  OpHarness h(fc ? OpCode::kFullyConnected : OpCode::kConv2D);
  h.set_isa(isa);
  h.set_threads(threads);
  if (fc) {
    h.add_input(DType::kFloat32, {c.n, c.cin}, x);
    h.add_constant(DType::kFloat32, {c.cout, c.cin}, w);
  } else {
    h.add_input(DType::kFloat32, {c.n, c.h, c.w, c.cin}, x);
    h.add_constant(DType::kFloat32, {c.cout, c.kh, c.kw, c.cin}, w);
  }
  if (c.bias)
    h.add_constant(DType::kFloat32, {c.cout}, b);
  else
    h.add_omitted_input();
  const int out = h.add_output(DType::kFloat32);
  auto& o = h.node().options;
  o.padding = c.pad;
  o.stride_h = c.sh;
  o.stride_w = c.sw;
  o.dilation_h = c.dh;
  o.dilation_w = c.dw;
  o.activation = c.act;
  const eb::Status s = h.prepare_and_run();
  EXPECT_TRUE(s.ok()) << s.message() << " (" << describe(c) << ")";
  if (!s.ok()) return {};
  return {h.output<float>(out), h.prepared()->kernel_name()};
}

// Which of a GemmF32Kernel's names the case must report.
enum class Path { kGemm, kIgemm, kFc };

// Fast vs reference within tolerance; fast bit-identical for 1..3 threads; the fast kernel's name, that
// of the kernel gemm_f32_kernel_for picks for the case's output channels (AVX-512: two widths).
void check_case(const Case& c, bool fc, Isa isa, Path path) {
  // (A fully connected layer of one row keeps the narrow tile.)
  const eb::GemmF32Kernel* kernel = eb::gemm_f32_kernel_for(isa, fc && c.n == 1 ? 0 : static_cast<size_t>(c.cout));
  ASSERT_NE(kernel, nullptr);
  const char* expected_kernel = path == Path::kGemm    ? kernel->conv_gemm_name
                                : path == Path::kIgemm ? kernel->conv_igemm_name
                                                       : kernel->fc_name;
  const RunResult ref = run_op(c, fc, Isa::kReference, 1);
  ASSERT_FALSE(ref.out.empty()) << describe(c);
  const int k = fc ? c.cin : c.kh * c.kw * c.cin;
  RunResult first;
  for (int threads = 1; threads <= 3; ++threads) {
    const RunResult fast = run_op(c, fc, isa, threads);
    ASSERT_EQ(fast.kernel, expected_kernel) << describe(c);
    ASSERT_EQ(fast.out.size(), ref.out.size()) << describe(c);
    for (size_t i = 0; i < ref.out.size(); ++i) {
      // Inputs in [-1, 1]: the sum of k products differs by at most a few ulps of k per term.
      const float tol = 1e-6f * static_cast<float>(k + 16) + 1e-5f * std::fabs(ref.out[i]);
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

class GemmF32Fast : public eb::testing::FastIsaTest {
 protected:
  void SetUp() override {
    eb::testing::FastIsaTest::SetUp();
    if (IsSkipped()) return;
    kernel_ = eb::gemm_f32_kernel_for(GetParam());
    ASSERT_NE(kernel_, nullptr) << "no float32 GEMM microkernel for " << eb::isa_name(GetParam());
    const std::string suffix = std::string("_") + (GetParam() == Isa::kAvx512Vnni  ? "avx512"
                                                   : GetParam() == Isa::kNeonDot ? "neon"
                                                                                 : eb::isa_name(GetParam()));
    const std::string name = kernel_->conv_igemm_name;
    ASSERT_EQ(name.substr(name.size() - suffix.size()), suffix) << name;
  }
  const eb::GemmF32Kernel* kernel_ = nullptr;
};

TEST_P(GemmF32Fast, Conv1x1IsGemmOnEveryTail) {
  const int mr = static_cast<int>(kernel_->mr), nr = static_cast<int>(kernel_->nr);
  unsigned seed = 10;
  // Pixel counts around MR (h*w), channel counts around NR.
  for (int hw : {1, mr - 1, mr, 2 * mr + 1, 11})
    for (int cout : {1, nr - 1, nr, 2 * nr, 2 * nr + 3})
      for (int cin : {1, 5, 17}) {
        Case c;
        c.h = hw;
        c.w = 1 + seed % 2;
        c.n = 1 + static_cast<int>(seed % 3 == 0);
        c.cin = cin;
        c.cout = cout;
        c.kh = c.kw = 1;
        c.act = seed % 2 ? Activation::kRelu6 : Activation::kNone;
        c.bias = seed % 5 != 0;
        c.seed = seed++;
        check_case(c, false, GetParam(), Path::kGemm);
      }
}

TEST_P(GemmF32Fast, ConvIndirectOnEveryGeometry) {
  const int nr = static_cast<int>(kernel_->nr);
  std::mt19937 rng(42);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  for (int i = 0; i < 40; ++i) {
    Case c;
    const int kk = std::vector<int>{1, 3, 5, 2}[static_cast<size_t>(i % 4)];
    c.kh = kk;
    c.kw = i % 7 == 0 ? 1 : kk;
    c.sh = 1 + pick(0, 1);
    c.sw = c.sh;
    if (c.kh == 1 && c.kw == 1 && c.sh == 1) c.sh = c.sw = 2;  // 1x1 stride 1 is the plain GEMM path
    c.dh = c.dw = i % 9 == 4 ? 2 : 1;
    c.pad = pick(0, 1) ? Padding::kSame : Padding::kValid;
    c.n = 1 + static_cast<int>(i % 6 == 0);
    c.h = pick(c.kh * c.dh, 13);
    c.w = pick(c.kw * c.dw, 13);
    c.cin = std::vector<int>{1, 3, 8, 16, 19}[static_cast<size_t>(pick(0, 4))];
    c.cout = std::vector<int>{1, nr - 1, nr, nr + 1, 3 * nr}[static_cast<size_t>(pick(0, 4))];
    c.act = std::vector<Activation>{Activation::kNone, Activation::kRelu, Activation::kRelu6,
                                    Activation::kReluN1To1}[static_cast<size_t>(pick(0, 3))];
    c.bias = pick(0, 3) != 0;
    c.seed = 100 + static_cast<unsigned>(i);
    check_case(c, false, GetParam(), Path::kIgemm);
  }
}

TEST_P(GemmF32Fast, FullyConnectedOnEveryTail) {
  const int mr = static_cast<int>(kernel_->mr), nr = static_cast<int>(kernel_->nr);
  unsigned seed = 500;
  for (int batch : {1, mr - 1, mr + 2})
    for (int out : {1, nr - 1, nr, 3 * nr + 5})
      for (int in : {1, 7, 64, 300}) {
        Case c;
        c.n = batch;
        c.cin = in;
        c.cout = out;
        c.act = seed % 3 == 0 ? Activation::kRelu : Activation::kNone;
        c.bias = seed % 4 != 0;
        c.seed = seed++;
        check_case(c, true, GetParam(), Path::kFc);
      }
}

// An output so large that its indirection buffer would pass 32 MiB (700 x 700 pixels x 9 taps x 8
// bytes): the row pointers are then built per tile on the stack instead of cached; same results.
TEST_P(GemmF32Fast, HugeOutputBuildsPointersPerTile) {
  Case c;
  c.h = c.w = 700;
  c.cin = 1;
  c.cout = 2;
  c.act = Activation::kRelu;
  check_case(c, false, GetParam(), Path::kIgemm);
}

// A filter that is computed at run time (not constant) cannot be packed: the reference runs.
TEST_P(GemmF32Fast, RuntimeFilterKeepsTheReference) {
  OpHarness h(OpCode::kConv2D);
  h.set_isa(GetParam());
  h.add_input(DType::kFloat32, {1, 4, 4, 2}, std::vector<float>(32, 1.0f));
  h.add_input(DType::kFloat32, {3, 3, 3, 2}, std::vector<float>(54, 0.5f));
  h.add_omitted_input();
  const int out = h.add_output(DType::kFloat32);
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_STREQ(h.prepared()->kernel_name(), "conv2d_float32_ref");
  EXPECT_FLOAT_EQ(h.output<float>(out)[15], 9.0f);  // pixel (1, 1): 9 taps x 2 channels x 0.5
}

INSTANTIATE_TEST_SUITE_P(Isas, GemmF32Fast, ::testing::ValuesIn(eb::testing::fast_isas()), eb::testing::isa_test_name);

}  // namespace
