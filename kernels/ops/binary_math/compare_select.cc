// prepare of the comparisons (EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL), LOGICAL_AND,
// LOGICAL_OR, LOGICAL_NOT, SELECT and SELECT_V2.
#include <memory>

#include "kernels/ops/binary_math/binary_math.h"
#include "kernels/ops/op.h"
#include "kernels/ops/ops.h"
#include "kernels/ops/quant_checks.h"

namespace eb {
namespace {

// Column of a comparison's kernel name in kCompareNames.
enum CompareType : int { kF32, kS16, kS32, kS64, kBool, kQs8, kQu8 };

const char* compare_name(CompareKind k, CompareType type) {
  // Kernel names: <op>_<type>_ref, one static string per (op, type).
  static const char* const kNames[6][7] = {
      {"equal_f32_ref", "equal_s16_ref", "equal_s32_ref", "equal_s64_ref", "equal_bool_ref", "equal_qs8_ref",
       "equal_qu8_ref"},
      {"not_equal_f32_ref", "not_equal_s16_ref", "not_equal_s32_ref", "not_equal_s64_ref", "not_equal_bool_ref",
       "not_equal_qs8_ref", "not_equal_qu8_ref"},
      {"less_f32_ref", "less_s16_ref", "less_s32_ref", "less_s64_ref", "less_bool_ref", "less_qs8_ref",
       "less_qu8_ref"},
      {"less_equal_f32_ref", "less_equal_s16_ref", "less_equal_s32_ref", "less_equal_s64_ref", "less_equal_bool_ref",
       "less_equal_qs8_ref", "less_equal_qu8_ref"},
      {"greater_f32_ref", "greater_s16_ref", "greater_s32_ref", "greater_s64_ref", "greater_bool_ref",
       "greater_qs8_ref", "greater_qu8_ref"},
      {"greater_equal_f32_ref", "greater_equal_s16_ref", "greater_equal_s32_ref", "greater_equal_s64_ref",
       "greater_equal_bool_ref", "greater_equal_qs8_ref", "greater_equal_qu8_ref"},
  };
  return kNames[static_cast<int>(k)][type];
}

template <typename T>
std::unique_ptr<PreparedOp> bind_compare(CompareKind k, CompareType type, const BroadcastGeometry& g, PrepareContext& ctx) {
  const int a = ctx.input_index(0), b = ctx.input_index(1), o = ctx.output_index(0);
  return bind_kernel(compare_name(k, type), [=](const RunContext& c) {
    compare_ref<T>(k, g, c.in<T>(a), c.in<T>(b), c.out<uint8_t>(o));
  });
}

template <typename T>
Result<std::unique_ptr<PreparedOp>> bind_compare_quant(CompareKind k, CompareType type, const BroadcastGeometry& g,
                                                       PrepareContext& ctx) {
  const Tensor &ta = ctx.input(0), &tb = ctx.input(1);
  EB_RETURN_IF_ERROR(check_per_tensor_quant(ta, "input 0"));
  EB_RETURN_IF_ERROR(check_per_tensor_quant(tb, "input 1"));
  // TFLite comparisons.cc: QuantizeMultiplierSmallerThanOneExp of each input's scale (a scale >= 1 aborts
  // there; refused here).
  CompareQuantParams p;
  p.geom = g;
  p.a_offset = -ta.quant.zp0();
  p.b_offset = -tb.quant.zp0();
  for (int i = 0; i < 2; ++i) {
    const Tensor& t = ctx.input(i);
    if (!(t.quant.scale0() < 1.0f))
      return error("input %d '%s' has scale %g; quantized comparisons need scales below 1", i, t.name.c_str(),
                   static_cast<double>(t.quant.scale0()));
  }
  p.a_multiplier = quantize_multiplier(static_cast<double>(ta.quant.scale0()));
  p.b_multiplier = quantize_multiplier(static_cast<double>(tb.quant.scale0()));
  const int a = ctx.input_index(0), b = ctx.input_index(1), o = ctx.output_index(0);
  return bind_kernel(compare_name(k, type), [=](const RunContext& c) {
    compare_quant_ref<T>(k, p, c.in<T>(a), c.in<T>(b), c.out<uint8_t>(o));
  });
}

Result<std::unique_ptr<PreparedOp>> prepare_compare(PrepareContext& ctx, CompareKind k) {
  const bool equality = k == CompareKind::kEqual || k == CompareKind::kNotEqual;
  Result<BroadcastGeometry> rg =
      equality ? prepare_broadcast_binary(ctx,
                                          {DType::kFloat32, DType::kInt16, DType::kInt32, DType::kInt64, DType::kInt8,
                                           DType::kUInt8, DType::kBool},
                                          DType::kBool)
               : prepare_broadcast_binary(
                     ctx, {DType::kFloat32, DType::kInt16, DType::kInt32, DType::kInt64, DType::kInt8, DType::kUInt8},
                     DType::kBool);
  if (!rg.ok()) return rg.status();
  const BroadcastGeometry g = rg.value();
  switch (ctx.input(0).dtype) {
    case DType::kFloat32:
      return bind_compare<float>(k, kF32, g, ctx);
    case DType::kInt16:
      return bind_compare<int16_t>(k, kS16, g, ctx);
    case DType::kInt32:
      return bind_compare<int32_t>(k, kS32, g, ctx);
    case DType::kInt64:
      return bind_compare<int64_t>(k, kS64, g, ctx);
    case DType::kBool: {
      const int a = ctx.input_index(0), b = ctx.input_index(1), o = ctx.output_index(0);
      return bind_kernel(compare_name(k, kBool), [=](const RunContext& c) {
        compare_bool_ref(k, g, c.in<uint8_t>(a), c.in<uint8_t>(b), c.out<uint8_t>(o));
      });
    }
    case DType::kInt8:
      return bind_compare_quant<int8_t>(k, kQs8, g, ctx);
    default:
      return bind_compare_quant<uint8_t>(k, kQu8, g, ctx);
  }
}

Result<std::unique_ptr<PreparedOp>> prepare_logical(PrepareContext& ctx, bool is_and) {
  EB_ASSIGN_OR_RETURN(const BroadcastGeometry g, prepare_broadcast_binary(ctx, {DType::kBool}, DType::kBool));
  const int a = ctx.input_index(0), b = ctx.input_index(1), o = ctx.output_index(0);
  auto* kernel = is_and ? logical_and_bool_ref : logical_or_bool_ref;
  return bind_kernel(is_and ? "logical_and_bool_ref" : "logical_or_bool_ref", [=](const RunContext& c) {
    kernel(g, c.in<uint8_t>(a), c.in<uint8_t>(b), c.out<uint8_t>(o));
  });
}

// Strides of `s` (right-aligned, left-padded with 1s) walking `out`: 0 along repeated dimensions.
std::array<int64_t, kMaxBroadcastRank> strides_into(const Shape& s, const Shape& out) {
  return make_broadcast_geometry(s, out, out).a_strides;
}

Result<std::unique_ptr<PreparedOp>> prepare_select(PrepareContext& ctx, bool v2) {
  EB_RETURN_IF_ERROR(ctx.expect_io(3, 3, 1));
  const Tensor &cond = ctx.input(0), &x = ctx.input(1), &y = ctx.input(2);
  Tensor& out = ctx.output(0);
  if (cond.dtype != DType::kBool)
    return error("condition '%s' has dtype %s; expected bool", cond.name.c_str(), dtype_name(cond.dtype));
  const size_t esize = dtype_size(x.dtype);
  if (x.dtype == DType::kUnsupported || x.dtype == DType::kFloat16)
    return error("input 1 '%s' has unsupported dtype %s", x.name.c_str(), dtype_name(x.dtype));
  if (y.dtype != x.dtype || out.dtype != x.dtype)
    return error("inputs '%s' (%s), '%s' (%s) and output '%s' (%s) must have the same dtype", x.name.c_str(),
                 dtype_name(x.dtype), y.name.c_str(), dtype_name(y.dtype), out.name.c_str(), dtype_name(out.dtype));
  for (int i = 0; i < 3; ++i) {
    const Tensor& t = ctx.input(i);
    if (t.rank() > kMaxBroadcastRank)
      return error("input %d '%s' has rank %d; at most %d is supported", i, t.name.c_str(), t.rank(),
                   kMaxBroadcastRank);
    for (int32_t d : t.shape)
      if (d < 0) return error("input %d '%s' has unresolved shape %s", i, t.name.c_str(), shape_str(t.shape).c_str());
  }
  if (x.quant.present() || y.quant.present() || out.quant.present()) {
    // TFLite copies values without rescaling: x, y and the output must read them alike.
    EB_RETURN_IF_ERROR(check_same_quant(x, out));
    EB_RETURN_IF_ERROR(check_same_quant(y, out));
  }
  Shape out_shape;
  // Condition strides expressed on the output walk; SELECT's rank-1 condition indexes dimension 0.
  Shape cond_as = cond.shape;
  const bool same = cond.shape == x.shape && x.shape == y.shape;
  if (same) {
    out_shape = x.shape;
  } else if (!v2) {
    // TFLite select.cc (version one): a scalar condition, or a rank-1 condition as long as x's dimension 0,
    // picks whole slices of x and y, which must have the same shape.
    if (x.shape != y.shape)
      return error("inputs '%s' %s and '%s' %s must have the same shape", x.name.c_str(), shape_str(x.shape).c_str(),
                   y.name.c_str(), shape_str(y.shape).c_str());
    const bool scalar = cond.rank() == 0;
    const bool rank_one = cond.rank() == 1 && x.rank() >= 1 && cond.dim(0) == x.dim(0);
    if (!scalar && !rank_one)
      return error("condition '%s' %s must match the inputs' shape %s, be a scalar, or be rank 1 of size %s",
                   cond.name.c_str(), shape_str(cond.shape).c_str(), shape_str(x.shape).c_str(),
                   x.rank() >= 1 ? std::to_string(x.dim(0)).c_str() : "(none: the inputs are scalars)");
    out_shape = x.shape;
    if (rank_one) {
      cond_as.assign(static_cast<size_t>(x.rank()), 1);
      cond_as[0] = cond.dim(0);
    }
  } else {
    Shape xy;
    if (!broadcast_shapes(x.shape, y.shape, &xy) || !broadcast_shapes(cond.shape, xy, &out_shape))
      return error("shapes %s (condition), %s and %s cannot be broadcast together", shape_str(cond.shape).c_str(),
                   shape_str(x.shape).c_str(), shape_str(y.shape).c_str());
  }
  out.shape = out_shape;
  SelectParams p;
  const BroadcastGeometry g = make_broadcast_geometry(cond_as, x.shape, out_shape);
  p.out_dims = g.out_dims;
  p.out_elements = g.out_elements;
  p.c_strides = g.a_strides;
  p.x_strides = g.b_strides;
  p.y_strides = strides_into(y.shape, out_shape);
  const int ic = ctx.input_index(0), ix = ctx.input_index(1), iy = ctx.input_index(2), io = ctx.output_index(0);
  auto bind = [&](auto tag, const char* name) -> std::unique_ptr<PreparedOp> {
    using T = decltype(tag);
    return bind_kernel(name, [=](const RunContext& c) {
      select_ref<T>(p, c.in<uint8_t>(ic), c.in<T>(ix), c.in<T>(iy), c.out<T>(io));
    });
  };
  switch (esize) {
    case 1:
      return bind(uint8_t{}, v2 ? "select_v2_x8_ref" : "select_x8_ref");
    case 2:
      return bind(uint16_t{}, v2 ? "select_v2_x16_ref" : "select_x16_ref");
    case 4:
      return bind(uint32_t{}, v2 ? "select_v2_x32_ref" : "select_x32_ref");
    default:
      return bind(uint64_t{}, v2 ? "select_v2_x64_ref" : "select_x64_ref");
  }
}

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_equal(PrepareContext& ctx) { return prepare_compare(ctx, CompareKind::kEqual); }
Result<std::unique_ptr<PreparedOp>> prepare_not_equal(PrepareContext& ctx) {
  return prepare_compare(ctx, CompareKind::kNotEqual);
}
Result<std::unique_ptr<PreparedOp>> prepare_less(PrepareContext& ctx) { return prepare_compare(ctx, CompareKind::kLess); }
Result<std::unique_ptr<PreparedOp>> prepare_less_equal(PrepareContext& ctx) {
  return prepare_compare(ctx, CompareKind::kLessEqual);
}
Result<std::unique_ptr<PreparedOp>> prepare_greater(PrepareContext& ctx) {
  return prepare_compare(ctx, CompareKind::kGreater);
}
Result<std::unique_ptr<PreparedOp>> prepare_greater_equal(PrepareContext& ctx) {
  return prepare_compare(ctx, CompareKind::kGreaterEqual);
}
Result<std::unique_ptr<PreparedOp>> prepare_logical_and(PrepareContext& ctx) { return prepare_logical(ctx, true); }
Result<std::unique_ptr<PreparedOp>> prepare_logical_or(PrepareContext& ctx) { return prepare_logical(ctx, false); }
Result<std::unique_ptr<PreparedOp>> prepare_logical_not(PrepareContext& ctx) {
  EB_RETURN_IF_ERROR(ctx.expect_io(1, 1, 1));
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  if (in.dtype != DType::kBool || out.dtype != DType::kBool)
    return error("input '%s' (%s) and output '%s' (%s) must be bool", in.name.c_str(), dtype_name(in.dtype),
                 out.name.c_str(), dtype_name(out.dtype));
  for (int32_t d : in.shape)
    if (d < 0) return error("input '%s' has unresolved shape %s", in.name.c_str(), shape_str(in.shape).c_str());
  out.shape = in.shape;
  const int i = ctx.input_index(0), o = ctx.output_index(0);
  const int64_t n = in.elements();
  return bind_kernel("logical_not_bool_ref",
                     [=](const RunContext& c) { logical_not_bool_ref(c.in<uint8_t>(i), c.out<uint8_t>(o), n); });
}
Result<std::unique_ptr<PreparedOp>> prepare_select(PrepareContext& ctx) { return prepare_select(ctx, false); }
Result<std::unique_ptr<PreparedOp>> prepare_select_v2(PrepareContext& ctx) { return prepare_select(ctx, true); }

}  // namespace eb
