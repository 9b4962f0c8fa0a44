// prepare_batch_matmul: checks ranks and inner dimensions, broadcasts the batch dimensions and
// precomputes each output batch's operand offsets (see batch_matmul.h).
#include <algorithm>
#include <cstdint>
#include <memory>
#include <utility>

#include "kernels/ops/batch_matmul/batch_matmul.h"
#include "kernels/ops/ops.h"
#include "kernels/ops/quant_checks.h"

namespace eb {
namespace {

constexpr int kMaxRank = 5;  // TFLite's limit

// Needs scratch for one quantized lhs row.
class HybridBatchMatMulOp final : public PreparedOp {
 public:
  HybridBatchMatMulOp(BatchMatMulParams p, int lhs, int rhs, int out)
      : p_(std::move(p)), lhs_(lhs), rhs_(rhs), out_(out) {}
  void run(const RunContext& c) override {
    float* row = reinterpret_cast<float*>(c.scratch);
    int8_t* quantized = reinterpret_cast<int8_t*>(c.scratch + row_bytes());
    batch_matmul_hybrid_ref(p_, c.in<float>(lhs_), c.in<int8_t>(rhs_), c.out<float>(out_), row, quantized);
  }
  const char* kernel_name() const override { return "batch_matmul_hybrid_ref"; }
  size_t scratch_bytes() const override { return row_bytes() + static_cast<size_t>(p_.k); }

 private:
  size_t row_bytes() const { return (static_cast<size_t>(p_.k) * sizeof(float) + 63) / 64 * 64; }
  BatchMatMulParams p_;
  int lhs_, rhs_, out_;
};

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_batch_matmul(PrepareContext& ctx) {
  EB_RETURN_IF_ERROR(ctx.expect_io(2, 2, 1));
  const Tensor& lhs = ctx.input(0);
  const Tensor& rhs = ctx.input(1);
  Tensor& out = ctx.output(0);
  for (const Tensor* t : {&lhs, &rhs})
    if (t->rank() < 2 || t->rank() > kMaxRank)
      return error("input '%s' has rank %d; BATCH_MATMUL takes ranks 2 to %d", t->name.c_str(), t->rank(), kMaxRank);
  const bool hybrid = lhs.dtype == DType::kFloat32 && rhs.dtype == DType::kInt8;
  if (rhs.dtype != lhs.dtype && !hybrid)
    return error("inputs '%s' (%s) and '%s' (%s) differ in type; supported: equal types, or float32 with int8 "
                 "weights (hybrid)", lhs.name.c_str(), dtype_name(lhs.dtype), rhs.name.c_str(), dtype_name(rhs.dtype));
  if (out.dtype != lhs.dtype)
    return error("output '%s' is %s but the inputs are %s", out.name.c_str(), dtype_name(out.dtype),
                 dtype_name(lhs.dtype));
  const NodeOptions& o = ctx.options();
  const int lr = lhs.rank(), rr = rhs.rank();
  BatchMatMulParams p;
  p.adj_x = o.adj_x;
  p.adj_y = o.adj_y;
  p.m = o.adj_x ? lhs.dim(lr - 1) : lhs.dim(lr - 2);
  p.k = o.adj_x ? lhs.dim(lr - 2) : lhs.dim(lr - 1);
  const int32_t rk = o.adj_y ? rhs.dim(rr - 1) : rhs.dim(rr - 2);
  p.n = o.adj_y ? rhs.dim(rr - 2) : rhs.dim(rr - 1);
  if (rk != p.k)
    return error("inner dimensions differ: input '%s' %s gives depth %d, input '%s' %s gives %d", lhs.name.c_str(),
                 shape_str(lhs.shape).c_str(), p.k, rhs.name.c_str(), shape_str(rhs.shape).c_str(), rk);

  // Batch dimensions, right-aligned and broadcast.
  const int batch_rank = std::max(lr, rr) - 2;
  Shape out_shape;
  int64_t lhs_stride[kMaxRank] = {}, rhs_stride[kMaxRank] = {};
  int32_t dims[kMaxRank] = {};
  int64_t ls = int64_t{p.m} * p.k, rs = int64_t{p.k} * p.n;
  for (int d = batch_rank - 1; d >= 0; --d) {
    const int li = d - (batch_rank - (lr - 2)), ri = d - (batch_rank - (rr - 2));
    const int32_t ld = li >= 0 ? lhs.dim(li) : 1, rd = ri >= 0 ? rhs.dim(ri) : 1;
    if (ld != rd && ld != 1 && rd != 1)
      return error("batch dimensions of '%s' %s and '%s' %s do not broadcast", lhs.name.c_str(),
                   shape_str(lhs.shape).c_str(), rhs.name.c_str(), shape_str(rhs.shape).c_str());
    dims[d] = std::max(ld, rd);
    lhs_stride[d] = ld == 1 ? 0 : ls;
    rhs_stride[d] = rd == 1 ? 0 : rs;
    ls *= ld;
    rs *= rd;
  }
  int64_t batches = 1;
  for (int d = 0; d < batch_rank; ++d) {
    out_shape.push_back(dims[d]);
    batches *= dims[d];
  }
  out_shape.push_back(p.m);
  out_shape.push_back(p.n);
  for (int64_t b = 0; b < batches; ++b) {
    int64_t rem = b, lo = 0, ro = 0;
    for (int d = batch_rank - 1; d >= 0; --d) {
      const int64_t i = rem % dims[d];
      rem /= dims[d];
      lo += i * lhs_stride[d];
      ro += i * rhs_stride[d];
    }
    p.lhs_offset.push_back(lo);
    p.rhs_offset.push_back(ro);
  }

  const int li = ctx.input_index(0), ri = ctx.input_index(1), oi = ctx.output_index(0);
  std::unique_ptr<PreparedOp> op;
  if (hybrid) {
    if (!rhs.is_constant())
      return error("int8 weights '%s' of a hybrid BATCH_MATMUL must be constant", rhs.name.c_str());
    if (rhs.quant.scale.size() != 1 || !(rhs.quant.scale0() > 0.0f) || rhs.quant.zp0() != 0)
      return error("int8 weights '%s' need one positive scale and zero point 0 (TFLite's hybrid BATCH_MATMUL)",
                   rhs.name.c_str());
    p.rhs_scale = rhs.quant.scale0();
    p.asymmetric = o.asymmetric_quantize_inputs;
    out.shape = out_shape;
    return std::unique_ptr<PreparedOp>(new HybridBatchMatMulOp(p, li, ri, oi));
  }
  switch (lhs.dtype) {
    case DType::kFloat32:
      op = bind_kernel("batch_matmul_f32_ref", [p, li, ri, oi](const RunContext& c) {
        batch_matmul_f32_ref(p, c.in<float>(li), c.in<float>(ri), c.out<float>(oi));
      });
      break;
    case DType::kInt8: {
      EB_RETURN_IF_ERROR(check_per_tensor_quant(lhs, "lhs"));
      EB_RETURN_IF_ERROR(check_per_tensor_quant(rhs, "rhs"));
      EB_RETURN_IF_ERROR(check_per_tensor_quant(out, "output"));
      p.lhs_zero_point = lhs.quant.zp0();
      p.rhs_zero_point = rhs.quant.zp0();
      p.output_zero_point = out.quant.zp0();
      const double product = static_cast<double>(lhs.quant.scale0() * rhs.quant.scale0());
      p.multiplier = quantize_multiplier(product / static_cast<double>(out.quant.scale0()));
      op = bind_kernel("batch_matmul_qs8_ref", [p, li, ri, oi](const RunContext& c) {
        batch_matmul_qs8_ref(p, c.in<int8_t>(li), c.in<int8_t>(ri), c.out<int8_t>(oi));
      });
      break;
    }
    default:
      return error("input '%s' is %s; supported: float32, int8", lhs.name.c_str(), dtype_name(lhs.dtype));
  }
  out.shape = out_shape;
  return op;
}

}  // namespace eb
