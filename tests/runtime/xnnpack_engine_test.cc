// `--engine xnnpack`: hand-built float32 and int8 models give the reference engine's outputs (float
// within rounding, int8 within one quantized step), threads do not change a single byte, and what the
// 2022 XNNPACK cannot run is refused at load with the node named. Compiled only with the XNNPACK engine
// in the build (eb_xnnpack_engine defines EDGEBENCH_HAVE_XNNPACK for whatever links it).
#ifdef EDGEBENCH_HAVE_XNNPACK

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "kernels/engine/create_engine.h"
#include "kernels/model/model.h"
#include "kernels/model/model_writer.h"
#include "tests/support/synthetic_models.h"

namespace eb {
namespace {

constexpr int32_t kConv = static_cast<int32_t>(OpCode::kConv2D);
constexpr int32_t kFc = static_cast<int32_t>(OpCode::kFullyConnected);
constexpr int32_t kAddOp = static_cast<int32_t>(OpCode::kAdd);
constexpr int32_t kTanhOp = static_cast<int32_t>(OpCode::kTanh);

std::vector<float> random_floats(size_t n, uint32_t seed, float lo = -1.0f, float hi = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

std::vector<int8_t> random_int8(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<int8_t> v(n);
  for (int8_t& x : v) x = static_cast<int8_t>(static_cast<int>(rng() % 255) - 127);
  return v;
}

// input [1,16,16,3] -> CONV_2D 3x3 SAME (8 filters, bias) -> ADD constant [8] -> FULLY_CONNECTED [10, 2048].
ModelSpec float_model() {
  ModelSpec m;
  m.tensors = {
      {"input", DType::kFloat32, {1, 16, 16, 3}},
      {"conv_w", DType::kFloat32, {8, 3, 3, 3}, {}, bytes_of(random_floats(8 * 27, 1))},
      {"conv_b", DType::kFloat32, {8}, {}, bytes_of(random_floats(8, 2))},
      {"conv_out", DType::kFloat32, {1, 16, 16, 8}},
      {"shift", DType::kFloat32, {8}, {}, bytes_of(random_floats(8, 3))},
      {"add_out", DType::kFloat32, {1, 16, 16, 8}},
      {"fc_w", DType::kFloat32, {10, 2048}, {}, bytes_of(random_floats(10 * 2048, 4, -0.05f, 0.05f))},
      {"fc_b", DType::kFloat32, {10}, {}, bytes_of(random_floats(10, 5))},
      {"output", DType::kFloat32, {1, 10}},
  };
  m.ops = {{kConv, "", {0, 1, 2}, {3}}, {kAddOp, "", {3, 4}, {5}}, {kFc, "", {5, 6, 7}, {8}}};
  m.inputs = {0};
  m.outputs = {8};
  return m;
}

// Full int8: per-channel CONV_2D, then a per-channel FULLY_CONNECTED (which this XNNPACK only runs as a
// 1x1 convolution, so the test covers that path too).
ModelSpec int8_model() {
  const float in_scale = 0.05f, conv_scale = 0.08f;
  std::vector<float> wc_scales = {0.010f, 0.020f, 0.015f, 0.005f, 0.012f, 0.030f, 0.008f, 0.011f};
  std::vector<float> bc_scales, wf_scales, bf_scales;
  for (float s : wc_scales) bc_scales.push_back(in_scale * s);
  for (int k = 0; k < 10; ++k) wf_scales.push_back(0.0004f + 0.0001f * static_cast<float>(k));
  for (float s : wf_scales) bf_scales.push_back(conv_scale * s);
  std::vector<int32_t> conv_bias = {1000, -2000, 500, 0, 3000, -200, 70, -900}, fc_bias(10);
  for (int k = 0; k < 10; ++k) fc_bias[static_cast<size_t>(k)] = 5000 * k - 20000;  // up to ~8 output steps: a lost bias shows
  ModelSpec m;
  m.tensors = {
      {"input", DType::kInt8, {1, 16, 16, 3}, {}, {}, {in_scale}, {-3}},
      {"conv_w", DType::kInt8, {8, 3, 3, 3}, {}, bytes_of(random_int8(8 * 27, 11)), wc_scales, std::vector<int64_t>(8, 0), 0},
      {"conv_b", DType::kInt32, {8}, {}, bytes_of(conv_bias), bc_scales, std::vector<int64_t>(8, 0), 0},
      {"conv_out", DType::kInt8, {1, 16, 16, 8}, {}, {}, {conv_scale}, {2}},
      {"fc_w", DType::kInt8, {10, 2048}, {}, bytes_of(random_int8(10 * 2048, 12)), wf_scales, std::vector<int64_t>(10, 0), 0},
      {"fc_b", DType::kInt32, {10}, {}, bytes_of(fc_bias), bf_scales, std::vector<int64_t>(10, 0), 0},
      {"output", DType::kInt8, {1, 10}, {}, {}, {0.25f}, {-5}},
  };
  m.ops = {{kConv, "", {0, 1, 2}, {3}}, {kFc, "", {3, 4, 5}, {6}}};
  m.inputs = {0};
  m.outputs = {6};
  return m;
}

Result<std::unique_ptr<Engine>> make_engine(const ModelSpec& spec, const std::string& engine, int threads = 1) {
  const std::vector<uint8_t> bytes = write_model(spec);
  auto m = Model::load_bytes(bytes.data(), bytes.size());
  if (!m.ok()) return m.status();
  EngineOptions o;
  o.engine = engine;
  o.threads = threads;
  return create_engine(std::move(m.value()), o);
}

void fill_input(Engine& e, uint32_t seed) {
  const Tensor& t = e.input(0);
  if (t.dtype == DType::kFloat32) {
    const std::vector<float> v = random_floats(static_cast<size_t>(t.elements()), seed);
    std::memcpy(e.input_data(0), v.data(), t.bytes());
  } else {
    std::mt19937 rng(seed);
    for (size_t k = 0; k < t.bytes(); ++k) e.input_data(0)[k] = static_cast<uint8_t>(rng());
  }
}

std::vector<uint8_t> run(Engine& e, uint32_t seed) {
  fill_input(e, seed);
  Status s = e.invoke();
  EXPECT_TRUE(s.ok()) << s.message();
  return std::vector<uint8_t>(e.output_data(0), e.output_data(0) + e.output(0).bytes());
}

// A float32 output of run() as floats.
std::vector<float> as_floats(const std::vector<uint8_t>& bytes) {
  std::vector<float> f(bytes.size() / sizeof(float));
  std::memcpy(f.data(), bytes.data(), f.size() * sizeof(float));
  return f;
}

TEST(XnnpackEngine, FloatModelMatchesReference) {
  auto x = make_engine(float_model(), "xnnpack");
  ASSERT_TRUE(x.ok()) << x.status().message();
  auto r = make_engine(float_model(), "ref");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_STREQ(x.value()->engine_name(), "xnnpack");
  EXPECT_EQ(x.value()->isa(), "xnnpack");
  const auto kernels = x.value()->kernels();
  ASSERT_EQ(kernels.size(), 3u);
  EXPECT_EQ(kernels[0].second, "xnn_convolution_2d_f32");
  EXPECT_EQ(kernels[2].second, "xnn_fully_connected_f32");
  for (uint32_t seed : {21u, 22u}) {
    const std::vector<float> fa = as_floats(run(*x.value(), seed)), fb = as_floats(run(*r.value(), seed));
    ASSERT_EQ(fa.size(), fb.size());
    float max_abs = 0;
    for (float v : fb) max_abs = std::max(max_abs, std::fabs(v));
    ASSERT_GT(max_abs, 0.1f) << "degenerate model: outputs near zero prove nothing";
    for (size_t k = 0; k < fa.size(); ++k) EXPECT_NEAR(fa[k], fb[k], 1e-4f * std::max(1.0f, max_abs)) << "output " << k;
  }
}

TEST(XnnpackEngine, Int8ModelWithinOneStepOfReference) {
  auto x = make_engine(int8_model(), "xnnpack");
  ASSERT_TRUE(x.ok()) << x.status().message();
  auto r = make_engine(int8_model(), "ref");
  ASSERT_TRUE(r.ok()) << r.status().message();
  const auto kernels = x.value()->kernels();
  ASSERT_EQ(kernels.size(), 2u);
  EXPECT_EQ(kernels[0].second, "xnn_convolution_2d_qc8");
  EXPECT_NE(kernels[1].second.find("convolution_2d_1x1_qc8"), std::string::npos) << kernels[1].second;
  int distinct = 0;
  for (uint32_t seed : {31u, 32u, 33u}) {
    const std::vector<uint8_t> a = run(*x.value(), seed), b = run(*r.value(), seed);
    ASSERT_EQ(a.size(), b.size());
    for (size_t k = 0; k < a.size(); ++k) {
      const int qa = static_cast<int8_t>(a[k]), qb = static_cast<int8_t>(b[k]);
      EXPECT_LE(std::abs(qa - qb), 1) << "seed " << seed << " output " << k << ": xnnpack " << qa << ", ref " << qb;
      if (k > 0 && b[k] != b[0]) ++distinct;
    }
  }
  EXPECT_GT(distinct, 0) << "degenerate model: every output saturated to one value";
}

TEST(XnnpackEngine, ThreadsDoNotChangeOutputs) {
  for (const ModelSpec& spec : {float_model(), int8_model()}) {
    auto one = make_engine(spec, "xnnpack", 1);
    auto two = make_engine(spec, "xnnpack", 2);
    ASSERT_TRUE(one.ok()) << one.status().message();
    ASSERT_TRUE(two.ok()) << two.status().message();
    EXPECT_EQ(one.value()->effective_threads(), 1);
    EXPECT_EQ(two.value()->effective_threads(), 2);
    for (uint32_t seed : {41u, 42u}) EXPECT_EQ(run(*one.value(), seed), run(*two.value(), seed)) << "seed " << seed;
  }
}

// Broadcast MUL / ADD / SUB (per-channel, per-pixel, scalar operands; tests/support/synthetic_models.h),
// a model not in ../shared: edgebench's fast kernels give XNNPACK's bytes exactly, in float32, int8 and
// uint8, on 1 and 2 threads (real TFLite agrees too: bench/oracle_compare.py, bench/RESULTS.md).
TEST(XnnpackEngine, BroadcastElementwiseOpsMatchBitForBit) {
  for (DType dt : {DType::kFloat32, DType::kInt8, DType::kUInt8}) {
    const ModelSpec spec = testing::broadcast_ops_model(dt, 9, 7, 40);
    auto x = make_engine(spec, "xnnpack");
    ASSERT_TRUE(x.ok()) << x.status().message();
    for (int threads : {1, 2}) {
      auto a = make_engine(spec, "auto", threads);
      ASSERT_TRUE(a.ok()) << a.status().message();
      if (a.value()->isa() != "ref") {
        for (const auto& node_kernel : a.value()->kernels())
          EXPECT_EQ(node_kernel.second.find("_ref"), std::string::npos) << node_kernel.second;
      }
      int distinct = 0;
      for (uint32_t seed : {51u, 52u}) {
        const std::vector<uint8_t> want = run(*x.value(), seed), got = run(*a.value(), seed);
        ASSERT_EQ(got, want) << dtype_name(dt) << " threads " << threads << " seed " << seed;
        for (size_t k = 1; k < got.size(); ++k) distinct += got[k] != got[0];
      }
      EXPECT_GT(distinct, 0) << "degenerate model: every output byte equal";
    }
  }
}

// LOGISTIC, a two-activation MUL (swish) and HARD_SWISH in float32: edgebench's fast kernels land within
// 1e-5 (relative above 1) of XNNPACK's: both approximate exp, so not bit for bit.
TEST(XnnpackEngine, FloatActivationsAgree) {
  const ModelSpec spec = testing::activations_model(9, 11, 24);
  auto x = make_engine(spec, "xnnpack");
  ASSERT_TRUE(x.ok()) << x.status().message();
  auto a = make_engine(spec, "auto");
  ASSERT_TRUE(a.ok()) << a.status().message();
  if (a.value()->isa() != "ref") {
    for (const auto& node_kernel : a.value()->kernels())
      EXPECT_EQ(node_kernel.second.find("_ref"), std::string::npos) << node_kernel.second;
  }
  for (uint32_t seed : {61u, 62u}) {
    const std::vector<float> w = as_floats(run(*x.value(), seed)), g = as_floats(run(*a.value(), seed));
    ASSERT_EQ(g.size(), w.size());
    for (size_t k = 0; k < w.size(); ++k)
      ASSERT_LE(std::fabs(g[k] - w[k]), 1e-5f * std::max(1.0f, std::fabs(w[k]))) << "seed " << seed << " output " << k;
  }
}

// One line naming the node, the operator and why.
void expect_refused(const ModelSpec& spec, std::initializer_list<const char*> fragments) {
  auto e = make_engine(spec, "xnnpack");
  ASSERT_FALSE(e.ok()) << "accepted; expected a refusal with '" << *fragments.begin() << "'";
  const std::string& msg = e.status().message();
  EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  for (const char* f : fragments) EXPECT_NE(msg.find(f), std::string::npos) << "'" << f << "' not in: " << msg;
}

TEST(XnnpackEngine, UnsupportedOperatorIsRefusedNamingTheNode) {
  ModelSpec m = float_model();
  // TANH exists in edgebench's kernels (the graph is valid) but not in this XNNPACK's subgraph API.
  m.tensors.push_back({"tanh_out", DType::kFloat32, {1, 10}});
  m.ops.push_back({kTanhOp, "", {8}, {9}});
  m.outputs = {9};
  ASSERT_TRUE(make_engine(m, "ref").ok());
  expect_refused(m, {"node 3 (TANH)", "not supported by XNNPACK 2022-02-16"});
}

TEST(XnnpackEngine, DynamicRangeWeightsAreRefused) {
  ModelSpec m = float_model();
  m.tensors[6] = {"fc_w", DType::kInt8, {10, 2048}, {}, bytes_of(random_int8(10 * 2048, 7)), {0.01f}, {0}};
  ASSERT_TRUE(make_engine(m, "ref").ok());
  expect_refused(m, {"node 2 (FULLY_CONNECTED)", "dynamic-range", "not supported"});
}

TEST(XnnpackEngine, CustomOperatorIsRefused) {
  ModelSpec m = float_model();
  m.tensors.push_back({"custom_out", DType::kFloat32, {1, 10}});
  m.ops.push_back({32, "MyCustomOp", {8}, {9}});
  m.outputs = {9};
  expect_refused(m, {"node 3", "'MyCustomOp'", "not supported"});
}

TEST(XnnpackEngine, ResizeOnlyToTheSameShape) {
  auto x = make_engine(float_model(), "xnnpack");
  ASSERT_TRUE(x.ok()) << x.status().message();
  EXPECT_TRUE(x.value()->resize_input(0, {1, 16, 16, 3}).ok());
  Status s = x.value()->resize_input(0, {1, 32, 32, 3});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("cannot resize [1, 16, 16, 3] to [1, 32, 32, 3]"), std::string::npos) << s.message();
  EXPECT_FALSE(x.value()->resize_input(1, {1}).ok());
}

// Every shared model either runs or is refused in one line, and loading never crashes (whether the
// outputs are right is the conformance suite's job: tests/conformance/run_conformance.py).
TEST(XnnpackEngine, SharedModelsRunOrAreRefusedCleanly) {
  const std::string dir = std::string(EDGEBENCH_SHARED_DIR) + "/models";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "../shared/models absent: " << dir;
  int ran = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".tflite") continue;
    auto m = Model::load_file(entry.path().string());
    ASSERT_TRUE(m.ok()) << m.status().message();
    EngineOptions o;
    o.engine = "xnnpack";
    auto e = create_engine(std::move(m.value()), o);
    if (!e.ok()) {
      EXPECT_EQ(e.status().message().find('\n'), std::string::npos) << e.status().message();
      EXPECT_NE(e.status().message().find("not supported"), std::string::npos) << e.status().message();
      continue;
    }
    fill_input(*e.value(), 5);
    EXPECT_TRUE(e.value()->invoke().ok()) << entry.path();
    ++ran;
  }
  EXPECT_GT(ran, 0);
}

}  // namespace
}  // namespace eb

#endif  // EDGEBENCH_HAVE_XNNPACK
