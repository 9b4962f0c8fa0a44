// COCO's detection figures, computed as pycocotools computes them (COCOeval, iouType "bbox", area range
// "all"), so a figure here equals pycocotools' on the same boxes (tests/accuracy/ checks it to 1e-4):
//  - per image and class, detections by score (at most max_dets_per_class, COCO's maxDets 100), each
//    matched greedily to the unmatched ground truth of best IoU >= t; a crowd region may take any number
//    of detections (IoU against it is intersection / detection area) and those are ignored;
//  - per class, every image's detections pooled and sorted by score; precision made monotone; sampled at
//    the 101 recall points 0, 0.01, ..., 1 (a point past the last recall reached counts 0);
//  - AP of a class = the mean of its samples; mAP@0.5 = the mean over classes with ground truth at IoU
//    0.5; mAP@0.5:0.95 = the mean over those classes and the ten IoU thresholds 0.5, 0.55, ..., 0.95.
// Classes that only have detections (no ground truth anywhere) do not count, as in pycocotools.
//
// Precision and recall at one operating point are added (pooled over classes, IoU 0.5, detections with
// score >= `score_threshold`): what the user gets when the application keeps boxes above that score.
//
// Against the reference without labels: compare_to_reference() takes the reference's detections above
// its display threshold (0.25) as the ground truth, and also counts boxes gained and lost: a box of one
// side with no box of the same class on the other side at IoU >= 0.5 (matched greedily by score).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "daemon/accuracy/detection.h"
#include "kernels/common/status.h"

namespace eb::accuracy {

// COCO's ten IoU thresholds, computed as numpy.linspace(0.5, 0.95, 10) computes them (the matching
// compares IoUs to these exact doubles).
const std::array<double, 10>& coco_iou_thresholds();

struct ClassAp {
  int class_id = 0;
  int64_t ground_truths = 0;  // not crowd
  int64_t detections = 0;     // scored (at most max_dets_per_class per image)
  double ap50 = 0, ap50_95 = 0;
  // Precision at the 101 recall points, IoU 0.5 (the precision-recall curve a report draws).
  std::vector<double> precision_at_recall50;
};

struct DetectionFigures {
  int64_t images = 0;
  double map50 = 0, map50_95 = 0;
  // At the operating point (IoU 0.5, score >= score_threshold), pooled over classes; null without any
  // detection above it (precision) or without ground truth (recall).
  std::optional<double> precision, recall;
  int64_t true_positives = 0, detections_above = 0, ground_truths = 0;
  std::vector<ClassAp> per_class;  // classes with ground truth, by class id
};

struct EvaluatorOptions {
  int max_dets_per_class = 100;   // COCO's maxDets for the AP it reports
  float score_threshold = 0.25f;  // the precision/recall operating point
};

// Accumulates images one by one (only the per-detection match results are kept, never the outputs), so
// a run over a large image set holds little.
class DetectionEvaluator {
 public:
  explicit DetectionEvaluator(EvaluatorOptions options = {}) : options_(options) {}
  // One image: its ground truth and the model's detections on it (any order).
  void add_image(const std::vector<GroundTruth>& truth, const std::vector<Detection>& detections);
  // The figures so far; an error when no image had any ground truth (there is nothing to score against).
  Result<DetectionFigures> figures() const;

 private:
  struct Scored {
    float score = 0;
    int64_t seq = 0;                    // the order pycocotools concatenates in: image, then rank
    std::array<int8_t, 10> matched{};   // per IoU threshold: 1 hit, 0 false positive, -1 ignored (crowd)
  };
  struct PerClass {
    int64_t ground_truths = 0;
    std::vector<Scored> dets;
  };
  EvaluatorOptions options_;
  std::map<int, PerClass> classes_;
  int64_t images_ = 0, seq_ = 0;
  int64_t tp_above_ = 0, dets_above_ = 0;
};

struct ReferenceComparison {
  DetectionFigures figures;  // the variant's detections scored against the reference's as ground truth
  int64_t boxes_gained = 0;  // the variant's boxes (score >= threshold) with no counterpart in the reference
  int64_t boxes_lost = 0;    // the reference's boxes (score >= threshold) the variant does not have
  int64_t reference_boxes = 0;
};

// Accumulates the comparison of a variant with the reference, image by image.
class ReferenceComparer {
 public:
  explicit ReferenceComparer(float reference_threshold = 0.25f) : threshold_(reference_threshold) {
    EvaluatorOptions o;
    o.score_threshold = reference_threshold;
    evaluator_ = DetectionEvaluator(o);
  }
  // `reference`, `variant`: each side's detections on the same image, as decoded for mAP (conf 0.001);
  // the reference's above the threshold become the ground truth.
  void add_image(const std::vector<Detection>& reference, const std::vector<Detection>& variant);
  // An error when the reference found no box above the threshold on any image.
  Result<ReferenceComparison> result() const;

 private:
  float threshold_;
  DetectionEvaluator evaluator_;
  int64_t gained_ = 0, lost_ = 0, reference_boxes_ = 0;
};

// Boxes of `a` and `b` (same class, IoU >= 0.5) paired greedily: `a` by score, each to the unpaired box of
// `b` with the highest IoU. Returns (unpaired in a, unpaired in b).
std::pair<int64_t, int64_t> unpaired_boxes(const std::vector<Detection>& a, const std::vector<Detection>& b);

}  // namespace eb::accuracy
