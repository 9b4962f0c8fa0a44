// UNIDIRECTIONAL_SEQUENCE_LSTM: float math on a one-cell LSTM, the int16 fixed-point gate activations,
// state carried across invocations and cleared by reset_state() (the zoo model), and every refusal.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <vector>

#include "kernels/engine/interpreter.h"
#include "kernels/ops/lstm/lstm_fixedpoint.h"
#include "tests/support/op_harness.h"

namespace eb {
namespace {

using testing::OpHarness;

// A float LSTM with n_input = n_cell = n_output = 1; every weight is `w`, every bias `b`.
struct OneCellLstm {
  OpHarness h{OpCode::kUnidirectionalSequenceLstm};
  int input = -1, output_state = -1, cell_state = -1, output = -1;
  OneCellLstm(const std::vector<float>& x, float w, float b, Shape in_shape = {1, 0, 1}) {
    if (in_shape[1] == 0) in_shape[1] = static_cast<int32_t>(x.size());
    input = h.add_input<float>(DType::kFloat32, in_shape, x);
    for (int i = 0; i < 8; ++i) h.add_constant<float>(DType::kFloat32, {1, 1}, {w});
    for (int i = 0; i < 3; ++i) h.add_omitted_input();
    for (int i = 0; i < 4; ++i) h.add_constant<float>(DType::kFloat32, {1}, {b});
    h.add_omitted_input();
    h.add_omitted_input();
    output_state = h.add_input<float>(DType::kFloat32, {1, 1}, {0.0f});
    cell_state = h.add_input<float>(DType::kFloat32, {1, 1}, {0.0f});
    h.tensor(output_state).is_variable = h.tensor(cell_state).is_variable = true;
    for (int i = 0; i < 4; ++i) h.add_omitted_input();
    output = h.add_output(DType::kFloat32);
    h.node().options.activation = Activation::kTanh;
  }
};

float sigmoid(float v) { return 1.0f / (1.0f + std::exp(-v)); }

TEST(LstmOp, FloatOneCellMatchesTheEquations) {
  const std::vector<float> x = {0.5f, -1.0f, 0.25f};
  OneCellLstm l(x, 0.7f, 0.1f);
  ASSERT_TRUE(l.h.prepare_and_run().ok());
  float hs = 0.0f, cs = 0.0f;
  std::vector<float> want;
  for (float xv : x) {
    const float pre = 0.7f * xv + 0.7f * hs + 0.1f;
    const float i = sigmoid(pre), f = sigmoid(pre), g = std::tanh(pre), o = sigmoid(pre);
    cs = f * cs + i * g;
    hs = o * std::tanh(cs);
    want.push_back(hs);
  }
  const auto got = l.h.output<float>(l.output);
  ASSERT_EQ(got.size(), want.size());
  for (size_t k = 0; k < want.size(); ++k) EXPECT_NEAR(got[k], want[k], 1e-6f) << k;
  EXPECT_NEAR(l.h.output<float>(l.output_state)[0], hs, 1e-6f);
  EXPECT_NEAR(l.h.output<float>(l.cell_state)[0], cs, 1e-6f);
  // A second run starts from the state the first left.
  l.h.run();
  EXPECT_NE(l.h.output<float>(l.output)[0], want[0]);
}

// One-element rows quantize exactly (symmetric: the value is 127 steps), so with int8 weights holding
// 0.5 exactly the hybrid LSTM equals the float one.
TEST(LstmOp, HybridOneCellEqualsFloat) {
  const std::vector<float> x = {0.5f, -1.0f, 0.25f};
  OneCellLstm f(x, 0.5f, 0.1f);
  ASSERT_TRUE(f.h.prepare_and_run().ok());
  for (bool asymmetric : {false, true}) {
    OneCellLstm l(x, 0.5f, 0.1f);
    static const int8_t one = 1;
    for (int i = 1; i <= 8; ++i) {
      Tensor& t = l.h.tensor(l.h.node().inputs[static_cast<size_t>(i)]);
      t.dtype = DType::kInt8;
      t.constant = reinterpret_cast<const uint8_t*>(&one);
      t.constant_bytes = 1;
      t.quant.scale = {0.5f};
      t.quant.zero_point = {0};
    }
    l.h.node().options.asymmetric_quantize_inputs = asymmetric;
    ASSERT_TRUE(l.h.prepare_and_run().ok());
    const auto want = f.h.output<float>(f.output), got = l.h.output<float>(l.output);
    ASSERT_EQ(got.size(), want.size());
    for (size_t k = 0; k < want.size(); ++k) EXPECT_NEAR(got[k], want[k], 1e-2f) << k << " asymmetric " << asymmetric;
  }
}

TEST(LstmOp, FixedPointGateActivationsFollowTheFunctions) {
  // gemmlowp's 16-bit Newton-Raphson and exp barrel keep ~11 good bits; bit-exactness with TFLite is
  // checked on whole models (conformance), this only catches a broken formula.
  constexpr double kTol = 1e-3;
  for (int raw = -32768; raw <= 32767; raw += 97) {
    const auto r = static_cast<int16_t>(raw);
    const double in_q312 = raw / 4096.0;
    EXPECT_NEAR(lstm_fx::logistic(r, 3) / 32768.0, 1.0 / (1.0 + std::exp(-in_q312)), kTol) << raw;
    EXPECT_NEAR(lstm_fx::tanh(r, 3) / 32768.0, std::tanh(in_q312), kTol) << raw;
    EXPECT_NEAR(lstm_fx::tanh(r, 4) / 32768.0, std::tanh(raw / 2048.0), kTol) << raw;
  }
  EXPECT_EQ(lstm_fx::logistic(0, 3), 16384);
  EXPECT_EQ(lstm_fx::tanh(0, 3), 0);
}

TEST(LstmOp, RefusesMalformedNodes) {
  {  // input of rank 2
    OneCellLstm l({0.5f, 1.0f}, 0.5f, 0.0f, {2, 1});
    l.h.tensor(l.input).shape = {2, 1};
    EXPECT_FALSE(l.h.prepare().ok());
  }
  {  // a state that is a constant
    OneCellLstm l({0.5f}, 0.5f, 0.0f);
    static const float zero = 0.0f;
    l.h.tensor(l.cell_state).constant = reinterpret_cast<const uint8_t*>(&zero);
    l.h.tensor(l.cell_state).constant_bytes = sizeof(zero);
    const Status s = l.h.prepare();
    EXPECT_FALSE(s.ok());
  }
  {  // recurrent weights of the wrong shape
    OneCellLstm l({0.5f}, 0.5f, 0.0f);
    l.h.tensor(l.h.node().inputs[6]).shape = {1, 2};
    EXPECT_FALSE(l.h.prepare().ok());
  }
  {  // state of the wrong size
    OneCellLstm l({0.5f}, 0.5f, 0.0f);
    l.h.tensor(l.output_state).shape = {1, 3};
    EXPECT_FALSE(l.h.prepare().ok());
  }
  {  // wrong input count
    OneCellLstm l({0.5f}, 0.5f, 0.0f);
    l.h.node().inputs.resize(21);
    EXPECT_FALSE(l.h.prepare().ok());
  }
  {  // only one of the input gate's tensors omitted
    OneCellLstm l({0.5f}, 0.5f, 0.0f);
    l.h.node().inputs[1] = -1;
    EXPECT_FALSE(l.h.prepare().ok());
  }
  {  // integer input without the 5 intermediates (TFLite's sequence kernel refuses the 8x8_8 form's 12)
    OneCellLstm l({0.5f}, 0.5f, 0.0f);
    l.h.tensor(l.input).dtype = DType::kInt8;
    const Status s = l.h.prepare();
    EXPECT_FALSE(s.ok());
    EXPECT_NE(s.message().find("8x8_8"), std::string::npos) << s.message();
  }
}

// The full-integer zoo model: a second invocation on the same input continues from the first's state;
// reset_state() brings back the first result.
TEST(LstmOp, StateCarriesAcrossInvocationsAndResets) {
  const std::string path = std::string(EDGEBENCH_SHARED_DIR) + "/models/zoo/zoo-lstm-mnist-int8.tflite";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "zoo model absent: " << path;
  auto m = Model::load_file(path);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EngineOptions o;
  o.engine = "ref";
  auto it = Interpreter::create(std::move(m.value()), o);
  ASSERT_TRUE(it.ok()) << it.status().message();
  Interpreter& in = *it.value();
  const size_t in_bytes = in.input(0).bytes(), out_bytes = in.output(0).bytes();
  for (size_t k = 0; k < in_bytes; ++k) in.input_data(0)[k] = static_cast<uint8_t>((k * 37) % 256);
  auto run = [&] {
    EXPECT_TRUE(in.invoke().ok());
    return std::vector<uint8_t>(in.output_data(0), in.output_data(0) + out_bytes);
  };
  const auto first = run();
  const auto second = run();
  EXPECT_NE(first, second);
  in.reset_state();
  EXPECT_EQ(run(), first);
}

}  // namespace
}  // namespace eb
