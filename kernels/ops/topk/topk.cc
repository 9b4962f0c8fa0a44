// prepare_topk_v2: reads the constant k, checks it against the row length, sets both output shapes.
#include <cstdint>
#include <memory>

#include "kernels/ops/ops.h"
#include "kernels/ops/quant_checks.h"
#include "kernels/ops/topk/topk.h"

namespace eb {
namespace {

template <typename T, typename Index>
class TopKOp final : public PreparedOp {
 public:
  TopKOp(const TopKParams& p, int in, int values, int indices, const char* name)
      : p_(p), in_(in), values_(values), indices_(indices), name_(name) {}
  void run(const RunContext& c) override {
    topk_ref(p_, c.in<T>(in_), reinterpret_cast<int32_t*>(c.scratch), c.out<T>(values_), c.out<Index>(indices_));
  }
  const char* kernel_name() const override { return name_; }
  size_t scratch_bytes() const override { return static_cast<size_t>(p_.row_size) * sizeof(int32_t); }

 private:
  TopKParams p_;
  int in_, values_, indices_;
  const char* name_;
};

template <typename T>
std::unique_ptr<PreparedOp> make_topk(bool int64_index, const TopKParams& p, int in, int v, int i, const char* name) {
  if (int64_index) return std::make_unique<TopKOp<T, int64_t>>(p, in, v, i, name);
  return std::make_unique<TopKOp<T, int32_t>>(p, in, v, i, name);
}

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_topk_v2(PrepareContext& ctx) {
  EB_RETURN_IF_ERROR(ctx.expect_io(2, 2, 2));
  const Tensor& in = ctx.input(0);
  const Tensor& k_t = ctx.input(1);
  Tensor& values = ctx.output(0);
  Tensor& indices = ctx.output(1);
  if (in.rank() < 1) return error("input '%s' is a scalar; TOPK_V2 needs at least one dimension", in.name.c_str());
  if (k_t.dtype != DType::kInt32 && k_t.dtype != DType::kInt16)
    return error("k input '%s' is %s; it must be int32 or int16", k_t.name.c_str(), dtype_name(k_t.dtype));
  if (k_t.elements() != 1) return error("k input '%s' must hold one value, has shape %s", k_t.name.c_str(),
                                        shape_str(k_t.shape).c_str());
  if (!k_t.is_constant() || k_t.constant_bytes < dtype_size(k_t.dtype))
    return error("k depends on values computed at run time (input '%s' is not a constant); not supported",
                 k_t.name.c_str());
  const int32_t k = k_t.dtype == DType::kInt32 ? k_t.constant_as<int32_t>()[0] : k_t.constant_as<int16_t>()[0];
  const int32_t row = in.dim(in.rank() - 1);
  if (k < 0 || k > row)
    return error("k is %d; it must be within [0, %d], the last dimension of input '%s'", k, row, in.name.c_str());
  if (values.dtype != in.dtype)
    return error("values output '%s' is %s but input '%s' is %s; they must match", values.name.c_str(),
                 dtype_name(values.dtype), in.name.c_str(), dtype_name(in.dtype));
  if (indices.dtype != DType::kInt32 && indices.dtype != DType::kInt64)
    return error("indices output '%s' is %s; it must be int32 or int64", indices.name.c_str(),
                 dtype_name(indices.dtype));
  TopKParams p;
  p.row_size = row;
  p.k = k;
  p.rows = row > 0 ? in.elements() / row : 0;
  if (row == 0) {
    p.rows = 1;
    for (int d = 0; d + 1 < in.rank(); ++d) p.rows *= in.dim(d);
  }
  Shape out_shape = in.shape;
  out_shape.back() = k;

  const bool i64 = indices.dtype == DType::kInt64;
  const int ii = ctx.input_index(0), vi = ctx.output_index(0), xi = ctx.output_index(1);
  std::unique_ptr<PreparedOp> op;
  switch (in.dtype) {
    case DType::kFloat32:
      op = make_topk<float>(i64, p, ii, vi, xi, "topk_v2_f32_ref");
      break;
    case DType::kInt8:
    case DType::kUInt8:
      // Values pass through: the output must read them with the input's scale and zero point.
      if (in.quant.present() || values.quant.present()) EB_RETURN_IF_ERROR(check_same_quant(in, values));
      op = in.dtype == DType::kInt8 ? make_topk<int8_t>(i64, p, ii, vi, xi, "topk_v2_qs8_ref")
                                    : make_topk<uint8_t>(i64, p, ii, vi, xi, "topk_v2_qu8_ref");
      break;
    case DType::kInt32:
      op = make_topk<int32_t>(i64, p, ii, vi, xi, "topk_v2_s32_ref");
      break;
    case DType::kInt64:
      op = make_topk<int64_t>(i64, p, ii, vi, xi, "topk_v2_s64_ref");
      break;
    default:
      return error("input '%s' is %s; supported: float32, int8, uint8, int32, int64", in.name.c_str(),
                   dtype_name(in.dtype));
  }
  values.shape = out_shape;
  indices.shape = out_shape;
  return op;
}

}  // namespace eb
