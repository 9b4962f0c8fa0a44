// prepare_sum / prepare_reduce_max / prepare_reduce_min / prepare_reduce_prod: resolve the constant axes
// into a ReduceShape, check the types each reduction runs in, bind the kernel (see reduce.h).
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/ops/ops.h"
#include "kernels/ops/quant_checks.h"
#include "kernels/ops/reduce/reduce.h"

namespace eb {
namespace {

// Reads the axis tensor and sets the output shape (keep_dims honoured) and `s`.
Status resolve_axes(PrepareContext& ctx, ReduceShape& s) {
  const Tensor& in = ctx.input(0);
  const Tensor& axis = ctx.input(1);
  if (axis.dtype != DType::kInt32)
    return error("axis '%s' is %s; it must be int32", axis.name.c_str(), dtype_name(axis.dtype));
  if (axis.rank() > 1)
    return error("axis '%s' must be a scalar or 1-D, has shape %s", axis.name.c_str(), shape_str(axis.shape).c_str());
  const int64_t n_axes = axis.elements();
  if (n_axes > 0 && !axis.is_constant())
    return error("axis '%s' depends on values computed at run time (input '%s' is not a constant); not supported",
                 axis.name.c_str(), axis.name.c_str());
  // An empty axis list has no data to wait for (and may come without a buffer).
  if (n_axes > 0 && static_cast<size_t>(n_axes) * sizeof(int32_t) > axis.constant_bytes)
    return error("axis '%s' holds %zu bytes, fewer than its shape %s needs", axis.name.c_str(), axis.constant_bytes,
                 shape_str(axis.shape).c_str());
  const int rank = in.rank();
  if (rank > kReduceMaxRank)
    return error("input '%s' has rank %d; at most %d is supported", in.name.c_str(), rank, kReduceMaxRank);
  bool reduced[kReduceMaxRank] = {};
  for (int64_t i = 0; i < n_axes; ++i) {
    const int32_t a = axis.constant_as<int32_t>()[i];
    if (a < -rank || a >= rank)
      return error("axis %d is outside the rank %d of input '%s'", a, rank, in.name.c_str());
    reduced[a < 0 ? a + rank : a] = true;
  }
  s.rank = rank;
  Shape out_shape;
  for (int d = 0; d < rank; ++d) {
    if (in.dim(d) < 0) return error("input '%s' has a negative dimension", in.name.c_str());
    s.in_dims[d] = in.dim(d);
    s.in_elements *= in.dim(d);
    if (reduced[d]) {
      s.count *= in.dim(d);
      if (ctx.options().keep_dims) out_shape.push_back(1);
    } else {
      out_shape.push_back(in.dim(d));
    }
  }
  int64_t stride = 1;
  for (int d = rank - 1; d >= 0; --d) {
    s.out_step[d] = reduced[d] ? 0 : stride;
    if (!reduced[d]) stride *= in.dim(d);
  }
  s.out_elements = stride;
  ctx.output(0).shape = out_shape;
  return Status();
}

// SUM's int8/uint8 path with a rescale: needs an int32 accumulator per output.
template <typename T>
class SumRequantOp final : public PreparedOp {
 public:
  SumRequantOp(const ReduceSumQuantParams& p, int in, int out, const char* name)
      : p_(p), in_(in), out_(out), name_(name) {}
  void run(const RunContext& c) override {
    reduce_sum_requant_ref(p_, c.in<T>(in_), reinterpret_cast<int32_t*>(c.scratch), c.out<T>(out_));
  }
  const char* kernel_name() const override { return name_; }
  size_t scratch_bytes() const override { return static_cast<size_t>(p_.shape.out_elements) * sizeof(int32_t); }

 private:
  ReduceSumQuantParams p_;
  int in_, out_;
  const char* name_;
};

class ProdQs8Op final : public PreparedOp {
 public:
  ProdQs8Op(const ReduceProdQuantParams& p, int in, int out) : p_(p), in_(in), out_(out) {}
  void run(const RunContext& c) override {
    reduce_prod_qs8_ref(p_, c.in<int8_t>(in_), reinterpret_cast<int32_t*>(c.scratch), c.out<int8_t>(out_));
  }
  const char* kernel_name() const override { return "reduce_prod_qs8_ref"; }
  size_t scratch_bytes() const override { return static_cast<size_t>(p_.shape.out_elements) * sizeof(int32_t); }

 private:
  ReduceProdQuantParams p_;
  int in_, out_;
};

template <typename T>
std::unique_ptr<PreparedOp> bind_reduce(const char* name, ReduceKind kind, const ReduceShape& s, int in, int out) {
  return bind_kernel(name, [=](const RunContext& c) { reduce_ref<T>(kind, s, c.in<T>(in), c.out<T>(out)); });
}

struct KindNames {
  const char* f32;
  const char* qs8;
  const char* qu8;
  const char* s32;
  const char* s64;
};

Result<std::unique_ptr<PreparedOp>> prepare_reduction(PrepareContext& ctx, ReduceKind kind, const KindNames& names) {
  EB_RETURN_IF_ERROR(ctx.expect_io(2, 2, 1));
  const Tensor& in = ctx.input(0);
  const Tensor& out = ctx.output(0);
  if (out.dtype != in.dtype)
    return error("output '%s' is %s but input '%s' is %s; they must match", out.name.c_str(), dtype_name(out.dtype),
                 in.name.c_str(), dtype_name(in.dtype));
  ReduceShape s;
  EB_RETURN_IF_ERROR(resolve_axes(ctx, s));
  const int ii = ctx.input_index(0), oi = ctx.output_index(0);
  const bool q8 = in.dtype == DType::kInt8 || in.dtype == DType::kUInt8;
  if (q8) {
    const char* name = in.dtype == DType::kInt8 ? names.qs8 : names.qu8;
    if (kind == ReduceKind::kProd && in.dtype == DType::kInt8 && in.quant.present()) {
      EB_RETURN_IF_ERROR(check_per_tensor_quant(in, "input"));
      EB_RETURN_IF_ERROR(check_per_tensor_quant(out, "output"));
      ReduceProdQuantParams p;
      p.shape = s;
      p.input_zero_point = in.quant.zp0();
      p.output_zero_point = out.quant.zp0();
      if (s.in_elements > 0 && s.out_elements > 0) {
        // TFLite's GetQuantProdScaling, with its integer count input_size / output_size.
        const double count = static_cast<double>(s.in_elements / s.out_elements);
        p.multiplier = quantize_multiplier(static_cast<double>(in.quant.scale0()) /
                                           std::pow(static_cast<double>(out.quant.scale0()), 1.0 / count));
        if (p.multiplier.shift >= 8)
          return error("input '%s' / output '%s' scales give a product rescale of 2^%d or more; at most 2^7 is "
                       "supported", in.name.c_str(), out.name.c_str(), p.multiplier.shift);
      }
      return std::unique_ptr<PreparedOp>(new ProdQs8Op(p, ii, oi));
    }
    // Plain int8/uint8 data (no quantization on either side): TFLite's generic loop on raw values.
    if (!in.quant.present() && !out.quant.present() && name) {
      if (in.dtype == DType::kInt8) return bind_reduce<int8_t>(names.qs8, kind, s, ii, oi);
      return bind_reduce<uint8_t>(names.qu8, kind, s, ii, oi);
    }
    if (!name)
      return error("input '%s' is %s; this reduction runs float32 and int32 only", in.name.c_str(),
                   dtype_name(in.dtype));
    EB_RETURN_IF_ERROR(check_per_tensor_quant(in, "input"));
    EB_RETURN_IF_ERROR(check_per_tensor_quant(out, "output"));
    const bool same = in.quant.scale0() == out.quant.scale0() && in.quant.zp0() == out.quant.zp0();
    if (kind == ReduceKind::kSum) {
      if (s.count > (int64_t{1} << 23))
        return error("input '%s' sums %lld elements per output; at most 2^23 fit the int32 accumulator",
                     in.name.c_str(), static_cast<long long>(s.count));
      ReduceSumQuantParams p;
      p.shape = s;
      p.scale = in.quant.scale0() / out.quant.scale0();
      p.input_zero_point = in.quant.zp0();
      p.output_zero_point = out.quant.zp0();
      if (in.dtype == DType::kInt8) return std::unique_ptr<PreparedOp>(new SumRequantOp<int8_t>(p, ii, oi, names.qs8));
      return std::unique_ptr<PreparedOp>(new SumRequantOp<uint8_t>(p, ii, oi, names.qu8));
    }
    // MAX/MIN work on raw values: TFLite refuses differing quantization for them.
    if (!same) EB_RETURN_IF_ERROR(check_same_quant(in, out));
    if (in.dtype == DType::kInt8) return bind_reduce<int8_t>(names.qs8, kind, s, ii, oi);
    return bind_reduce<uint8_t>(names.qu8, kind, s, ii, oi);
  }
  switch (in.dtype) {
    case DType::kFloat32:
      return bind_reduce<float>(names.f32, kind, s, ii, oi);
    case DType::kInt32:
      return bind_reduce<int32_t>(names.s32, kind, s, ii, oi);
    case DType::kInt64:
      if (names.s64) return bind_reduce<int64_t>(names.s64, kind, s, ii, oi);
      break;
    default:
      break;
  }
  return error("input '%s' is %s; supported: float32, int32%s%s", in.name.c_str(), dtype_name(in.dtype),
               names.s64 ? ", int64" : "", names.qs8 ? ", int8, uint8" : "");
}

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_sum(PrepareContext& ctx) {
  return prepare_reduction(ctx, ReduceKind::kSum,
                           {"sum_f32_ref", "sum_qs8_ref", "sum_qu8_ref", "sum_s32_ref", "sum_s64_ref"});
}

Result<std::unique_ptr<PreparedOp>> prepare_reduce_max(PrepareContext& ctx) {
  return prepare_reduction(ctx, ReduceKind::kMax,
                           {"reduce_max_f32_ref", "reduce_max_qs8_ref", "reduce_max_qu8_ref", "reduce_max_s32_ref",
                            "reduce_max_s64_ref"});
}

Result<std::unique_ptr<PreparedOp>> prepare_reduce_min(PrepareContext& ctx) {
  return prepare_reduction(ctx, ReduceKind::kMin,
                           {"reduce_min_f32_ref", "reduce_min_qs8_ref", "reduce_min_qu8_ref", "reduce_min_s32_ref",
                            "reduce_min_s64_ref"});
}

// int8 PROD (quantized input) rescales after every multiplication, as TFLite; uint8 is refused.
Result<std::unique_ptr<PreparedOp>> prepare_reduce_prod(PrepareContext& ctx) {
  return prepare_reduction(ctx, ReduceKind::kProd,
                           {"reduce_prod_f32_ref", nullptr, nullptr, "reduce_prod_s32_ref", "reduce_prod_s64_ref"});
}

}  // namespace eb
