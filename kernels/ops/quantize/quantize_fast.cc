// Dispatch and threading of the QUANTIZE / DEQUANTIZE fast path (quantize_fast.h).
#include "kernels/ops/quantize/quantize_fast.h"

#include <algorithm>

#include "kernels/common/quantization.h"
#include "kernels/common/thread_pool.h"
#include "kernels/ops/quantize/vcvt_ukernels.h"

namespace eb {
namespace {

struct VcvtKernels {
  void (*f32_qs8)(size_t, const float*, int8_t*, const VcvtQuantizeParams*);
  void (*f32_qu8)(size_t, const float*, uint8_t*, const VcvtQuantizeParams*);
  void (*qs8_f32)(size_t, const int8_t*, float*, const VcvtDequantizeParams*);
  void (*qu8_f32)(size_t, const uint8_t*, float*, const VcvtDequantizeParams*);
  const char* names[4];
};

const VcvtKernels* vcvt_kernels_for(Isa isa) {
#if defined(__x86_64__)
  static const VcvtKernels kAvx2 = {
      vcvt_f32_qs8_avx2, vcvt_f32_qu8_avx2, vcvt_qs8_f32_avx2, vcvt_qu8_f32_avx2,
      {"quantize_f32_qs8_avx2", "quantize_f32_qu8_avx2", "dequantize_qs8_f32_avx2", "dequantize_qu8_f32_avx2"}};
  if (isa == Isa::kAvx2 || isa == Isa::kAvx512 || isa == Isa::kAvx512Vnni) return &kAvx2;
#elif defined(__aarch64__)
  static const VcvtKernels kNeon = {
      vcvt_f32_qs8_neon, vcvt_f32_qu8_neon, vcvt_qs8_f32_neon, vcvt_qu8_f32_neon,
      {"quantize_f32_qs8_neon", "quantize_f32_qu8_neon", "dequantize_qs8_f32_neon", "dequantize_qu8_f32_neon"}};
  if (isa == Isa::kNeon || isa == Isa::kNeonDot) return &kNeon;
#endif
  (void)isa;
  return nullptr;
}

// fn(begin, count) over [0, n) in blocks of whole 64-element groups; one block below 64K elements
// (waking a thread costs more than converting that many).
template <typename Fn>
void split_elements(ThreadPool* pool, int64_t n, Fn&& fn) {
  constexpr int64_t kBlock = 65536;
  const int threads = pool ? pool->size() : 1;
  const int64_t tasks = std::max<int64_t>(1, std::min<int64_t>((n + kBlock - 1) / kBlock, threads));
  parallel_for(tasks > 1 ? pool : nullptr, tasks, [&](int64_t t) {
    const SplitRange r = split_range(n, tasks, 64, t);
    if (r.end > r.begin) fn(static_cast<size_t>(r.begin), static_cast<size_t>(r.end - r.begin));
  });
}

}  // namespace

std::unique_ptr<PreparedOp> prepare_quantize_fast(PrepareContext& ctx, const QuantizeFloatParams& p, DType out_dtype,
                                                  int64_t n) {
  const VcvtKernels* k = vcvt_kernels_for(ctx.isa());
  if (k == nullptr || n <= 0) return nullptr;
  const bool s8 = out_dtype == DType::kInt8;
  VcvtQuantizeParams q;
  q.inv_scale = p.inv_scale;
  q.min_less_zp = static_cast<float>((s8 ? qmin_of<int8_t>() : qmin_of<uint8_t>()) - p.zero_point);
  q.max_less_zp = static_cast<float>((s8 ? qmax_of<int8_t>() : qmax_of<uint8_t>()) - p.zero_point);
  q.zero_point = p.zero_point;
  const int ii = ctx.input_index(0), io = ctx.output_index(0);
  if (s8)
    return bind_kernel(k->names[0], [=](const RunContext& c) {
      const float* in = c.in<float>(ii);
      int8_t* out = c.out<int8_t>(io);
      split_elements(c.pool, n, [&](size_t b, size_t len) { k->f32_qs8(len, in + b, out + b, &q); });
    });
  return bind_kernel(k->names[1], [=](const RunContext& c) {
    const float* in = c.in<float>(ii);
    uint8_t* out = c.out<uint8_t>(io);
    split_elements(c.pool, n, [&](size_t b, size_t len) { k->f32_qu8(len, in + b, out + b, &q); });
  });
}

std::unique_ptr<PreparedOp> prepare_dequantize_fast(PrepareContext& ctx, float scale, int32_t zero_point,
                                                    DType in_dtype, int64_t n) {
  const VcvtKernels* k = vcvt_kernels_for(ctx.isa());
  if (k == nullptr || n <= 0 || (in_dtype != DType::kInt8 && in_dtype != DType::kUInt8)) return nullptr;
  const VcvtDequantizeParams d{scale, zero_point};
  const int ii = ctx.input_index(0), io = ctx.output_index(0);
  if (in_dtype == DType::kInt8)
    return bind_kernel(k->names[2], [=](const RunContext& c) {
      const int8_t* in = c.in<int8_t>(ii);
      float* out = c.out<float>(io);
      split_elements(c.pool, n, [&](size_t b, size_t len) { k->qs8_f32(len, in + b, out + b, &d); });
    });
  return bind_kernel(k->names[3], [=](const RunContext& c) {
    const uint8_t* in = c.in<uint8_t>(ii);
    float* out = c.out<float>(io);
    split_elements(c.pool, n, [&](size_t b, size_t len) { k->qu8_f32(len, in + b, out + b, &d); });
  });
}

}  // namespace eb
