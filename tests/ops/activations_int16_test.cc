// int16 (16x8 mode) RELU, RELU6, LEAKY_RELU, LOGISTIC, TANH: values worked out by hand from TFLite's
// definitions (sigmoid_table_uint16 interpolation, gemmlowp's Q3.12 fixed point, the fixed-point
// multipliers), accuracy against the real functions on every int16 input, the kernel chosen for
// power-of-two and other input scales, and Prepare's refusals.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/ops/activations/activations.h"
#include "tests/support/fast_isa.h"
#include "tests/support/op_harness.h"

namespace eb::testing {
namespace {

std::vector<int16_t> all_int16() {
  std::vector<int16_t> v;
  for (int32_t i = -32768; i <= 32767; ++i) v.push_back(static_cast<int16_t>(i));
  return v;
}

struct Result16 {
  Status status;
  std::vector<int16_t> y;
  std::string kernel;
};

Result16 run16(OpCode op, const std::vector<int16_t>& x, float is, float os, float alpha = 0.2f, int64_t izp = 0,
          int64_t ozp = 0, Isa isa = Isa::kReference) {
  OpHarness h(op);
  h.add_input(DType::kInt16, {static_cast<int32_t>(x.size())}, x, qparams(is, izp));
  const int o = h.add_output(DType::kInt16, qparams(os, ozp));
  h.node().options.alpha = alpha;
  h.set_isa(isa);
  Result16 r;
  r.status = h.prepare();
  if (!r.status.ok()) return r;
  h.run();
  r.kernel = h.prepared()->kernel_name();
  r.y = h.output<int16_t>(o);
  return r;
}

constexpr float kOut = 1.0f / 32768;

TEST(ActivationsInt16, LogisticLutHandValues) {
  // Scale 2^-10 is a power of two, but input_left_shift = 12 - 10 != 0: the table path, with
  // input_multiplier = 12 * 2^11 = 24576 and shift 11 (x = 1024, i.e. 1.0, lands on entry 24 exactly).
  const Result16 r = run16(OpCode::kLogistic, {0, 1024, -1024, 32767, -32768, 1}, 1.0f / 1024, kOut);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.kernel, "logistic_qs16_lut_ref");
  EXPECT_EQ(r.y[0], 16384);  // (32768 << 9 + 512) >> 10
  EXPECT_EQ(r.y[1], 23956);  // entry 24 = 47911: (47911 << 9 + 512) >> 10
  EXPECT_EQ(r.y[2], 8812);   // ((1 << 25) - (47911 << 9) + 511) >> 10
  EXPECT_EQ(r.y[3], 32767);  // 32 in table steps: index 255 saturates to 0x7FFF << 10
  EXPECT_EQ(r.y[4], 1);      // ... and its mirror ((1 << 25) - (0x7FFF << 10) + 511) >> 10
  // x = 1: 24576 + 1024 >> 11 = 12 steps of 1/12288; (32768 << 9) + 12 * 683 + 512 >> 10.
  EXPECT_EQ(r.y[5], 16392);
}

TEST(ActivationsInt16, TanhLutHandValues) {
  const Result16 r = run16(OpCode::kTanh, {0, 512, -512, 32767, -32768}, 1.0f / 1024, kOut);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.kernel, "tanh_qs16_lut_ref");
  EXPECT_EQ(r.y[0], 0);       // (32768 << 8) - (1 << 23) + 128 >> 8
  EXPECT_EQ(r.y[1], 15143);   // tanh(0.5) = 2 sigmoid(1) - 1: ((47911 << 8) - (1 << 23) + 128) >> 8
  EXPECT_EQ(r.y[2], -15143);  // (-(47911 << 8) + (1 << 23) + 127) >> 8 = floor(-15142.5)
  EXPECT_EQ(r.y[3], 32767);   // saturated: (0xFFFF << 8) - (1 << 23) + 128 >> 8
  EXPECT_EQ(r.y[4], -32767);  // (-(0xFFFF << 8) + (1 << 23) + 127) >> 8 = floor(-32766.5)
}

TEST(ActivationsInt16, PowerOfTwoScalesUseGemmlowpFixedPoint) {
  // LOGISTIC: only 2^-12 (the input is Q3.12 as it stands); TANH: 2^-12 and 2^-11 (doubled first).
  const Result16 l = run16(OpCode::kLogistic, {0, 4096, -4096, 32767}, 1.0f / 4096, kOut);
  ASSERT_TRUE(l.status.ok()) << l.status.message();
  EXPECT_EQ(l.kernel, "logistic_qs16_q3_ref");
  EXPECT_EQ(l.y[0], 16384);
  // gemmlowp's int16 logistic is a few steps off: sigmoid(1) * 32768 = 23955.35.
  EXPECT_NEAR(l.y[1], 23955.35, 7.0);
  EXPECT_EQ(l.y[1] + l.y[2], 32767);  // logistic(-x) = 1 - logistic(x), 1 being 32767
  EXPECT_NEAR(l.y[3], 32757.0, 7.0);  // sigmoid(7.99976)
  const Result16 t11 = run16(OpCode::kTanh, {0, 1024, 32767, -32768}, 1.0f / 2048, kOut);
  ASSERT_TRUE(t11.status.ok()) << t11.status.message();
  EXPECT_EQ(t11.kernel, "tanh_qs16_q3_ref");
  EXPECT_EQ(t11.y[0], 0);
  EXPECT_NEAR(t11.y[1], 15142.6, 12.0);  // tanh(0.5)
  EXPECT_NEAR(t11.y[2], 32767, 12.0);    // 16 saturates to 8 (Q3.12) when doubled: tanh(8)
  EXPECT_EQ(t11.y[3], -t11.y[2]);  // gemmlowp tanh is odd
  EXPECT_EQ(run16(OpCode::kTanh, {0}, 1.0f / 4096, kOut).kernel, "tanh_qs16_q3_ref");
  // Within CheckedLog2's 1e-3 of a power of two still counts as one.
  EXPECT_EQ(run16(OpCode::kLogistic, {0}, 1.0002f / 4096, kOut).kernel, "logistic_qs16_q3_ref");
  EXPECT_EQ(run16(OpCode::kLogistic, {0}, 1.0f / 2048, kOut).kernel, "logistic_qs16_lut_ref");
  EXPECT_EQ(run16(OpCode::kTanh, {0}, 1.0f / 8192, kOut).kernel, "tanh_qs16_lut_ref");
}

// Every int16 input within 2 steps of the real function (the table's interpolation and TFLite's
// rounding), for scales that are and are not powers of two; outside the table's +-10.7 both saturate.
TEST(ActivationsInt16, AccurateOnEveryInput) {
  const auto x = all_int16();
  for (float is : {0.00027466658f, 1.0f / 4096, 1.0f / 1024, 1.0f / 2048, 0.0030518509f, 2.1362956e-05f}) {
    for (OpCode op : {OpCode::kLogistic, OpCode::kTanh}) {
      const Result16 r = run16(op, x, is, kOut);
      ASSERT_TRUE(r.status.ok()) << r.status.message();
      // TFLite's own error, in output steps: the table interpolation within 1.5 (LOGISTIC) and 3 (TANH,
      // twice the slope), gemmlowp's int16 fixed point (constants rounded to 16 bits) within 7 and 12.
      const bool lut = r.kernel.find("_lut_") != std::string::npos;
      const double tolerance = op == OpCode::kLogistic ? (lut ? 1.5 : 7.0) : (lut ? 3.0 : 12.0);
      for (size_t i = 0; i < x.size(); ++i) {
        const double v = x[i] * static_cast<double>(is);
        const double want = op == OpCode::kLogistic ? 1.0 / (1.0 + std::exp(-v)) : std::tanh(v);
        ASSERT_NEAR(r.y[i], std::min(32767.0, want * 32768), tolerance)
            << r.kernel << " scale " << is << " x " << x[i];
      }
    }
  }
}

TEST(ActivationsInt16, ReluRelu6Rescale) {
  const auto x = all_int16();
  const Result16 same = run16(OpCode::kRelu, x, 0.01f, 0.01f);
  ASSERT_TRUE(same.status.ok()) << same.status.message();
  EXPECT_EQ(same.kernel, "relu_qs16_ref");
  for (size_t i = 0; i < x.size(); ++i) ASSERT_EQ(same.y[i], std::max<int16_t>(x[i], 0));
  // RELU6 at scale 0.001: the top is round(6 / 0.001) = 6000.
  const Result16 r6 = run16(OpCode::kRelu6, x, 0.001f, 0.001f);
  ASSERT_TRUE(r6.status.ok());
  EXPECT_EQ(r6.kernel, "relu6_qs16_ref");
  for (size_t i = 0; i < x.size(); ++i) ASSERT_EQ(r6.y[i], std::min<int16_t>(std::max<int16_t>(x[i], 0), 6000));
  // in/out = 1.5: 3 -> 4.5 -> 5 (rounded half up), 32767 saturates.
  const Result16 up = run16(OpCode::kRelu, {3, 2, -7, 32767}, 0.003f, 0.002f);
  ASSERT_TRUE(up.status.ok());
  EXPECT_EQ(up.y, (std::vector<int16_t>{5, 3, 0, 32767}));
}

TEST(ActivationsInt16, LeakyRelu) {
  // alpha 0.1 = 0.8 * 2^-3: -15 -> -12 (exact high mul) -> -1.5 rounded away from zero -> -2.
  const Result16 r = run16(OpCode::kLeakyRelu, {-15, -100, -32768, 0, 7, 32767}, 0.01f, 0.01f, 0.1f);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.kernel, "leaky_relu_qs16_ref");
  EXPECT_EQ(r.y, (std::vector<int16_t>{-2, -10, -3277, 0, 7, 32767}));
  // alpha 1.7 with output scale 1.7x: the negative side is the identity, the positive one shrinks.
  const Result16 s = run16(OpCode::kLeakyRelu, {-32768, -100, 100, 32767}, 0.01f, 0.017f, 1.7f);
  ASSERT_TRUE(s.status.ok());
  EXPECT_EQ(s.y, (std::vector<int16_t>{-32768, -100, 59, 19275}));
}

TEST(ActivationsInt16, RefusesWhatTfliteRefuses) {
  auto refused = [](const Result16& r, const char* what) {
    EXPECT_FALSE(r.status.ok());
    EXPECT_NE(r.status.message().find(what), std::string::npos) << r.status.message();
    EXPECT_EQ(r.status.message().find('\n'), std::string::npos);
  };
  refused(run16(OpCode::kLogistic, {0}, 0.001f, 1.0f / 256), "scale 1/32768");
  refused(run16(OpCode::kTanh, {0}, 0.001f, 2.0f / 32768), "scale 1/32768");
  refused(run16(OpCode::kLogistic, {0}, 0.001f, kOut, 0.2f, 3, 0), "zero point 0");
  refused(run16(OpCode::kRelu, {0}, 0.001f, 0.001f, 0.2f, 0, -5), "zero point 0");
  refused(run16(OpCode::kLeakyRelu, {0}, 0.001f, 0.001f, -0.5f), "alpha");
  refused(run16(OpCode::kLogistic, {0}, 100.0f, kOut), "int32 overflow");
  refused(run16(OpCode::kHardSwish, {0}, 0.001f, 0.001f), "int16");
}

TEST(ActivationsInt16, SigmoidTableEndpoints) {
  EXPECT_EQ(kSigmoidTableUint16[0], 32768);    // sigmoid(0) in Q0.16
  EXPECT_EQ(kSigmoidTableUint16[24], 47911);   // sigmoid(1)
  EXPECT_EQ(kSigmoidTableUint16[255], 65535);  // sigmoid(10.625), saturated below 1
  for (int i = 1; i < 256; ++i) ASSERT_GE(kSigmoidTableUint16[i], kSigmoidTableUint16[i - 1]);
}

// The fast paths bind the same kernels.
TEST(ActivationsInt16, AutoEngineSameKernels) {
  const auto x = all_int16();
  for (OpCode op : {OpCode::kLogistic, OpCode::kTanh, OpCode::kRelu, OpCode::kLeakyRelu}) {
    const float os = op == OpCode::kLogistic || op == OpCode::kTanh ? kOut : 0.001f;
    const Result16 ref = run16(op, x, 0.001f, os);
    const Result16 fast = run16(op, x, 0.001f, os, 0.2f, 0, 0, fast_isas().front());
    ASSERT_TRUE(fast.status.ok());
    EXPECT_EQ(fast.y, ref.y);
  }
}

}  // namespace
}  // namespace eb::testing
