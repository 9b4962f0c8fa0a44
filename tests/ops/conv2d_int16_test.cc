// TFLite's 16x8 mode (int16 activations, int8 weights, int64 / int32 bias):
//  - the int64 requantization helper against values worked out by hand from TFLite's definition of
//    MultiplyByQuantizedMultiplier(int64_t, int32_t, int) (kernels/internal/common.h);
//  - the CONV_2D fast path (conv2d_fast_int16.cc) against the reference on odd sizes, padding,
//    strides, dilations, both bias types, 1 to 3 threads: bit-identical, and the fast kernel really ran;
//  - DEPTHWISE_CONV_2D and FULLY_CONNECTED int16 against a direct computation of TFLite's formulas, and
//    the prepare-time refusals (non-zero int16 zero point, int8 bias).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kernels/common/quantization.h"
#include "tests/support/fast_isa.h"
#include "tests/support/op_harness.h"

using eb::Activation;
using eb::DType;
using eb::Isa;
using eb::OpCode;
using eb::Padding;
using eb::Quantization;
using eb::QuantizedMultiplier;
using eb::testing::OpHarness;
using eb::testing::qparams;

namespace {

// TFLite: reduced = (m + 2^15) >> 16 (0x7FFF when m >= 0x7FFF0000); total_shift = 15 - shift;
// result = (x * reduced + 2^(total_shift - 1)) >> total_shift (arithmetic shift).
TEST(Int16Requant, MultiplyByQuantizedMultiplierInt64HandValues) {
  // m = 2^30 (0.5 in Q31), shift 0: reduced = 2^14, total shift 15: x * 2^14 / 2^15 = x / 2, halves up.
  const QuantizedMultiplier half{1 << 30, 0};
  EXPECT_EQ(eb::multiply_by_quantized_multiplier_int64(10, half), 5);
  EXPECT_EQ(eb::multiply_by_quantized_multiplier_int64(11, half), 6);    // 5.5 -> 6
  EXPECT_EQ(eb::multiply_by_quantized_multiplier_int64(-11, half), -5);  // -5.5 -> -5 (towards +inf)
  EXPECT_EQ(eb::multiply_by_quantized_multiplier_int64(-12, half), -6);
  // The multiplier is rounded to 16 bits first: m = 0x40007FFF -> (m + 0x8000) >> 16 = 0x4000 (the low
  // bits lost), m = 0x40008000 -> 0x4001.
  EXPECT_EQ(eb::reduce_multiplier_to_q15(0x40007FFF), 0x4000);
  EXPECT_EQ(eb::reduce_multiplier_to_q15(0x40008000), 0x4001);
  EXPECT_EQ(eb::reduce_multiplier_to_q15(0x7FFF0000), 0x7FFF);  // would round to 0x8000: saturates
  EXPECT_EQ(eb::reduce_multiplier_to_q15(0x7FFFFFFF), 0x7FFF);
  // x = 1000000, m = 0x40008000 (reduced 16385), shift -3: total shift 18,
  // (1000000 * 16385 + 2^17) >> 18 = (16385000000 + 131072) >> 18 = 62504 (16385131072 / 262144 = 62504.27, floored).
  EXPECT_EQ(eb::multiply_by_quantized_multiplier_int64(1000000, QuantizedMultiplier{0x40008000, -3}), 62504);
  // Negative: (-1000000 * 16385 + 131072) >> 18 = floor(-16384868928 / 262144) = floor(-62503.77) = -62504.
  EXPECT_EQ(eb::multiply_by_quantized_multiplier_int64(-1000000, QuantizedMultiplier{0x40008000, -3}), -62504);
  // Exactly half: x = -3, m = 2^30, shift 0: (-3 * 2^14 + 2^14) >> 15 = -1 (-1.5 rounds up to -1).
  EXPECT_EQ(eb::multiply_by_quantized_multiplier_int64(-3, half), -1);
  // Left shifts up to 7: m = 2^30, shift 7: x * 2^14 >> 8 = x * 64.
  EXPECT_EQ(eb::multiply_by_quantized_multiplier_int64(3, QuantizedMultiplier{1 << 30, 7}), 192);
  // An accumulator beyond 32 bits (int64 bias): 2^40 * 0.5 * 2^-20 = 2^19.
  EXPECT_EQ(eb::multiply_by_quantized_multiplier_int64(int64_t{1} << 40, QuantizedMultiplier{1 << 30, -20}),
            1 << 19);
  // quantize_multiplier(0.000123) then the int64 form: within one step of the exact product.
  const QuantizedMultiplier q = eb::quantize_multiplier(0.000123);
  EXPECT_EQ(eb::multiply_by_quantized_multiplier_int64(100000000, q), 12300);
}

struct Case {
  int n = 1, h = 7, w = 9, cin = 5, cout = 11, kh = 3, kw = 3, sh = 1, sw = 1, dh = 1, dw = 1;
  Padding pad = Padding::kSame;
  Activation act = Activation::kNone;
  bool bias32 = false, per_channel = true, bias = true;
  unsigned seed = 1;
};

std::string describe(const Case& c) {
  char buf[200];
  std::snprintf(buf, sizeof(buf), "n%d %dx%dx%d -> %d k%dx%d s%dx%d d%dx%d %s act%d%s%s seed %u", c.n, c.h, c.w, c.cin,
                c.cout, c.kh, c.kw, c.sh, c.sw, c.dh, c.dw, c.pad == Padding::kSame ? "SAME" : "VALID",
                static_cast<int>(c.act), c.bias ? (c.bias32 ? " bias32" : " bias64") : "", c.per_channel ? " pc" : "",
                c.seed);
  return buf;
}

struct Result16 {
  std::vector<int16_t> out;
  std::string kernel;
};

Result16 run_conv(const Case& c, Isa isa, int threads) {
  std::mt19937 rng(c.seed);
  std::uniform_int_distribution<int> xd(-32768, 32767), wd(-127, 127), bd(-3000000, 3000000);
  OpHarness h(OpCode::kConv2D);
  h.set_isa(isa);
  h.set_threads(threads);
  std::vector<int16_t> x(static_cast<size_t>(c.n * c.h * c.w * c.cin));
  for (auto& v : x) v = static_cast<int16_t>(xd(rng));
  const float in_s = 0.0005f;
  h.add_input(DType::kInt16, {c.n, c.h, c.w, c.cin}, x, qparams(in_s, 0));
  Quantization wq;
  for (int oc = 0; oc < (c.per_channel ? c.cout : 1); ++oc) {
    wq.scale.push_back(0.003f + 0.0007f * static_cast<float>(oc % 5));
    wq.zero_point.push_back(0);
  }
  std::vector<int8_t> w(static_cast<size_t>(c.cout * c.kh * c.kw * c.cin));
  for (auto& v : w) v = static_cast<int8_t>(wd(rng));
  h.add_constant(DType::kInt8, {c.cout, c.kh, c.kw, c.cin}, w, wq);
  if (c.bias) {
    if (c.bias32) {
      std::vector<int32_t> b(static_cast<size_t>(c.cout));
      for (auto& v : b) v = bd(rng);
      h.add_constant(DType::kInt32, {c.cout}, b);
    } else {
      std::vector<int64_t> b(static_cast<size_t>(c.cout));
      for (auto& v : b) v = bd(rng);
      h.add_constant(DType::kInt64, {c.cout}, b);
    }
  }
  // Output scale from the accumulator's spread (|x| ~ 2^14, |w| ~ 64, k terms).
  const float k = static_cast<float>(c.kh * c.kw * c.cin);
  const float out_s = in_s * 0.004f * 18000.0f * 70.0f * std::sqrt(k) / 12000.0f;
  const int out = h.add_output(DType::kInt16, qparams(out_s, 0));
  auto& o = h.node().options;
  o.activation = c.act;
  o.padding = c.pad;
  o.stride_h = c.sh;
  o.stride_w = c.sw;
  o.dilation_h = c.dh;
  o.dilation_w = c.dw;
  const eb::Status s = h.prepare_and_run();
  EXPECT_TRUE(s.ok()) << s.message() << " " << describe(c);
  Result16 r;
  if (!s.ok()) return r;
  r.out = h.output<int16_t>(out);
  r.kernel = h.prepared()->kernel_name();
  return r;
}

std::vector<Case> conv_cases() {
  std::vector<Case> cs;
  Case c;
  cs.push_back(c);  // 3x3 SAME, odd sizes
  c.bias32 = true;
  cs.push_back(c);
  c = Case{};
  c.kh = c.kw = 1;
  c.cin = 16;  // 1x1, whole blocks: reads the input in place
  c.cout = 7;
  cs.push_back(c);
  c.cin = 13;  // 1x1, a partial block: gathered
  c.bias = false;
  cs.push_back(c);
  c = Case{};
  c.kh = c.kw = 5;
  c.sh = c.sw = 2;
  c.pad = Padding::kValid;
  c.act = Activation::kRelu6;
  c.h = 13;
  c.w = 11;
  c.per_channel = false;
  cs.push_back(c);
  c = Case{};
  c.dh = 2;
  c.dw = 3;
  c.sh = 2;
  c.act = Activation::kRelu;
  c.n = 2;
  c.w = 10;  // out_w not a multiple of the 4-pixel tile
  cs.push_back(c);
  c = Case{};
  c.h = 3;
  c.w = 3;
  c.cin = 300;  // long rows: K = 2700, two lane flushes are not needed yet but several blocks are
  c.cout = 3;
  c.seed = 7;
  cs.push_back(c);
  c = Case{};
  c.h = 2;
  c.w = 2;
  c.cin = 520;  // K = 4680 > one 4096-value chunk: the int32 lanes are flushed into int64
  c.cout = 2;
  c.bias32 = true;
  c.seed = 9;
  cs.push_back(c);
  return cs;
}

TEST(Conv2DInt16, FastMatchesReference) {
  std::vector<Isa> isas = {Isa::kAvx2};
#if defined(__aarch64__)
  isas = {Isa::kNeon};
#endif
  for (const Case& c : conv_cases()) {
    const Result16 ref = run_conv(c, Isa::kReference, 1);
    ASSERT_FALSE(ref.out.empty()) << describe(c);
    EXPECT_NE(ref.kernel.find("_ref"), std::string::npos) << ref.kernel;
    int distinct = 0;
    for (size_t i = 1; i < ref.out.size(); ++i) distinct += ref.out[i] != ref.out[0];
    EXPECT_GT(distinct, 0) << describe(c);
    for (Isa isa : isas) {
      if (!eb::testing::cpu_has(isa)) continue;
      for (int threads = 1; threads <= 3; ++threads) {
        const Result16 fast = run_conv(c, isa, threads);
        EXPECT_NE(fast.kernel.find("conv2d_qs16_igemm_4x1_"), std::string::npos) << fast.kernel;
        EXPECT_EQ(fast.out, ref.out) << describe(c) << " isa " << eb::isa_name(isa) << " threads " << threads;
      }
    }
  }
}

// The conv reference itself, on one output, against TFLite's formula written out.
TEST(Conv2DInt16, ReferenceIsTfliteFormula) {
  OpHarness h(OpCode::kConv2D);
  const float in_s = 0.001f, w_s = 0.02f, out_s = 0.05f;
  h.add_input(DType::kInt16, {1, 1, 1, 3}, std::vector<int16_t>{30000, -20000, 12345}, qparams(in_s, 0));
  h.add_constant(DType::kInt8, {1, 1, 1, 3}, std::vector<int8_t>{100, 90, -127}, qparams(w_s, 0));
  h.add_constant(DType::kInt64, {1}, std::vector<int64_t>{123456LL});
  const int out = h.add_output(DType::kInt16, qparams(out_s, 0));
  h.node().options.padding = Padding::kValid;
  ASSERT_TRUE(h.prepare_and_run().ok());
  const int64_t acc = 30000LL * 100 - 20000LL * 90 + 12345LL * -127 + 123456LL;
  const QuantizedMultiplier m =
      eb::quantize_multiplier(static_cast<double>(in_s) * static_cast<double>(w_s) / static_cast<double>(out_s));
  const int32_t want = std::clamp(eb::multiply_by_quantized_multiplier_int64(acc, m), -32768, 32767);
  EXPECT_EQ(h.output<int16_t>(out)[0], want);
  EXPECT_EQ(want, -98);  // -244359 * 0.0004 = -97.74
}

TEST(DepthwiseInt16, MultiplierTwoAgainstFormula) {
  OpHarness h(OpCode::kDepthwiseConv2D);
  const float in_s = 0.001f, out_s = 0.01f;
  // 1x2x2x1 input, 2x2 filter, depth multiplier 2: one output pixel with two channels.
  h.add_input(DType::kInt16, {1, 2, 2, 1}, std::vector<int16_t>{1000, -2000, 3000, 4000}, qparams(in_s, 0));
  Quantization wq;
  wq.scale = {0.01f, 0.02f};
  wq.zero_point = {0, 0};
  wq.axis = 3;
  h.add_constant(DType::kInt8, {1, 2, 2, 2}, std::vector<int8_t>{1, -2, 3, 4, -5, 6, 7, -8}, wq);
  h.add_constant(DType::kInt64, {2}, std::vector<int64_t>{500, -700});
  const int out = h.add_output(DType::kInt16, qparams(out_s, 0));
  h.node().options.padding = Padding::kValid;
  ASSERT_TRUE(h.prepare_and_run().ok());
  const std::vector<int16_t> got = h.output<int16_t>(out);
  ASSERT_EQ(got.size(), 2u);
  const int64_t acc0 = 1000 * 1 + -2000 * 3 + 3000 * -5 + 4000 * 7 + 500;
  const int64_t acc1 = 1000 * -2 + -2000 * 4 + 3000 * 6 + 4000 * -8 - 700;
  const auto q = [&](int64_t acc, float ws) {
    return eb::multiply_by_quantized_multiplier_int64(
        acc, eb::quantize_multiplier(static_cast<double>(in_s) * static_cast<double>(ws) / static_cast<double>(out_s)));
  };
  EXPECT_EQ(got[0], q(acc0, 0.01f));
  EXPECT_EQ(got[1], q(acc1, 0.02f));
}

TEST(FullyConnectedInt16, DoubleRequantAndRefusals) {
  const float in_s = 0.002f, w_s = 0.01f, out_s = 0.03f;
  auto make = [&](OpHarness& h, int32_t in_zp, DType bias_type) {
    h.add_input(DType::kInt16, {2, 3}, std::vector<int16_t>{100, -200, 300, 32767, -32768, 5}, qparams(in_s, in_zp));
    h.add_constant(DType::kInt8, {2, 3}, std::vector<int8_t>{7, -8, 9, -127, 127, 3}, qparams(w_s, 0));
    if (bias_type == DType::kInt64) h.add_constant(DType::kInt64, {2}, std::vector<int64_t>{1001, -5});
    if (bias_type == DType::kInt8) h.add_constant(DType::kInt8, {2}, std::vector<int8_t>{1, -5});
    return h.add_output(DType::kInt16, qparams(out_s, 0));
  };
  {
    OpHarness h(OpCode::kFullyConnected);
    const int out = make(h, 0, DType::kInt64);
    ASSERT_TRUE(h.prepare_and_run().ok());
    const double scale = static_cast<double>(in_s) * static_cast<double>(w_s) / static_cast<double>(out_s);
    const int64_t acc[4] = {100 * 7 + -200 * -8 + 300 * 9 + 1001, 100 * -127 + -200 * 127 + 300 * 3 - 5,
                            32767 * 7 + -32768 * -8 + 5 * 9 + 1001, 32767 * -127 + -32768 * 127 + 5 * 3 - 5};
    const std::vector<int16_t> got = h.output<int16_t>(out);
    for (int i = 0; i < 4; ++i)
      EXPECT_EQ(got[static_cast<size_t>(i)], std::clamp<double>(std::round(static_cast<double>(acc[i]) * scale),
                                                                 -32768.0, 32767.0))
          << i;
    EXPECT_STREQ(h.prepared()->kernel_name(), "fully_connected_qs16_ref");
  }
  {
    OpHarness h(OpCode::kFullyConnected);
    make(h, 3, DType::kInt64);
    const eb::Status s = h.prepare();
    EXPECT_FALSE(s.ok());
    EXPECT_NE(s.message().find("zero point 3"), std::string::npos) << s.message();
  }
  {
    OpHarness h(OpCode::kFullyConnected);
    make(h, 0, DType::kInt8);
    const eb::Status s = h.prepare();
    EXPECT_FALSE(s.ok());
    EXPECT_NE(s.message().find("int64 or int32"), std::string::npos) << s.message();
  }
}

}  // namespace
