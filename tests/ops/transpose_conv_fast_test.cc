// TRANSPOSE_CONV's GEMM + col2im paths under every fast ISA this CPU has, with 1 to 3 threads, against
// the reference scatter: float32 (transpose_conv_fast_f32.cc) within float tolerance (FMA) and
// bit-identical across thread counts; int8 (transpose_conv_fast_qs8.cc, on ISAs with the 4-channel int8
// GEMM and in_c % 4 == 0) bit-identical to the reference. Each reports its GEMM kernel. Shapes cover strides 1-3, SAME/VALID, odd output
// sizes, channel counts around the microkernel's NR, batches, no bias, activations, and an input split
// into several row bands.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
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
using eb::Quantization;
using eb::testing::qparams;
using eb::testing::OpHarness;

namespace {

struct Case {
  int n = 1, h = 4, w = 4, cin = 3, cout = 5, kh = 3, kw = 3, stride = 2, out_h = 8, out_w = 8;
  Padding pad = Padding::kSame;
  Activation act = Activation::kNone;
  bool bias = true;
};

struct RunResult {
  std::vector<float> out;
  std::string kernel;
};

RunResult run_op(const Case& c, Isa isa, int threads) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  auto rnd = [&](size_t n) {
    std::vector<float> v(n);
    for (float& x : v) x = d(rng);
    return v;
  };
  OpHarness h(OpCode::kTransposeConv);
  h.set_isa(isa);
  h.set_threads(threads);
  h.add_constant(DType::kInt32, {4}, std::vector<int32_t>{c.n, c.out_h, c.out_w, c.cout});
  h.add_constant(DType::kFloat32, {c.cout, c.kh, c.kw, c.cin}, rnd(static_cast<size_t>(c.cout * c.kh * c.kw * c.cin)));
  h.add_input(DType::kFloat32, {c.n, c.h, c.w, c.cin}, rnd(static_cast<size_t>(c.n * c.h * c.w * c.cin)));
  if (c.bias) h.add_constant(DType::kFloat32, {c.cout}, rnd(static_cast<size_t>(c.cout)));
  const int out = h.add_output(DType::kFloat32);
  h.node().options.padding = c.pad;
  h.node().options.stride_h = h.node().options.stride_w = c.stride;
  h.node().options.activation = c.act;
  EXPECT_TRUE(h.prepare_and_run().ok());
  return {h.output<float>(out), h.prepared()->kernel_name()};
}

// The int8 op with per-channel weights, random data from a fixed seed.
RunResult run_qs8(const Case& c, Isa isa, int threads) {
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> d(-128, 127), wd(-127, 127), bd(-2000, 2000);
  OpHarness h(OpCode::kTransposeConv);
  h.set_isa(isa);
  h.set_threads(threads);
  h.add_constant(DType::kInt32, {4}, std::vector<int32_t>{c.n, c.out_h, c.out_w, c.cout});
  std::vector<int8_t> w(static_cast<size_t>(c.cout * c.kh * c.kw * c.cin));
  for (int8_t& v : w) v = static_cast<int8_t>(wd(rng));
  Quantization wq;
  for (int o = 0; o < c.cout; ++o) {
    wq.scale.push_back(0.002f + 0.0005f * static_cast<float>(o % 7));
    wq.zero_point.push_back(0);
  }
  h.add_constant(DType::kInt8, {c.cout, c.kh, c.kw, c.cin}, w, wq);
  std::vector<int8_t> x(static_cast<size_t>(c.n * c.h * c.w * c.cin));
  for (int8_t& v : x) v = static_cast<int8_t>(d(rng));
  h.add_input(DType::kInt8, {c.n, c.h, c.w, c.cin}, x, qparams(0.05f, -7));
  if (c.bias) {
    std::vector<int32_t> b(static_cast<size_t>(c.cout));
    for (int32_t& v : b) v = bd(rng);
    h.add_constant(DType::kInt32, {c.cout}, b);
  }
  const int out = h.add_output(DType::kInt8, qparams(0.1f, 3));
  h.node().options.padding = c.pad;
  h.node().options.stride_h = h.node().options.stride_w = c.stride;
  h.node().options.activation = c.act;
  EXPECT_TRUE(h.prepare_and_run().ok());
  const std::vector<int8_t> y = h.output<int8_t>(out);
  return {std::vector<float>(y.begin(), y.end()), h.prepared()->kernel_name()};
}

class TransposeConvFast : public eb::testing::FastIsaTest {};

TEST_P(TransposeConvFast, MatchesReference) {
  std::vector<Case> cases;
  cases.push_back(Case{});
  Case c;
  c = Case{};  c.stride = 1; c.out_h = 4; c.out_w = 4; c.cin = 16; c.cout = 17; cases.push_back(c);
  c = Case{};  c.pad = Padding::kValid; c.kh = c.kw = 2; c.out_h = 8; c.out_w = 8; c.cout = 16; c.bias = false; cases.push_back(c);
  c = Case{};  c.n = 2; c.h = 3; c.w = 5; c.out_h = 7; c.out_w = 9; c.cin = 9; c.cout = 33; c.act = Activation::kRelu6; cases.push_back(c);
  c = Case{};  c.stride = 3; c.kh = 4; c.kw = 2; c.h = 3; c.w = 3; c.out_h = 9; c.out_w = 9; c.act = Activation::kRelu; cases.push_back(c);
  // 1024 GEMM columns per pixel over 40 columns: the cols scratch takes the input in two bands.
  c = Case{};  c.h = c.w = 40; c.out_h = c.out_w = 80; c.kh = c.kw = 4; c.cin = 8; c.cout = 64; cases.push_back(c);
  for (const Case& k : cases) {
    const RunResult ref = run_op(k, Isa::kReference, 1);
    ASSERT_EQ(ref.kernel, "transpose_conv_f32_ref");
    std::vector<float> first;
    for (int threads = 1; threads <= 3; ++threads) {
      const RunResult fast = run_op(k, GetParam(), threads);
      EXPECT_NE(fast.kernel.find("transpose_conv_f32_gemm_"), std::string::npos) << fast.kernel;
      ASSERT_EQ(fast.out.size(), ref.out.size());
      for (size_t i = 0; i < ref.out.size(); ++i)
        ASSERT_NEAR(fast.out[i], ref.out[i], 1e-5f * std::max(1.0f, std::fabs(ref.out[i]))) << i << " cout " << k.cout;
      if (threads == 1) first = fast.out;
      else EXPECT_EQ(fast.out, first) << "threads " << threads;
    }
  }
}

TEST_P(TransposeConvFast, Int8MatchesReferenceExactly) {
  std::vector<Case> cases;
  Case c;
  c = Case{};  c.cin = 4; cases.push_back(c);
  c = Case{};  c.n = 2; c.stride = 1; c.out_h = 4; c.out_w = 4; c.cin = 16; c.cout = 17; c.act = Activation::kRelu; cases.push_back(c);
  c = Case{};  c.pad = Padding::kValid; c.kh = c.kw = 2; c.cin = 8; c.cout = 40; c.bias = false; cases.push_back(c);
  c = Case{};  c.h = 3; c.w = 5; c.out_h = 7; c.out_w = 9; c.cin = 12; c.cout = 3; cases.push_back(c);
  for (const Case& k : cases) {
    const RunResult ref = run_qs8(k, Isa::kReference, 1);
    ASSERT_EQ(ref.kernel, "transpose_conv_qs8_ref");
    for (int threads = 1; threads <= 3; ++threads) {
      const RunResult fast = run_qs8(k, GetParam(), threads);
      if (fast.kernel == "transpose_conv_qs8_ref") GTEST_SKIP() << "no 4-channel int8 GEMM on this ISA";
      EXPECT_NE(fast.kernel.find("transpose_conv_qs8_gemm_"), std::string::npos) << fast.kernel;
      EXPECT_EQ(fast.out, ref.out) << "cout " << k.cout << " threads " << threads;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Isas, TransposeConvFast, ::testing::ValuesIn(eb::testing::fast_isas()),
                         eb::testing::isa_test_name);

}  // namespace
