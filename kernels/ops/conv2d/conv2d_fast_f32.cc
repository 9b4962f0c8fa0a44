// CONV_2D float32 on the GEMM microkernels of the engine's ISA (kernels/ops/gemm/gemm_f32.h).
//  - 1x1, stride 1 (no padding possible): the input is already the A matrix [N*H*W, Cin]: plain GEMM.
//  - anything else: indirect GEMM. Each output pixel gets KH*KW row pointers into the input (a zero row
//    for padding taps). Like XNNPACK, the pointers of the whole output are kept in an indirection buffer
//    sized at prepare and (re)built on the calling thread when run() sees a new input address: for the
//    small-channel first layers of vision models, computing them per tile costs as much as the GEMM.
//    Outputs whose buffer would pass kMaxIndirectionBytes build them per tile on the stack instead.
// Grouped convolutions keep the reference kernel.
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "kernels/ops/conv2d/conv2d.h"
#include "kernels/ops/gemm/gemm_f32.h"

namespace eb {

namespace {

constexpr size_t kMaxIndirectionBytes = size_t{32} << 20;

// Fills the ks * mr_max pointers of output pixels [m0, m0 + mr) (tap-major; rows past mr repeat the last).
void conv_row_pointers(const ConvGeometry& g, const float* input, const float* zero, size_t m0, size_t mr,
                       size_t mr_max, const float** ptrs) {
  const int64_t pixels = static_cast<int64_t>(g.out_h) * g.out_w;
  const int64_t first = static_cast<int64_t>(m0);
  int32_t b = static_cast<int32_t>(first / pixels);
  int32_t oy = static_cast<int32_t>((first % pixels) / g.out_w);
  int32_t ox = static_cast<int32_t>(first % g.out_w);
  for (size_t i = 0; i < mr_max; ++i) {
    const int32_t iy0 = oy * g.stride_h - g.pad_top, ix0 = ox * g.stride_w - g.pad_left;
    size_t t = 0;
    for (int32_t ky = 0; ky < g.filter_h; ++ky) {
      const int32_t iy = iy0 + ky * g.dilation_h;
      const bool row_inside = iy >= 0 && iy < g.in_h;
      for (int32_t kx = 0; kx < g.filter_w; ++kx, ++t) {
        const int32_t ix = ix0 + kx * g.dilation_w;
        const bool inside = row_inside && ix >= 0 && ix < g.in_w;
        ptrs[t * mr_max + i] = inside ? input + nhwc_offset(b, iy, ix, 0, g.in_h, g.in_w, g.in_c) : zero;
      }
    }
    if (i + 1 < mr && ++ox == g.out_w) {  // next pixel; past mr the last valid one repeats
      ox = 0;
      if (++oy == g.out_h) {
        oy = 0;
        ++b;
      }
    }
  }
}

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_conv2d_fast_f32(PrepareContext& ctx, const Conv2DParams& p) {
  const GemmF32Kernel* k = gemm_f32_kernel_for(ctx.isa(), static_cast<size_t>(p.geom.out_c));
  const bool has_bias = ctx.has_input(2);
  if (k == nullptr || p.groups != 1 || !ctx.input(1).is_constant() || (has_bias && !ctx.input(2).is_constant()))
    return std::unique_ptr<PreparedOp>();
  const ConvGeometry g = p.geom;
  const size_t ks = static_cast<size_t>(g.filter_h) * static_cast<size_t>(g.filter_w);
  if (ks * k->mr > kMaxIgemmPointers) return std::unique_ptr<PreparedOp>();

  const size_t kc = static_cast<size_t>(g.in_c), n = static_cast<size_t>(g.out_c);
  AlignedFloats packed = pack_gemm_f32_weights(ctx.input(1).constant_as<float>(),
                                               has_bias ? ctx.input(2).constant_as<float>() : nullptr, n, ks * kc, k->nr);
  const GemmF32Params params{p.act_min, p.act_max};
  const size_t m = static_cast<size_t>(g.batches) * static_cast<size_t>(g.out_h) * static_cast<size_t>(g.out_w);
  const int in = ctx.input_index(0), out = ctx.output_index(0);
  ctx.weights_packed();  // both kernels below run on `packed`

  if (ks == 1 && g.stride_h == 1 && g.stride_w == 1) {
    return bind_kernel(k->conv_gemm_name, [=, w = std::move(packed)](const RunContext& c) {
      run_gemm_f32(*k, w.data(), m, n, kc, c.in<float>(in), kc, c.out<float>(out), n, params, c.pool);
    });
  }

  AlignedFloats zero(kc);  // the row padding taps read
  const size_t mr_max = k->mr;
  const size_t tiles = (m + mr_max - 1) / mr_max;
  std::vector<const float*> indirection;
  if (tiles * mr_max * ks * sizeof(const float*) <= kMaxIndirectionBytes) indirection.resize(tiles * mr_max * ks);
  return bind_kernel(k->conv_igemm_name, [=, w = std::move(packed), zero = std::move(zero),
                                          ind = std::move(indirection),
                                          built_for = static_cast<const float*>(nullptr)](const RunContext& c) mutable {
    const float* input = c.in<float>(in);
    const float* z = zero.data();
    if (ind.empty()) {
      auto rows = [&](size_t m0, size_t mr, const float** ptrs) -> const float* const* {
        conv_row_pointers(g, input, z, m0, mr, mr_max, ptrs);
        return ptrs;
      };
      run_igemm_f32(*k, w.data(), m, n, kc, ks, rows, c.out<float>(out), n, params, c.pool);
      return;
    }
    if (built_for != input) {
      for (size_t t = 0; t < tiles; ++t)
        conv_row_pointers(g, input, z, t * mr_max, std::min(mr_max, m - t * mr_max), mr_max,
                          ind.data() + t * mr_max * ks);
      built_for = input;
    }
    auto rows = [&](size_t m0, size_t, const float**) -> const float* const* {
      return ind.data() + (m0 / mr_max) * mr_max * ks;
    };
    run_igemm_f32(*k, w.data(), m, n, kc, ks, rows, c.out<float>(out), n, params, c.pool);
  });
}

}  // namespace eb
