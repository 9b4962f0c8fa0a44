// The full-integer LSTM on the fast paths (lstm_qs8 with gate and projection products on the ISA's int8
// dot-product microkernels, gemm/hybrid_dot.h, and its int16 activation kernels) against the reference
// kernel, byte for byte on the output and the int8/int16 states: random parameters on input, cell and
// output widths around every vector tail (1 to 100), with and without CIFG, peephole, projection, layer
// norm, clips, several batch rows batch-major and time-major, both dot kernels an ISA has; and the zoo
// model through the engine, the kernel named.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "kernels/engine/interpreter.h"
#include "kernels/ops/gemm/hybrid_dot.h"
#include "kernels/ops/lstm/lstm.h"
#include "kernels/ops/lstm/lstm_step_kernels.h"
#include "tests/support/fast_isa.h"

namespace eb {
namespace {

struct RandomLstm {
  LstmInt8Params p;
  std::vector<int8_t> weights[8], projection;
  std::vector<int16_t> peephole[4], layer_norm[4];
  std::vector<int32_t> layer_norm_bias[4];

  RandomLstm(const LstmShape& s, bool clip, bool with_layer_norm, uint32_t seed) {
    std::mt19937 rng(seed);
    auto bytes = [&rng](size_t n) {
      std::vector<int8_t> v(n);
      for (auto& e : v) e = static_cast<int8_t>(rng());
      return v;
    };
    auto ints = [&rng](size_t n, int span) {
      std::vector<int32_t> v(n);
      for (auto& e : v) e = static_cast<int32_t>(rng() % static_cast<uint32_t>(2 * span + 1)) - span;
      return v;
    };
    p.shape = s;
    for (int g = 0; g < 4; ++g) {
      LstmInt8Gate& gate = p.gates[g];
      weights[2 * g] = bytes(static_cast<size_t>(s.n_cell) * static_cast<size_t>(s.n_input));
      weights[2 * g + 1] = bytes(static_cast<size_t>(s.n_cell) * static_cast<size_t>(s.n_output));
      gate.input_weights = weights[2 * g].data();
      gate.recurrent_weights = weights[2 * g + 1].data();
      gate.input_bias = ints(static_cast<size_t>(s.n_cell), 40000);
      gate.recurrent_bias = ints(static_cast<size_t>(s.n_cell), 40000);
      // Scales that put the products at gate pre-activations of a few units in Q3.12.
      gate.input_scale = quantize_multiplier(0.002 + 0.001 * g);
      gate.recurrent_scale = quantize_multiplier(0.0015 + 0.0007 * g);
      if (s.use_peephole && g != kLstmCellGate) {
        peephole[g].resize(static_cast<size_t>(s.n_cell));
        for (auto& e : peephole[g]) e = static_cast<int16_t>(static_cast<int32_t>(rng() % 2001) - 1000);
        gate.cell_weights = peephole[g].data();
        gate.cell_scale = quantize_multiplier(0.0004);
      }
      if (with_layer_norm) {
        layer_norm[g].resize(static_cast<size_t>(s.n_cell));
        for (auto& e : layer_norm[g]) e = static_cast<int16_t>(static_cast<int32_t>(rng() % 20001) - 10000);
        layer_norm_bias[g] = ints(static_cast<size_t>(s.n_cell), 1 << 22);
        gate.layer_norm_weights = layer_norm[g].data();
        gate.layer_norm_bias = layer_norm_bias[g].data();
        gate.layer_norm_scale = quantize_multiplier(1.0 / 4096 + 1e-4 * g);
        gate.variance_guard = 2;
      }
    }
    p.cell_state_log2_scale = -11;
    p.quantized_cell_clip = clip ? int16_t{3000} : int16_t{0};
    p.quantized_proj_clip = clip ? int8_t{100} : int8_t{0};
    p.hidden_scale = quantize_multiplier(1.0 / (1 << 22));
    p.hidden_zp = -3;
    p.output_state_zp = 2;
    if (s.use_projection) {
      projection = bytes(static_cast<size_t>(s.n_output) * static_cast<size_t>(s.n_cell));
      p.projection_weights = projection.data();
      p.projection_bias = ints(static_cast<size_t>(s.n_output), 3000);
      p.projection_scale = quantize_multiplier(0.004);
    }
  }
};

// Output and final states of one kernel run from the same initial states.
struct LstmRun {
  std::vector<int8_t> output, h;
  std::vector<int16_t> c;
  bool operator==(const LstmRun& o) const { return output == o.output && h == o.h && c == o.c; }
};

LstmRun run(const RandomLstm& l, const LstmInt8Ukernels* k, const std::vector<int8_t>& x, const std::vector<int8_t>& h0,
        const std::vector<int16_t>& c0) {
  const LstmShape& s = l.p.shape;
  LstmRun r{std::vector<int8_t>(static_cast<size_t>(s.n_batch) * static_cast<size_t>(s.max_time) *
                            static_cast<size_t>(s.n_output)),
        h0, c0};
  std::vector<uint8_t> scratch(lstm_int8_scratch_bytes(s) + 64, 0xCD);
  // 64-byte aligned like the engine's scratch.
  uint8_t* aligned = scratch.data() + (64 - reinterpret_cast<uintptr_t>(scratch.data()) % 64) % 64;
  if (k == nullptr)
    lstm_qs8_ref(l.p, x.data(), r.h.data(), r.c.data(), r.output.data(), aligned);
  else
    lstm_qs8(l.p, *k, x.data(), r.h.data(), r.c.data(), r.output.data(), aligned);
  return r;
}

class LstmQ8Fast : public testing::FastIsaTest {};

TEST_P(LstmQ8Fast, RandomLayersMatchReference) {
  const HybridDotKernel* k = hybrid_dot_kernel_for(GetParam());
  const LstmStepKernel* act = lstm_step_kernel_for(GetParam());
  ASSERT_NE(k, nullptr);
  ASSERT_NE(act, nullptr);
  uint32_t seed = 1;
  int varied = 0;
  for (int n_input : {1, 7, 28, 33, 64, 100}) {
    for (int n_cell : {1, 16, 17, 34, 65}) {
      for (int variant = 0; variant < 6; ++variant) {
        LstmShape s;
        s.n_batch = 1 + variant % 2;
        s.max_time = 3 + variant;
        s.n_input = n_input;
        s.n_cell = n_cell;
        s.use_cifg = variant == 1;
        s.use_peephole = variant == 2 || variant == 3 || variant == 5;
        s.use_projection = variant == 3 || variant == 4;
        // Peephole with projection: the output no wider than the cell (prepare refuses wider).
        s.n_output = !s.use_projection ? n_cell : s.use_peephole ? std::max(1, n_cell * 2 / 3) : 1 + (n_cell * 7) % 40;
        s.time_major = variant == 2 || variant == 3 || variant == 5;
        if (s.time_major) s.n_batch = 3;
        RandomLstm l(s, variant % 2 == 1, variant >= 4, seed++);
        lstm_int8_stack_weights(l.p);
        std::mt19937 rng(seed);
        std::vector<int8_t> x(static_cast<size_t>(s.n_batch) * static_cast<size_t>(s.max_time) *
                              static_cast<size_t>(n_input));
        for (auto& e : x) e = static_cast<int8_t>(rng());
        std::vector<int8_t> h0(static_cast<size_t>(s.n_batch) * static_cast<size_t>(s.n_output));
        for (auto& e : h0) e = static_cast<int8_t>(rng());
        std::vector<int16_t> c0(static_cast<size_t>(s.n_batch) * static_cast<size_t>(n_cell));
        for (auto& e : c0) e = static_cast<int16_t>(static_cast<int32_t>(rng() % 8001) - 4000);
        const LstmRun want = run(l, nullptr, x, h0, c0);
        for (HybridDotUkernel dot : {k->conv_fn, k->fc_fn}) {
          LstmInt8Ukernels fast;
          fast.cell_update = act->cell_update;
          fast.hidden = act->hidden;
          fast.dot = dot;
          fast.accumulate = act->accumulate;
          fast.activate_gates = act->activate_gates;
          fast.sigmoid = act->sigmoid;
          fast.tanh = act->tanh;
          ASSERT_TRUE(run(l, &fast, x, h0, c0) == want) << n_input << " " << n_cell << " variant " << variant;
        }
        varied += want.h != h0 ? 1 : 0;
      }
    }
  }
  EXPECT_GT(varied, 150);  // the states do move
}

// The zoo's integer LSTM through the engine: the fast kernel is bound and gives the reference's bytes
// over invocations that carry state.
TEST_P(LstmQ8Fast, ZooModelMatchesReference) {
  const std::string path = std::string(EDGEBENCH_SHARED_DIR) + "/models/zoo/zoo-lstm-mnist-int8.tflite";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "zoo model absent: " << path;
  auto outputs = [&](const char* engine, Isa isa, std::string* kernel) {
    auto m = Model::load_file(path);
    EXPECT_TRUE(m.ok());
    EngineOptions o;
    o.engine = engine;
    o.isa = isa == Isa::kReference ? "" : isa_name(isa);
    auto it = Interpreter::create(std::move(m.value()), o);
    EXPECT_TRUE(it.ok()) << it.status().message();
    Interpreter& in = *it.value();
    if (kernel)
      for (const auto& [node, name] : in.kernels())
        if (name.find("lstm") != std::string::npos) *kernel = name;
    std::vector<uint8_t> all;
    for (int call = 0; call < 3; ++call) {
      for (size_t b = 0; b < in.input(0).bytes(); ++b) in.input_data(0)[b] = static_cast<uint8_t>((b * 37 + call) % 256);
      EXPECT_TRUE(in.invoke().ok());
      all.insert(all.end(), in.output_data(0), in.output_data(0) + in.output(0).bytes());
    }
    return all;
  };
  std::string kernel;
  const auto got = outputs("auto", GetParam(), &kernel);
  EXPECT_EQ(got, outputs("ref", Isa::kReference, nullptr));
  EXPECT_EQ(kernel.rfind("unidirectional_sequence_lstm_qs8_dot_", 0), 0u) << kernel;
}

INSTANTIATE_TEST_SUITE_P(Isas, LstmQ8Fast, ::testing::ValuesIn(testing::fast_isas()), testing::isa_test_name);

}  // namespace
}  // namespace eb
