// Ground truth for detection accuracy, from the two layouts detection data sets ship in:
//  - YOLO text labels: a folder with one FILE.txt per image FILE.jpg (same stem), one object a line,
//    "class cx cy w h" normalised to the image. An image without a .txt has no objects (Ultralytics'
//    rule: background images carry no file).
//  - COCO JSON: "images" (id, file_name, width, height), "annotations" (image_id, category_id, bbox
//    [x, y, w, h] in pixels, iscrowd, area), "categories" (id, name). COCO's category ids are not the
//    model's class indices (COCO 2017 numbers 80 classes 1..90): class i is the i-th category by id,
//    which is the mapping Ultralytics' COCO models are trained with (coco80_to_91).
// Category names come from the COCO file, or a names file (one a line; daemon/pipeline/labels.h).
// Errors are one line naming the file and the line or annotation.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "daemon/accuracy/detection.h"
#include "daemon/accuracy/json_value.h"
#include "kernels/common/status.h"

namespace eb::accuracy {

// One YOLO label file's text -> boxes in pixels of an image_width x image_height image.
Result<std::vector<GroundTruth>> parse_yolo_labels(const std::string& text, int image_width, int image_height,
                                                   const std::string& name_for_errors);

struct CocoImage {
  int64_t id = 0;
  std::string file_name;
  int width = 0, height = 0;
};

struct CocoDataset {
  std::vector<CocoImage> images;                          // in the file's order
  std::map<int64_t, std::vector<GroundTruth>> truth;       // image id -> its boxes, class = class index
  std::vector<int64_t> category_ids;                      // class index -> COCO category id (ascending)
  std::vector<std::string> names;                         // class index -> category name
  // The class index of a category id, or -1.
  int class_of(int64_t category_id) const;
};

Result<CocoDataset> parse_coco_dataset(const JsonValue& root, const std::string& name_for_errors);

// A COCO result list ([{image_id, category_id, bbox, score}, ...]) -> detections per image id, in the
// file's order, classes mapped through `dataset`. A result on an image or category the dataset lacks is an
// error (pycocotools refuses them too).
Result<std::map<int64_t, std::vector<Detection>>> parse_coco_results(const JsonValue& root, const CocoDataset& dataset,
                                                                    const std::string& name_for_errors);

// Where a run's images find their ground truth: a YOLO labels folder or a COCO JSON file (by the path's
// kind). Images are matched by file name (COCO: the basename of file_name; YOLO: the stem).
class DetectionLabels {
 public:
  static Result<DetectionLabels> open(const std::string& path);
  // The image's boxes; its size in pixels is needed for YOLO's normalised boxes (and checked against a
  // COCO file's, which would otherwise scale every box wrongly). An image the COCO file does not list is
  // an error (a wrong file must not score as "no objects").
  Result<std::vector<GroundTruth>> for_image(const std::string& image_path, int image_width, int image_height) const;
  // Class names when the labels carry them (COCO), else empty.
  const std::vector<std::string>& names() const { return coco_.names; }
  bool is_coco() const { return coco_loaded_; }

 private:
  std::string path_;
  bool coco_loaded_ = false;
  CocoDataset coco_;
  std::map<std::string, size_t> coco_by_name_;  // basename -> index in coco_.images
};

}  // namespace eb::accuracy
