// Dispatch table, packing and threaded driver of the float32 depthwise microkernels (dwconv_f32.h).
#include "kernels/ops/depthwise_conv2d/dwconv_f32.h"

#include <algorithm>
#include <cstdint>

namespace eb {

const DwconvF32Kernel* dwconv_f32_kernel_for(Isa isa, int kh, int kw, int stride_w, int dilation_w) {
  const bool k3 = kh == 3 && kw == 3, k5 = kh == 5 && kw == 5;
  const bool s1 = stride_w == 1 && dilation_w == 1, s2 = stride_w == 2 && dilation_w == 1;
  (void)s1;
  (void)s2;
#if defined(__x86_64__)
  static const DwconvF32Kernel kAvx512[3] = {
      {dwconv_f32_3x3_avx512, 16, "depthwise_conv2d_f32_dwconv_3x3_avx512"},
      {dwconv_f32_5x5_avx512, 16, "depthwise_conv2d_f32_dwconv_5x5_avx512"},
      {dwconv_f32_any_avx512, 16, "depthwise_conv2d_f32_dwconv_any_avx512"}};
  static const DwconvF32Kernel kAvx2[3] = {{dwconv_f32_3x3_avx2, 8, "depthwise_conv2d_f32_dwconv_3x3_avx2"},
                                           {dwconv_f32_5x5_avx2, 8, "depthwise_conv2d_f32_dwconv_5x5_avx2"},
                                           {dwconv_f32_any_avx2, 8, "depthwise_conv2d_f32_dwconv_any_avx2"}};
  const DwconvF32Kernel* table = nullptr;
  if (isa == Isa::kAvx512 || isa == Isa::kAvx512Vnni) table = kAvx512;
  if (isa == Isa::kAvx2) table = kAvx2;
#elif defined(__aarch64__)
  static const DwconvF32Kernel kNeon[3] = {{dwconv_f32_3x3_neon, 4, "depthwise_conv2d_f32_dwconv_3x3_neon"},
                                           {dwconv_f32_5x5_neon, 4, "depthwise_conv2d_f32_dwconv_5x5_neon"},
                                           {dwconv_f32_any_neon, 4, "depthwise_conv2d_f32_dwconv_any_neon"}};
  static const DwconvF32Kernel kNeonS1[2] = {{dwconv_f32_3x3s1_neon, 4, "depthwise_conv2d_f32_dwconv_3x3s1_neon"},
                                             {dwconv_f32_5x5s1_neon, 4, "depthwise_conv2d_f32_dwconv_5x5s1_neon"}};
  static const DwconvF32Kernel kNeonS2[2] = {{dwconv_f32_3x3s2_neon, 4, "depthwise_conv2d_f32_dwconv_3x3s2_neon"},
                                             {dwconv_f32_5x5s2_neon, 4, "depthwise_conv2d_f32_dwconv_5x5s2_neon"}};
  const DwconvF32Kernel* table = nullptr;
  if (isa == Isa::kNeon || isa == Isa::kNeonDot) {
    if (s1 && (k3 || k5)) return k3 ? &kNeonS1[0] : &kNeonS1[1];
    if (s2 && (k3 || k5)) return k3 ? &kNeonS2[0] : &kNeonS2[1];
    table = kNeon;
  }
#else
  const DwconvF32Kernel* table = nullptr;
  (void)isa;
#endif
  if (table == nullptr || static_cast<size_t>(kh) * static_cast<size_t>(kw) > kMaxDwconvPointers) return nullptr;
  return k3 ? &table[0] : k5 ? &table[1] : &table[2];
}

AlignedFloats pack_dwconv_f32_weights(const float* filter, const float* bias, size_t channels, size_t ks,
                                      size_t tile) {
  const size_t tiles = (channels + tile - 1) / tile;
  AlignedFloats packed(tiles * tile * (1 + ks));  // zero-filled: padding channels compute 0
  float* out = packed.data();
  for (size_t t = 0; t < tiles; ++t) {
    const size_t c0 = t * tile, n = std::min(tile, channels - c0);
    for (size_t j = 0; j < n; ++j) out[j] = bias ? bias[c0 + j] : 0.0f;
    out += tile;
    for (size_t k = 0; k < ks; ++k, out += tile)
      for (size_t j = 0; j < n; ++j) out[j] = filter[k * channels + c0 + j];
  }
  return packed;
}

void run_dwconv_f32(const DwconvF32Kernel& k, const float* packed, const ConvGeometry& g, const float* input,
                    const float* zero, float* output, const DwconvF32Params& params, ThreadPool* pool) {
  const size_t ks = static_cast<size_t>(g.filter_h) * static_cast<size_t>(g.filter_w);
  const size_t chunk = std::max<size_t>(1, kMaxDwconvPointers / ks);  // output pixels per microkernel call
  const int64_t rows = static_cast<int64_t>(g.batches) * g.out_h;
  const int threads = pool ? pool->size() : 1;
  // Work items are parts of output rows: a layer with fewer rows than 4 tasks per thread (a 7x7 map on
  // two threads: 4 rows against 3) has its rows cut into up to `parts` runs of pixels, so the tasks even out.
  const int64_t parts = threads > 1 ? std::clamp<int64_t>((int64_t{threads} * 4 + rows - 1) / rows, 1, g.out_w) : 1;
  const int64_t items = rows * parts;
  const int64_t tasks =
      tasks_for_work(threads, items, (g.out_w + parts - 1) / parts * g.in_c * static_cast<int64_t>(ks));
  const size_t channels = static_cast<size_t>(g.in_c);
  parallel_for(pool, tasks, [&](int64_t task) {
    const SplitRange r = split_range(items, tasks, 1, task);
    const float* ptrs[kMaxDwconvPointers];
    // Offsets of the taps from the window's top-left input pixel: pixels whose window lies inside the
    // input (most of them) need no bounds checks.
    int64_t tap_offset[kMaxDwconvPointers];
    for (int32_t ky = 0, t = 0; ky < g.filter_h; ++ky)
      for (int32_t kx = 0; kx < g.filter_w; ++kx, ++t)
        tap_offset[t] = (static_cast<int64_t>(ky) * g.dilation_h * g.in_w + static_cast<int64_t>(kx) * g.dilation_w) *
                        g.in_c;
    const int32_t span_h = (g.filter_h - 1) * g.dilation_h, span_w = (g.filter_w - 1) * g.dilation_w;
    for (int64_t item = r.begin; item < r.end; ++item) {
      const int64_t row = item / parts, part = item % parts;
      const int32_t b = static_cast<int32_t>(row / g.out_h), oy = static_cast<int32_t>(row % g.out_h);
      const int32_t iy0 = oy * g.stride_h - g.pad_top;
      const bool rows_inside = iy0 >= 0 && iy0 + span_h < g.in_h;
      const int32_t x_begin = static_cast<int32_t>(g.out_w * part / parts);
      const int32_t x_end = static_cast<int32_t>(g.out_w * (part + 1) / parts);
      for (int32_t ox0 = x_begin; ox0 < x_end; ox0 += static_cast<int32_t>(chunk)) {
        const int32_t n = std::min<int32_t>(x_end - ox0, static_cast<int32_t>(chunk));
        const float** p = ptrs;
        for (int32_t ox = ox0; ox < ox0 + n; ++ox) {
          const int32_t ix0 = ox * g.stride_w - g.pad_left;
          if (rows_inside && ix0 >= 0 && ix0 + span_w < g.in_w) {
            const float* base = input + nhwc_offset(b, iy0, ix0, 0, g.in_h, g.in_w, g.in_c);
            for (size_t t = 0; t < ks; ++t) *p++ = base + tap_offset[t];
            continue;
          }
          for (int32_t ky = 0; ky < g.filter_h; ++ky) {
            const int32_t iy = iy0 + ky * g.dilation_h;
            for (int32_t kx = 0; kx < g.filter_w; ++kx) {
              const int32_t ix = ix0 + kx * g.dilation_w;
              const bool inside = iy >= 0 && iy < g.in_h && ix >= 0 && ix < g.in_w;
              *p++ = inside ? input + nhwc_offset(b, iy, ix, 0, g.in_h, g.in_w, g.in_c) : zero;
            }
          }
        }
        k.ukernel(static_cast<size_t>(n), channels, ks, ptrs, packed,
                  output + nhwc_offset(b, oy, ox0, 0, g.out_h, g.out_w, g.out_c), &params);
      }
    }
  });
}

}  // namespace eb
