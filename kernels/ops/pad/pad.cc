// prepare_pad: reads the constant paddings, computes the output shape and the pad value, and binds the
// reference kernel or (fast paths) the coalesced-row one.
#include <cstdint>
#include <limits>
#include <memory>

#include "kernels/common/thread_pool.h"
#include "kernels/ops/ops.h"
#include "kernels/ops/pad/pad.h"

namespace eb {
namespace {

class PadOp final : public PreparedOp {
 public:
  PadOp(DType dtype, int input, int output, const PadParams& p, int32_t pad_int, const char* name)
      : dtype_(dtype), input_(input), output_(output), p_(p), pad_int_(pad_int), name_(name) {}

  void run(const RunContext& ctx) override {
    switch (dtype_) {
      case DType::kFloat32: pad_float32_ref(ctx.in<float>(input_), p_, 0.0f, ctx.out<float>(output_)); break;
      case DType::kInt8:
        pad_int8_ref(ctx.in<int8_t>(input_), p_, static_cast<int8_t>(pad_int_), ctx.out<int8_t>(output_));
        break;
      case DType::kUInt8:
        pad_uint8_ref(ctx.in<uint8_t>(input_), p_, static_cast<uint8_t>(pad_int_), ctx.out<uint8_t>(output_));
        break;
      case DType::kInt16:
        pad_int16_ref(ctx.in<int16_t>(input_), p_, static_cast<int16_t>(pad_int_), ctx.out<int16_t>(output_));
        break;
      default: pad_int32_ref(ctx.in<int32_t>(input_), p_, pad_int_, ctx.out<int32_t>(output_)); break;
    }
  }
  const char* kernel_name() const override { return name_; }

 private:
  DType dtype_;
  int input_, output_;
  PadParams p_;
  int32_t pad_int_;
  const char* name_;
};

// The fast paths: coalesced rows (pad_fast.cc) split over the threads. The pad value goes in as the
// element's bit pattern (float 0.0 is all zero bits).
class PadRowsOp final : public PreparedOp {
 public:
  PadRowsOp(size_t element_size, int input, int output, const PadParams& p, int32_t pad_int, const char* name)
      : element_size_(element_size), input_(input), output_(output), p_(p), pad_int_(pad_int), name_(name) {
    pad_coalesce(p_);
    rows_ = pad_rows_count(p_);
  }

  void run(const RunContext& ctx) override {
    if (rows_ == 0) return;
    const int threads = ctx.pool ? ctx.pool->size() : 1;
    const int64_t tasks = tasks_for_work(threads, rows_, p_.out_dims[4] / 8 + 1);
    parallel_for(ctx.pool, tasks, [&](int64_t t) {
      const SplitRange r = split_range(rows_, tasks, 1, t);
      if (r.end <= r.begin) return;
      if (element_size_ == 1)
        pad_x8_rows(ctx.in<uint8_t>(input_), p_, static_cast<uint8_t>(pad_int_), ctx.out<uint8_t>(output_), r.begin,
                    r.end);
      else if (element_size_ == 2)
        pad_x16_rows(ctx.in<uint16_t>(input_), p_, static_cast<uint16_t>(pad_int_), ctx.out<uint16_t>(output_), r.begin,
                     r.end);
      else
        pad_x32_rows(ctx.in<uint32_t>(input_), p_, static_cast<uint32_t>(pad_int_), ctx.out<uint32_t>(output_),
                     r.begin, r.end);
    });
  }
  const char* kernel_name() const override { return name_; }

 private:
  size_t element_size_;
  int input_, output_;
  PadParams p_;
  int32_t pad_int_;
  int64_t rows_ = 0;
  const char* name_;
};

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_pad(PrepareContext& ctx) {
  EB_RETURN_IF_ERROR(ctx.expect_io(2, 2, 1));
  const Tensor& in = ctx.input(0);
  const Tensor& pads = ctx.input(1);
  Tensor& out = ctx.output(0);

  const char* name = nullptr;
  switch (in.dtype) {
    case DType::kFloat32: name = "pad_float32_ref"; break;
    case DType::kInt8: name = "pad_int8_ref"; break;
    case DType::kUInt8: name = "pad_uint8_ref"; break;
    case DType::kInt16: name = "pad_int16_ref"; break;
    case DType::kInt32: name = "pad_int32_ref"; break;
    default:
      return error("input '%s' is %s; supported: float32, int8, uint8, int16, int32", in.name.c_str(),
                   dtype_name(in.dtype));
  }
  if (out.dtype != in.dtype)
    return error("output '%s' is %s but input '%s' is %s", out.name.c_str(), dtype_name(out.dtype), in.name.c_str(),
                 dtype_name(in.dtype));
  const int rank = in.rank();
  if (rank > kPadMaxRank) return error("input '%s' has rank %d; at most %d is supported", in.name.c_str(), rank, kPadMaxRank);

  // Paddings: constant int32/int64 of shape [rank, 2], (before, after) per dimension, non-negative.
  if (pads.dtype != DType::kInt32 && pads.dtype != DType::kInt64)
    return error("paddings '%s' must be int32 or int64, is %s", pads.name.c_str(), dtype_name(pads.dtype));
  if (!pads.is_constant())
    return error("paddings '%s' are computed at run time: dynamic paddings are not supported", pads.name.c_str());
  if (pads.rank() != 2 || pads.dim(0) != rank || pads.dim(1) != 2)
    return error("paddings '%s' must have shape [%d, 2] for input '%s' of shape %s, has %s", pads.name.c_str(), rank,
                 in.name.c_str(), shape_str(in.shape).c_str(), shape_str(pads.shape).c_str());
  if (pads.constant_bytes < static_cast<size_t>(rank) * 2 * dtype_size(pads.dtype))
    return error("paddings '%s' hold %zu bytes, fewer than shape %s needs", pads.name.c_str(), pads.constant_bytes,
                 shape_str(pads.shape).c_str());

  PadParams p;
  Shape shape(static_cast<size_t>(rank));
  const int lead = kPadMaxRank - rank;
  for (int d = 0; d < rank; ++d) {
    int64_t before, after;
    if (pads.dtype == DType::kInt32) {
      before = pads.constant_as<int32_t>()[2 * d];
      after = pads.constant_as<int32_t>()[2 * d + 1];
    } else {
      before = pads.constant_as<int64_t>()[2 * d];
      after = pads.constant_as<int64_t>()[2 * d + 1];
    }
    if (before < 0 || after < 0)
      return error("paddings '%s' for dimension %d are (%lld, %lld); negative padding is not supported",
                   pads.name.c_str(), d, static_cast<long long>(before), static_cast<long long>(after));
    const int64_t size = static_cast<int64_t>(in.dim(d)) + before + after;
    if (size > std::numeric_limits<int32_t>::max())
      return error("padding dimension %d of input '%s' to %lld elements is too large", d, in.name.c_str(),
                   static_cast<long long>(size));
    shape[static_cast<size_t>(d)] = static_cast<int32_t>(size);
    p.in_dims[lead + d] = in.dim(d);
    p.out_dims[lead + d] = static_cast<int32_t>(size);
    p.before[lead + d] = static_cast<int32_t>(before);
  }

  // Quantized: the pad value is the zero point, so the output must share the input's parameters.
  // Without parameters on either side the tensor holds plain integers and the pad value is 0.
  int32_t pad_int = 0;
  const bool quantizable = in.dtype == DType::kInt8 || in.dtype == DType::kUInt8 || in.dtype == DType::kInt16;
  if (quantizable && (in.quant.present() || out.quant.present())) {
    if (in.quant.present() != out.quant.present())
      return error("input '%s' and output '%s' must both have quantization parameters or neither", in.name.c_str(),
                   out.name.c_str());
    if (in.quant.scale0() != out.quant.scale0() || in.quant.zp0() != out.quant.zp0())
      return error("output '%s' quantization (scale %g, zero point %d) differs from input '%s' (scale %g, zero point %d)",
                   out.name.c_str(), static_cast<double>(out.quant.scale0()), out.quant.zp0(), in.name.c_str(),
                   static_cast<double>(in.quant.scale0()), in.quant.zp0());
    pad_int = out.quant.zp0();
    const int32_t lo = in.dtype == DType::kInt8 ? -128 : in.dtype == DType::kInt16 ? -32768 : 0;
    const int32_t hi = in.dtype == DType::kInt8 ? 127 : in.dtype == DType::kInt16 ? 32767 : 255;
    if (pad_int < lo || pad_int > hi)
      return error("output '%s' zero point %d is outside the %s range", out.name.c_str(), pad_int, dtype_name(in.dtype));
  }
  out.shape = shape;
  if (ctx.isa() != Isa::kReference) {
    const size_t size = dtype_size(in.dtype);
    return std::unique_ptr<PreparedOp>(new PadRowsOp(size, ctx.input_index(0), ctx.output_index(0), p, pad_int,
                                                     size == 1 ? "pad_x8_rows" : size == 2 ? "pad_x16_rows" : "pad_x32_rows"));
  }
  return std::unique_ptr<PreparedOp>(new PadOp(in.dtype, ctx.input_index(0), ctx.output_index(0), p, pad_int, name));
}

}  // namespace eb
