// prepare_quantize and prepare_dequantize.
#include "kernels/ops/quantize/quantize.h"

#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

#include "kernels/common/quantization.h"
#include "kernels/ops/lut/lut_x8.h"
#include "kernels/ops/ops.h"
#include "kernels/ops/quant_checks.h"
#include "kernels/ops/quantize/quantize_fast.h"

namespace eb {
namespace {

// DequantizeParams points at per-channel scales and zero points: the bound op owns them (captured
// vectors), and the pointers are refreshed from that storage on each run (two stores, no allocation).
template <typename In>
std::unique_ptr<PreparedOp> bind_dequantize(void (*kernel)(const DequantizeParams&, const In*, float*),
                                            const char* name, DequantizeParams p, std::vector<float> scales,
                                            std::vector<int32_t> zps, int in, int out) {
  return bind_kernel(name, [=, scales = std::move(scales), zps = std::move(zps)](const RunContext& c) mutable {
    p.scales = scales.data();
    p.zero_points = zps.data();
    kernel(p, c.in<In>(in), c.out<float>(out));
  });
}

bool is_8bit(DType t) { return t == DType::kInt8 || t == DType::kUInt8; }

Status check_scale(const Tensor& t, const char* role, float s) {
  if (!(s > 0.0f) || !std::isfinite(s))
    return error("%s tensor '%s' has invalid scale %g", role, t.name.c_str(), static_cast<double>(s));
  return Status();
}

Status check_shape(const Tensor& t) {
  for (int32_t d : t.shape)
    if (d < 0) return error("input '%s' has unresolved shape %s", t.name.c_str(), shape_str(t.shape).c_str());
  return Status();
}

// An 8-bit requantization is a function of the input byte alone: on a fast path it runs as a table of
// the reference kernel's own 256 results through the ISA's lookup microkernel (kernels/ops/lut/lut_x8.h),
// the reference bit for bit at one lookup per byte (MobileNet V2's uint8 -> int8 input ran 8% of the
// model on the reference loop). `lut_op` names it: "requantize_qu8_qs8" -> "requantize_qu8_qs8_lut_avx512".
template <typename In, typename Out, typename P>
std::unique_ptr<PreparedOp> bind_requantize(Isa isa, const char* name, const char* lut_op,
                                            void (*fn)(const P&, const In*, Out*, int64_t), const P& p, int in,
                                            int out, int64_t n) {
  if (isa != Isa::kReference && lut_x8_kernel_for(isa) != nullptr) {
    In x[256];
    Out y[256];
    for (int i = 0; i < 256; ++i) x[i] = static_cast<In>(static_cast<uint8_t>(i));
    fn(p, x, y, 256);
    LutTable8 table;
    std::memcpy(table.data(), y, table.size());
    return bind_lut_x8(isa, lut_op, table.data(), in, out, n);
  }
  return bind_unary_kernel(name, fn, p, in, out, n);
}

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_quantize(PrepareContext& ctx) {
  EB_RETURN_IF_ERROR(ctx.expect_io(1, 1, 1));
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  EB_RETURN_IF_ERROR(check_shape(in));
  if (in.dtype != DType::kFloat32 && !is_8bit(in.dtype) && in.dtype != DType::kInt16)
    return error("input '%s' has dtype %s; QUANTIZE supports float32, int8, uint8 and int16 inputs", in.name.c_str(),
                 dtype_name(in.dtype));
  if (!is_8bit(out.dtype) && out.dtype != DType::kInt16)
    return error("output '%s' has dtype %s; QUANTIZE supports int8, uint8 and int16 outputs", out.name.c_str(),
                 dtype_name(out.dtype));
  // TFLite's QUANTIZE: int16 comes from float32 or int16; int16 goes to int16 or int8 (not uint8).
  if (out.dtype == DType::kInt16 && in.dtype != DType::kFloat32 && in.dtype != DType::kInt16)
    return error("output '%s' is int16 but input '%s' is %s; QUANTIZE to int16 takes float32 or int16 (as TFLite)",
                 out.name.c_str(), in.name.c_str(), dtype_name(in.dtype));
  if (in.dtype == DType::kInt16 && out.dtype == DType::kUInt8)
    return error("input '%s' is int16 and output '%s' uint8; QUANTIZE from int16 gives int16 or int8 (as TFLite)",
                 in.name.c_str(), out.name.c_str());
  if (out.quant.per_channel())
    return error("output '%s' is quantized per channel (%zu scales); per-channel QUANTIZE is not supported",
                 out.name.c_str(), out.quant.scale.size());
  EB_RETURN_IF_ERROR(check_per_tensor_quant(out, "output"));
  out.shape = in.shape;
  const int64_t n = in.elements();
  const int ii = ctx.input_index(0), io = ctx.output_index(0);
  const float os = out.quant.scale0();
  const int32_t ozp = out.quant.zp0();

  if (in.dtype == DType::kFloat32) {
    QuantizeFloatParams p;
    p.inv_scale = 1.0f / os;
    p.scale = static_cast<double>(os);
    p.zero_point = ozp;
    if (out.dtype == DType::kInt16) return bind_unary_kernel("quantize_f32_qs16_ref", quantize_f32_qs16_ref, p, ii, io, n);
    if (ctx.isa() != Isa::kReference)
      if (auto fast = prepare_quantize_fast(ctx, p, out.dtype, n)) return fast;
    if (out.dtype == DType::kInt8)
      return bind_unary_kernel("quantize_float_to_int8_ref", quantize_float_to_int8_ref, p, ii, io, n);
    return bind_unary_kernel("quantize_float_to_uint8_ref", quantize_float_to_uint8_ref, p, ii, io, n);
  }

  EB_RETURN_IF_ERROR(check_per_tensor_quant(in, "input"));
  if (in.dtype == DType::kInt16) {
    if (out.dtype == DType::kInt16 && (in.quant.zp0() != 0 || ozp != 0))
      return error("int16 -> int16 QUANTIZE needs zero points 0 (input '%s' has %d, output '%s' %d)", in.name.c_str(),
                   in.quant.zp0(), out.name.c_str(), ozp);
    RequantizeParams p;
    p.in_zp = in.quant.zp0();
    p.out_zp = ozp;
    p.multiplier = quantize_multiplier(static_cast<double>(in.quant.scale0()) / static_cast<double>(os));
    if (out.dtype == DType::kInt16)
      return bind_unary_kernel("requantize_qs16_qs16_ref", requantize_qs16_qs16_ref, p, ii, io, n);
    return bind_unary_kernel("requantize_qs16_qs8_ref", requantize_qs16_qs8_ref, p, ii, io, n);
  }
  // Same signedness within XNNPACK's ratio range: the delegate's vcvt (quantize.h); otherwise TFLite's own
  // fixed-point Requantize.
  if (in.dtype == out.dtype && requantize_xnnpack_applies(in.quant.scale0(), os)) {
    const RequantizeXnnpackParams xp = make_requantize_xnnpack(in.quant.scale0(), in.quant.zp0(), os, ozp);
    if (in.dtype == DType::kInt8)
      return bind_requantize(ctx.isa(), "requantize_int8_xnnpack_ref", "requantize_qs8_qs8", requantize_int8_xnnpack_ref,
                             xp, ii, io, n);
    return bind_requantize(ctx.isa(), "requantize_uint8_xnnpack_ref", "requantize_qu8_qu8", requantize_uint8_xnnpack_ref,
                           xp, ii, io, n);
  }
  RequantizeParams p;
  p.in_zp = in.quant.zp0();
  p.out_zp = ozp;
  // TFLite quantize.cc: effective scale = (double)input scale / (double)output scale.
  p.multiplier = quantize_multiplier(static_cast<double>(in.quant.scale0()) / static_cast<double>(os));
  const bool in8 = in.dtype == DType::kInt8, out8 = out.dtype == DType::kInt8;
  const Isa isa = ctx.isa();
  if (in8 && out8)
    return bind_requantize(isa, "requantize_int8_to_int8_ref", "requantize_qs8_qs8", requantize_int8_to_int8_ref, p, ii,
                           io, n);
  if (in8)
    return bind_requantize(isa, "requantize_int8_to_uint8_ref", "requantize_qs8_qu8", requantize_int8_to_uint8_ref, p,
                           ii, io, n);
  if (out8)
    return bind_requantize(isa, "requantize_uint8_to_int8_ref", "requantize_qu8_qs8", requantize_uint8_to_int8_ref, p,
                           ii, io, n);
  return bind_requantize(isa, "requantize_uint8_to_uint8_ref", "requantize_qu8_qu8", requantize_uint8_to_uint8_ref, p,
                         ii, io, n);
}

Result<std::unique_ptr<PreparedOp>> prepare_dequantize(PrepareContext& ctx) {
  EB_RETURN_IF_ERROR(ctx.expect_io(1, 1, 1));
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  EB_RETURN_IF_ERROR(check_shape(in));
  if (out.dtype != DType::kFloat32)
    return error("output '%s' has dtype %s; DEQUANTIZE produces float32", out.name.c_str(), dtype_name(out.dtype));
  const DType dt = in.dtype;
  if (dt != DType::kInt8 && dt != DType::kUInt8 && dt != DType::kInt16 && dt != DType::kFloat16)
    return error("input '%s' has dtype %s; DEQUANTIZE supports int8, uint8, int16 and float16 inputs", in.name.c_str(),
                 dtype_name(dt));
  out.shape = in.shape;
  const int ii = ctx.input_index(0), io = ctx.output_index(0);
  if (dt == DType::kFloat16) {
    const int64_t n = in.elements();
    return bind_kernel("dequantize_float16_ref",
                       [=](const RunContext& c) { dequantize_float16_ref(c.in<uint16_t>(ii), c.out<float>(io), n); });
  }

  const Quantization& q = in.quant;
  if (!q.present()) return error("input '%s' (%s) has no quantization parameters", in.name.c_str(), dtype_name(dt));
  const size_t channels = q.scale.size();
  if (q.zero_point.size() > 1 && q.zero_point.size() != channels)
    return error("input '%s' has %zu scales but %zu zero points", in.name.c_str(), channels, q.zero_point.size());
  DequantizeParams p;
  if (channels == 1) {
    p.inner = in.elements();
  } else {
    if (q.axis < 0 || q.axis >= in.rank())
      return error("input '%s' has quantized dimension %d outside its rank %d", in.name.c_str(), q.axis, in.rank());
    if (static_cast<int64_t>(channels) != in.dim(q.axis))
      return error("input '%s' has %zu scales for dimension %d of size %d", in.name.c_str(), channels, q.axis,
                   in.dim(q.axis));
    p.channels = static_cast<int64_t>(channels);
    for (int d = 0; d < q.axis; ++d) p.outer *= in.dim(d);
    for (int d = q.axis + 1; d < in.rank(); ++d) p.inner *= in.dim(d);
  }
  std::vector<float> scales(channels);
  std::vector<int32_t> zps(channels, 0);
  const int64_t lo = dt == DType::kInt8 ? -128 : dt == DType::kUInt8 ? 0 : -32768;
  const int64_t hi = dt == DType::kInt8 ? 127 : dt == DType::kUInt8 ? 255 : 32767;
  for (size_t c = 0; c < channels; ++c) {
    scales[c] = q.scale[c];
    EB_RETURN_IF_ERROR(check_scale(in, "input", scales[c]));
    const int64_t zp = q.zero_point.empty() ? 0 : q.zero_point.size() == 1 ? q.zero_point[0] : q.zero_point[c];
    if (zp < lo || zp > hi)
      return error("input '%s' has zero point %lld outside the %s range", in.name.c_str(), static_cast<long long>(zp),
                   dtype_name(dt));
    zps[c] = static_cast<int32_t>(zp);
  }
  if (channels == 1 && ctx.isa() != Isa::kReference)
    if (auto fast = prepare_dequantize_fast(ctx, scales[0], zps[0], dt, in.elements())) return fast;
  if (dt == DType::kInt8)
    return bind_dequantize(dequantize_int8_ref, "dequantize_int8_ref", p, std::move(scales), std::move(zps), ii, io);
  if (dt == DType::kUInt8)
    return bind_dequantize(dequantize_uint8_ref, "dequantize_uint8_ref", p, std::move(scales), std::move(zps), ii, io);
  return bind_dequantize(dequantize_int16_ref, "dequantize_int16_ref", p, std::move(scales), std::move(zps), ii, io);
}

}  // namespace eb
