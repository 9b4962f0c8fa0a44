// edgebench quantize's library (kernels/quantize/): its arithmetic against known values, and the three
// rewrites of a committed TensorFlow-made float model (tests/quantize/small-cnn-float32.tflite), each
// checked for structure (types, DEQUANTIZE nodes, scales) and run on edgebench against the float model.
// Needs no TensorFlow; tests/quantize/test_quantize_litert.py checks the same files against LiteRT and
// TensorFlow's own converter.
#include "kernels/quantize/quantize.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <random>

#include "kernels/common/float16.h"
#include "kernels/engine/interpreter.h"
#include "kernels/model/model_writer.h"
#include "kernels/quantize/calibrate.h"
#include "kernels/quantize/quant_math.h"

namespace eb {
namespace {

const std::string kSmallModel = std::string(EDGEBENCH_TESTS_DIR) + "/quantize/small-cnn-float32.tflite";

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::unique_ptr<Model> load(const std::vector<uint8_t>& bytes) {
  auto m = Model::load_bytes(bytes.data(), bytes.size());
  EXPECT_TRUE(m.ok()) << m.status().message();
  return m.ok() ? std::move(m.value()) : nullptr;
}

size_t constant_bytes(const Model& m) {
  size_t n = 0;
  for (const Tensor& t : m.graph().tensors)
    if (t.is_constant() && t.dtype != DType::kInt32) n += t.bytes();  // int32: shapes, axes and biases
  return n;
}

// Seeded images in [0, 1], as `run` feeds pixels with --input-range 0,1.
std::vector<std::vector<float>> images(int count, int64_t elements, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::vector<float>> r(static_cast<size_t>(count), std::vector<float>(static_cast<size_t>(elements)));
  for (auto& im : r)
    for (float& v : im) v = static_cast<float>(rng() % 256) / 255.0f;
  return r;
}

// Runs `bytes` (float input and output) on `engine` and returns output 0 as floats.
std::vector<float> run_float(const std::vector<uint8_t>& bytes, const std::vector<float>& input, const std::string& engine) {
  EngineOptions o;
  o.engine = engine;
  auto it = Interpreter::create(load(bytes), o);
  EXPECT_TRUE(it.ok()) << it.status().message();
  if (!it.ok()) return {};
  Interpreter& in = *it.value();
  EXPECT_EQ(in.input(0).dtype, DType::kFloat32);
  std::memcpy(in.input_data(0), input.data(), input.size() * sizeof(float));
  EXPECT_TRUE(in.invoke().ok());
  const float* out = reinterpret_cast<const float*>(in.output_data(0));
  return std::vector<float>(out, out + in.output(0).elements());
}

TEST(QuantMath, FloatToHalfRoundsToNearestEven) {
  EXPECT_EQ(float_to_half(1.0f), 0x3c00);
  EXPECT_EQ(float_to_half(-2.0f), 0xc000);
  EXPECT_EQ(float_to_half(65504.0f), 0x7bff);
  EXPECT_EQ(float_to_half(65520.0f), 0x7c00);              // rounds up to infinity
  EXPECT_EQ(float_to_half(1.0f + 1.0f / 2048), 0x3c00);    // a tie: to the even mantissa
  EXPECT_EQ(float_to_half(1.0f + 3.0f / 2048), 0x3c02);    // a tie: to the even mantissa (up)
  EXPECT_EQ(float_to_half(std::ldexp(1.0f, -24)), 0x0001);  // smallest subnormal
  EXPECT_EQ(float_to_half(std::ldexp(1.0f, -26)), 0x0000);  // below half of it
  EXPECT_TRUE((float_to_half(std::nanf("")) & 0x7fff) > 0x7c00);
  // Every half value comes back unchanged through float.
  for (uint32_t h = 0; h < 0x7c00; ++h) ASSERT_EQ(float_to_half(half_to_float(static_cast<uint16_t>(h))), h);
}

TEST(QuantMath, AsymmetricParamsIncludeZeroAndNudge) {
  AffineParams p = asymmetric_params(0.0f, 1.0f);
  EXPECT_FLOAT_EQ(p.scale, 1.0f / 255);
  EXPECT_EQ(p.zero_point, -128);
  p = asymmetric_params(0.5f, 2.0f);  // widened to [0, 2]
  EXPECT_FLOAT_EQ(p.scale, 2.0f / 255);
  EXPECT_EQ(p.zero_point, -128);
  p = asymmetric_params(-1.0f, 1.0f);
  EXPECT_FLOAT_EQ(p.scale, 2.0f / 255);
  // Both ends give -0.5 with equal error: TFLite takes the max end's and rounds half away from zero.
  EXPECT_EQ(p.zero_point, -1);
  p = asymmetric_params(-3.0f, -1.0f);  // widened to [-3, 0]
  EXPECT_FLOAT_EQ(p.scale, 3.0f / 255);
  EXPECT_EQ(p.zero_point, 127);
  p = asymmetric_params(0.0f, 0.0f);
  EXPECT_EQ(p.scale, 1.0f);
  // 0.0 is always exact: q(0) dequantizes to 0.
  for (float lo : {-0.37f, -5.0f, -0.001f})
    for (float hi : {0.2f, 7.5f, 0.003f}) {
      p = asymmetric_params(lo, hi);
      EXPECT_EQ((quantize_value(0.0f, p, -128, 127) - p.zero_point) * p.scale, 0.0f);
      EXPECT_GE(p.zero_point, -128);
      EXPECT_LE(p.zero_point, 127);
    }
}

TEST(QuantMath, SymmetricPerChannelScalesAreMaxAbsOver127) {
  // Shape [2, 3]: channel 0 = {1, -4, 2}, channel 1 = {0.5, 0.25, -0.125}.
  const std::vector<float> w = {1, -4, 2, 0.5f, 0.25f, -0.125f};
  SymmetricWeights q = quantize_symmetric(w.data(), {2, 3}, 0);
  ASSERT_EQ(q.scales.size(), 2u);
  EXPECT_FLOAT_EQ(q.scales[0], 4.0f / 127);
  EXPECT_FLOAT_EQ(q.scales[1], 0.5f / 127);
  EXPECT_EQ(q.values, (std::vector<int8_t>{32, -127, 64, 127, 64, -32}));  // 31.75 -> 32, 63.5 -> 64
  q = quantize_symmetric(w.data(), {2, 3}, 1);  // channels along the last axis: {1, .5}, {-4, .25}, {2, -.125}
  EXPECT_EQ(q.scales.size(), 3u);
  EXPECT_FLOAT_EQ(q.scales[1], 4.0f / 127);
  q = quantize_symmetric(w.data(), {2, 3}, -1);
  EXPECT_EQ(q.scales.size(), 1u);
  EXPECT_FLOAT_EQ(q.scales[0], 4.0f / 127);
  std::vector<float> bscales;
  const std::vector<float> b = {0.5f, -1.0f};
  const auto qb = quantize_bias(b.data(), 2, 0.25f, {0.01f, 0.02f}, &bscales);
  EXPECT_FLOAT_EQ(bscales[0], 0.0025f);
  EXPECT_EQ(qb, (std::vector<int32_t>{200, -200}));
}

TEST(Quantize, Float16StoresEveryFloatConstantAsHalfBehindDequantize) {
  const auto f32 = read_bytes(kSmallModel);
  ASSERT_FALSE(f32.empty()) << kSmallModel;
  QuantizeReport report;
  auto f16 = quantize_float16(f32, &report);
  ASSERT_TRUE(f16.ok()) << f16.status().message();
  auto m32 = load(f32), m16 = load(f16.value());
  ASSERT_TRUE(m32 && m16);
  int float_constants = 0;
  for (const Tensor& t : m32->graph().tensors) float_constants += t.is_constant() && t.dtype == DType::kFloat32;
  EXPECT_EQ(report.weights_quantized, float_constants);
  int dequantize = 0;
  for (const Node& n : m16->graph().nodes) {
    if (n.op() != OpCode::kDequantize) continue;
    ++dequantize;
    const Tensor& in = m16->graph().tensors[static_cast<size_t>(n.inputs[0])];
    const Tensor& out = m16->graph().tensors[static_cast<size_t>(n.outputs[0])];
    EXPECT_EQ(in.dtype, DType::kFloat16);
    EXPECT_TRUE(in.is_constant());
    EXPECT_EQ(out.dtype, DType::kFloat32);
    EXPECT_FALSE(out.is_constant());
  }
  EXPECT_EQ(dequantize, float_constants);
  for (const Tensor& t : m16->graph().tensors) EXPECT_FALSE(t.is_constant() && t.dtype == DType::kFloat32) << t.name;
  // Half the constant bytes, and nothing of the float32 weights left in the file.
  EXPECT_EQ(constant_bytes(*m16) * 2, constant_bytes(*m32));
  EXPECT_LT(f16.value().size(), f32.size() - constant_bytes(*m32) / 2 + 4096);
  for (const auto& im : images(4, 16 * 16 * 3, 1)) {
    const auto want = run_float(f32, im, "ref");
    for (const char* engine : {"ref", "auto"}) {
      const auto got = run_float(f16.value(), im, engine);
      ASSERT_EQ(got.size(), want.size());
      for (size_t k = 0; k < want.size(); ++k) EXPECT_NEAR(got[k], want[k], 2e-3) << engine;
    }
  }
}

TEST(Quantize, DynamicRangeQuantizesLargeWeightsPerChannel) {
  const auto f32 = read_bytes(kSmallModel);
  ASSERT_FALSE(f32.empty());
  QuantizeReport report;
  auto dyn = quantize_dynamic(f32, {}, &report);
  ASSERT_TRUE(dyn.ok()) << dyn.status().message();
  auto m32 = load(f32), md = load(dyn.value());
  ASSERT_TRUE(m32 && md);
  const Graph& g32 = m32->graph();
  const Graph& gd = md->graph();
  ASSERT_EQ(g32.nodes.size(), gd.nodes.size());
  int quantized = 0, left = 0;
  for (size_t i = 0; i < gd.nodes.size(); ++i) {
    const Node& n = gd.nodes[i];
    if (n.op() != OpCode::kConv2D && n.op() != OpCode::kDepthwiseConv2D && n.op() != OpCode::kFullyConnected) continue;
    const Tensor& w = gd.tensors[static_cast<size_t>(n.inputs[1])];
    const Tensor& w32 = g32.tensors[static_cast<size_t>(g32.nodes[i].inputs[1])];
    if (w32.elements() < 1024) {
      EXPECT_EQ(w.dtype, DType::kFloat32) << w.name;
      ++left;
      continue;
    }
    ++quantized;
    ASSERT_EQ(w.dtype, DType::kInt8) << w.name;
    const int axis = n.op() == OpCode::kDepthwiseConv2D ? 3 : 0;
    ASSERT_EQ(w.quant.scale.size(), static_cast<size_t>(w.dim(axis)));
    EXPECT_EQ(w.quant.axis, axis);
    // scale[c] = max |w| over channel c / 127, and the values are round(w / scale).
    const float* f = w32.constant_as<float>();
    const int8_t* q = w.constant_as<int8_t>();
    const int64_t inner = w.elements() / w.dim(0);
    for (int c = 0; c < w.dim(0); ++c) {
      float m = 0;
      for (int64_t k = 0; k < inner; ++k) m = std::max(m, std::fabs(f[c * inner + k]));
      EXPECT_NEAR(w.quant.scale[static_cast<size_t>(c)], m / 127, 1e-7f * m);
      for (int64_t k = 0; k < inner; ++k)
        EXPECT_EQ(q[c * inner + k], static_cast<int8_t>(std::round(f[c * inner + k] / w.quant.scale[static_cast<size_t>(c)])));
    }
    if (n.op() == OpCode::kFullyConnected) {
      EXPECT_TRUE(n.options.asymmetric_quantize_inputs);
    }
  }
  EXPECT_EQ(quantized, report.weights_quantized);
  EXPECT_EQ(left, report.weights_left_float);
  EXPECT_GE(quantized, 2);
  EXPECT_GE(left, 1);
  for (const auto& im : images(4, 16 * 16 * 3, 2)) {
    const auto want = run_float(f32, im, "ref");
    for (const char* engine : {"ref", "auto"}) {
      const auto got = run_float(dyn.value(), im, engine);
      ASSERT_EQ(got.size(), want.size());
      for (size_t k = 0; k < want.size(); ++k) EXPECT_NEAR(got[k], want[k], 0.03) << engine;
    }
  }
}

TEST(Quantize, CalibrationRecordsRunningMinMaxOfEveryActivation) {
  const auto f32 = read_bytes(kSmallModel);
  ASSERT_FALSE(f32.empty());
  auto cal = Calibrator::create(f32);
  ASSERT_TRUE(cal.ok()) << cal.status().message();
  auto ims = images(3, 16 * 16 * 3, 3);
  for (const auto& im : ims) {
    std::memcpy(cal->engine().input_data(0), im.data(), im.size() * sizeof(float));
    ASSERT_TRUE(cal->add().ok());
  }
  // The same ranges by hand: each image run alone, through a model whose every activation is an output.
  auto m = load(f32);
  const Graph& g = m->graph();
  for (const Node& n : g.nodes) {
    const int t = n.outputs[0];
    if (g.tensors[static_cast<size_t>(t)].dtype != DType::kFloat32) continue;
    const TensorRange& r = cal->ranges()[static_cast<size_t>(t)];
    ASSERT_TRUE(r.seen) << g.tensors[static_cast<size_t>(t)].name;
    EXPECT_LE(r.min, r.max);
  }
  const int out = g.outputs[0];
  float lo = 1, hi = 0;
  for (const auto& im : ims)
    for (float v : run_float(f32, im, "auto")) lo = std::min(lo, v), hi = std::max(hi, v);  // the calibrator's engine
  EXPECT_EQ(cal->ranges()[static_cast<size_t>(out)].min, lo);
  EXPECT_EQ(cal->ranges()[static_cast<size_t>(out)].max, hi);
  // The fast kernels (the default) and the reference kernels see the same ranges, within float rounding.
  auto ref = Calibrator::create(f32, "ref");
  ASSERT_TRUE(ref.ok());
  for (const auto& im : ims) {
    std::memcpy(ref->engine().input_data(0), im.data(), im.size() * sizeof(float));
    ASSERT_TRUE(ref->add().ok());
  }
  for (size_t t = 0; t < g.tensors.size(); ++t) {
    const TensorRange &a = cal->ranges()[t], &b = ref->ranges()[t];
    ASSERT_EQ(a.seen, b.seen) << t;
    EXPECT_NEAR(a.min, b.min, 1e-4f * std::max(1.0f, std::fabs(b.min))) << g.tensors[t].name;
    EXPECT_NEAR(a.max, b.max, 1e-4f * std::max(1.0f, std::fabs(b.max))) << g.tensors[t].name;
  }
  const TensorRange& in = cal->ranges()[static_cast<size_t>(g.inputs[0])];
  EXPECT_TRUE(in.seen);
  EXPECT_GE(in.min, 0.0f);
  EXPECT_LE(in.max, 1.0f);
}

std::vector<TensorRange> calibrate(const std::vector<uint8_t>& f32, int count) {
  auto cal = Calibrator::create(f32);
  EXPECT_TRUE(cal.ok());
  for (const auto& im : images(count, 16 * 16 * 3, 4)) {
    std::memcpy(cal->engine().input_data(0), im.data(), im.size() * sizeof(float));
    EXPECT_TRUE(cal->add().ok());
  }
  return cal->ranges();
}

TEST(Quantize, FullIntegerInt8StructureAndAccuracy) {
  const auto f32 = read_bytes(kSmallModel);
  ASSERT_FALSE(f32.empty());
  const auto ranges = calibrate(f32, 20);
  QuantizeReport report;
  auto q = quantize_int8(f32, ranges, {}, &report);
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_TRUE(report.float_nodes.empty());
  auto m = load(q.value());
  ASSERT_TRUE(m);
  const Graph& g = m->graph();
  // Float I/O through QUANTIZE first and DEQUANTIZE last.
  EXPECT_EQ(g.tensors[static_cast<size_t>(g.inputs[0])].dtype, DType::kFloat32);
  EXPECT_EQ(g.nodes.front().op(), OpCode::kQuantize);
  EXPECT_EQ(g.nodes.back().op(), OpCode::kDequantize);
  // No requantizing anywhere: the CONCATENATION's parameters went to the nodes writing its inputs.
  int quantize_nodes = 0;
  for (const Node& n : g.nodes) quantize_nodes += n.op() == OpCode::kQuantize;
  EXPECT_EQ(quantize_nodes, 1);
  const Tensor& q_in = g.tensors[static_cast<size_t>(g.nodes.front().outputs[0])];
  EXPECT_FLOAT_EQ(q_in.quant.scale0(), asymmetric_params(ranges[0].min, ranges[0].max).scale);
  for (const Node& n : g.nodes) {
    for (int o : n.outputs) {
      const Tensor& t = g.tensors[static_cast<size_t>(o)];
      if (n.op() == OpCode::kDequantize) continue;
      EXPECT_EQ(t.dtype, DType::kInt8) << n.op_name << " " << t.name;
    }
    const Tensor& out = g.tensors[static_cast<size_t>(n.outputs[0])];
    if (n.op() == OpCode::kSoftmax || n.op() == OpCode::kLogistic) {
      EXPECT_FLOAT_EQ(out.quant.scale0(), 1.0f / 256);
      EXPECT_EQ(out.quant.zp0(), -128);
    }
    if (n.op() == OpCode::kMaxPool2D || n.op() == OpCode::kConcatenation) {
      for (int i : n.inputs) {
        const Tensor& in = g.tensors[static_cast<size_t>(i)];
        EXPECT_EQ(in.quant.scale0(), out.quant.scale0()) << n.op_name;
        EXPECT_EQ(in.quant.zp0(), out.quant.zp0()) << n.op_name;
      }
    }
    if (n.op() == OpCode::kConv2D || n.op() == OpCode::kDepthwiseConv2D || n.op() == OpCode::kFullyConnected) {
      const Tensor& in = g.tensors[static_cast<size_t>(n.inputs[0])];
      const Tensor& w = g.tensors[static_cast<size_t>(n.inputs[1])];
      const Tensor& b = g.tensors[static_cast<size_t>(n.inputs[2])];
      EXPECT_EQ(w.dtype, DType::kInt8);
      EXPECT_EQ(w.quant.scale.size(), static_cast<size_t>(w.dim(n.op() == OpCode::kDepthwiseConv2D ? 3 : 0)));
      for (int64_t k = 0; k < w.elements(); ++k) EXPECT_GE(w.constant_as<int8_t>()[k], -127);
      ASSERT_EQ(b.dtype, DType::kInt32);
      ASSERT_EQ(b.quant.scale.size(), w.quant.scale.size());
      for (size_t c = 0; c < b.quant.scale.size(); ++c) {
        EXPECT_FLOAT_EQ(b.quant.scale[c], in.quant.scale0() * w.quant.scale[c]);
        EXPECT_EQ(b.quant.zero_point[c], 0);
      }
    }
  }
  EXPECT_LT(constant_bytes(*m), constant_bytes(*load(f32)) * 0.3);
  EXPECT_LT(q.value().size(), f32.size() - constant_bytes(*load(f32)) * 0.7 + 8192);
  // Close to the float model on images it was not calibrated on; ref and auto bit for bit the same.
  int agree = 0;
  const auto test = images(20, 16 * 16 * 3, 5);
  for (const auto& im : test) {
    const auto want = run_float(f32, im, "ref");
    const auto got = run_float(q.value(), im, "ref");
    EXPECT_EQ(run_float(q.value(), im, "auto"), got);
    ASSERT_EQ(got.size(), want.size());
    for (size_t k = 0; k < want.size(); ++k) EXPECT_NEAR(got[k], want[k], 0.05);
    agree += std::max_element(got.begin(), got.end()) - got.begin() == std::max_element(want.begin(), want.end()) - want.begin();
  }
  EXPECT_GE(agree, 17);
}

TEST(Quantize, FullIntegerIntegerIoAndPerTensor) {
  const auto f32 = read_bytes(kSmallModel);
  ASSERT_FALSE(f32.empty());
  const auto ranges = calibrate(f32, 5);
  for (DType io : {DType::kInt8, DType::kUInt8}) {
    FullIntegerOptions o;
    o.io = io;
    o.per_tensor = true;
    auto q = quantize_int8(f32, ranges, o);
    ASSERT_TRUE(q.ok()) << q.status().message();
    auto m = load(q.value());
    ASSERT_TRUE(m);
    const Graph& g = m->graph();
    const Tensor& in = g.tensors[static_cast<size_t>(g.inputs[0])];
    const Tensor& out = g.tensors[static_cast<size_t>(g.outputs[0])];
    EXPECT_EQ(in.dtype, io);
    EXPECT_EQ(out.dtype, io);
    EXPECT_FLOAT_EQ(out.quant.scale0(), 1.0f / 256);
    EXPECT_EQ(out.quant.zp0(), io == DType::kUInt8 ? 0 : -128);
    for (const Node& n : g.nodes)
      if (n.op() == OpCode::kConv2D) {
        EXPECT_EQ(g.tensors[static_cast<size_t>(n.inputs[1])].quant.scale.size(), 1u);
      }
    EngineOptions eo;
    auto it = Interpreter::create(load(q.value()), eo);
    ASSERT_TRUE(it.ok()) << it.status().message();
    ASSERT_TRUE(it.value()->invoke().ok());
  }
}

// x -> ADD(x, c) -> SQUARE -> ADD(., c) -> y: SQUARE has no int8 form (TFLite runs it in float only).
std::vector<uint8_t> model_with_a_float_only_op() {
  ModelSpec m;
  const std::vector<float> c = {0.5f, -0.25f, 1.0f, -1.0f, 0.0f, 0.75f, -0.5f, 0.125f};
  m.tensors = {{"x", DType::kFloat32, {1, 8}}, {"c", DType::kFloat32, {8}, {}, bytes_of(c)},
               {"a", DType::kFloat32, {1, 8}}, {"sq", DType::kFloat32, {1, 8}}, {"y", DType::kFloat32, {1, 8}}};
  m.ops = {{static_cast<int32_t>(OpCode::kAdd), "", {0, 1}, {2}},
           {static_cast<int32_t>(OpCode::kSquare), "", {2}, {3}},
           {static_cast<int32_t>(OpCode::kAdd), "", {3, 1}, {4}}};
  m.inputs = {0};
  m.outputs = {4};
  return write_model(m);
}

TEST(Quantize, AnOperatorWithoutInt8FormStaysFloatBetweenDequantizeAndQuantize) {
  const auto f32 = model_with_a_float_only_op();
  auto cal = Calibrator::create(f32);
  ASSERT_TRUE(cal.ok()) << cal.status().message();
  std::mt19937 rng(9);
  std::vector<std::vector<float>> inputs;
  for (int k = 0; k < 20; ++k) {
    std::vector<float> x(8);
    for (float& v : x) v = std::uniform_real_distribution<float>(-1, 1)(rng);
    inputs.push_back(x);
    std::memcpy(cal->engine().input_data(0), x.data(), sizeof(float) * 8);
    ASSERT_TRUE(cal->add().ok());
  }
  for (DType io : {DType::kFloat32, DType::kInt8}) {
    FullIntegerOptions o;
    o.io = io;
    QuantizeReport report;
    auto q = quantize_int8(f32, cal->ranges(), o, &report);
    ASSERT_TRUE(q.ok()) << q.status().message();
    ASSERT_EQ(report.float_nodes, std::vector<std::string>{"node 1 (SQUARE)"});
    auto m = load(q.value());
    ASSERT_TRUE(m);
    const Graph& g = m->graph();
    std::vector<OpCode> ops;
    for (const Node& n : g.nodes) ops.push_back(n.op());
    const std::vector<OpCode> want_float_io = {OpCode::kQuantize, OpCode::kAdd, OpCode::kDequantize, OpCode::kSquare,
                                               OpCode::kQuantize, OpCode::kAdd, OpCode::kDequantize};
    const std::vector<OpCode> want_int8_io = {OpCode::kAdd, OpCode::kDequantize, OpCode::kSquare, OpCode::kQuantize,
                                              OpCode::kAdd};
    EXPECT_EQ(ops, io == DType::kFloat32 ? want_float_io : want_int8_io);
    for (const Node& n : g.nodes) {
      const DType want = n.op() == OpCode::kSquare ? DType::kFloat32 : DType::kInt8;
      if (n.op() == OpCode::kSquare || n.op() == OpCode::kAdd) {
        for (int t : n.inputs) EXPECT_EQ(g.tensors[static_cast<size_t>(t)].dtype, want) << n.op_name;
        EXPECT_EQ(g.tensors[static_cast<size_t>(n.outputs[0])].dtype, want) << n.op_name;
      }
    }
    if (io != DType::kFloat32) continue;
    for (const auto& x : inputs) {
      const std::vector<uint8_t> bytes = f32;
      const auto want = run_float(f32, x, "ref");
      const auto got = run_float(q.value(), x, "ref");
      for (size_t k = 0; k < want.size(); ++k) EXPECT_NEAR(got[k], want[k], 0.05);
    }
  }
}

TEST(Quantize, RefusesWhatItCannotQuantize) {
  const auto f32 = read_bytes(kSmallModel);
  ASSERT_FALSE(f32.empty());
  auto f16 = quantize_float16(f32);
  ASSERT_TRUE(f16.ok());
  auto again = quantize_dynamic(f16.value());
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.status().message().find("not a float32 model"), std::string::npos) << again.status().message();
  auto short_ranges = quantize_int8(f32, std::vector<TensorRange>(3));
  ASSERT_FALSE(short_ranges.ok());
  std::vector<uint8_t> garbage(100, 7);
  EXPECT_FALSE(quantize_float16(garbage).ok());
}

}  // namespace
}  // namespace eb
