// prepare_detection_postprocess: reads the FlexBuffer options (verified first: they are the model's
// bytes), checks the three inputs, dequantizes the constant anchors once, and refuses at load time every
// case where TFLite's Eval would fail (IoU threshold outside (0, 1], boxes that decode inverted) or read
// out of bounds, so run() cannot fail.
#include "kernels/ops/detection_postprocess/detection_postprocess.h"

// The runtime uses flatbuffers as headers only; flexbuffers' string-to-number path (a number stored as
// a string) would otherwise need libflatbuffers' locale object. edgebench never changes the C locale,
// so plain strtod/strtoll parse the same way.
#ifndef FLATBUFFERS_LOCALE_INDEPENDENT
#define FLATBUFFERS_LOCALE_INDEPENDENT 0
#endif
#include <flatbuffers/flexbuffers.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/ops/ops.h"

namespace eb {
namespace {

// Bounds that keep every index of the kernel in int and its scratch modest; real SSD heads have a few
// thousand anchors, about a hundred classes and at most a few hundred detections.
constexpr int64_t kMaxBoxes = int64_t{1} << 22;
constexpr int64_t kMaxScoreElements = int64_t{1} << 26;
constexpr int64_t kMaxDetectionSlots = int64_t{1} << 20;

using DetectionKernel = void (*)(const DetectionPostprocessParams&, const void*, const void*, const float*, uint8_t*,
                                 float*, float*, float*, float*);

class DetectionPostprocessOp final : public PreparedOp {
 public:
  DetectionPostprocessOp(const DetectionPostprocessParams& p, std::vector<float> anchors, int boxes, int scores,
                         const int outputs[4], DetectionKernel kernel, size_t scratch, const char* name)
      : p_(p), anchors_(std::move(anchors)), boxes_(boxes), scores_(scores), kernel_(kernel), scratch_(scratch),
        name_(name) {
    for (int i = 0; i < 4; ++i) outputs_[i] = outputs[i];
  }
  void run(const RunContext& c) override {
    kernel_(p_, c.in<uint8_t>(boxes_), c.in<uint8_t>(scores_), anchors_.data(), c.scratch, c.out<float>(outputs_[0]),
            c.out<float>(outputs_[1]), c.out<float>(outputs_[2]), c.out<float>(outputs_[3]));
  }
  const char* kernel_name() const override { return name_; }
  size_t scratch_bytes() const override { return scratch_; }

 private:
  DetectionPostprocessParams p_;
  std::vector<float> anchors_;  // [N, 4] y, x, h, w in float
  int boxes_, scores_;
  int outputs_[4];
  DetectionKernel kernel_;
  size_t scratch_;
  const char* name_;
};

// The options TFLite's Init reads, with its defaults (a missing key reads as 0 except the two below).
Status read_options(const std::vector<uint8_t>& bytes, DetectionPostprocessParams& p) {
  if (bytes.empty()) return error("has no custom options (a FlexBuffer map of NMS settings is required)");
  if (!flexbuffers::VerifyBuffer(bytes.data(), bytes.size()))
    return error("custom options (%zu bytes) are not a valid FlexBuffer", bytes.size());
  const flexbuffers::Reference root = flexbuffers::GetRoot(bytes.data(), bytes.size());
  if (!root.IsMap()) return error("custom options are not a FlexBuffer map");
  const flexbuffers::Map m = root.AsMap();
  p.max_detections = m["max_detections"].AsInt32();
  p.max_classes_per_detection = m["max_classes_per_detection"].AsInt32();
  p.detections_per_class = m["detections_per_class"].IsNull() ? 100 : m["detections_per_class"].AsInt32();
  p.use_regular_nms = m["use_regular_nms"].IsNull() ? false : m["use_regular_nms"].AsBool();
  p.score_threshold = m["nms_score_threshold"].AsFloat();
  p.iou_threshold = m["nms_iou_threshold"].AsFloat();
  p.num_classes = m["num_classes"].AsInt32();
  p.y_scale = m["y_scale"].AsFloat();
  p.x_scale = m["x_scale"].AsFloat();
  p.h_scale = m["h_scale"].AsFloat();
  p.w_scale = m["w_scale"].AsFloat();

  if (p.max_detections < 0) return error("max_detections is %d; it must not be negative", p.max_detections);
  if (p.max_classes_per_detection < 1)
    return error("max_classes_per_detection is %d; it must be at least 1", p.max_classes_per_detection);
  if (p.detections_per_class < 0)
    return error("detections_per_class is %d; it must not be negative", p.detections_per_class);
  // TFLite's regular NMS keeps min(detections_per_class, max_detections) boxes per class and fails when
  // that is not positive.
  if (p.use_regular_nms && (p.detections_per_class < 1 || p.max_detections < 1))
    return error("regular NMS needs detections_per_class and max_detections of at least 1, has %d and %d",
                 p.detections_per_class, p.max_detections);
  if (p.num_classes < 1) return error("num_classes is %d; it must be at least 1", p.num_classes);
  if (!(p.iou_threshold > 0.0f && p.iou_threshold <= 1.0f))
    return error("nms_iou_threshold is %g; it must be in (0, 1]", static_cast<double>(p.iou_threshold));
  if (static_cast<int64_t>(p.max_detections) * p.max_classes_per_detection > kMaxDetectionSlots)
    return error("max_detections %d x max_classes_per_detection %d exceeds the supported %lld output slots",
                 p.max_detections, p.max_classes_per_detection, static_cast<long long>(kMaxDetectionSlots));
  return Status();
}

// uint8 tensors carry one scale and zero point; TFLite reads them without checks, edgebench refuses
// the ones it could not dequantize meaningfully.
Status read_uint8_quant(const Tensor& t, const char* role, float& scale, int32_t& zero_point) {
  if (!t.quant.present() || t.quant.per_channel())
    return error("%s '%s' is uint8 but has no single (per-tensor) scale", role, t.name.c_str());
  scale = t.quant.scale0();
  zero_point = t.quant.zp0();
  if (!(scale > 0.0f) || !std::isfinite(scale))
    return error("%s '%s' has scale %g; it must be positive and finite", role, t.name.c_str(), static_cast<double>(scale));
  if (zero_point < 0 || zero_point > 255)
    return error("%s '%s' has zero point %d outside uint8", role, t.name.c_str(), zero_point);
  return Status();
}

Status check_input_type(const Tensor& t, const char* role) {
  if (t.dtype == DType::kFloat32 || t.dtype == DType::kUInt8) return Status();
  if (t.dtype == DType::kInt8)
    return error("%s '%s' is int8, which is not supported (TFLite's detection postprocess reads float32 or uint8)",
                 role, t.name.c_str());
  return error("%s '%s' is %s, which is not supported (float32 or uint8)", role, t.name.c_str(), dtype_name(t.dtype));
}

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_detection_postprocess(PrepareContext& ctx) {
  EB_RETURN_IF_ERROR(ctx.expect_io(3, 3, 4));
  DetectionPostprocessParams p;
  EB_RETURN_IF_ERROR(read_options(ctx.node().custom_options, p));

  const Tensor& boxes = ctx.input(0);
  const Tensor& scores = ctx.input(1);
  const Tensor& anchors = ctx.input(2);
  EB_RETURN_IF_ERROR(check_input_type(boxes, "box encodings"));
  EB_RETURN_IF_ERROR(check_input_type(scores, "class predictions"));
  if (boxes.rank() != 3 || boxes.dim(0) != 1 || boxes.dim(2) < 4)
    return error("box encodings '%s' have shape %s; expected [1, anchors, 4 or more]", boxes.name.c_str(),
                 shape_str(boxes.shape).c_str());
  const int n = boxes.dim(1);
  if (n < 1 || n > kMaxBoxes)
    return error("box encodings '%s' have %d anchors; expected 1 to %lld", boxes.name.c_str(), n,
                 static_cast<long long>(kMaxBoxes));
  if (scores.rank() != 3 || scores.dim(0) != 1 || scores.dim(1) != n)
    return error("class predictions '%s' have shape %s; expected [1, %d, classes]", scores.name.c_str(),
                 shape_str(scores.shape).c_str(), n);
  const int cbg = scores.dim(2);
  if (cbg != p.num_classes && cbg != p.num_classes + 1)
    return error("class predictions '%s' have %d columns; num_classes %d needs %d or %d (with background)",
                 scores.name.c_str(), cbg, p.num_classes, p.num_classes, p.num_classes + 1);
  if (static_cast<int64_t>(n) * cbg > kMaxScoreElements)
    return error("class predictions '%s' of shape %s are larger than the supported %lld scores", scores.name.c_str(),
                 shape_str(scores.shape).c_str(), static_cast<long long>(kMaxScoreElements));
  if (anchors.rank() != 2 || anchors.dim(0) != n || anchors.dim(1) != 4)
    return error("anchors '%s' have shape %s; expected [%d, 4]", anchors.name.c_str(), shape_str(anchors.shape).c_str(), n);
  if (!anchors.is_constant())
    return error("anchors '%s' are computed at run time; the detection postprocess needs constant anchors",
                 anchors.name.c_str());
  // TFLite reads the anchors as uint8 whenever the box encodings are uint8, as float32 otherwise.
  if (anchors.dtype != boxes.dtype)
    return error("anchors '%s' are %s but the box encodings '%s' are %s; they must match", anchors.name.c_str(),
                 dtype_name(anchors.dtype), boxes.name.c_str(), dtype_name(boxes.dtype));
  const size_t anchor_values = static_cast<size_t>(n) * 4;
  if (anchors.constant_bytes < anchor_values * dtype_size(anchors.dtype))
    return error("anchors '%s' hold %zu bytes, fewer than their shape %s needs", anchors.name.c_str(),
                 anchors.constant_bytes, shape_str(anchors.shape).c_str());

  p.num_boxes = n;
  p.box_stride = boxes.dim(2);
  p.num_classes_with_background = cbg;
  p.label_offset = cbg - p.num_classes;

  std::vector<float> anchor_data(anchor_values);
  if (boxes.dtype == DType::kUInt8) {
    p.boxes_quantized = true;
    EB_RETURN_IF_ERROR(read_uint8_quant(boxes, "box encodings", p.boxes_scale, p.boxes_zero_point));
    float scale;
    int32_t zero_point;
    EB_RETURN_IF_ERROR(read_uint8_quant(anchors, "anchors", scale, zero_point));
    const uint8_t* q = anchors.constant_as<uint8_t>();
    for (size_t i = 0; i < anchor_values; ++i)  // TFLite's box dequantization: float subtract, float scale
      anchor_data[i] = (static_cast<float>(q[i]) - static_cast<float>(zero_point)) * scale;
  } else {
    const float* f = anchors.constant_as<float>();
    anchor_data.assign(f, f + anchor_values);
  }
  // TFLite's Eval fails when a decoded box has ymin > ymax or xmin > xmax, which (exp being positive)
  // happens exactly when an anchor height or width is negative: refuse those anchors now.
  for (int i = 0; i < n; ++i) {
    const float h = anchor_data[static_cast<size_t>(i) * 4 + 2], w = anchor_data[static_cast<size_t>(i) * 4 + 3];
    if (h < 0.0f || w < 0.0f)
      return error("anchor %d of '%s' has a negative height or width (%g, %g)", i, anchors.name.c_str(),
                   static_cast<double>(h), static_cast<double>(w));
  }
  if (scores.dtype == DType::kUInt8) {
    p.scores_quantized = true;
    EB_RETURN_IF_ERROR(read_uint8_quant(scores, "class predictions", p.scores_scale, p.scores_zero_point));
  }

  const int slots = p.max_detections * p.max_classes_per_detection;
  const Shape shapes[4] = {{1, slots, 4}, {1, slots}, {1, slots}, {1}};
  int outputs[4];
  for (int i = 0; i < 4; ++i) {
    Tensor& out = ctx.output(i);
    if (out.dtype != DType::kFloat32)
      return error("output %d '%s' is %s; the detection postprocess writes float32", i, out.name.c_str(),
                   dtype_name(out.dtype));
    out.shape = shapes[i];
    outputs[i] = ctx.output_index(i);
  }
  const bool quantized = p.boxes_quantized || p.scores_quantized;
  // The fast paths run the lazy kernel (same outputs, detection_postprocess_fast.cc).
  if (ctx.isa() != Isa::kReference)
    return std::unique_ptr<PreparedOp>(std::make_unique<DetectionPostprocessOp>(
        p, std::move(anchor_data), ctx.input_index(0), ctx.input_index(1), outputs, detection_postprocess_lazy,
        detection_postprocess_lazy_scratch_bytes(p),
        quantized ? "detection_postprocess_qu8_lazy" : "detection_postprocess_f32_lazy"));
  return std::unique_ptr<PreparedOp>(std::make_unique<DetectionPostprocessOp>(
      p, std::move(anchor_data), ctx.input_index(0), ctx.input_index(1), outputs, detection_postprocess_ref,
      detection_postprocess_scratch_bytes(p),
      quantized ? "detection_postprocess_qu8_ref" : "detection_postprocess_f32_ref"));
}

}  // namespace eb
