// TFLite_Detection_PostProcess (the custom operator SSD detectors end with): decodes center-size box
// encodings against anchors, then selects boxes with non-max suppression, exactly as TensorFlow Lite's
// tensorflow/lite/kernels/detection_postprocess.cc does (same float/double arithmetic, same sorts).
#pragma once

#include <cstddef>
#include <cstdint>

namespace eb {

struct DetectionPostprocessParams {
  int num_boxes = 0;           // N: anchors and rows of the box encodings
  int box_stride = 4;          // floats per box encoding row (>= 4: extra keypoint values are ignored)
  int num_classes = 0;         // classes without the background
  int num_classes_with_background = 0;  // columns of the class predictions (num_classes or num_classes + 1)
  int label_offset = 0;        // 1 when column 0 is the background class
  int max_detections = 0;
  int max_classes_per_detection = 1;  // fast NMS: classes reported per selected box
  int detections_per_class = 100;     // regular NMS: boxes kept per class
  bool use_regular_nms = false;
  float score_threshold = 0.0f;
  float iou_threshold = 0.5f;
  float y_scale = 1.0f, x_scale = 1.0f, h_scale = 1.0f, w_scale = 1.0f;
  // uint8 inputs are dequantized as TFLite does: boxes in float, class predictions through a double scale.
  bool boxes_quantized = false;
  int32_t boxes_zero_point = 0;
  float boxes_scale = 1.0f;
  bool scores_quantized = false;
  int32_t scores_zero_point = 0;
  float scores_scale = 1.0f;
};

// Scratch run() needs (decoded boxes, dequantized scores, NMS bookkeeping); the caller checked that the
// sizes fit (prepare bounds N, the class count and max_detections).
size_t detection_postprocess_scratch_bytes(const DetectionPostprocessParams& p);

// boxes: [N, box_stride] float32 or uint8; scores: [N, num_classes_with_background] float32 or uint8;
// anchors: [N, 4] (y, x, h, w) already in float (dequantized at prepare).
// Outputs: boxes [max_detections * max_classes_per_detection, 4], classes and scores of the same count,
// count [1]. Slots NMS does not fill are zero.
void detection_postprocess_ref(const DetectionPostprocessParams& p, const void* boxes, const void* scores,
                               const float* anchors, uint8_t* scratch, float* out_boxes, float* out_classes,
                               float* out_scores, float* out_count);

}  // namespace eb
