// prepare_add / prepare_sub / prepare_mul: dtype, shape and quantization checks, broadcast geometry,
// requantization parameters, and the choice of kernel.
#include "kernels/ops/elementwise/elementwise.h"
#include "kernels/ops/elementwise/broadcast_rows.h"
#include "kernels/ops/elementwise/vadd_q8.h"
#include "kernels/ops/elementwise/vbinary_f32.h"
#include "kernels/ops/elementwise/vmul_q8.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <type_traits>
#include <vector>

#include "kernels/common/quantization.h"
#include "kernels/ops/ops.h"
#include "kernels/ops/quant_checks.h"

namespace eb {

bool broadcast_shapes(const Shape& a, const Shape& b, Shape* out) {
  const size_t rank = std::max(a.size(), b.size());
  Shape r(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    // i counts from the right.
    const int32_t da = i < a.size() ? a[a.size() - 1 - i] : 1;
    const int32_t db = i < b.size() ? b[b.size() - 1 - i] : 1;
    int32_t d;
    if (da == db) {
      d = da;
    } else if (da == 1) {
      d = db;
    } else if (db == 1) {
      d = da;
    } else {
      return false;
    }
    r[rank - 1 - i] = d;
  }
  *out = std::move(r);
  return true;
}

BroadcastGeometry make_broadcast_geometry(const Shape& a, const Shape& b, const Shape& out) {
  BroadcastGeometry g;
  auto padded = [](const Shape& s) {
    std::array<int64_t, kMaxBroadcastRank> d{};
    d.fill(1);
    const size_t off = kMaxBroadcastRank - s.size();
    for (size_t i = 0; i < s.size(); ++i) d[off + i] = s[i];
    return d;
  };
  const auto da = padded(a), db = padded(b);
  g.out_dims = padded(out);
  int64_t sa = 1, sb = 1;
  g.out_elements = 1;
  for (int i = kMaxBroadcastRank - 1; i >= 0; --i) {
    const size_t k = static_cast<size_t>(i);
    // A dimension of size 1 facing a larger output dimension is repeated: stride 0.
    g.a_strides[k] = (da[k] == 1 && g.out_dims[k] != 1) ? 0 : sa;
    g.b_strides[k] = (db[k] == 1 && g.out_dims[k] != 1) ? 0 : sb;
    sa *= da[k];
    sb *= db[k];
    g.out_elements *= g.out_dims[k];
  }
  return g;
}

bool add_xnnpack_scales_ok(float a_scale, float b_scale, float out_scale) {
  auto ok = [](float r) { return r >= 1.0f / 1024.0f && r < 256.0f; };
  return ok(a_scale / out_scale) && ok(b_scale / out_scale);
}

bool mul_xnnpack_scales_ok(float a_scale, float b_scale, float out_scale) {
  const float r = a_scale * b_scale / out_scale;
  return r >= 1.0f / 65536.0f && r < 256.0f;
}

AddQuantXnnpackParams make_add_xnnpack_params(float a_scale, int32_t a_zp, float b_scale, int32_t b_zp, float out_scale,
                                              int32_t out_zp, int32_t out_min, int32_t out_max, bool subtract) {
  // xnn_init_qs8_add_minmax_scalar_params / its qu8 twin, the caller has checked the ratio limits.
  const float a_ratio = a_scale / out_scale;
  const float b_ratio = b_scale / out_scale;
  const float max_ratio = std::max(a_ratio, b_ratio);
  uint32_t bits;
  std::memcpy(&bits, &max_ratio, sizeof bits);
  const int32_t exponent = static_cast<int32_t>(bits >> 23) - 127;
  const int32_t shift = 20 - exponent;  // in [12, 30] for ratios in [2^-10, 2^8)
  // ratio * 2^shift is exact (an exponent change); rounding to int is half to even, as lrintf.
  const int32_t a_mult = static_cast<int32_t>(std::nearbyint(std::ldexp(a_ratio, shift)));
  int32_t b_mult = static_cast<int32_t>(std::nearbyint(std::ldexp(b_ratio, shift)));
  if (subtract) b_mult = -b_mult;
  AddQuantXnnpackParams p;
  p.a_multiplier = a_mult;
  p.b_multiplier = b_mult;
  p.shift = static_cast<uint32_t>(shift);
  p.bias = (int32_t{1} << (shift - 1)) - a_mult * a_zp - b_mult * b_zp;
  p.out_zp = out_zp;
  p.out_min = out_min;
  p.out_max = out_max;
  return p;
}

AddQuantTfliteParams make_add_tflite_params(float a_scale, int32_t a_zp, float b_scale, int32_t b_zp, float out_scale,
                                            int32_t out_zp, int32_t out_min, int32_t out_max, bool subtract) {
  // TFLite add.cc / sub.cc Prepare for 8-bit outputs; the float-then-double order follows it.
  AddQuantTfliteParams p;
  p.a_offset = -a_zp;
  p.b_offset = -b_zp;
  p.left_shift = 20;
  const double twice_max_input_scale = 2.0 * static_cast<double>(std::max(a_scale, b_scale));
  const double real_a = static_cast<double>(a_scale) / twice_max_input_scale;
  const double real_b = static_cast<double>(b_scale) / twice_max_input_scale;
  const float shifted_out_scale = static_cast<float>(1 << p.left_shift) * out_scale;
  const double real_out = twice_max_input_scale / static_cast<double>(shifted_out_scale);
  p.a_multiplier = quantize_multiplier(real_a);
  p.b_multiplier = quantize_multiplier(real_b);
  p.out_multiplier = quantize_multiplier(real_out);
  p.out_zp = out_zp;
  p.out_min = out_min;
  p.out_max = out_max;
  p.subtract = subtract;
  return p;
}

AddQs16Params make_add_qs16_params(float a_scale, int32_t a_zp, float b_scale, int32_t b_zp, float out_scale,
                                   int32_t out_zp, int32_t out_min, int32_t out_max, bool subtract) {
  // TFLite add.cc / sub.cc (PrepareGeneralSubOp) for int16: left_shift 15, all in double.
  AddQs16Params p;
  p.a_offset = -a_zp;
  p.b_offset = -b_zp;
  const double twice_max_input_scale = 2.0 * static_cast<double>(std::max(a_scale, b_scale));
  p.a_multiplier = quantize_multiplier(static_cast<double>(a_scale) / twice_max_input_scale);
  p.b_multiplier = quantize_multiplier(static_cast<double>(b_scale) / twice_max_input_scale);
  p.out_multiplier =
      quantize_multiplier(twice_max_input_scale / (static_cast<double>(1 << 15) * static_cast<double>(out_scale)));
  p.out_zp = out_zp;
  p.out_min = out_min;
  p.out_max = out_max;
  p.subtract = subtract;
  return p;
}

bool scale_is_pot(float scale, int* log2_rounded) {
  // TFLite's CheckedLog2, in float as it computes it.
  const float l = std::log(scale) * (1.0f / std::log(2.0f));
  const float r = std::round(l);
  *log2_rounded = static_cast<int>(r);
  return std::abs(l - r) < 1e-3f;
}

namespace {

enum class BinaryKind { kAdd, kSub, kMul };

// The clamp bounds XNNPACK gives a quantized output for the delegate's float activation range
// (xnn_qs8_quantize / xnn_qu8_quantize: round half to even of bound/scale + zero point, saturated).
int32_t xnnpack_quantized_bound(float bound, float scale, int32_t zp, int32_t qmin, int32_t qmax) {
  float q = bound / scale + static_cast<float>(zp);
  q = std::min(std::max(q, static_cast<float>(qmin)), static_cast<float>(qmax));
  return static_cast<int32_t>(std::nearbyint(q));
}

// Binary kernels take (params, a, b, out); the broadcast geometry lives in the params struct, except for
// quantized ADD/SUB whose kernels take it separately.
template <typename Params, typename T>
std::unique_ptr<PreparedOp> bind_binary(const char* name, void (*kernel)(const Params&, const T*, const T*, T*),
                                        Params p, int a, int b, int o) {
  return bind_kernel(name, [=](const RunContext& c) { kernel(p, c.in<T>(a), c.in<T>(b), c.out<T>(o)); });
}

template <typename Params, typename T>
std::unique_ptr<PreparedOp> bind_add_quant(const char* name,
                                           void (*kernel)(const BroadcastGeometry&, const Params&, const T*, const T*,
                                                          T*),
                                           BroadcastGeometry g, Params p, int a, int b, int o) {
  return bind_kernel(name, [=](const RunContext& c) { kernel(g, p, c.in<T>(a), c.in<T>(b), c.out<T>(o)); });
}

template <typename T>
Result<std::unique_ptr<PreparedOp>> prepare_quantized(BinaryKind kind, PrepareContext& ctx,
                                                      const BroadcastGeometry& g) {
  const Tensor& a = ctx.input(0);
  const Tensor& b = ctx.input(1);
  const Tensor& out = ctx.output(0);
  EB_RETURN_IF_ERROR(check_per_tensor_quant(a, "input 0"));
  EB_RETURN_IF_ERROR(check_per_tensor_quant(b, "input 1"));
  EB_RETURN_IF_ERROR(check_per_tensor_quant(out, "output"));
  const float as = a.quant.scale0(), bs = b.quant.scale0(), os = out.quant.scale0();
  const int32_t azp = a.quant.zp0(), bzp = b.quant.zp0(), ozp = out.quant.zp0();
  const Activation act = ctx.options().activation;
  constexpr int32_t qmin = qmin_of<T>(), qmax = qmax_of<T>();
  constexpr bool is_int8 = std::is_same_v<T, int8_t>;
  const int ia = ctx.input_index(0), ib = ctx.input_index(1), io = ctx.output_index(0);

  // XNNPACK's bounds come from the float activation range; TFLite's from CalculateActivationRangeQuantized.
  const FloatRange fr = activation_range_float(act);
  const int32_t xmin = xnnpack_quantized_bound(fr.min, os, ozp, qmin, qmax);
  const int32_t xmax = xnnpack_quantized_bound(fr.max, os, ozp, qmin, qmax);
  const QuantRange tr = activation_range_quantized(act, os, ozp, qmin, qmax);

  if (kind == BinaryKind::kMul) {
    MulQuantParams p;
    p.geom = g;
    p.a_zp = azp;
    p.b_zp = bzp;
    p.out_zp = ozp;
    if (mul_xnnpack_scales_ok(as, bs, os)) {
      p.fp32_scale = xnnpack_requant_scale(as, bs, os);
      p.out_min = xmin;
      p.out_max = xmax;
      if (ctx.isa() != Isa::kReference) {
        auto fast = prepare_mul_quant_fast(ctx, p, !is_int8);
        if (!fast.ok()) return fast.status();
        if (fast.value()) return std::move(fast.value());
      }
      if (is_int8) return bind_binary("mul_int8_fp32_ref", mul_int8_fp32_ref, p, ia, ib, io);
      return bind_binary("mul_uint8_fp32_ref", mul_uint8_fp32_ref, p, ia, ib, io);
    }
    p.multiplier = quantize_multiplier(static_cast<double>(as * bs / os));
    p.out_min = tr.min;
    p.out_max = tr.max;
    if (is_int8) return bind_binary("mul_int8_fixed_point_ref", mul_int8_fixed_point_ref, p, ia, ib, io);
    return bind_binary("mul_uint8_fixed_point_ref", mul_uint8_fixed_point_ref, p, ia, ib, io);
  }

  const bool subtract = kind == BinaryKind::kSub;
  if (add_xnnpack_scales_ok(as, bs, os)) {
    const AddQuantXnnpackParams p = make_add_xnnpack_params(as, azp, bs, bzp, os, ozp, xmin, xmax, subtract);
    if (ctx.isa() != Isa::kReference) {
      auto fast = prepare_add_quant_fast(ctx, g, p, !is_int8, subtract);
      if (!fast.ok()) return fast.status();
      if (fast.value()) return std::move(fast.value());
    }
    if (is_int8)
      return bind_add_quant(subtract ? "add_int8_xnnpack_ref(sub)" : "add_int8_xnnpack_ref", add_int8_xnnpack_ref, g, p,
                            ia, ib, io);
    return bind_add_quant(subtract ? "add_uint8_xnnpack_ref(sub)" : "add_uint8_xnnpack_ref", add_uint8_xnnpack_ref, g,
                          p, ia, ib, io);
  }
  const AddQuantTfliteParams p = make_add_tflite_params(as, azp, bs, bzp, os, ozp, tr.min, tr.max, subtract);
  if (p.out_multiplier.shift > 0)
    return error("output scale %g is too small for input scales %g and %g (rescale factor above 1)",
                 static_cast<double>(os), static_cast<double>(as), static_cast<double>(bs));
  if (ctx.isa() != Isa::kReference && ctx.output(0).elements() >= static_cast<int64_t>(kAddQ8LutMinElements)) {
    // Shared: the prepared op is copied into the bound callable; the table is built once, here.
    auto table = std::make_shared<std::vector<uint8_t>>(kAddQ8LutEntries);
    (is_int8 ? add_int8_tflite_lut_fill : add_uint8_tflite_lut_fill)(p, table->data());
    const BroadcastRows rows = make_broadcast_rows(g);
    const int64_t out_n = ctx.output(0).elements(), a_n = ctx.input(0).elements(), b_n = ctx.input(1).elements();
    // A per-channel constant makes rows of a few elements; walked as one cycle instead (MoveNet's input SUB).
    const bool cyclic_b = a_n == out_n && rows.b_inc == 1 && b_n == rows.n && rows.n < out_n;
    const bool cyclic_a = b_n == out_n && rows.a_inc == 1 && a_n == rows.n && rows.n < out_n;
    if (cyclic_a || cyclic_b)
      return bind_kernel(subtract ? "sub_q8_tflite_lut_cyclic" : "add_q8_tflite_lut_cyclic",
                         [period = rows.n, n = out_n, cyclic_a, table, ia, ib, io](const RunContext& c) {
                           const auto* a = reinterpret_cast<const uint8_t*>(c.in<T>(ia));
                           const auto* b = reinterpret_cast<const uint8_t*>(c.in<T>(ib));
                           auto* out = reinterpret_cast<uint8_t*>(c.out<T>(io));
                           parallel_for_elements(c.pool, n, 16384, [&](int64_t lo, int64_t hi) {
                             add_q8_lut_cyclic(static_cast<size_t>(hi - lo), (cyclic_a ? b : a) + lo, cyclic_a ? a : b,
                                               static_cast<size_t>(period), static_cast<size_t>(lo % period), cyclic_a,
                                               out + lo, table->data());
                           });
                         });
    return bind_kernel(subtract ? "sub_q8_tflite_lut" : "add_q8_tflite_lut", [rows, table, ia, ib, io](const RunContext& c) {
      const auto* a = reinterpret_cast<const uint8_t*>(c.in<T>(ia));
      const auto* b = reinterpret_cast<const uint8_t*>(c.in<T>(ib));
      auto* out = reinterpret_cast<uint8_t*>(c.out<T>(io));
      run_broadcast_rows(rows, c.pool, 16384, [&](int64_t n, int64_t ao, int64_t bo, int64_t oo) {
        add_q8_lut_rows(static_cast<size_t>(n), a + ao, rows.a_inc, b + bo, rows.b_inc, out + oo, table->data());
      });
    });
  }
  if (is_int8)
    return bind_add_quant(subtract ? "add_int8_tflite_ref(sub)" : "add_int8_tflite_ref", add_int8_tflite_ref, g, p, ia,
                          ib, io);
  return bind_add_quant(subtract ? "add_uint8_tflite_ref(sub)" : "add_uint8_tflite_ref", add_uint8_tflite_ref, g, p, ia,
                        ib, io);
}

// int16 ADD / SUB / MUL (the converter's 16x8 mode); see elementwise.h for the TFLite paths matched.
Result<std::unique_ptr<PreparedOp>> prepare_qs16(BinaryKind kind, PrepareContext& ctx, const BroadcastGeometry& g) {
  const Tensor& a = ctx.input(0);
  const Tensor& b = ctx.input(1);
  const Tensor& out = ctx.output(0);
  EB_RETURN_IF_ERROR(check_per_tensor_quant(a, "input 0"));
  EB_RETURN_IF_ERROR(check_per_tensor_quant(b, "input 1"));
  EB_RETURN_IF_ERROR(check_per_tensor_quant(out, "output"));
  const float as = a.quant.scale0(), bs = b.quant.scale0(), os = out.quant.scale0();
  const int32_t azp = a.quant.zp0(), bzp = b.quant.zp0(), ozp = out.quant.zp0();
  const QuantRange r = activation_range_quantized(ctx.options().activation, os, ozp, -32768, 32767);
  const int ia = ctx.input_index(0), ib = ctx.input_index(1), io = ctx.output_index(0);

  if (kind == BinaryKind::kMul) {
    // mul.cc: int16 MUL needs zero points 0 (the product of two centered int16 must fit int32).
    const Tensor* nonzero = azp != 0 ? &a : bzp != 0 ? &b : ozp != 0 ? &out : nullptr;
    if (nonzero != nullptr)
      return error("int16 MUL needs zero points 0; '%s' has %d", nonzero->name.c_str(), nonzero->quant.zp0());
    MulQuantParams p;
    p.geom = g;
    p.multiplier = quantize_multiplier(static_cast<double>(as * bs / os));  // float product, as mul.cc
    p.out_min = r.min;
    p.out_max = r.max;
    return bind_binary("mul_qs16_ref", mul_qs16_ref, p, ia, ib, io);
  }

  const bool subtract = kind == BinaryKind::kSub;
  // add.cc requires zero points 0 on int16; sub.cc's general path takes any (the formula has offsets).
  if (!subtract) {
    const Tensor* nonzero = azp != 0 ? &a : bzp != 0 ? &b : ozp != 0 ? &out : nullptr;
    if (nonzero != nullptr)
      return error("int16 ADD needs zero points 0; '%s' has %d", nonzero->name.c_str(), nonzero->quant.zp0());
  }
  AddQs16Params p = make_add_qs16_params(as, azp, bs, bzp, os, ozp, r.min, r.max, subtract);
  if (p.out_multiplier.shift > 0)
    return error("output '%s' scale %g is too small for input scales %g and %g (int16 rescale factor above 1)",
                 out.name.c_str(), static_cast<double>(os), static_cast<double>(as), static_cast<double>(bs));
  // TFLite's x86 NEON body (elementwise.h): only the non-broadcast ADD, over the flat tensor (shapes
  // equal once left-padded with 1s, as ProcessBroadcastShapes compares them).
  Shape pa = a.shape, pb = b.shape;
  while (pa.size() < pb.size()) pa.insert(pa.begin(), 1);
  while (pb.size() < pa.size()) pb.insert(pb.begin(), 1);
  p.simd_run = (!subtract && pa == pb) ? g.out_elements : 0;
  return bind_add_quant(subtract ? "add_qs16_ref(sub)" : "add_qs16_ref", add_qs16_ref, g, p, ia, ib, io);
}

Result<std::unique_ptr<PreparedOp>> prepare_binary(BinaryKind kind, PrepareContext& ctx) {
  EB_RETURN_IF_ERROR(ctx.expect_io(2, 2, 1));
  const Tensor& a = ctx.input(0);
  const Tensor& b = ctx.input(1);
  const DType dt = a.dtype;
  if (dt != DType::kFloat32 && dt != DType::kInt32 && dt != DType::kInt64 && dt != DType::kInt8 &&
      dt != DType::kUInt8 && dt != DType::kInt16)
    return error("input 0 '%s' has dtype %s; supported: float32, int32, int64, int8, uint8, int16 (quantized)",
                 a.name.c_str(), dtype_name(dt));
  if (b.dtype != dt)
    return error("input 1 '%s' has dtype %s but input 0 has %s; both inputs must have the same dtype", b.name.c_str(),
                 dtype_name(b.dtype), dtype_name(dt));
  for (int i = 0; i < 2; ++i) {
    const Tensor& t = ctx.input(i);
    if (t.rank() > kMaxBroadcastRank)
      return error("input %d '%s' has rank %d; at most %d is supported", i, t.name.c_str(), t.rank(),
                   kMaxBroadcastRank);
    for (int32_t d : t.shape)
      if (d < 0) return error("input %d '%s' has unresolved shape %s", i, t.name.c_str(), shape_str(t.shape).c_str());
  }
  Shape out_shape;
  if (!broadcast_shapes(a.shape, b.shape, &out_shape))
    return error("input shapes %s and %s cannot be broadcast together", shape_str(a.shape).c_str(),
                 shape_str(b.shape).c_str());
  Tensor& out = ctx.output(0);
  if (out.dtype != dt)
    return error("output '%s' has dtype %s; expected %s like the inputs", out.name.c_str(), dtype_name(out.dtype),
                 dtype_name(dt));
  const Activation act = ctx.options().activation;
  if (!activation_is_clamp(act))
    return error("fused activation %d is not supported (only NONE, RELU, RELU_N1_TO_1, RELU6)", static_cast<int>(act));
  out.shape = out_shape;
  const BroadcastGeometry g = make_broadcast_geometry(a.shape, b.shape, out_shape);
  const int ia = ctx.input_index(0), ib = ctx.input_index(1), io = ctx.output_index(0);

  if (dt == DType::kFloat32) {
    BinaryFloatParams p;
    p.geom = g;
    const FloatRange r = activation_range_float(act);
    p.act_min = r.min;
    p.act_max = r.max;
    if (ctx.isa() != Isa::kReference) {
      const VBinaryF32Op op = kind == BinaryKind::kAdd   ? kVBinaryAdd
                              : kind == BinaryKind::kSub ? kVBinarySub
                                                         : kVBinaryMul;
      auto fast = prepare_binary_float_fast(ctx, op, p);
      if (!fast.ok()) return fast.status();
      if (fast.value()) return std::move(fast.value());
    }
    switch (kind) {
      case BinaryKind::kAdd:
        return bind_binary("add_float_ref", add_float_ref, p, ia, ib, io);
      case BinaryKind::kSub:
        return bind_binary("sub_float_ref", sub_float_ref, p, ia, ib, io);
      case BinaryKind::kMul:
        return bind_binary("mul_float_ref", mul_float_ref, p, ia, ib, io);
    }
  }
  if (dt == DType::kInt32) {
    BinaryInt32Params p;
    p.geom = g;
    // TFLite's CalculateActivationRange for int32 outputs.
    p.act_min = std::numeric_limits<int32_t>::min();
    p.act_max = std::numeric_limits<int32_t>::max();
    if (act == Activation::kRelu) p.act_min = 0;
    if (act == Activation::kRelu6) {
      p.act_min = 0;
      p.act_max = 6;
    }
    if (act == Activation::kReluN1To1) {
      p.act_min = -1;
      p.act_max = 1;
    }
    switch (kind) {
      case BinaryKind::kAdd:
        return bind_binary("add_int32_ref", add_int32_ref, p, ia, ib, io);
      case BinaryKind::kSub:
        return bind_binary("sub_int32_ref", sub_int32_ref, p, ia, ib, io);
      case BinaryKind::kMul:
        return bind_binary("mul_int32_ref", mul_int32_ref, p, ia, ib, io);
    }
  }
  if (dt == DType::kInt64) {
    BinaryInt64Params p;
    p.geom = g;
    p.act_min = std::numeric_limits<int64_t>::min();
    p.act_max = std::numeric_limits<int64_t>::max();
    if (act == Activation::kRelu || act == Activation::kRelu6) p.act_min = 0;
    if (act == Activation::kRelu6) p.act_max = 6;
    if (act == Activation::kReluN1To1) {
      p.act_min = -1;
      p.act_max = 1;
    }
    switch (kind) {
      case BinaryKind::kAdd:
        return bind_binary("add_s64_ref", add_s64_ref, p, ia, ib, io);
      case BinaryKind::kSub:
        return bind_binary("sub_s64_ref", sub_s64_ref, p, ia, ib, io);
      case BinaryKind::kMul:
        return bind_binary("mul_s64_ref", mul_s64_ref, p, ia, ib, io);
    }
  }
  if (dt == DType::kInt16) return prepare_qs16(kind, ctx, g);
  if (dt == DType::kInt8) return prepare_quantized<int8_t>(kind, ctx, g);
  return prepare_quantized<uint8_t>(kind, ctx, g);
}

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_add(PrepareContext& ctx) { return prepare_binary(BinaryKind::kAdd, ctx); }
Result<std::unique_ptr<PreparedOp>> prepare_sub(PrepareContext& ctx) { return prepare_binary(BinaryKind::kSub, ctx); }
Result<std::unique_ptr<PreparedOp>> prepare_mul(PrepareContext& ctx) { return prepare_binary(BinaryKind::kMul, ctx); }

}  // namespace eb
