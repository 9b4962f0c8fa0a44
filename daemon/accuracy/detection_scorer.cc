#include "daemon/accuracy/detection_scorer.h"

namespace eb::accuracy {

Result<DetectionScorer> DetectionScorer::create(const DetectionSettings& settings, const ItemDetections* reference,
                                                bool keep_detections) {
  DetectionScorer s(settings, reference, keep_detections);
  if (!settings.labels.empty()) {
    EB_ASSIGN_OR_RETURN(DetectionLabels labels, DetectionLabels::open(settings.labels));
    s.labels_ = std::move(labels);
  }
  return s;
}

Status DetectionScorer::add_item(int64_t index, const std::string& image_path, int image_width, int image_height,
                                 int input_width, int input_height, const std::vector<OutputTensor>& outputs) {
  if (format_ == DetectFormat::kAuto) {
    auto f = recognise_detect_format(outputs);
    if (!f.ok()) return f.status().with_context(image_path + ": ");
    format_ = *f;  // one model, one layout: decided once
  }
  DecodeOptions o;
  o.conf = settings_.conf;
  o.iou = settings_.iou;
  o.max_det = settings_.max_det;
  o.resize = settings_.resize;
  o.input_width = input_width;
  o.input_height = input_height;
  o.image_width = image_width;
  o.image_height = image_height;
  auto dets = decode_detections(outputs, format_, o);
  if (!dets.ok()) return dets.status().with_context(image_path + ": ");
  if (labels_) {
    auto truth = labels_->for_image(image_path, image_width, image_height);
    if (!truth.ok()) return truth.status();
    evaluator_.add_image(*truth, *dets);
  }
  if (reference_ != nullptr) {
    const auto ref = reference_->find(index);
    if (ref != reference_->end()) {
      comparer_.add_image(ref->second, *dets);
      ++compared_;
    }
  }
  ++items_;
  if (keep_) kept_[index] = std::move(*dets);
  return Status();
}

std::optional<Result<DetectionFigures>> DetectionScorer::figures() const {
  if (!labels_) return std::nullopt;
  return evaluator_.figures();
}

std::optional<Result<ReferenceComparison>> DetectionScorer::comparison() const {
  if (reference_ == nullptr || compared_ == 0) return std::nullopt;
  return comparer_.result();
}

}  // namespace eb::accuracy
