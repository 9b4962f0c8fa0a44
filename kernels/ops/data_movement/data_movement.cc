#include "kernels/ops/data_movement/data_movement.h"

#include <algorithm>
#include <cstring>

#include "kernels/common/thread_pool.h"
#include <limits>

namespace eb {
namespace {

class CopyProgramOp final : public PreparedOp {
 public:
  CopyProgramOp(const char* name, std::vector<CopyStep> steps) : name_(name), steps_(std::move(steps)) {}
  void run(const RunContext& ctx) override {
    for (const CopyStep& s : steps_) {
      if (s.fill)
        fill_pattern_ref(ctx.out<uint8_t>(s.out), s.fill_count, s.plan.elem,
                         s.value_tensor >= 0 ? ctx.in<uint8_t>(s.value_tensor) : s.value);
      else
        run_copy(ctx, s);
    }
  }
  const char* kernel_name() const override { return name_; }

 private:
  // Large copies split their outermost dimension over the pool (YOLO-sized splits and transposes).
  static void run_copy(const RunContext& ctx, const CopyStep& s) {
    const uint8_t* in = ctx.in<uint8_t>(s.in);
    uint8_t* out = ctx.out<uint8_t>(s.out);
    const int threads = ctx.pool ? ctx.pool->size() : 1;
    const int64_t bytes = strided_copy_bytes(s.plan);
    const int64_t outer = s.plan.rank > 0 ? s.plan.dims[0] : 1;
    int64_t tasks = std::min<int64_t>({outer, int64_t{threads} * 2, bytes / kMinCopyTaskBytes});
    if (threads <= 1 || tasks <= 1) {
      strided_copy(s.plan, in, out, s.blocks);
      return;
    }
    parallel_for(ctx.pool, tasks, [&](int64_t t) {
      const SplitRange r = split_range(outer, tasks, 1, t);
      if (r.end > r.begin) strided_copy(strided_copy_part(s.plan, r.begin, r.end), in, out, s.blocks);
    });
  }
  static constexpr int64_t kMinCopyTaskBytes = 64 * 1024;

  const char* name_;
  std::vector<CopyStep> steps_;
};

bool is_quantized(DType t) { return t == DType::kInt8 || t == DType::kUInt8 || t == DType::kInt16; }

}  // namespace

std::unique_ptr<PreparedOp> bind_copy_program(const char* name, std::vector<CopyStep> steps) {
  return std::make_unique<CopyProgramOp>(name, std::move(steps));
}

Status check_copy_dtype(const Tensor& t) {
  switch (t.dtype) {
    case DType::kFloat32:
    case DType::kInt8:
    case DType::kUInt8:
    case DType::kInt16:
    case DType::kInt32:
    case DType::kInt64:
    case DType::kBool: return Status();
    default:
      return error("tensor '%s' is %s; supported: float32, int8, uint8, int16, int32, int64, bool", t.name.c_str(),
                   dtype_name(t.dtype));
  }
}

Status check_same_type_and_quant(const Tensor& in, const Tensor& out) {
  if (out.dtype != in.dtype)
    return error("output '%s' is %s but input '%s' is %s; the types must match", out.name.c_str(), dtype_name(out.dtype),
                 in.name.c_str(), dtype_name(in.dtype));
  if (!is_quantized(in.dtype) || !in.quant.present() || !out.quant.present()) return Status();
  if (in.quant.scale0() != out.quant.scale0() || in.quant.zp0() != out.quant.zp0())
    return error("output '%s' quantization (scale %g, zero point %d) differs from input '%s' (scale %g, zero point %d); "
                 "this op copies values and cannot requantize",
                 out.name.c_str(), static_cast<double>(out.quant.scale0()), out.quant.zp0(), in.name.c_str(),
                 static_cast<double>(in.quant.scale0()), in.quant.zp0());
  return Status();
}

Result<std::vector<int64_t>> read_constant_index_ints(const Tensor& t, const char* what, const char* op_name) {
  if (t.dtype != DType::kInt32 && t.dtype != DType::kInt64)
    return error("%s input '%s' must be int32 or int64, is %s", what, t.name.c_str(), dtype_name(t.dtype));
  if (!t.is_constant())
    return error("the output shape of %s depends on values computed at run time (%s input '%s' is not a constant); "
                 "not supported",
                 op_name, what, t.name.c_str());
  const int64_t n = t.elements();
  if (n < 0 || static_cast<size_t>(n) * dtype_size(t.dtype) > t.constant_bytes)
    return error("%s input '%s' holds %zu bytes, fewer than its shape %s needs", what, t.name.c_str(), t.constant_bytes,
                 shape_str(t.shape).c_str());
  std::vector<int64_t> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i)
    v[static_cast<size_t>(i)] = t.dtype == DType::kInt32 ? t.constant_as<int32_t>()[i] : t.constant_as<int64_t>()[i];
  return v;
}

Result<int> resolve_copy_axis(int64_t axis, int rank, const Tensor& t) {
  if (axis < -rank || axis >= rank)
    return error("axis %lld is outside the rank %d of input '%s'", static_cast<long long>(axis), rank, t.name.c_str());
  return static_cast<int>(axis < 0 ? axis + rank : axis);
}

std::vector<int64_t> shape_dims64(const Shape& s) { return std::vector<int64_t>(s.begin(), s.end()); }

Result<Shape> checked_out_shape(const std::vector<int64_t>& dims, const Tensor& out) {
  Shape s;
  int64_t total = 1;
  for (int64_t d : dims) {
    if (d < 0 || d > std::numeric_limits<int32_t>::max())
      return error("output '%s' would have an invalid dimension %lld", out.name.c_str(), static_cast<long long>(d));
    s.push_back(static_cast<int32_t>(d));
    if (d > 0 && total > (int64_t{1} << 40) / d)
      return error("output '%s' would have more than 2^40 elements", out.name.c_str());
    total *= d;
  }
  return s;
}

}  // namespace eb
