// Quantized conv microbenchmarks (the q8 fast path: gemm_q8*, gemm_qs8_c4*, dwconv_q8*) on MobileNet-v2
// shapes, one op prepared through the registry exactly as a model would be, for every ISA this CPU has
// and the reference. Counters: MACs per second.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "kernels/engine/cpu_features.h"
#include "tests/support/op_harness.h"

namespace {

using eb::DType;
using eb::Isa;
using eb::testing::OpHarness;
using eb::testing::qparams;

template <typename T>
std::vector<T> random_values(size_t n, int lo, int hi) {
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<T> v(n);
  for (T& x : v) x = static_cast<T>(d(rng));
  return v;
}

// int8 CONV_2D (depthwise = false) or DEPTHWISE_CONV_2D over an h x w x cin input, per-channel weights; or,
// with `uint8`, the uint8 scheme (per-tensor weights, zero points 128). `threads` > 1 runs the op on a
// pool of that size: the thread rows show how one small op scales (pool round trips, serial passes).
void conv_on(benchmark::State& state, Isa isa, bool depthwise, int h, int w, int cin, int cout, int k, int stride,
             bool uint8, int threads) {
  if (isa != Isa::kReference && !eb::cpu_supports(eb::detect_cpu_features(), isa)) {
    state.SkipWithError("ISA not available on this CPU");
    return;
  }
  OpHarness op(depthwise ? eb::OpCode::kDepthwiseConv2D : eb::OpCode::kConv2D);
  op.set_isa(isa);
  op.set_threads(threads);
  const DType act = uint8 ? DType::kUInt8 : DType::kInt8;
  const int lo = uint8 ? 0 : -128, hi = uint8 ? 255 : 127, zp = uint8 ? 128 : 0;
  const size_t in_n = static_cast<size_t>(h * w * cin);
  if (uint8)
    op.add_input(act, {1, h, w, cin}, random_values<uint8_t>(in_n, lo, hi), qparams(0.02f, 125));
  else
    op.add_input(act, {1, h, w, cin}, random_values<int8_t>(in_n, lo, hi), qparams(0.02f, -3));
  eb::Quantization wq;
  for (int c = 0; c < (uint8 ? 1 : cout); ++c) {
    wq.scale.push_back(0.004f);
    wq.zero_point.push_back(zp);
  }
  wq.axis = depthwise ? 3 : 0;
  const eb::Shape ws = depthwise ? eb::Shape{1, k, k, cout} : eb::Shape{cout, k, k, cin};
  const size_t wn = static_cast<size_t>(k * k * cout * (depthwise ? 1 : cin));
  if (uint8)
    op.add_constant(act, ws, random_values<uint8_t>(wn, lo, hi), wq);
  else
    op.add_constant(act, ws, random_values<int8_t>(wn, -127, 127), wq);
  op.add_constant(DType::kInt32, {cout}, random_values<int32_t>(static_cast<size_t>(cout), -1000, 1000));
  op.add_output(act, qparams(0.5f, uint8 ? 130 : 1));
  op.node().options.stride_h = op.node().options.stride_w = stride;
  if (!op.prepare().ok()) {
    state.SkipWithError("prepare failed");
    return;
  }
  for (auto _ : state) op.run();
  const double macs = static_cast<double>(h / stride) * (w / stride) * cout * k * k * (depthwise ? 1 : cin);
  state.counters["MACS"] = benchmark::Counter(macs, benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(op.prepared()->kernel_name());
}

// One convolution layer: depthwise or not, h x w x cin -> cout, k x k, stride.
struct Layer {
  const char* name;
  bool depthwise;
  int h, w, cin, cout, k, stride;
};

void register_all() {
#if defined(__aarch64__)
  const Isa isas[] = {Isa::kReference, Isa::kNeon, Isa::kNeonDot};
#else
  const Isa isas[] = {Isa::kReference, Isa::kAvx2, Isa::kAvx512, Isa::kAvx512Vnni};
#endif
  auto add = [](const std::string& name, Isa isa, const Layer& l, bool uint8, int threads) {
    return benchmark::RegisterBenchmark(name.c_str(), conv_on, isa, l.depthwise, l.h, l.w, l.cin, l.cout, l.k, l.stride,
                                        uint8, threads);
  };
  // int8 layers of the shared models' shapes, every ISA against the reference, 1 thread.
  const Layer int8_layers[] = {
      {"conv_q8/1x1_56x56x24_to_144", false, 56, 56, 24, 144, 1, 1},
      {"conv_q8/1x1_14x14x384_to_64", false, 14, 14, 384, 64, 1, 1},
      {"conv_q8/3x3s2_224x224x3_to_32", false, 224, 224, 3, 32, 3, 2},
      {"dwconv_q8/3x3s2_112x112x96", true, 112, 112, 96, 96, 3, 2},
      {"dwconv_q8/3x3_28x28x192", true, 28, 28, 192, 192, 3, 1},
  };
  for (Isa isa : isas)
    for (const Layer& l : int8_layers) add(std::string(l.name) + "/" + eb::isa_name(isa), isa, l, false, 1);
  // mobilenet-v1-0.25-128-uint8's layers on the best ISA, 1 and 2 threads (MACs/s per thread count).
  const Layer uint8_layers[] = {
      {"conv_qu8/3x3s2_128x128x3_to_8", false, 128, 128, 3, 8, 3, 2},
      {"conv_qu8/1x1_8x8x128_to_128", false, 8, 8, 128, 128, 1, 1},
      {"conv_qu8/1x1_32x32x32_to_64", false, 32, 32, 32, 64, 1, 1},
      {"dwconv_qu8/3x3_16x16x64", true, 16, 16, 64, 64, 3, 1},
  };
  const Isa best = eb::best_isa(eb::detect_cpu_features());
  for (int t : {1, 2})
    for (const Layer& l : uint8_layers)
      add(std::string(l.name) + "/" + eb::isa_name(best) + "/threads:" + std::to_string(t), best, l, true, t)
          ->UseRealTime();
}

const int kRegistered = (register_all(), 0);

}  // namespace
