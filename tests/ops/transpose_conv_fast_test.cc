// TRANSPOSE_CONV float32's GEMM + col2im path (transpose_conv_fast_f32.cc) under every fast ISA this CPU
// has, with 1 to 3 threads, against the reference scatter: within float tolerance (FMA), bit-identical
// across thread counts, and reporting the GEMM kernel. Shapes cover strides 1-3, SAME/VALID, odd output
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

INSTANTIATE_TEST_SUITE_P(Isas, TransposeConvFast, ::testing::ValuesIn(eb::testing::fast_isas()),
                         eb::testing::isa_test_name);

}  // namespace
