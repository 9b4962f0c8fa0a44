// TFLite_Detection_PostProcess (the custom operator SSD detectors end with): decodes center-size box
// encodings against anchors, then selects boxes with non-max suppression, exactly as TensorFlow Lite's
// tensorflow/lite/kernels/detection_postprocess.cc does (same float/double arithmetic, same sorts).
//
// The reference kernel does it as TFLite does: decode every anchor, stable-sort every box above the
// score threshold, then NMS. The fast paths' kernel (detection_postprocess_lazy, _fast.cc) gives the same
// outputs doing only what they depend on; see there.
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

// One anchor's box decoded (ymin, xmin, ymax, xmax), the IoU of NMS (selected box first), and TFLite's
// DecreasingPartialArgSort: shared by both kernels, so they compute these with the same code.
struct DetectionBox {
  float ymin, xmin, ymax, xmax;
};
DetectionBox detection_decode_box(const DetectionPostprocessParams& p, const void* boxes, const float* anchors, int i);
float detection_iou(const DetectionBox& a, const DetectionBox& b);
void detection_partial_argsort(const float* values, int n, int k, int* indices);

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

// The fast paths' kernel: the reference's outputs, bit for bit; its own scratch size.
// Zeroes every output slot (boxes, classes, scores) before NMS fills some: TFLite leaves unfilled slots
// as they were; edgebench makes them zero so outputs are deterministic (the fill TFLite itself writes
// for the unused regular-NMS slots). Both kernels start with it.
void detection_clear_outputs(const DetectionPostprocessParams& p, float* out_boxes, float* out_classes,
                             float* out_scores);

size_t detection_postprocess_lazy_scratch_bytes(const DetectionPostprocessParams& p);
void detection_postprocess_lazy(const DetectionPostprocessParams& p, const void* boxes, const void* scores,
                                const float* anchors, uint8_t* scratch, float* out_boxes, float* out_classes,
                                float* out_scores, float* out_count);

}  // namespace eb
