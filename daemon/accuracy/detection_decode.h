// From a detector's output tensors to detections in the original image's pixels.
//
// Layouts (DetectFormat):
//  - kSsd: TFLite_Detection_PostProcess's four outputs, in its order: boxes [1, N, 4] (ymin, xmin, ymax,
//    xmax, normalised to the model input), classes [1, N], scores [1, N], count [1]. The model has already
//    run its own NMS; only the first `count` rows are detections.
//  - kYoloV8: one raw head [1, 4+C, N] (Ultralytics' export) or [1, N, 4+C]: cx, cy, w, h, then one
//    score per class (no objectness).
//  - kYoloV5: one raw head [1, N, 5+C]: cx, cy, w, h, objectness, then class probabilities; a class's
//    score is objectness x probability.
//  YOLO boxes are in input pixels or normalised to the input (Ultralytics' TFLite exports divide by the
//  input size); DecodeOptions::coordinates says which, or kAuto decides from the values (all box values
//  within [-2, 2]: normalised).
//
// YOLO heads then go through Ultralytics' non_max_suppression as its validator calls it: candidates with
// a class score above `conf`, one candidate per class above it (multi_label) or only the best class,
// sorted by score, at most max_candidates, class-wise greedy NMS (a box suppresses a later one of its
// class with IoU above `iou`), at most max_det kept. Ultralytics' mAP settings are conf 0.001 and IoU
// 0.7 (`yolo val`); predictions shown to a user use conf 0.25 (DecodeOptions::for_display()).
//
// Boxes map back from the model input to the image by the resize the pipeline did: a stretch (each axis
// scaled on its own: what daemon/pipeline's Preprocessor does, cv::resize to the input size) or a
// letterbox (one scale, centred, padded: Ultralytics' own; the pipeline cannot letterbox yet, so this is
// for outputs made elsewhere). Boxes are clipped to the image, as Ultralytics' scale_boxes does.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/accuracy/detection.h"
#include "kernels/common/status.h"
#include "kernels/graph/tensor.h"

namespace eb::accuracy {

enum class DetectFormat { kAuto, kYoloV8, kYoloV5, kSsd };
// "auto" | "yolov8" | "yolov5" | "ssd"
Result<DetectFormat> parse_detect_format(std::string_view name);
const char* detect_format_name(DetectFormat f);

enum class BoxCoordinates { kAuto, kNormalised, kPixels };
enum class ResizeMode { kStretch, kLetterbox };

// One output tensor of a model, as the measuring side holds it: its shape and its values as floats
// (integer outputs dequantized with the tensor's scale and zero point).
struct OutputTensor {
  std::string name;
  Shape shape;
  std::vector<float> values;
};

struct DecodeOptions {
  float conf = 0.001f;  // a YOLO candidate's class score must be above this (Ultralytics val)
  float iou = 0.7f;     // NMS: a box with IoU above this with a kept box of its class is dropped
  int max_det = 300;    // detections kept per image
  int max_candidates = 30000;  // Ultralytics' max_nms: candidates that enter NMS, by score
  bool multi_label = true;     // a box may be a candidate for each class above conf (Ultralytics val)
  BoxCoordinates coordinates = BoxCoordinates::kAuto;
  ResizeMode resize = ResizeMode::kStretch;
  int input_width = 0, input_height = 0;  // the model's image input
  int image_width = 0, image_height = 0;  // the original image

  // Ultralytics' prediction settings: conf 0.25, best class only (what a user is shown, and what the
  // reference's detections are taken as ground truth at).
  DecodeOptions for_display() const {
    DecodeOptions o = *this;
    o.conf = 0.25f;
    o.multi_label = false;
    return o;
  }
};

// The layout of `outputs`, or an error saying why none fits. kSsd: four outputs shaped as
// TFLite_Detection_PostProcess gives them (further outputs, e.g. a recurrent state, are ignored);
// kYoloV5: a [1, N, 5+C] head whose fifth column lies in [0, 1] and N > 5+C; kYoloV8 otherwise for a
// 3-D head (the axis of N is the longer one). Names the outputs in its error.
Result<DetectFormat> recognise_detect_format(const std::vector<OutputTensor>& outputs);

// Decodes one image's outputs. `format` kAuto: recognise_detect_format. Errors name the tensor and
// what does not fit ("output 0 'Identity' [1, 84, 8400]: ...").
Result<std::vector<Detection>> decode_detections(const std::vector<OutputTensor>& outputs, DetectFormat format,
                                                 const DecodeOptions& options);

// Class-wise greedy NMS over `candidates` (any order): sorted by score (stable), suppressed with IoU above
// `iou` against a kept box of the same class, at most max_det kept, best first.
std::vector<Detection> class_wise_nms(std::vector<Detection> candidates, float iou, int max_det);

// A box in model-input pixels mapped to the image (stretch or letterbox) and clipped to it.
Box input_to_image(const Box& b, const DecodeOptions& options);

}  // namespace eb::accuracy
