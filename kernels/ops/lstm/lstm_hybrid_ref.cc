// Reference hybrid LSTM, step for step as TFLite's lstm_eval.cc LstmStepHybrid.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/ops/fully_connected/fully_connected.h"
#include "kernels/ops/lstm/lstm.h"

namespace eb {
namespace {

struct QuantizedRow {
  const int8_t* q = nullptr;
  float scale = 1.0f;
  int32_t offset = 0;
  bool zero = true;  // TFLite skips the product of an all-zero vector
};

QuantizedRow quantize(const float* x, int n, bool asymmetric, int8_t* q) {
  QuantizedRow r;
  r.q = q;
  r.zero = std::all_of(x, x + n, [](float v) { return v == 0.0f; });
  if (r.zero) return r;
  if (asymmetric) hybrid_quantize_row_asymmetric(x, n, q, &r.scale, &r.offset);
  else hybrid_quantize_row_symmetric(x, n, q, &r.scale);
  return r;
}

// TFLite's hybrid MatrixBatchVectorMultiplyAccumulate for one batch row.
void matvec_hybrid(const int8_t* w, const std::vector<int32_t>& row_sums, float w_scale, int rows, int cols,
                   const QuantizedRow& x, bool asymmetric, float* out) {
  if (x.zero) return;
  const float scale = x.scale * w_scale;
  for (int r = 0; r < rows; ++r) {
    const int8_t* row = w + static_cast<int64_t>(r) * cols;
    int32_t dot = 0;
    for (int c = 0; c < cols; ++c) dot += int32_t{row[c]} * x.q[c];
    if (asymmetric) dot -= row_sums[static_cast<size_t>(r)] * x.offset;
    out[r] += static_cast<float>(dot) * scale;
  }
}

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

void gate_hybrid(const LstmHybridGate& g, const LstmHybridParams& p, const QuantizedRow& x, const QuantizedRow& h,
                 const float* c, bool is_tanh, float* gate) {
  const LstmShape& s = p.shape;
  for (int i = 0; i < s.n_cell; ++i) gate[i] = g.layer_norm != nullptr ? 0.0f : g.bias[i];
  matvec_hybrid(g.input_weights, g.input_row_sums, g.input_scale, s.n_cell, s.n_input, x, p.asymmetric, gate);
  matvec_hybrid(g.recurrent_weights, g.recurrent_row_sums, g.recurrent_scale, s.n_cell, s.n_output, h, p.asymmetric,
                gate);
  if (g.cell_weights != nullptr)
    for (int i = 0; i < s.n_cell; ++i) gate[i] += (g.cell_scale * static_cast<float>(g.cell_weights[i])) * c[i];
  if (g.layer_norm != nullptr) {
    mean_stddev_normalize(gate, s.n_cell);
    for (int i = 0; i < s.n_cell; ++i) gate[i] = g.layer_norm[i] * gate[i] + g.bias[i];
  }
  for (int i = 0; i < s.n_cell; ++i) gate[i] = is_tanh ? std::tanh(gate[i]) : 1.0f / (1.0f + std::exp(-gate[i]));
}

}  // namespace

size_t lstm_hybrid_scratch_bytes(const LstmShape& s) {
  const size_t n = static_cast<size_t>(std::max({s.n_input, s.n_cell, s.n_output}));
  return static_cast<size_t>(s.n_cell) * 5 * sizeof(float) + 3 * n + 64;
}

void lstm_hybrid_ref(const LstmHybridParams& p, const float* input, float* output_state, float* cell_state,
                     float* output, uint8_t* scratch) {
  const LstmShape& s = p.shape;
  const int n_cell = s.n_cell;
  float* gates[4];
  for (int g = 0; g < 4; ++g) gates[g] = reinterpret_cast<float*>(scratch) + g * n_cell;
  float* hidden = gates[3] + n_cell;
  const size_t n = static_cast<size_t>(std::max({s.n_input, s.n_cell, s.n_output}));
  int8_t* qx = reinterpret_cast<int8_t*>(hidden + n_cell);
  int8_t* qh = qx + n;
  int8_t* qhidden = qh + n;
  for (int b = 0; b < s.n_batch; ++b) {
    float* h = output_state + static_cast<int64_t>(b) * s.n_output;
    float* c = cell_state + static_cast<int64_t>(b) * n_cell;
    for (int t = 0; t < s.max_time; ++t) {
      const int64_t row = s.time_major ? static_cast<int64_t>(t) * s.n_batch + b : static_cast<int64_t>(b) * s.max_time + t;
      const float* x = input + row * s.n_input;
      const QuantizedRow xq = quantize(x, s.n_input, p.asymmetric, qx);
      const QuantizedRow hq = quantize(h, s.n_output, p.asymmetric, qh);
      if (!s.use_cifg) gate_hybrid(p.gates[kLstmInputGate], p, xq, hq, c, false, gates[kLstmInputGate]);
      gate_hybrid(p.gates[kLstmForgetGate], p, xq, hq, c, false, gates[kLstmForgetGate]);
      gate_hybrid(p.gates[kLstmCellGate], p, xq, hq, c, true, gates[kLstmCellGate]);
      for (int i = 0; i < n_cell; ++i) {
        const float f = gates[kLstmForgetGate][i];
        const float in_gate = s.use_cifg ? 1.0f - f : gates[kLstmInputGate][i];
        float v = f * c[i] + gates[kLstmCellGate][i] * in_gate;
        if (p.cell_clip > 0.0f) v = std::min(p.cell_clip, std::max(-p.cell_clip, v));
        c[i] = v;
      }
      gate_hybrid(p.gates[kLstmOutputGate], p, xq, hq, c, false, gates[kLstmOutputGate]);
      for (int i = 0; i < n_cell; ++i) hidden[i] = gates[kLstmOutputGate][i] * std::tanh(c[i]);
      if (s.use_projection) {
        for (int o = 0; o < s.n_output; ++o) h[o] = p.projection_bias != nullptr ? p.projection_bias[o] : 0.0f;
        const QuantizedRow hid = quantize(hidden, n_cell, p.asymmetric, qhidden);
        matvec_hybrid(p.projection_weights, p.projection_row_sums, p.projection_scale, s.n_output, n_cell, hid,
                      p.asymmetric, h);
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
