// Float32 GEMM / depthwise microbenchmarks on the shapes that dominate the shared float models
// (MobileNet-style 1x1 convolutions, the 3-channel first layer, 3x3 / 5x5 depthwise), for every ISA
// this CPU has. Counters: FLOPS (2 per multiply-add) per second.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "kernels/engine/cpu_features.h"
#include "kernels/ops/depthwise_conv2d/dwconv_f32.h"
#include "kernels/ops/gemm/gemm_f32.h"

namespace {

std::vector<float> random_floats(size_t n) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

// A GEMM of m rows, k depth, n channels (a 1x1 convolution of m pixels), one thread.
void gemm(benchmark::State& state, eb::Isa isa, size_t m, size_t k, size_t n) {
  const eb::GemmF32Kernel* kern = eb::gemm_f32_kernel_for(isa);
  if (!kern || !eb::cpu_supports(eb::detect_cpu_features(), isa)) {
    state.SkipWithError("ISA not available on this CPU");
    return;
  }
  const auto a = random_floats(m * k), w = random_floats(n * k), bias = random_floats(n);
  std::vector<float> c(m * n);
  const eb::AlignedFloats packed = eb::pack_gemm_f32_weights(w.data(), bias.data(), n, k, kern->nr);
  const eb::GemmF32Params p{-1e30f, 1e30f};
  for (auto _ : state) {
    eb::run_gemm_f32(*kern, packed.data(), m, n, k, a.data(), k, c.data(), n, p, nullptr);
    benchmark::DoNotOptimize(c.data());
  }
  state.counters["FLOPS"] = benchmark::Counter(2.0 * static_cast<double>(m * n * k), benchmark::Counter::kIsIterationInvariantRate);
}

// A depthwise convolution over an h x w x c input, kernel kk x kk, SAME padding, stride s, one thread.
void dwconv(benchmark::State& state, eb::Isa isa, int h, int w, int c, int kk, int s) {
  const eb::DwconvF32Kernel* kern = eb::dwconv_f32_kernel_for(isa, kk, kk, s, 1);
  if (!kern || !eb::cpu_supports(eb::detect_cpu_features(), isa)) {
    state.SkipWithError("ISA not available on this CPU");
    return;
  }
  eb::ConvGeometry g;
  g.batches = 1;
  g.in_h = h;
  g.in_w = w;
  g.in_c = g.out_c = c;
  g.filter_h = g.filter_w = kk;
  g.stride_h = g.stride_w = s;
  g.out_h = (h + s - 1) / s;
  g.out_w = (w + s - 1) / s;
  g.pad_top = g.pad_left = std::max(0, ((g.out_h - 1) * s + kk - h) / 2);
  const auto x = random_floats(static_cast<size_t>(h * w * c)), f = random_floats(static_cast<size_t>(kk * kk * c));
  std::vector<float> y(static_cast<size_t>(g.out_h * g.out_w * c));
  const eb::AlignedFloats packed =
      eb::pack_dwconv_f32_weights(f.data(), nullptr, static_cast<size_t>(c), static_cast<size_t>(kk * kk), kern->tile);
  const eb::AlignedFloats zero(static_cast<size_t>(c));
  const eb::DwconvF32Params p{-1e30f, 1e30f};
  for (auto _ : state) {
    eb::run_dwconv_f32(*kern, packed.data(), g, x.data(), zero.data(), y.data(), p, nullptr);
    benchmark::DoNotOptimize(y.data());
  }
  state.counters["FLOPS"] = benchmark::Counter(2.0 * static_cast<double>(y.size()) * kk * kk,
                                               benchmark::Counter::kIsIterationInvariantRate);
}

std::vector<eb::Isa> isas() {
#if defined(__aarch64__)
  return {eb::Isa::kNeon};
#else
  return {eb::Isa::kAvx2, eb::Isa::kAvx512};
#endif
}

int register_all() {
  for (eb::Isa isa : isas()) {
    const std::string s = eb::isa_name(isa);
    struct G {
      const char* name;
      size_t m, k, n;
    };
    for (const G& g : {G{"56x56_64to128", 3136, 64, 128}, G{"28x28_128to256", 784, 128, 256},
                       G{"14x14_512to512", 196, 512, 512}, G{"7x7_1024to1024", 49, 1024, 1024},
                       G{"fc_1x1024to1000", 1, 1024, 1000}})
      benchmark::RegisterBenchmark(("gemm_f32/" + s + "/" + g.name).c_str(), gemm, isa, g.m, g.k, g.n);
    struct D {
      const char* name;
      int h, w, c, k, s;
    };
    for (const D& d : {D{"112x112x32_3x3s1", 112, 112, 32, 3, 1}, D{"56x56x128_3x3s2", 56, 56, 128, 3, 2},
                       D{"28x28x96_5x5s1", 28, 28, 96, 5, 1}, D{"14x14x24_3x3s1", 14, 14, 24, 3, 1},
                       D{"112x112x24_3x3s1", 112, 112, 24, 3, 1}})
      benchmark::RegisterBenchmark(("dwconv_f32/" + s + "/" + d.name).c_str(), dwconv, isa, d.h, d.w, d.c, d.k, d.s);
  }
  return 0;
}

const int registered = register_all();

}  // namespace
