// FULLY_CONNECTED: float32, int8 (per-tensor / per-channel), uint8 with a weights zero point, hybrid
// (symmetric and asymmetric input quantization), output shapes, refusals. Expectations come from
// double-precision loops written here, or by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kernels/ops/fully_connected/fully_connected.h"
#include "tests/support/op_harness.h"

using eb::Activation;
using eb::DType;
using eb::OpCode;
using eb::Quantization;
using eb::Shape;
using eb::Status;
using eb::testing::OpHarness;
using eb::testing::qparams;

namespace {

std::vector<float> random_floats(size_t n, float lo, float hi, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (float& f : v) f = d(rng);
  return v;
}

template <typename T>
std::vector<T> random_ints(size_t n, int lo, int hi, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<T> v(n);
  for (T& x : v) x = static_cast<T>(d(rng));
  return v;
}

// y[b][o] = bias[o] + sum_i x[b][i] * w[o][i], in double.
std::vector<double> fc_ref(const std::vector<double>& x, const std::vector<double>& w, const std::vector<double>& bias,
                           int batch, int in, int out) {
  std::vector<double> y(static_cast<size_t>(batch * out));
  for (int b = 0; b < batch; ++b)
    for (int o = 0; o < out; ++o) {
      double acc = bias.empty() ? 0.0 : bias[static_cast<size_t>(o)];
      for (int i = 0; i < in; ++i)
        acc += x[static_cast<size_t>(b * in + i)] * w[static_cast<size_t>(o * in + i)];
      y[static_cast<size_t>(b * out + o)] = acc;
    }
  return y;
}

template <typename T>
std::vector<double> to_double(const std::vector<T>& v, double offset = 0.0) {
  std::vector<double> d(v.size());
  for (size_t i = 0; i < v.size(); ++i) d[i] = static_cast<double>(v[i]) - offset;
  return d;
}

Quantization per_channel_q(const std::vector<float>& scales) {
  Quantization q;
  q.scale = scales;
  q.zero_point.assign(scales.size(), 0);
  q.axis = 0;
  return q;
}

// ---------------------------------------------------------------------------------------------- float32

void check_float(int batch, int in, int out, bool with_bias, Activation act, unsigned seed) {
  const auto x = random_floats(static_cast<size_t>(batch * in), -2.0f, 2.0f, seed);
  const auto w = random_floats(static_cast<size_t>(out * in), -1.0f, 1.0f, seed + 1);
  const auto b = random_floats(static_cast<size_t>(out), -1.0f, 1.0f, seed + 2);
  OpHarness h(OpCode::kFullyConnected);
  h.add_input(DType::kFloat32, {batch, in}, x);
  h.add_constant(DType::kFloat32, {out, in}, w);
  if (with_bias) h.add_constant(DType::kFloat32, {out}, b);
  const int o = h.add_output(DType::kFloat32);
  h.node().options.activation = act;
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.tensor(o).shape, (Shape{batch, out}));
  EXPECT_STREQ(h.prepared()->kernel_name(), "fully_connected_float32_ref");
  const auto ref = fc_ref(to_double(x), to_double(w), with_bias ? to_double(b) : std::vector<double>{}, batch, in, out);
  const auto y = h.output<float>(o);
  ASSERT_EQ(y.size(), ref.size());
  for (size_t i = 0; i < y.size(); ++i) {
    double e = ref[i];
    if (act == Activation::kRelu) e = std::max(e, 0.0);
    if (act == Activation::kRelu6) e = std::min(std::max(e, 0.0), 6.0);
    if (act == Activation::kReluN1To1) e = std::min(std::max(e, -1.0), 1.0);
    EXPECT_NEAR(y[i], e, 1e-5 * in) << i;
  }
}

TEST(FullyConnectedFloat, HandComputed) {
  OpHarness h(OpCode::kFullyConnected);
  h.add_input(DType::kFloat32, {1, 3}, std::vector<float>{1, 2, 3});
  h.add_constant(DType::kFloat32, {2, 3}, std::vector<float>{1, 0, -1, 0.5f, 0.5f, 0.5f});
  h.add_constant(DType::kFloat32, {2}, std::vector<float>{10, -1});
  const int o = h.add_output(DType::kFloat32);
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.output<float>(o), (std::vector<float>{8.0f, 2.0f}));  // 1-3+10, 3-1
}

TEST(FullyConnectedFloat, Batch3WithBias) { check_float(3, 7, 5, true, Activation::kNone, 1); }
TEST(FullyConnectedFloat, OneByOne) { check_float(1, 1, 1, true, Activation::kNone, 2); }
TEST(FullyConnectedFloat, NoBiasInputListedAsOmitted) {
  OpHarness h(OpCode::kFullyConnected);
  h.add_input(DType::kFloat32, {2, 2}, std::vector<float>{1, 2, 3, 4});
  h.add_constant(DType::kFloat32, {1, 2}, std::vector<float>{1, -1});
  h.add_omitted_input();
  const int o = h.add_output(DType::kFloat32);
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.output<float>(o), (std::vector<float>{-1.0f, -1.0f}));
}
TEST(FullyConnectedFloat, NoBiasTwoInputs) { check_float(2, 9, 4, false, Activation::kNone, 3); }
TEST(FullyConnectedFloat, ActivationClamps) {
  check_float(4, 6, 8, true, Activation::kRelu, 4);
  check_float(4, 6, 8, true, Activation::kRelu6, 5);
  check_float(4, 6, 8, true, Activation::kReluN1To1, 6);
}

TEST(FullyConnectedFloat, FlattensHigherRankInput) {
  // [1, 2, 2, 3] with in = 12: one row.
  const auto x = random_floats(12, -1, 1, 7);
  const auto w = random_floats(24, -1, 1, 8);
  OpHarness h(OpCode::kFullyConnected);
  h.add_input(DType::kFloat32, {1, 2, 2, 3}, x);
  h.add_constant(DType::kFloat32, {2, 12}, w);
  const int o = h.add_output(DType::kFloat32);
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.tensor(o).shape, (Shape{1, 2}));
  const auto ref = fc_ref(to_double(x), to_double(w), {}, 1, 12, 2);
  const auto y = h.output<float>(o);
  for (size_t i = 0; i < 2; ++i) EXPECT_NEAR(y[i], ref[i], 1e-5);
}

TEST(FullyConnectedFloat, KeepNumDimsKeepsLeadingDimensions) {
  for (bool keep : {false, true}) {
    OpHarness h(OpCode::kFullyConnected);
    h.add_input(DType::kFloat32, {2, 3, 4}, random_floats(24, -1, 1, 9));
    h.add_constant(DType::kFloat32, {5, 4}, random_floats(20, -1, 1, 10));
    const int o = h.add_output(DType::kFloat32);
    h.node().options.keep_num_dims = keep;
    ASSERT_TRUE(h.prepare().ok());
    EXPECT_EQ(h.tensor(o).shape, keep ? (Shape{2, 3, 5}) : (Shape{6, 5}));
  }
}

TEST(FullyConnectedFloat, WeightsComputedAtRunTimeAreRead) {
  // Weights that are not constants (e.g. produced by DEQUANTIZE) come from the run-time pointers.
  OpHarness h(OpCode::kFullyConnected);
  h.add_input(DType::kFloat32, {1, 2}, std::vector<float>{3, 4});
  h.add_input(DType::kFloat32, {1, 2}, std::vector<float>{2, -1});
  h.add_input(DType::kFloat32, {1}, std::vector<float>{0.5f});
  const int o = h.add_output(DType::kFloat32);
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.output<float>(o), (std::vector<float>{2.5f}));
}

// ------------------------------------------------------------------------------------------------- int8

TEST(FullyConnectedInt8, RoundsHalfToEvenLikeXnnpack) {
  // scale = 0.5 * 0.5 / 0.5 = 0.5: accumulators 5, 7, -5, -7 land exactly on .5 ties.
  // XNNPACK's fp32 requantization rounds them to even (2, 4, -2, -4); TFLite's fixed point would not.
  OpHarness h(OpCode::kFullyConnected);
  h.add_input(DType::kInt8, {4, 1}, std::vector<int8_t>{5, 7, -5, -7}, qparams(0.5f, 0));
  h.add_constant(DType::kInt8, {1, 1}, std::vector<int8_t>{1}, qparams(0.5f, 0));
  const int o = h.add_output(DType::kInt8, qparams(0.5f, 0));
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.output<int8_t>(o), (std::vector<int8_t>{2, 4, -2, -4}));
  EXPECT_EQ(h.tensor(o).shape, (Shape{4, 1}));
}

TEST(FullyConnectedInt8, InputZeroPointAndBiasHandComputed) {
  // x - zp = {2, -1, 3}; w = {1, 2, 3}: dot = 2 - 2 + 9 = 9; + bias 3 = 12; * (1*0.5/2 = 0.25) = 3; + zp 10.
  OpHarness h(OpCode::kFullyConnected);
  h.add_input(DType::kInt8, {1, 3}, std::vector<int8_t>{-3, -6, -2}, qparams(1.0f, -5));
  h.add_constant(DType::kInt8, {1, 3}, std::vector<int8_t>{1, 2, 3}, qparams(0.5f, 0));
  h.add_constant(DType::kInt32, {1}, std::vector<int32_t>{3}, qparams(0.5f, 0));
  const int o = h.add_output(DType::kInt8, qparams(2.0f, 10));
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.output<int8_t>(o), (std::vector<int8_t>{13}));
}

// Random int8 FC against the real-valued result: exact where the real value is not within 1e-3 of a
// rounding tie, and never more than one step away.
void check_int8(int batch, int in, int out, bool per_channel, Activation act, unsigned seed) {
  const float in_s = 0.05f, out_s = 0.4f;
  const int32_t in_zp = -7, out_zp = 3;
  std::vector<float> ws(static_cast<size_t>(out));
  for (int c = 0; c < out; ++c) ws[static_cast<size_t>(c)] = per_channel ? 0.01f * static_cast<float>(c + 1) : 0.02f;
  const auto x = random_ints<int8_t>(static_cast<size_t>(batch * in), -128, 127, seed);
  const auto w = random_ints<int8_t>(static_cast<size_t>(out * in), -127, 127, seed + 1);
  const auto b = random_ints<int32_t>(static_cast<size_t>(out), -2000, 2000, seed + 2);
  OpHarness h(OpCode::kFullyConnected);
  h.add_input(DType::kInt8, {batch, in}, x, qparams(in_s, in_zp));
  std::vector<float> bs(ws.size());
  for (size_t c = 0; c < ws.size(); ++c) bs[c] = in_s * ws[c];
  h.add_constant(DType::kInt8, {out, in}, w, per_channel ? per_channel_q(ws) : qparams(ws[0], 0));
  h.add_constant(DType::kInt32, {out}, b, per_channel ? per_channel_q(bs) : qparams(bs[0], 0));
  const int o = h.add_output(DType::kInt8, qparams(out_s, out_zp));
  h.node().options.activation = act;
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_STREQ(h.prepared()->kernel_name(),
               per_channel ? "fully_connected_int8_per_channel_ref" : "fully_connected_int8_ref");
  const auto acc = fc_ref(to_double(x, in_zp), to_double(w), to_double(b), batch, in, out);
  const auto y = h.output<int8_t>(o);
  int lo = -128, hi = 127;
  if (act == Activation::kRelu) lo = out_zp;
  if (act == Activation::kRelu6) lo = out_zp, hi = out_zp + static_cast<int>(std::round(6.0 / out_s));
  int exact = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    const int c = static_cast<int>(i % static_cast<size_t>(out));
    const double real = acc[i] * in_s * ws[static_cast<size_t>(c)] / out_s;
    const double e = std::clamp(std::nearbyint(real) + out_zp, static_cast<double>(lo), static_cast<double>(hi));
    const bool near_tie = std::fabs(real - std::floor(real) - 0.5) < 1e-3;
    EXPECT_LE(std::fabs(y[i] - e), near_tie ? 1.0 : 0.0) << "element " << i << " real " << real;
    exact += y[i] == e;
  }
  EXPECT_GT(exact, static_cast<int>(y.size()) * 9 / 10);
}

TEST(FullyConnectedInt8, PerTensorRandom) { check_int8(2, 33, 7, false, Activation::kNone, 11); }
TEST(FullyConnectedInt8, PerChannelRandom) { check_int8(3, 16, 9, true, Activation::kNone, 12); }
TEST(FullyConnectedInt8, ReluAndRelu6Clamp) {
  check_int8(2, 20, 6, true, Activation::kRelu, 13);
  check_int8(2, 20, 6, false, Activation::kRelu6, 14);
}

// ------------------------------------------------------------------------------------------------ uint8

TEST(FullyConnectedUint8, WeightsZeroPointIsSubtracted) {
  // x - 128 = {1, -2}; w - 100 = {3, 1}: dot = 3 - 2 = 1; + bias 7 = 8; * (0.5*0.25/0.125 = 1) + zp 20 = 28.
  OpHarness h(OpCode::kFullyConnected);
  h.add_input(DType::kUInt8, {1, 2}, std::vector<uint8_t>{129, 126}, qparams(0.5f, 128));
  h.add_constant(DType::kUInt8, {1, 2}, std::vector<uint8_t>{103, 101}, qparams(0.25f, 100));
  h.add_constant(DType::kInt32, {1}, std::vector<int32_t>{7}, qparams(0.125f, 0));
  const int o = h.add_output(DType::kUInt8, qparams(0.125f, 20));
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.output<uint8_t>(o), (std::vector<uint8_t>{28}));
  EXPECT_STREQ(h.prepared()->kernel_name(), "fully_connected_uint8_ref");
}

TEST(FullyConnectedUint8, RandomMatchesRealValuedAndClamps) {
  const int batch = 2, in = 25, out = 6;
  const float in_s = 0.02f, w_s = 0.01f, out_s = 0.05f;
  const auto x = random_ints<uint8_t>(static_cast<size_t>(batch * in), 0, 255, 21);
  const auto w = random_ints<uint8_t>(static_cast<size_t>(out * in), 0, 255, 22);
  OpHarness h(OpCode::kFullyConnected);
  h.add_input(DType::kUInt8, {batch, in}, x, qparams(in_s, 120));
  h.add_constant(DType::kUInt8, {out, in}, w, qparams(w_s, 130));
  const int o = h.add_output(DType::kUInt8, qparams(out_s, 100));
  h.node().options.activation = Activation::kRelu;
  ASSERT_TRUE(h.prepare_and_run().ok());
  const auto acc = fc_ref(to_double(x, 120), to_double(w, 130), {}, batch, in, out);
  const auto y = h.output<uint8_t>(o);
  for (size_t i = 0; i < y.size(); ++i) {
    const double real = acc[i] * in_s * w_s / out_s;
    const double e = std::clamp(std::nearbyint(real) + 100, 100.0, 255.0);
    EXPECT_LE(std::fabs(y[i] - e), std::fabs(real - std::floor(real) - 0.5) < 1e-3 ? 1.0 : 0.0) << i;
  }
}

// ----------------------------------------------------------------------------------------------- hybrid

TEST(FullyConnectedHybrid, SymmetricRowQuantizationHandComputed) {
  // max|x| = 1: scale 1/127; -0.5 * 127 = -63.5 rounds away from zero to -64; 0.25 * 127 = 31.75 -> 32.
  const std::vector<float> x{1.0f, -0.5f, 0.25f};
  std::vector<int8_t> q(3);
  float scale = 0;
  eb::hybrid_quantize_row_symmetric(x.data(), 3, q.data(), &scale);
  EXPECT_EQ(q, (std::vector<int8_t>{127, -64, 32}));
  EXPECT_FLOAT_EQ(scale, 1.0f / 127.0f);
  const std::vector<float> zeros(4, 0.0f);
  std::vector<int8_t> qz(4, 9);
  eb::hybrid_quantize_row_symmetric(zeros.data(), 4, qz.data(), &scale);
  EXPECT_EQ(qz, (std::vector<int8_t>(4, 0)));
  EXPECT_EQ(scale, 1.0f);
}

TEST(FullyConnectedHybrid, AsymmetricRowQuantizationHandComputed) {
  // Range [-1, 3] over 255 steps: scale 4/255; zero point -128 + 1 / scale = -64.25 -> -64.
  // q = round(-64 + x * 63.75): -1 -> -127.75 -> -128; 0 -> -64; 3 -> 127.25 -> 127.
  const std::vector<float> x{-1.0f, 0.0f, 3.0f};
  std::vector<int8_t> q(3);
  float scale = 0;
  int32_t offset = 0;
  eb::hybrid_quantize_row_asymmetric(x.data(), 3, q.data(), &scale, &offset);
  EXPECT_EQ(q, (std::vector<int8_t>{-128, -64, 127}));
  EXPECT_EQ(offset, -64);
  EXPECT_FLOAT_EQ(scale, 4.0f / 255.0f);
}

TEST(FullyConnectedHybrid, HandComputedSymmetric) {
  // Row {1, -0.5, 0.25} -> q {127, -64, 32}, row scale 1/127; weights {2, 1, -4} (scale 0.5):
  // dot = 254 - 64 - 128 = 62; 62 * (1/127 * 0.5) + bias 1 = 1.244094...
  OpHarness h(OpCode::kFullyConnected);
  h.add_input(DType::kFloat32, {1, 3}, std::vector<float>{1.0f, -0.5f, 0.25f});
  h.add_constant(DType::kInt8, {1, 3}, std::vector<int8_t>{2, 1, -4}, qparams(0.5f, 0));
  h.add_constant(DType::kFloat32, {1}, std::vector<float>{1.0f});
  const int o = h.add_output(DType::kFloat32);
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_STREQ(h.prepared()->kernel_name(), "fully_connected_hybrid_ref");
  EXPECT_NEAR(h.output<float>(o)[0], 1.0 + 62.0 / 127.0 * 0.5, 1e-6);
}

// Random hybrid FC against the float-weights result, within the error of quantizing each input row to
// 8 bits: |error| <= sum_i |w_i| * (row scale / 2) (+ float slack).
void check_hybrid(bool asymmetric, bool per_channel, unsigned seed) {
  const int batch = 3, in = 24, out = 5;
  auto x = random_floats(static_cast<size_t>(batch * in), -1.0f, 1.0f, seed);
  for (int i = 0; i < in; ++i) x[static_cast<size_t>(2 * in + i)] *= 100.0f;  // row 2 is 100x larger
  if (asymmetric)
    for (int i = 0; i < in; ++i) x[static_cast<size_t>(i)] = std::fabs(x[static_cast<size_t>(i)]);  // row 0 >= 0
  const auto w = random_ints<int8_t>(static_cast<size_t>(out * in), -127, 127, seed + 1);
  const auto b = random_floats(static_cast<size_t>(out), -1.0f, 1.0f, seed + 2);
  std::vector<float> ws(static_cast<size_t>(out));
  for (int c = 0; c < out; ++c) ws[static_cast<size_t>(c)] = per_channel ? 0.002f * static_cast<float>(c + 1) : 0.004f;
  OpHarness h(OpCode::kFullyConnected);
  h.add_input(DType::kFloat32, {batch, in}, x);
  h.add_constant(DType::kInt8, {out, in}, w, per_channel ? per_channel_q(ws) : qparams(ws[0], 0));
  h.add_constant(DType::kFloat32, {out}, b);
  const int o = h.add_output(DType::kFloat32);
  h.node().options.asymmetric_quantize_inputs = asymmetric;
  ASSERT_TRUE(h.prepare_and_run().ok());
  std::vector<double> wd(w.size());
  for (size_t i = 0; i < w.size(); ++i) wd[i] = static_cast<double>(w[i]) * ws[i / static_cast<size_t>(in)];
  const auto ref = fc_ref(to_double(x), wd, to_double(b), batch, in, out);
  const auto y = h.output<float>(o);
  for (int r = 0; r < batch; ++r) {
    double lo = 0, hi = 0;
    for (int i = 0; i < in; ++i) {
      lo = std::min(lo, static_cast<double>(x[static_cast<size_t>(r * in + i)]));
      hi = std::max(hi, static_cast<double>(x[static_cast<size_t>(r * in + i)]));
    }
    const double step = asymmetric ? (hi - lo) / 255.0 : std::max(-lo, hi) / 127.0;
    for (int c = 0; c < out; ++c) {
      double wsum = 0;
      for (int i = 0; i < in; ++i) wsum += std::fabs(wd[static_cast<size_t>(c * in + i)]);
      const size_t k = static_cast<size_t>(r * out + c);
      EXPECT_NEAR(y[k], ref[k], wsum * step * 0.51 + 1e-4 * std::fabs(ref[k]) + 1e-5) << "row " << r << " col " << c;
    }
  }
}

TEST(FullyConnectedHybrid, SymmetricPerTensorRowsQuantizedIndependently) { check_hybrid(false, false, 31); }
TEST(FullyConnectedHybrid, SymmetricPerChannel) { check_hybrid(false, true, 32); }
TEST(FullyConnectedHybrid, AsymmetricInputsSubtractOffsetTimesRowSums) { check_hybrid(true, false, 33); }
TEST(FullyConnectedHybrid, AsymmetricPerChannel) { check_hybrid(true, true, 34); }

TEST(FullyConnectedHybrid, ZeroInputGivesBiasThenActivation) {
  OpHarness h(OpCode::kFullyConnected);
  h.add_input(DType::kFloat32, {2, 2}, std::vector<float>{0, 0, 0, 0});
  h.add_constant(DType::kInt8, {2, 2}, std::vector<int8_t>{5, 6, 7, 8}, qparams(0.1f, 0));
  h.add_constant(DType::kFloat32, {2}, std::vector<float>{-2.0f, 3.0f});
  const int o = h.add_output(DType::kFloat32);
  h.node().options.activation = Activation::kRelu;
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.output<float>(o), (std::vector<float>{0.0f, 3.0f, 0.0f, 3.0f}));
}

// ------------------------------------------------------------------------------------------- refusals

struct Bad {
  DType in = DType::kInt8, w = DType::kInt8, bias = DType::kInt32, out = DType::kInt8;
  Shape in_shape{2, 4}, w_shape{3, 4}, bias_shape{3};
  Quantization in_q = qparams(0.5f, 1), w_q = qparams(0.25f, 0), bias_q = qparams(0.125f, 0), out_q = qparams(1.0f, 0);
  bool weights_const = true;
  bool default_format = true;
  bool keep_num_dims = false;
  Activation act = Activation::kNone;
};

Status prepare_bad(const Bad& s) {
  OpHarness h(OpCode::kFullyConnected);
  auto n = [](const Shape& sh) {
    size_t e = 1;
    for (int32_t d : sh) e *= static_cast<size_t>(std::max(d, 0));
    return e;
  };
  h.add_input(s.in, s.in_shape, std::vector<float>(n(s.in_shape)), s.in_q);
  if (s.weights_const)
    h.add_constant(s.w, s.w_shape, std::vector<float>(n(s.w_shape)), s.w_q);
  else
    h.add_input(s.w, s.w_shape, std::vector<float>(n(s.w_shape)), s.w_q);
  h.add_constant(s.bias, s.bias_shape, std::vector<float>(n(s.bias_shape)), s.bias_q);
  h.add_output(s.out, s.out_q);
  h.node().options.weights_format_default = s.default_format;
  h.node().options.keep_num_dims = s.keep_num_dims;
  h.node().options.activation = s.act;
  return h.prepare();
}

void expect_refused(const Bad& s, const std::string& fragment) {
  const Status st = prepare_bad(s);
  ASSERT_FALSE(st.ok()) << "expected a refusal mentioning '" << fragment << "'";
  EXPECT_NE(st.message().find(fragment), std::string::npos) << st.message();
}

TEST(FullyConnectedRefuses, BaselineIsAccepted) { EXPECT_TRUE(prepare_bad(Bad{}).ok()) << prepare_bad(Bad{}).message(); }

TEST(FullyConnectedRefuses, BadShapes) {
  Bad s;
  s.in_shape = {2, 5};
  expect_refused(s, "not a multiple");
  s = Bad{};
  s.w_shape = {12};
  expect_refused(s, "must be 2-D");
  s = Bad{};
  s.bias_shape = {4};
  expect_refused(s, "bias");
  s = Bad{};
  s.in_shape = {4, 2};
  s.keep_num_dims = true;
  expect_refused(s, "keep_num_dims");
}

TEST(FullyConnectedRefuses, BadOptions) {
  Bad s;
  s.default_format = false;
  expect_refused(s, "shuffled");
  s = Bad{};
  s.act = Activation::kTanh;
  expect_refused(s, "activation");
}

TEST(FullyConnectedRefuses, BadDtypes) {
  Bad s;
  s.out = DType::kUInt8;
  expect_refused(s, "output");
  s = Bad{};
  s.w = DType::kUInt8;
  expect_refused(s, "weights");
  s = Bad{};
  s.bias = DType::kFloat32;
  expect_refused(s, "int32 bias");
  s = Bad{};
  s.in = DType::kInt16;
  s.w = DType::kInt16;
  s.out = DType::kInt16;
  expect_refused(s, "must be int8");  // 16x8 takes int8 weights only
  s = Bad{};
  s.in = DType::kFloat32;
  s.w = DType::kFloat32;
  s.bias = DType::kFloat32;
  s.out = DType::kInt8;
  expect_refused(s, "float32 fully connected produces float32");
}

TEST(FullyConnectedRefuses, BadQuantization) {
  Bad s;
  s.w_q = qparams(0.25f, 3);
  expect_refused(s, "symmetric");
  s = Bad{};
  s.w_q = per_channel_q({0.25f, 0.25f});
  expect_refused(s, "per-channel scales");
  s = Bad{};
  s.in_q = Quantization{};
  expect_refused(s, "no quantization");
  s = Bad{};
  s.out_q = Quantization{};
  expect_refused(s, "no quantization");
  s = Bad{};
  s.bias_q = qparams(0.2f, 0);
  expect_refused(s, "input scale x weight scale");
  s = Bad{};
  s.w_q = qparams(0.0f, 0);
  expect_refused(s, "non-positive");
}

TEST(FullyConnectedRefuses, HybridNeedsConstantSymmetricWeightsAndFloatBias) {
  Bad s;
  s.in = DType::kFloat32;
  s.out = DType::kFloat32;
  s.bias = DType::kFloat32;
  s.in_q = Quantization{};
  s.out_q = Quantization{};
  s.bias_q = Quantization{};
  EXPECT_TRUE(prepare_bad(s).ok()) << prepare_bad(s).message();
  Bad t = s;
  t.weights_const = false;
  expect_refused(t, "constant weights");
  t = s;
  t.bias = DType::kInt32;
  expect_refused(t, "float32 bias");
  t = s;
  t.w_q = Quantization{};
  expect_refused(t, "no quantization");
  t = s;
  t.out = DType::kInt8;
  expect_refused(t, "produces float32");
}

}  // namespace
