// Small models of layouts the models in ../shared lack, for cross-checks against XNNPACK and real TFLite
// (tests/runtime/xnnpack_engine_test.cc) and for `bench/` (eb_make_models writes them as .tflite files).
//
// broadcast_ops_model: the elementwise ops' broadcast layouts,
//   input [1,H,W,C] -> MUL const [1,1,1,C]   (squeeze-and-excitation scaling)
//                   -> ADD const [C]         (per-channel shift)
//                   -> MUL const [1,H,W,1]   (one value per pixel, e.g. an attention map)
//                   -> SUB const [1]         (a scalar)            -> output [1,H,W,C]
//
// float32, int8 or uint8 throughout. The quantized scales keep every ratio inside XNNPACK's limits, so
// TFLite runs each op on XNNPACK and edgebench on its fp32 (MUL) / integer (ADD, SUB) XNNPACK schemes.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kernels/graph/graph.h"
#include "kernels/model/model_writer.h"

namespace eb::testing {

inline ModelSpec broadcast_ops_model(DType dt, int32_t h, int32_t w, int32_t c, uint32_t seed = 1) {
  const bool quant = dt != DType::kFloat32;
  const int64_t zp_shift = dt == DType::kUInt8 ? 128 : 0;
  std::mt19937 rng(seed);
  auto values = [&](size_t n) {
    if (!quant) {
      std::uniform_real_distribution<float> d(-1.5f, 1.5f);
      std::vector<float> v(n);
      for (float& x : v) x = d(rng);
      return bytes_of(v);
    }
    std::uniform_int_distribution<int> d(dt == DType::kUInt8 ? 0 : -128, dt == DType::kUInt8 ? 255 : 127);
    std::vector<uint8_t> v(n);
    for (uint8_t& x : v) x = static_cast<uint8_t>(d(rng));
    return v;
  };
  auto tensor = [&](std::string name, Shape shape, bool constant, float scale, int64_t zp) {
    TensorSpec t;
    t.name = std::move(name);
    t.dtype = dt;
    t.shape = shape;
    if (constant) {
      size_t n = 1;
      for (int32_t d : shape) n *= static_cast<size_t>(d);
      t.data = values(n);
    }
    if (quant) {
      t.scales = {scale};
      t.zero_points = {zp + zp_shift};
    }
    return t;
  };
  ModelSpec m;
  m.description = "edgebench broadcast elementwise ops";
  m.tensors = {
      tensor("input", {1, h, w, c}, false, 0.05f, -3),   tensor("se_scale", {1, 1, 1, c}, true, 0.01f, 0),
      tensor("scaled", {1, h, w, c}, false, 0.02f, 4),   tensor("channel_shift", {c}, true, 0.03f, 5),
      tensor("shifted", {1, h, w, c}, false, 0.04f, -7), tensor("pixel_map", {1, h, w, 1}, true, 0.02f, -10),
      tensor("mapped", {1, h, w, c}, false, 0.03f, 2),   tensor("offset", {1}, true, 0.1f, 0),
      tensor("output", {1, h, w, c}, false, 0.05f, -1),
  };
  const auto op = [](OpCode code) { return static_cast<int32_t>(code); };
  m.ops = {{op(OpCode::kMul), "", {0, 1}, {2}},
           {op(OpCode::kAdd), "", {2, 3}, {4}},
           {op(OpCode::kMul), "", {4, 5}, {6}},
           {op(OpCode::kSub), "", {6, 7}, {8}}};
  m.inputs = {0};
  m.outputs = {8};
  return m;
}

// activations_model: float32 transcendental activations as detection and mobile models use them,
//   input [1,H,W,C] -> LOGISTIC -> MUL by the input (SiLU / swish, two activations of one shape)
//                   -> HARD_SWISH -> output [1,H,W,C]
inline ModelSpec activations_model(int32_t h, int32_t w, int32_t c) {
  const auto op = [](OpCode code) { return static_cast<int32_t>(code); };
  ModelSpec m;
  m.description = "edgebench float activations";
  m.tensors = {{"input", DType::kFloat32, {1, h, w, c}},
               {"sigmoid", DType::kFloat32, {1, h, w, c}},
               {"swish", DType::kFloat32, {1, h, w, c}},
               {"output", DType::kFloat32, {1, h, w, c}}};
  m.ops = {{op(OpCode::kLogistic), "", {0}, {1}},
           {op(OpCode::kMul), "", {0, 1}, {2}},
           {op(OpCode::kHardSwish), "", {2}, {3}}};
  m.inputs = {0};
  m.outputs = {3};
  return m;
}

}  // namespace eb::testing
