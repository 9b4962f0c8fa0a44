// prepare_log_softmax: checks the fixed output quantization TFLite demands and builds the exponential
// table of the quantized kernels (the op owns it; run() reads it through the params).
#include <array>
#include <cstdint>
#include <memory>
#include <type_traits>

#include "kernels/ops/log_softmax/log_softmax.h"
#include "kernels/ops/ops.h"
#include "kernels/ops/quant_checks.h"
#include "kernels/ops/softmax/softmax.h"

namespace eb {
namespace {

template <typename T>
class LogSoftmaxQuantOp final : public PreparedOp {
 public:
  LogSoftmaxQuantOp(const LogSoftmaxParams& p, int in, int out, const char* name)
      : p_(p), in_(in), out_(out), name_(name) {
    softmax_populate_table(p.input_scale, /*beta=*/1.0f, table_.data());
    p_.table = table_.data();
  }
  void run(const RunContext& c) override {
    if constexpr (std::is_same_v<T, int8_t>)
      log_softmax_qs8_ref(p_, c.in<int8_t>(in_), c.out<int8_t>(out_));
    else
      log_softmax_qu8_ref(p_, c.in<uint8_t>(in_), c.out<uint8_t>(out_));
  }
  const char* kernel_name() const override { return name_; }

 private:
  LogSoftmaxParams p_;
  std::array<float, 256> table_{};
  int in_, out_;
  const char* name_;
};

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_log_softmax(PrepareContext& ctx) {
  EB_RETURN_IF_ERROR(ctx.expect_io(1, 1, 1));
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  if (in.rank() < 1) return error("input '%s' is a scalar; LOG_SOFTMAX needs at least one dimension", in.name.c_str());
  if (out.dtype != in.dtype)
    return error("output '%s' is %s but input '%s' is %s; they must match", out.name.c_str(), dtype_name(out.dtype),
                 in.name.c_str(), dtype_name(in.dtype));
  LogSoftmaxParams p;
  p.depth = in.dim(in.rank() - 1);
  p.rows = 1;
  for (int d = 0; d + 1 < in.rank(); ++d) p.rows *= in.dim(d);
  const int ii = ctx.input_index(0), oi = ctx.output_index(0);
  std::unique_ptr<PreparedOp> op;
  switch (in.dtype) {
    case DType::kFloat32:
      op = bind_kernel("log_softmax_f32_ref",
                       [p, ii, oi](const RunContext& c) { log_softmax_f32_ref(p, c.in<float>(ii), c.out<float>(oi)); });
      break;
    case DType::kInt8:
    case DType::kUInt8: {
      EB_RETURN_IF_ERROR(check_per_tensor_quant(in, "input"));
      EB_RETURN_IF_ERROR(check_per_tensor_quant(out, "output"));
      const bool s8 = in.dtype == DType::kInt8;
      const int32_t want_zp = s8 ? 127 : 255;
      if (out.quant.scale0() != 16.0f / 256.0f || out.quant.zp0() != want_zp)
        return error("output '%s' has scale %g and zero point %d; LOG_SOFTMAX %s needs scale 16/256 and zero point %d",
                     out.name.c_str(), static_cast<double>(out.quant.scale0()), out.quant.zp0(), dtype_name(in.dtype),
                     want_zp);
      p.input_scale = in.quant.scale0();
      p.output_scale = out.quant.scale0();
      p.output_zero_point = want_zp;
      if (s8)
        op = std::make_unique<LogSoftmaxQuantOp<int8_t>>(p, ii, oi, "log_softmax_qs8_ref");
      else
        op = std::make_unique<LogSoftmaxQuantOp<uint8_t>>(p, ii, oi, "log_softmax_qu8_ref");
      break;
    }
    default:
      return error("input '%s' is %s; supported: float32, int8, uint8", in.name.c_str(), dtype_name(in.dtype));
  }
  out.shape = in.shape;
  return op;
}

}  // namespace eb
