#include "daemon/accuracy/detection_decode.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace eb::accuracy {
namespace {

int64_t elements(const Shape& s) {
  int64_t n = 1;
  for (int32_t d : s) n *= d;
  return n;
}

std::string describe(const std::vector<OutputTensor>& outputs, size_t i) {
  return strfmt("output %zu '%s' %s", i, outputs[i].name.c_str(), shape_str(outputs[i].shape).c_str());
}

Status check_values(const std::vector<OutputTensor>& outputs) {
  for (size_t i = 0; i < outputs.size(); ++i)
    if (static_cast<int64_t>(outputs[i].values.size()) != elements(outputs[i].shape))
      return error("%s: holds %zu values, its shape has %lld", describe(outputs, i).c_str(), outputs[i].values.size(),
                   static_cast<long long>(elements(outputs[i].shape)));
  return Status();
}

// TFLite_Detection_PostProcess's outputs: boxes [1, N, 4], classes [1, N], scores [1, N], count [1].
bool looks_like_postprocess(const std::vector<OutputTensor>& o) {
  if (o.size() < 4) return false;
  const Shape& b = o[0].shape;
  if (b.size() != 3 || b[0] != 1 || b[2] != 4) return false;
  for (int k : {1, 2})
    if (o[static_cast<size_t>(k)].shape != Shape{1, b[1]}) return false;
  return elements(o[3].shape) == 1;
}

Status check_options(const DecodeOptions& o) {
  if (o.input_width <= 0 || o.input_height <= 0)
    return error("the model input's size is unknown (%dx%d)", o.input_width, o.input_height);
  if (o.image_width <= 0 || o.image_height <= 0)
    return error("the image's size is unknown (%dx%d)", o.image_width, o.image_height);
  if (!(o.iou >= 0 && o.iou <= 1)) return error("the NMS IoU threshold %g is not in [0, 1]", o.iou);
  if (o.max_det < 1) return error("max detections must be at least 1, got %d", o.max_det);
  return Status();
}

Result<std::vector<Detection>> decode_ssd(const std::vector<OutputTensor>& o, const DecodeOptions& options) {
  if (!looks_like_postprocess(o))
    return error("%s: not TFLite_Detection_PostProcess's outputs (boxes [1, N, 4], classes [1, N], scores [1, N], "
                 "count [1])",
                 o.empty() ? "the model has no outputs" : describe(o, 0).c_str());
  const int64_t n = o[0].shape[1];
  const float count_value = o[3].values[0];
  if (!(count_value >= 0) || count_value > static_cast<float>(n) || count_value != std::floor(count_value))
    return error("%s: the detection count %g is not a whole number from 0 to %lld", describe(o, 3).c_str(),
                 static_cast<double>(count_value), static_cast<long long>(n));
  const auto count = static_cast<size_t>(count_value);
  std::vector<Detection> out;
  for (size_t i = 0; i < count; ++i) {
    const float score = o[2].values[i];
    if (!(score > options.conf)) continue;
    const float* b = &o[0].values[i * 4];  // ymin, xmin, ymax, xmax
    const float cls = o[1].values[i];
    if (!(cls >= 0) || cls != std::floor(cls) || cls > 1e6f)
      return error("%s: detection %zu has class %g, not a class index", describe(o, 1).c_str(), i,
                   static_cast<double>(cls));
    Detection d;
    d.box = {b[1] * static_cast<float>(options.input_width), b[0] * static_cast<float>(options.input_height),
             b[3] * static_cast<float>(options.input_width), b[2] * static_cast<float>(options.input_height)};
    // Not clipped: TFLite's own evaluation keeps the model's boxes as they are (one may reach past the
    // border), and so the decoded boxes are the model's outputs, scaled.
    d.box = input_to_image(d.box, options);
    d.class_id = static_cast<int>(cls);
    d.score = score;
    out.push_back(d);
  }
  std::stable_sort(out.begin(), out.end(), [](const Detection& a, const Detection& b) { return a.score > b.score; });
  if (out.size() > static_cast<size_t>(options.max_det)) out.resize(static_cast<size_t>(options.max_det));
  return out;
}

// The head as rows of `width` values (one row per anchor), whatever its orientation.
struct HeadView {
  const float* data = nullptr;
  int64_t rows = 0, width = 0;
  bool channels_first = false;  // [1, width, rows]
  float at(int64_t r, int64_t c) const { return channels_first ? data[c * rows + r] : data[r * width + c]; }
};

Result<HeadView> head_view(const std::vector<OutputTensor>& o, DetectFormat format) {
  if (o.empty()) return error("the model has no outputs");
  const Shape& s = o[0].shape;
  if (s.size() != 3 || s[0] != 1 || s[1] < 1 || s[2] < 1)
    return error("%s: a YOLO head is [1, 4+C, N] or [1, N, 4+C] (YOLOv8) or [1, N, 5+C] (YOLOv5)",
                 describe(o, 0).c_str());
  HeadView h;
  h.data = o[0].values.data();
  // YOLOv8 exports are channels-first ([1, 84, 8400]); the anchors are the longer axis either way.
  h.channels_first = format == DetectFormat::kYoloV8 && s[1] < s[2];
  h.rows = h.channels_first ? s[2] : s[1];
  h.width = h.channels_first ? s[1] : s[2];
  const int64_t min_width = format == DetectFormat::kYoloV5 ? 6 : 5;
  if (h.width < min_width)
    return error("%s: %lld values per box; %s needs the box and at least one class (%lld)", describe(o, 0).c_str(),
                 static_cast<long long>(h.width), detect_format_name(format), static_cast<long long>(min_width));
  return h;
}

Result<std::vector<Detection>> decode_yolo(const std::vector<OutputTensor>& o, DetectFormat format,
                                           const DecodeOptions& options) {
  EB_ASSIGN_OR_RETURN(const HeadView h, head_view(o, format));
  const bool v5 = format == DetectFormat::kYoloV5;
  const int64_t first_class = v5 ? 5 : 4;
  bool normalised = options.coordinates == BoxCoordinates::kNormalised;
  if (options.coordinates == BoxCoordinates::kAuto) {
    normalised = true;
    for (int64_t r = 0; r < h.rows && normalised; ++r)
      for (int64_t c = 0; c < 4; ++c)
        if (!(std::fabs(h.at(r, c)) <= 2.0f)) normalised = false;
  }
  const float sx = normalised ? static_cast<float>(options.input_width) : 1.0f;
  const float sy = normalised ? static_cast<float>(options.input_height) : 1.0f;
  std::vector<Detection> candidates;
  for (int64_t r = 0; r < h.rows; ++r) {
    const float objectness = v5 ? h.at(r, 4) : 1.0f;
    if (v5 && !(objectness > options.conf)) continue;
    const float cx = h.at(r, 0) * sx, cy = h.at(r, 1) * sy, w = h.at(r, 2) * sx, bh = h.at(r, 3) * sy;
    const Box box{cx - w / 2, cy - bh / 2, cx + w / 2, cy + bh / 2};
    auto score_of = [&](int64_t c) { return v5 ? h.at(r, c) * objectness : h.at(r, c); };
    if (options.multi_label) {
      for (int64_t c = first_class; c < h.width; ++c) {
        const float s = score_of(c);
        if (s > options.conf) candidates.push_back({box, static_cast<int>(c - first_class), s});
      }
    } else {
      int64_t best = first_class;
      for (int64_t c = first_class + 1; c < h.width; ++c)
        if (score_of(c) > score_of(best)) best = c;
      const float s = score_of(best);
      if (s > options.conf) candidates.push_back({box, static_cast<int>(best - first_class), s});
    }
  }
  if (candidates.size() > static_cast<size_t>(options.max_candidates)) {
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const Detection& a, const Detection& b) { return a.score > b.score; });
    candidates.resize(static_cast<size_t>(options.max_candidates));
  }
  std::vector<Detection> kept = class_wise_nms(std::move(candidates), options.iou, options.max_det);
  for (Detection& d : kept) {
    d.box = input_to_image(d.box, options);
    // Ultralytics' clip_boxes: a box never reaches past the image.
    d.box.x1 = std::clamp(d.box.x1, 0.0, static_cast<double>(options.image_width));
    d.box.x2 = std::clamp(d.box.x2, 0.0, static_cast<double>(options.image_width));
    d.box.y1 = std::clamp(d.box.y1, 0.0, static_cast<double>(options.image_height));
    d.box.y2 = std::clamp(d.box.y2, 0.0, static_cast<double>(options.image_height));
  }
  return kept;
}

}  // namespace

double iou(const Box& a, const Box& b) {
  const double w = std::min(a.x2, b.x2) - std::max(a.x1, b.x1);
  const double h = std::min(a.y2, b.y2) - std::max(a.y1, b.y1);
  const double inter = w > 0 && h > 0 ? w * h : 0.0;
  const double uni = a.area() + b.area() - inter;
  return uni > 0 ? inter / uni : 0.0;
}

Result<DetectFormat> parse_detect_format(std::string_view name) {
  if (name == "auto") return DetectFormat::kAuto;
  if (name == "yolov8") return DetectFormat::kYoloV8;
  if (name == "yolov5") return DetectFormat::kYoloV5;
  if (name == "ssd") return DetectFormat::kSsd;
  return error("detection format '%s': expected yolov8, yolov5, ssd or auto", std::string(name).c_str());
}

const char* detect_format_name(DetectFormat f) {
  switch (f) {
    case DetectFormat::kYoloV8: return "yolov8";
    case DetectFormat::kYoloV5: return "yolov5";
    case DetectFormat::kSsd: return "ssd";
    default: return "auto";
  }
}

Result<DetectFormat> recognise_detect_format(const std::vector<OutputTensor>& outputs) {
  if (looks_like_postprocess(outputs)) return DetectFormat::kSsd;
  if (outputs.empty()) return error("the model has no outputs");
  const Shape& s = outputs[0].shape;
  if (s.size() != 3 || s[0] != 1 || std::min(s[1], s[2]) < 5)
    return error("%s: not a detector's output the decoder knows (TFLite_Detection_PostProcess's four outputs, "
                 "or a YOLO head [1, 4+C, N] / [1, N, 5+C]); set the format",
                 describe(outputs, 0).c_str());
  if (s[1] < s[2]) return DetectFormat::kYoloV8;
  // [1, N, K]: YOLOv5's layout (Ultralytics exports YOLOv8 channels-first). Its objectness column is a
  // probability; a head whose fifth column leaves [0, 1] is not one.
  const std::vector<float>& v = outputs[0].values;
  if (static_cast<int64_t>(v.size()) == elements(s))
    for (int64_t r = 0; r < s[1]; ++r) {
      const float obj = v[static_cast<size_t>(r * s[2] + 4)];
      if (!(obj >= 0.0f && obj <= 1.0f))
        return error("%s: [1, N, K] but column 4 holds %g, not YOLOv5's objectness; set the format (a transposed "
                     "YOLOv8 head: yolov8)",
                     describe(outputs, 0).c_str(), static_cast<double>(obj));
    }
  return DetectFormat::kYoloV5;
}

Result<std::vector<Detection>> decode_detections(const std::vector<OutputTensor>& outputs, DetectFormat format,
                                                 const DecodeOptions& options) {
  EB_RETURN_IF_ERROR(check_options(options));
  EB_RETURN_IF_ERROR(check_values(outputs));
  if (format == DetectFormat::kAuto) {
    EB_ASSIGN_OR_RETURN(format, recognise_detect_format(outputs));
  }
  for (const OutputTensor& t : outputs)
    for (float x : t.values)
      if (!std::isfinite(x)) {
        // NaN would sort and compare unpredictably; a model that gives one has no detections to score.
        const size_t i = static_cast<size_t>(&t - outputs.data());
        return error("%s: holds a non-finite value (%g)", describe(outputs, i).c_str(), static_cast<double>(x));
      }
  if (format == DetectFormat::kSsd) return decode_ssd(outputs, options);
  return decode_yolo(outputs, format, options);
}

std::vector<Detection> class_wise_nms(std::vector<Detection> candidates, float iou_threshold, int max_det) {
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Detection& a, const Detection& b) { return a.score > b.score; });
  std::vector<Detection> kept;
  for (const Detection& c : candidates) {
    if (kept.size() >= static_cast<size_t>(max_det)) break;
    bool suppressed = false;
    for (const Detection& k : kept)
      if (k.class_id == c.class_id && iou(k.box, c.box) > iou_threshold) {
        suppressed = true;
        break;
      }
    if (!suppressed) kept.push_back(c);
  }
  return kept;
}

Box input_to_image(const Box& b, const DecodeOptions& o) {
  const double iw = o.input_width, ih = o.input_height, w = o.image_width, h = o.image_height;
  if (o.resize == ResizeMode::kStretch) {
    const double sx = w / iw, sy = h / ih;
      return {b.x1 * sx, b.y1 * sy, b.x2 * sx, b.y2 * sy};
  }
  // Ultralytics' scale_boxes: one gain, the padding split evenly (rounded as its LetterBox pads).
  const double gain = std::min(ih / h, iw / w);
  const double pad_x = std::round((iw - w * gain) / 2 - 0.1), pad_y = std::round((ih - h * gain) / 2 - 0.1);
  return {(b.x1 - pad_x) / gain, (b.y1 - pad_y) / gain, (b.x2 - pad_x) / gain, (b.y2 - pad_y) / gain};
}

}  // namespace eb::accuracy
