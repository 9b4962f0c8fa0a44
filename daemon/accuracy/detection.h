// The plain values detection accuracy works on: boxes in image pixels, a model's detections, the
// ground truth of one image. Everything in daemon/accuracy/ is pure functions over these (no I/O but the
// label readers), so each step is tested alone: decoding (detection_decode.h), labels
// (detection_labels.h), and the COCO figures (detection_map.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace eb::accuracy {

// Corners in pixels of the original image: x to the right, y down, x1 <= x2, y1 <= y2. Areas and IoU
// take width x2 - x1 (no "+1"), as pycocotools and Ultralytics do. Doubles, as pycocotools computes:
// an IoU rounded to float could land on the other side of a threshold than pycocotools' does.
struct Box {
  double x1 = 0, y1 = 0, x2 = 0, y2 = 0;
  double area() const { return (x2 > x1 && y2 > y1) ? (x2 - x1) * (y2 - y1) : 0.0; }
  bool operator==(const Box&) const = default;
};

// Intersection over union; 0 when both are empty.
double iou(const Box& a, const Box& b);

struct Detection {
  Box box;
  int class_id = 0;  // the model's class index (0-based)
  double score = 0;  // (a double: scores read from a COCO result file must sort as pycocotools sorts them)
  bool operator==(const Detection&) const = default;
};

struct GroundTruth {
  Box box;
  int class_id = 0;
  // COCO "iscrowd": a region of many objects. A detection on it is neither a hit nor a false positive
  // (pycocotools' rule); it does not count towards recall.
  bool crowd = false;
  // The annotation's area when the file gives one (COCO "area", the segment's area); < 0: the box's.
  // pycocotools' size ranges use it; the figures here cover every size ("all").
  double area = -1;
  bool operator==(const GroundTruth&) const = default;
};

}  // namespace eb::accuracy
