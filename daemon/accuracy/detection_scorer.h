// Detection accuracy of one measurement, item by item: what the measuring loop calls after each
// inference once it has every output tensor (today the worker sends output 0 only: see the note in
// daemon/job/benchmark_job.cc). Per item it decodes the outputs (detection_decode.h), looks up the
// image's ground truth when the task has labels (detection_labels.h) and scores both ways:
//  - against the labels: COCO mAP (detection_map.h), detections decoded with the mAP settings
//    (conf 0.001, IoU 0.7, max 300: Ultralytics val);
//  - against the reference variant: the reference's detections of the same item (kept by its own scorer,
//    reference_detections()) above the score threshold taken as ground truth.
// Nothing of the outputs is kept but the decoded detections of the reference variant.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "daemon/accuracy/detection_decode.h"
#include "daemon/accuracy/detection_labels.h"
#include "daemon/accuracy/detection_map.h"

namespace eb::accuracy {

struct DetectionSettings {
  std::string labels;  // a YOLO labels folder or a COCO JSON file; empty: no labels
  DetectFormat format = DetectFormat::kAuto;
  float conf = 0.001f, iou = 0.7f;
  int max_det = 300;
  float score_threshold = 0.25f;
  ResizeMode resize = ResizeMode::kStretch;  // daemon/pipeline stretches (cv::resize to the input size)
};

// Reference detections by item index (the item's position in the source).
using ItemDetections = std::map<int64_t, std::vector<Detection>>;

class DetectionScorer {
 public:
  // Opens the labels (an error names the file). `reference`: the reference variant's detections to
  // compare with (nullptr for the reference itself); `keep_detections`: keep this variant's, to be the
  // reference of the others.
  static Result<DetectionScorer> create(const DetectionSettings& settings, const ItemDetections* reference,
                                        bool keep_detections);

  // One inference: the item's index and image (its path names it in the labels, its size maps boxes
  // back), the model input's size, and every output tensor as floats. An error names the item; the
  // caller counts it as a skipped item.
  Status add_item(int64_t index, const std::string& image_path, int image_width, int image_height, int input_width,
                  int input_height, const std::vector<OutputTensor>& outputs);

  // The layout decoded (recognised from the first item's outputs when the settings say auto).
  DetectFormat format() const { return format_; }
  int64_t items() const { return items_; }
  // Against the labels; nullopt without labels. An error when no labelled image had a box.
  std::optional<Result<DetectionFigures>> figures() const;
  // Against the reference; nullopt without reference detections or when no item was in both.
  std::optional<Result<ReferenceComparison>> comparison() const;
  ItemDetections& reference_detections() { return kept_; }

 private:
  DetectionScorer(DetectionSettings s, const ItemDetections* reference, bool keep)
      : settings_(std::move(s)), reference_(reference), keep_(keep), format_(settings_.format),
        comparer_(settings_.score_threshold) {
    EvaluatorOptions o;
    o.score_threshold = settings_.score_threshold;
    evaluator_ = DetectionEvaluator(o);
  }

  DetectionSettings settings_;
  const ItemDetections* reference_ = nullptr;
  bool keep_ = false;
  DetectFormat format_;
  std::optional<DetectionLabels> labels_;
  DetectionEvaluator evaluator_;
  ReferenceComparer comparer_;
  int64_t items_ = 0, compared_ = 0;
  ItemDetections kept_;
};

}  // namespace eb::accuracy
