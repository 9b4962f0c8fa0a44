// Reference float32 LSTM, step for step as TFLite's lstm_eval.cc LstmStepFloat.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/ops/lstm/lstm.h"

namespace eb {
namespace {

float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

void matvec_accumulate(const float* w, int rows, int cols, const float* x, float* out) {
  for (int r = 0; r < rows; ++r) {
    const float* row = w + static_cast<int64_t>(r) * cols;
    float dot = 0.0f;
    for (int c = 0; c < cols; ++c) dot += row[c] * x[c];
    out[r] += dot;
  }
}

// TFLite's MeanStddevNormalization (epsilon 1e-8 when the variance is zero).
void mean_stddev_normalize(float* v, int n) {
  float sum = 0.0f, sum_sq = 0.0f;
  for (int i = 0; i < n; ++i) {
    sum += v[i];
    sum_sq += v[i] * v[i];
  }
  const float mean = sum / static_cast<float>(n);
  const float variance = sum_sq / static_cast<float>(n) - mean * mean;
  const float stddev_inv = variance == 0.0f ? 1.0f / std::sqrt(1e-8f) : 1.0f / std::sqrt(variance);
  for (int i = 0; i < n; ++i) v[i] = (v[i] - mean) * stddev_inv;
}

void gate_float(const LstmFloatGate& g, const LstmShape& s, const float* x, const float* h, const float* c,
                bool is_tanh, float* gate) {
  // With layer norm the bias is added after the normalization.
  for (int i = 0; i < s.n_cell; ++i) gate[i] = g.layer_norm != nullptr ? 0.0f : g.bias[i];
  matvec_accumulate(g.input_weights, s.n_cell, s.n_input, x, gate);
  matvec_accumulate(g.recurrent_weights, s.n_cell, s.n_output, h, gate);
  if (g.cell_weights != nullptr)
    for (int i = 0; i < s.n_cell; ++i) gate[i] += g.cell_weights[i] * c[i];
  if (g.layer_norm != nullptr) {
    mean_stddev_normalize(gate, s.n_cell);
    for (int i = 0; i < s.n_cell; ++i) gate[i] = g.layer_norm[i] * gate[i] + g.bias[i];
  }
  for (int i = 0; i < s.n_cell; ++i) gate[i] = is_tanh ? std::tanh(gate[i]) : sigmoid(gate[i]);
}

}  // namespace

size_t lstm_float_scratch_bytes(const LstmShape& s) { return static_cast<size_t>(s.n_cell) * 5 * sizeof(float) + 64; }

void lstm_f32_ref(const LstmFloatParams& p, const float* input, float* output_state, float* cell_state, float* output,
                  uint8_t* scratch) {
  const LstmShape& s = p.shape;
  const int n_cell = s.n_cell;
  float* gates[4];
  for (int g = 0; g < 4; ++g) gates[g] = reinterpret_cast<float*>(scratch) + g * n_cell;
  float* hidden = gates[3] + n_cell;
  for (int b = 0; b < s.n_batch; ++b) {
    float* h = output_state + static_cast<int64_t>(b) * s.n_output;
    float* c = cell_state + static_cast<int64_t>(b) * n_cell;
    for (int t = 0; t < s.max_time; ++t) {
      const int64_t row = s.time_major ? static_cast<int64_t>(t) * s.n_batch + b : static_cast<int64_t>(b) * s.max_time + t;
      const float* x = input + row * s.n_input;
      if (!s.use_cifg) gate_float(p.gates[kLstmInputGate], s, x, h, c, false, gates[kLstmInputGate]);
      gate_float(p.gates[kLstmForgetGate], s, x, h, c, false, gates[kLstmForgetGate]);
      gate_float(p.gates[kLstmCellGate], s, x, h, c, true, gates[kLstmCellGate]);
      for (int i = 0; i < n_cell; ++i) {
        const float f = gates[kLstmForgetGate][i];
        const float in_gate = s.use_cifg ? 1.0f - f : gates[kLstmInputGate][i];
        float v = f * c[i] + gates[kLstmCellGate][i] * in_gate;
        if (p.cell_clip > 0.0f) v = std::min(p.cell_clip, std::max(-p.cell_clip, v));
        c[i] = v;
      }
      gate_float(p.gates[kLstmOutputGate], s, x, h, c, false, gates[kLstmOutputGate]);
      for (int i = 0; i < n_cell; ++i) hidden[i] = gates[kLstmOutputGate][i] * std::tanh(c[i]);
      if (s.use_projection) {
        for (int o = 0; o < s.n_output; ++o) h[o] = p.projection_bias != nullptr ? p.projection_bias[o] : 0.0f;
        matvec_accumulate(p.projection_weights, s.n_output, n_cell, hidden, h);
        if (p.proj_clip > 0.0f)
          for (int o = 0; o < s.n_output; ++o) h[o] = std::min(p.proj_clip, std::max(-p.proj_clip, h[o]));
      } else {
        std::memcpy(h, hidden, static_cast<size_t>(s.n_output) * sizeof(float));
      }
      std::memcpy(output + row * s.n_output, h, static_cast<size_t>(s.n_output) * sizeof(float));
    }
  }
}

}  // namespace eb
