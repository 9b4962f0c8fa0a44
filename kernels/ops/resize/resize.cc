// prepare_resize_bilinear and prepare_resize_nearest_neighbor: NHWC input, a constant int32 size input
// [new_height, new_width]; the output is [batch, new_height, new_width, channels] of the input's dtype.
#include <cstdint>
#include <memory>

#include "kernels/ops/ops.h"
#include "kernels/ops/resize/resize.h"

namespace eb {
namespace {

enum class ResizeKind { kBilinear, kNearest };

class ResizeOp final : public PreparedOp {
 public:
  ResizeOp(ResizeKind kind, DType dtype, int input, int output, const ResizeParams& p, const char* name, bool xnnpack)
      : kind_(kind), dtype_(dtype), input_(input), output_(output), p_(p), name_(name), xnnpack_(xnnpack) {}

  void run(const RunContext& ctx) override {
    if (kind_ == ResizeKind::kNearest) {
      resize_nearest_neighbor_ref(ctx.in<uint8_t>(input_), p_, dtype_size(dtype_), ctx.out<uint8_t>(output_));
    } else if (dtype_ == DType::kFloat32) {
      resize_bilinear_float32_ref(ctx.in<float>(input_), p_, ctx.out<float>(output_));
    } else if (dtype_ == DType::kInt16) {
      resize_bilinear_int16_ref(ctx.in<int16_t>(input_), p_, ctx.out<int16_t>(output_));
    } else if (dtype_ == DType::kInt8) {
      if (xnnpack_) resize_bilinear_int8_xnnpack_ref(ctx.in<int8_t>(input_), p_, ctx.out<int8_t>(output_));
      else resize_bilinear_int8_ref(ctx.in<int8_t>(input_), p_, ctx.out<int8_t>(output_));
    } else {
      if (xnnpack_) resize_bilinear_uint8_xnnpack_ref(ctx.in<uint8_t>(input_), p_, ctx.out<uint8_t>(output_));
      else resize_bilinear_uint8_ref(ctx.in<uint8_t>(input_), p_, ctx.out<uint8_t>(output_));
    }
  }
  const char* kernel_name() const override { return name_; }

 private:
  ResizeKind kind_;
  DType dtype_;
  int input_, output_;
  ResizeParams p_;
  const char* name_;
  bool xnnpack_;  // quantized bilinear: XNNPACK's arithmetic (see resize.h)
};

Result<std::unique_ptr<PreparedOp>> prepare_resize(PrepareContext& ctx, ResizeKind kind) {
  EB_RETURN_IF_ERROR(ctx.expect_io(2, 2, 1));
  const Tensor& in = ctx.input(0);
  const Tensor& size = ctx.input(1);
  Tensor& out = ctx.output(0);
  const bool bilinear = kind == ResizeKind::kBilinear;

  const char* name = nullptr;
  switch (in.dtype) {
    case DType::kFloat32: name = bilinear ? "resize_bilinear_float32_ref" : "resize_nearest_neighbor_ref"; break;
    case DType::kInt8: name = bilinear ? "resize_bilinear_int8_ref" : "resize_nearest_neighbor_ref"; break;
    case DType::kUInt8: name = bilinear ? "resize_bilinear_uint8_ref" : "resize_nearest_neighbor_ref"; break;
    case DType::kInt16: name = bilinear ? "resize_bilinear_int16_ref" : "resize_nearest_neighbor_ref"; break;
    default:
      return error("input '%s' is %s; supported: float32, int8, uint8, int16", in.name.c_str(), dtype_name(in.dtype));
  }
  if (out.dtype != in.dtype)
    return error("output '%s' is %s but input '%s' is %s", out.name.c_str(), dtype_name(out.dtype), in.name.c_str(),
                 dtype_name(in.dtype));
  if (in.rank() != 4)
    return error("input '%s' must be 4-D NHWC, has shape %s", in.name.c_str(), shape_str(in.shape).c_str());

  if (size.dtype != DType::kInt32)
    return error("size input '%s' must be int32, is %s", size.name.c_str(), dtype_name(size.dtype));
  if (!size.is_constant())
    return error("size input '%s' is computed at run time: dynamic output sizes are not supported", size.name.c_str());
  if (size.rank() != 1 || size.dim(0) != 2 || size.constant_bytes < 2 * sizeof(int32_t))
    return error("size input '%s' must have shape [2] (new_height, new_width), has %s", size.name.c_str(),
                 shape_str(size.shape).c_str());
  const int32_t new_h = size.constant_as<int32_t>()[0];
  const int32_t new_w = size.constant_as<int32_t>()[1];
  if (new_h <= 0 || new_w <= 0)
    return error("size input '%s' asks for %d x %d; both must be positive", size.name.c_str(), new_h, new_w);

  const NodeOptions& o = ctx.options();
  if (bilinear && o.align_corners && o.half_pixel_centers)
    return Status::error("align_corners and half_pixel_centers cannot both be true");

  // Both kernels move values without rescaling them: a quantized output must use the input's parameters.
  // (Raw uint8/int8 images without parameters on either side are fine.)
  if (in.dtype != DType::kFloat32) {
    if (in.quant.present() != out.quant.present())
      return error("input '%s' and output '%s' must both have quantization parameters or neither", in.name.c_str(),
                   out.name.c_str());
    if (in.quant.present() && (in.quant.scale0() != out.quant.scale0() || in.quant.zp0() != out.quant.zp0()))
      return error("output '%s' quantization (scale %g, zero point %d) differs from input '%s' (scale %g, zero point %d)",
                   out.name.c_str(), static_cast<double>(out.quant.scale0()), out.quant.zp0(), in.name.c_str(),
                   static_cast<double>(in.quant.scale0()), in.quant.zp0());
  }

  ResizeParams p;
  p.batches = in.dim(0);
  p.in_h = in.dim(1);
  p.in_w = in.dim(2);
  p.channels = in.dim(3);
  p.out_h = new_h;
  p.out_w = new_w;
  p.align_corners = o.align_corners;
  p.half_pixel_centers = o.half_pixel_centers;
  if (p.in_h <= 0 || p.in_w <= 0)
    return error("input '%s' of shape %s has an empty spatial dimension", in.name.c_str(), shape_str(in.shape).c_str());
  // The 10-bit fixed point of the integer bilinear kernel holds 1024 * size in an int32.
  constexpr int32_t kMaxIntegerSize = 1 << 20;
  if (bilinear && in.dtype != DType::kFloat32 &&
      (p.in_h > kMaxIntegerSize || p.in_w > kMaxIntegerSize || new_h > kMaxIntegerSize || new_w > kMaxIntegerSize))
    return error("sizes above %d are not supported by the integer bilinear kernel", kMaxIntegerSize);

  out.shape = {p.batches, new_h, new_w, p.channels};
  const bool xnnpack = bilinear && (in.dtype == DType::kInt8 || in.dtype == DType::kUInt8) && in.quant.present();
  if (xnnpack) name = in.dtype == DType::kInt8 ? "resize_bilinear_int8_xnnpack_ref" : "resize_bilinear_uint8_xnnpack_ref";
  return std::unique_ptr<PreparedOp>(
      new ResizeOp(kind, in.dtype, ctx.input_index(0), ctx.output_index(0), p, name, xnnpack));
}

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_resize_bilinear(PrepareContext& ctx) {
  return prepare_resize(ctx, ResizeKind::kBilinear);
}

Result<std::unique_ptr<PreparedOp>> prepare_resize_nearest_neighbor(PrepareContext& ctx) {
  return prepare_resize(ctx, ResizeKind::kNearest);
}

}  // namespace eb
