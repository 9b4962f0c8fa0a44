// Microbenchmarks of the other fast kernels, each against its reference kernel on the same shape:
// float32 depthwise (3x3, 5x5), hybrid (dynamic-range) FULLY_CONNECTED and CONV_2D, MAX_POOL_2D,
// QUANTIZE, ADD and MUL (same-size and broadcast operands), float LOGISTIC / TANH / HARD_SWISH. One op prepared through the registry as a model would be, for the reference and
// every ISA of this CPU (kernel name in the label). Counters: work items per second (MACs for
// convolutions and FC, elements otherwise), so names with "/ref" and "/avx2" read as a side-by-side ratio.
#include <benchmark/benchmark.h>

#include <functional>
#include <random>
#include <string>
#include <vector>

#include "kernels/engine/cpu_features.h"
#include "tests/support/op_harness.h"

namespace {

using eb::DType;
using eb::Isa;
using eb::OpCode;
using eb::testing::OpHarness;
using eb::testing::qparams;

std::vector<float> random_floats(size_t n, float lo, float hi) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

std::vector<int8_t> random_int8(size_t n) {
  std::mt19937 rng(6);
  std::uniform_int_distribution<int> d(-127, 127);
  std::vector<int8_t> v(n);
  for (int8_t& x : v) x = static_cast<int8_t>(d(rng));
  return v;
}

// Builds the op (build(op)), then times op.run(); `work` items per run.
void run_op(benchmark::State& state, Isa isa, OpCode code, const std::function<void(OpHarness&)>& build, double work) {
  if (isa != Isa::kReference && !eb::cpu_supports(eb::detect_cpu_features(), isa)) {
    state.SkipWithError("ISA not available on this CPU");
    return;
  }
  OpHarness op(code);
  op.set_isa(isa);
  build(op);
  if (!op.prepare().ok()) {
    state.SkipWithError("prepare failed");
    return;
  }
  for (auto _ : state) op.run();
  state.counters["items"] = benchmark::Counter(work, benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(op.prepared()->kernel_name());
}

// float32 DEPTHWISE_CONV_2D, SAME, h x w x c, k x k, stride s.
std::function<void(OpHarness&)> dwconv_f32(int h, int w, int c, int k, int s) {
  return [=](OpHarness& op) {
    op.add_input(DType::kFloat32, {1, h, w, c}, random_floats(static_cast<size_t>(h * w * c), -1, 1));
    op.add_constant(DType::kFloat32, {1, k, k, c}, random_floats(static_cast<size_t>(k * k * c), -1, 1));
    op.add_constant(DType::kFloat32, {c}, random_floats(static_cast<size_t>(c), -1, 1));
    op.add_output(DType::kFloat32);
    op.node().options.stride_h = op.node().options.stride_w = s;
    op.node().options.activation = eb::Activation::kRelu6;
  };
}

// Hybrid FULLY_CONNECTED: float [batch, in], int8 weights [out, in] (per-tensor), float bias.
std::function<void(OpHarness&)> fc_hybrid(int batch, int in, int out) {
  return [=](OpHarness& op) {
    op.add_input(DType::kFloat32, {batch, in}, random_floats(static_cast<size_t>(batch * in), -1, 1));
    op.add_constant(DType::kInt8, {out, in}, random_int8(static_cast<size_t>(out * in)), qparams(0.01f, 0));
    op.add_constant(DType::kFloat32, {out}, random_floats(static_cast<size_t>(out), -1, 1));
    op.add_output(DType::kFloat32);
    op.node().options.asymmetric_quantize_inputs = true;
  };
}

// Hybrid CONV_2D: float h x w x cin, int8 k x k filters to cout, per-channel scales, SAME.
std::function<void(OpHarness&)> conv_hybrid(int h, int w, int cin, int cout, int k) {
  return [=](OpHarness& op) {
    op.add_input(DType::kFloat32, {1, h, w, cin}, random_floats(static_cast<size_t>(h * w * cin), -1, 1));
    eb::Quantization wq;
    for (int c = 0; c < cout; ++c) wq.scale.push_back(0.01f), wq.zero_point.push_back(0);
    wq.axis = 0;
    op.add_constant(DType::kInt8, {cout, k, k, cin}, random_int8(static_cast<size_t>(cout * k * k * cin)), wq);
    op.add_constant(DType::kFloat32, {cout}, random_floats(static_cast<size_t>(cout), -1, 1));
    op.add_output(DType::kFloat32);
  };
}

std::function<void(OpHarness&)> maxpool_int8(int h, int w, int c) {
  return [=](OpHarness& op) {
    op.add_input(DType::kInt8, {1, h, w, c}, random_int8(static_cast<size_t>(h * w * c)), qparams(0.1f, 0));
    op.add_output(DType::kInt8, qparams(0.1f, 0));
    op.node().options.filter_h = op.node().options.filter_w = 2;
    op.node().options.stride_h = op.node().options.stride_w = 2;
    op.node().options.padding = eb::Padding::kValid;
  };
}

std::function<void(OpHarness&)> quantize_f32_to_int8(int n) {
  return [=](OpHarness& op) {
    op.add_input(DType::kFloat32, {1, n}, random_floats(static_cast<size_t>(n), -3, 3));
    op.add_output(DType::kInt8, qparams(0.025f, -2));
  };
}

std::function<void(OpHarness&)> add_f32(int n) {
  return [=](OpHarness& op) {
    op.add_input(DType::kFloat32, {1, n}, random_floats(static_cast<size_t>(n), -1, 1));
    op.add_input(DType::kFloat32, {1, n}, random_floats(static_cast<size_t>(n), -1, 1));
    op.add_output(DType::kFloat32);
  };
}

// Binary op on quantized int8 operands of shapes a and b (b broadcast as NumPy does).
std::function<void(OpHarness&)> binary_int8(eb::Shape a, eb::Shape b) {
  return [=](OpHarness& op) {
    size_t na = 1, nb = 1;
    for (int32_t d : a) na *= static_cast<size_t>(d);
    for (int32_t d : b) nb *= static_cast<size_t>(d);
    op.add_input(DType::kInt8, a, random_int8(na), qparams(0.05f, 3));
    op.add_input(DType::kInt8, b, random_int8(nb), qparams(0.02f, -5));
    op.add_output(DType::kInt8, qparams(0.1f, 1));
  };
}

// float32 ADD of a [1,h,w,c] tensor and a per-channel [c] constant.
std::function<void(OpHarness&)> add_f32_per_channel(int h, int w, int c) {
  return [=](OpHarness& op) {
    op.add_input(DType::kFloat32, {1, h, w, c}, random_floats(static_cast<size_t>(h * w * c), -1, 1));
    op.add_constant(DType::kFloat32, {c}, random_floats(static_cast<size_t>(c), -1, 1));
    op.add_output(DType::kFloat32);
  };
}

// A float32 unary op (LOGISTIC, TANH, HARD_SWISH) on n elements.
std::function<void(OpHarness&)> unary_f32(int n) {
  return [=](OpHarness& op) {
    op.add_input(DType::kFloat32, {1, n}, random_floats(static_cast<size_t>(n), -6, 6));
    op.add_output(DType::kFloat32);
  };
}

void register_all() {
#if defined(__aarch64__)
  const Isa isas[] = {Isa::kReference, Isa::kNeon, Isa::kNeonDot};
#else
  const Isa isas[] = {Isa::kReference, Isa::kAvx2, Isa::kAvx512, Isa::kAvx512Vnni};
#endif
  struct Case {
    std::string name;
    OpCode code;
    std::function<void(OpHarness&)> build;
    double work;
  };
  const std::vector<Case> cases = {
      {"dwconv_f32/3x3_56x56x144", OpCode::kDepthwiseConv2D, dwconv_f32(56, 56, 144, 3, 1), 56.0 * 56 * 144 * 9},
      {"dwconv_f32/3x3s2_112x112x96", OpCode::kDepthwiseConv2D, dwconv_f32(112, 112, 96, 3, 2), 56.0 * 56 * 96 * 9},
      {"dwconv_f32/5x5_28x28x120", OpCode::kDepthwiseConv2D, dwconv_f32(28, 28, 120, 5, 1), 28.0 * 28 * 120 * 25},
      {"fc_hybrid/1x640_to_128", OpCode::kFullyConnected, fc_hybrid(1, 640, 128), 640.0 * 128},
      {"conv_hybrid/3x3_25x5x64_to_64", OpCode::kConv2D, conv_hybrid(25, 5, 64, 64, 3), 25.0 * 5 * 64 * 64 * 9},
      {"maxpool_int8/2x2s2_32x32x32", OpCode::kMaxPool2D, maxpool_int8(32, 32, 32), 16.0 * 16 * 32},
      {"quantize_f32_int8/150528", OpCode::kQuantize, quantize_f32_to_int8(150528), 150528.0},
      {"add_f32/65536", OpCode::kAdd, add_f32(65536), 65536.0},
      {"add_f32/28x28x96+96", OpCode::kAdd, add_f32_per_channel(28, 28, 96), 28.0 * 28 * 96},
      {"mul_int8/65536", OpCode::kMul, binary_int8({1, 65536}, {1, 65536}), 65536.0},
      {"mul_int8/28x28x96*1x1x96", OpCode::kMul, binary_int8({1, 28, 28, 96}, {1, 1, 1, 96}), 28.0 * 28 * 96},
      {"logistic_f32/112x112x32", OpCode::kLogistic, unary_f32(112 * 112 * 32), 112.0 * 112 * 32},
      {"tanh_f32/112x112x32", OpCode::kTanh, unary_f32(112 * 112 * 32), 112.0 * 112 * 32},
      {"hard_swish_f32/112x112x32", OpCode::kHardSwish, unary_f32(112 * 112 * 32), 112.0 * 112 * 32},
      {"add_int8/28x28x96+28x28x1", OpCode::kAdd, binary_int8({1, 28, 28, 96}, {1, 28, 28, 1}), 28.0 * 28 * 96},
  };
  for (const Case& c : cases)
    for (Isa isa : isas)
      benchmark::RegisterBenchmark((c.name + "/" + eb::isa_name(isa)).c_str(), run_op, isa, c.code, c.build, c.work);
}

const int kRegistered = (register_all(), 0);

}  // namespace
