// RELU, RELU6, LEAKY_RELU, TANH, LOGISTIC, HARD_SWISH on float32, int8 and uint8.
#include "kernels/ops/activations/activations.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "tests/support/op_harness.h"

namespace eb::testing {
namespace {

std::vector<float> float_inputs() {
  std::vector<float> v;
  for (int i = -40; i <= 40; ++i) v.push_back(static_cast<float>(i) * 0.25f + 0.01f);  // -9.99 .. 10.01
  v.push_back(0.0f);
  return v;
}

std::vector<float> run_float(OpCode op, const std::vector<float>& x, float alpha = 0.2f) {
  OpHarness h(op);
  h.add_input(DType::kFloat32, {1, static_cast<int32_t>(x.size())}, x);
  const int o = h.add_output(DType::kFloat32);
  h.node().options.alpha = alpha;
  EXPECT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.tensor(o).shape, (Shape{1, static_cast<int32_t>(x.size())}));
  return h.output<float>(o);
}

TEST(ActivationsFloat, ReluRelu6LeakyRelu) {
  const auto x = float_inputs();
  const auto relu = run_float(OpCode::kRelu, x);
  const auto relu6 = run_float(OpCode::kRelu6, x);
  const auto leaky = run_float(OpCode::kLeakyRelu, x, 0.1f);
  ASSERT_EQ(relu.size(), x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    EXPECT_EQ(relu[i], x[i] > 0 ? x[i] : 0.0f) << x[i];
    EXPECT_EQ(relu6[i], x[i] < 0 ? 0.0f : x[i] > 6 ? 6.0f : x[i]) << x[i];
    EXPECT_FLOAT_EQ(leaky[i], x[i] > 0 ? x[i] : 0.1f * x[i]) << x[i];
  }
}

TEST(ActivationsFloat, TanhLogisticHardSwish) {
  const auto x = float_inputs();
  const auto th = run_float(OpCode::kTanh, x);
  const auto lg = run_float(OpCode::kLogistic, x);
  const auto hs = run_float(OpCode::kHardSwish, x);
  for (size_t i = 0; i < x.size(); ++i) {
    const double v = x[i];
    EXPECT_NEAR(th[i], std::tanh(v), 1e-6) << v;
    EXPECT_NEAR(lg[i], 1.0 / (1.0 + std::exp(-v)), 1e-6) << v;
    EXPECT_NEAR(hs[i], v * std::min(6.0, std::max(0.0, v + 3.0)) / 6.0, 1e-5) << v;
  }
  EXPECT_EQ(hs[0], 0.0f);  // x = -9.99: below -3
}

TEST(ActivationsFloat, KeepsShapeOfOddTensor) {
  OpHarness h(OpCode::kRelu6);
  std::vector<float> x(2 * 3 * 5);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i) - 10.0f;
  h.add_input(DType::kFloat32, {2, 3, 5}, x);
  const int o = h.add_output(DType::kFloat32);
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.tensor(o).shape, (Shape{2, 3, 5}));
  const auto y = h.output<float>(o);
  EXPECT_EQ(y.front(), 0.0f);
  EXPECT_EQ(y[13], 3.0f);
  EXPECT_EQ(y.back(), 6.0f);
}

template <typename T>
std::vector<T> all_values() {
  std::vector<T> v;
  for (int32_t i = qmin_of<T>(); i <= qmax_of<T>(); ++i) v.push_back(static_cast<T>(i));
  return v;
}

template <typename T>
DType dtype_of() {
  return std::is_same_v<T, int8_t> ? DType::kInt8 : DType::kUInt8;
}

// Runs a quantized activation on every representable input value.
template <typename T>
std::vector<T> run_quant(OpCode op, float is, int32_t izp, float os, int32_t ozp, float alpha = 0.2f,
                         std::string* kernel = nullptr) {
  OpHarness h(op);
  const auto x = all_values<T>();
  h.add_input(dtype_of<T>(), {static_cast<int32_t>(x.size())}, x, qparams(is, izp));
  const int o = h.add_output(dtype_of<T>(), qparams(os, ozp));
  h.node().options.alpha = alpha;
  const Status s = h.prepare();
  EXPECT_TRUE(s.ok()) << s.message();
  if (!s.ok()) return {};
  h.run();
  if (kernel) *kernel = h.prepared()->kernel_name();
  return h.output<T>(o);
}

// Checks every output against f applied in double: the real result rounded to nearest (either way on a
// near-tie), clamped to [lo, hi]. The fixed-point kernels (RELU, LEAKY_RELU) round twice, as TFLite does,
// and may land up to 0.75 step away: they pass slack 0.25.
template <typename T, typename F>
void check_against(const std::vector<T>& y, float is, int32_t izp, float os, int32_t ozp, int32_t lo, int32_t hi, F f,
                   double slack = 1e-3) {
  const auto x = all_values<T>();
  ASSERT_EQ(y.size(), x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const double real = f((static_cast<double>(x[i]) - izp) * is);
    const double q = std::min<double>(std::max<double>(real / os + ozp, lo), hi);
    EXPECT_LE(std::abs(static_cast<double>(y[i]) - q), 0.5 + slack) << "input " << static_cast<int>(x[i]);
  }
}

constexpr double kFixedPointSlack = 0.25 + 1e-3;

TEST(ActivationsQuant, ReluInt8SameParamsIsExactClamp) {
  std::string k;
  const auto y = run_quant<int8_t>(OpCode::kRelu, 0.1f, -20, 0.1f, -20, 0.2f, &k);
  EXPECT_EQ(k, "relu_int8_ref");
  const auto x = all_values<int8_t>();
  for (size_t i = 0; i < x.size(); ++i) EXPECT_EQ(y[i], std::max<int8_t>(x[i], -20));
}

TEST(ActivationsQuant, ReluAndRelu6RescaleAndClamp) {
  const auto r = run_quant<int8_t>(OpCode::kRelu, 0.05f, 10, 0.03f, -128);
  check_against(
      r, 0.05f, 10, 0.03f, -128, -128, 127, [](double v) { return std::max(0.0, v); }, kFixedPointSlack);
  const auto r6 = run_quant<uint8_t>(OpCode::kRelu6, 0.04f, 100, 0.03f, 3);
  // Upper bound: zp + round(6 / 0.03) = 203.
  check_against(
      r6, 0.04f, 100, 0.03f, 3, 3, 203, [](double v) { return std::min(6.0, std::max(0.0, v)); }, kFixedPointSlack);
  EXPECT_EQ(r6.back(), 203);
  EXPECT_EQ(r6.front(), 3);
}

TEST(ActivationsQuant, LeakyReluInt8AndUint8) {
  std::string k;
  const auto y = run_quant<int8_t>(OpCode::kLeakyRelu, 0.05f, 7, 0.04f, -30, 0.1f, &k);
  EXPECT_EQ(k, "leaky_relu_int8_ref");
  check_against(
      y, 0.05f, 7, 0.04f, -30, -128, 127, [](double v) { return v > 0 ? v : 0.1 * v; }, kFixedPointSlack);
  const auto u = run_quant<uint8_t>(OpCode::kLeakyRelu, 0.02f, 128, 0.02f, 128, 0.3f);
  check_against(
      u, 0.02f, 128, 0.02f, 128, 0, 255, [](double v) { return v > 0 ? v : 0.3 * v; }, kFixedPointSlack);
  EXPECT_EQ(u[200], 200);  // identity above the zero point
}

TEST(ActivationsQuant, LogisticInt8UsesTable) {
  std::string k;
  const float is = 0.06f;
  const auto y = run_quant<int8_t>(OpCode::kLogistic, is, -5, 1.0f / 256, -128, 0.2f, &k);
  EXPECT_EQ(k, "logistic_qs8_lut_ref");
  check_against(y, is, -5, 1.0f / 256, -128, -128, 127, [](double v) { return 1.0 / (1.0 + std::exp(-v)); });
  EXPECT_EQ(y[static_cast<size_t>(-5 + 128)], 0);  // sigmoid(0) = 0.5 -> 128 - 128
}

TEST(ActivationsQuant, TanhUint8AndInt8) {
  const auto u = run_quant<uint8_t>(OpCode::kTanh, 0.03f, 120, 1.0f / 128, 128);
  check_against(u, 0.03f, 120, 1.0f / 128, 128, 0, 255, [](double v) { return std::tanh(v); });
  EXPECT_EQ(u[120], 128);
  const auto s = run_quant<int8_t>(OpCode::kTanh, 0.1f, 0, 1.0f / 128, 0);
  check_against(s, 0.1f, 0, 1.0f / 128, 0, -128, 127, [](double v) { return std::tanh(v); });
  EXPECT_EQ(s.front(), -128);  // tanh(-12.8) ~ -1
  EXPECT_EQ(s.back(), 127);    // saturates at the top
}

TEST(ActivationsQuant, HardSwishTable) {
  const auto y = run_quant<int8_t>(OpCode::kHardSwish, 0.05f, 0, 0.03f, -40);
  check_against(y, 0.05f, 0, 0.03f, -40, -128, 127,
                [](double v) { return v * std::min(6.0, std::max(0.0, v + 3.0)) / 6.0; });
  const auto u = run_quant<uint8_t>(OpCode::kHardSwish, 0.04f, 128, 0.02f, 30);
  check_against(u, 0.04f, 128, 0.02f, 30, 0, 255,
                [](double v) { return v * std::min(6.0, std::max(0.0, v + 3.0)) / 6.0; });
}

TEST(ActivationsQuant, TableRoundsHalfAwayFromZero) {
  // identity-like function with in_scale 0.5, out_scale 1: x/2 lands on .5 ties for odd x.
  const LookupTable8 t = make_lookup_table<int8_t>(0.5f, 0, 1.0f, 0, [](float v) { return v; });
  EXPECT_EQ(static_cast<int8_t>(t.table[static_cast<uint8_t>(int8_t{3})]), 2);    // 1.5 -> 2
  EXPECT_EQ(static_cast<int8_t>(t.table[static_cast<uint8_t>(int8_t{-3})]), -2);  // -1.5 -> -2
  EXPECT_EQ(static_cast<int8_t>(t.table[static_cast<uint8_t>(int8_t{5})]), 3);    // 2.5 -> 3
  const uint8_t in[3] = {static_cast<uint8_t>(int8_t{3}), static_cast<uint8_t>(int8_t{-3}), 4};
  uint8_t out[3];
  lookup_table_8bit_ref(t, in, out, 3);
  EXPECT_EQ(static_cast<int8_t>(out[0]), 2);
  EXPECT_EQ(static_cast<int8_t>(out[1]), -2);
  EXPECT_EQ(out[2], 2);
}

TEST(ActivationsErrors, RefusesBadTensors) {
  {
    OpHarness h(OpCode::kRelu);
    h.add_input(DType::kInt16, {2}, std::vector<int16_t>(2));
    h.add_output(DType::kInt16);
    const Status s = h.prepare();
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.message().find("int16"), std::string::npos) << s.message();
  }
  {
    OpHarness h(OpCode::kTanh);
    h.add_input(DType::kFloat32, {2}, std::vector<float>(2));
    h.add_output(DType::kInt8, qparams(1.0f / 128, 0));
    const Status s = h.prepare();
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.message().find("output"), std::string::npos) << s.message();
  }
  {
    OpHarness h(OpCode::kLogistic);
    h.add_input(DType::kInt8, {2}, std::vector<int8_t>(2));  // no quantization
    h.add_output(DType::kInt8, qparams(1.0f / 256, -128));
    const Status s = h.prepare();
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.message().find("no quantization"), std::string::npos) << s.message();
  }
  {
    OpHarness h(OpCode::kHardSwish);
    h.add_input(DType::kUInt8, {2}, std::vector<uint8_t>(2), qparams(0.1f, 300));
    h.add_output(DType::kUInt8, qparams(0.1f, 0));
    const Status s = h.prepare();
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.message().find("zero point"), std::string::npos) << s.message();
  }
  {
    OpHarness h(OpCode::kLeakyRelu);
    h.add_input(DType::kInt8, {2}, std::vector<int8_t>(2), qparams(0.1f, 0));
    h.add_output(DType::kInt8, qparams(0.1f, 0));
    h.node().options.alpha = -0.5f;
    EXPECT_FALSE(h.prepare().ok());
  }
  {
    OpHarness h(OpCode::kRelu);
    h.add_input(DType::kFloat32, {2}, std::vector<float>(2));
    h.add_input(DType::kFloat32, {2}, std::vector<float>(2));
    h.add_output(DType::kFloat32);
    EXPECT_FALSE(h.prepare().ok());  // two inputs
  }
}

}  // namespace
}  // namespace eb::testing
