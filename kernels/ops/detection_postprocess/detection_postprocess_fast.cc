// TFLite_Detection_PostProcess on the fast paths: the reference's outputs bit for bit, computing only
// what they depend on. The reference (like TFLite) decodes every anchor with two double exp(), stable-
// sorts every box above the score threshold and compares each selected box with every later one; the
// traffic detector of the zoo (26,880 anchors, threshold -20: every box passes) spent ~6 ms there to
// report 40 boxes. Here:
//  - Greedy NMS selects a box exactly when no box selected before it (in the sorted order) overlaps it
//    by more than the IoU threshold: suppression only ever comes from selected boxes. So the boxes are
//    visited in order and each is compared with the at most max_detections already selected (the same
//    IoU call, selected box first), stopping once enough are selected, as the reference does.
//  - The order is the reference's stable sort (decreasing score, ties by anchor index: a total order,
//    so any algorithm yields it), taken lazily from a binary heap: O(N) to build, O(log N) per box
//    visited, instead of sorting all N.
//  - Only visited boxes are decoded, by the reference's own detection_decode_box().
//  - uint8 scores go through a 256-entry table holding the reference's dequantized values, instead of
//    a dequantized copy of all N x classes scores.
// Everything lives in scratch sized at prepare: no allocation.
#include <algorithm>
#include <cstring>

#include "kernels/ops/detection_postprocess/detection_postprocess.h"

namespace eb {
namespace {

using Box = DetectionBox;

struct LazyLayout {
  size_t table = 0, row_scores = 0, heap = 0, selected = 0, selected_boxes = 0, class_row = 0, class_indices = 0,
         top_index = 0, top_score = 0, merged_index = 0, merged_score = 0, total = 0;

  explicit LazyLayout(const DetectionPostprocessParams& p) {
    const size_t n = static_cast<size_t>(p.num_boxes);
    const size_t m = static_cast<size_t>(std::max(p.max_detections, 1));
    const size_t c = static_cast<size_t>(p.num_classes);
    size_t end = 0;
    auto take = [&end](size_t bytes) {
      const size_t start = end;
      end += (bytes + 15) / 16 * 16;
      return start;
    };
    table = take(256 * sizeof(float));
    row_scores = take(n * sizeof(float));
    heap = take(n * sizeof(int));
    selected = take(m * sizeof(int));
    selected_boxes = take(m * sizeof(Box));
    class_row = take(c * sizeof(float));
    class_indices = take(c * sizeof(int));
    if (p.use_regular_nms) {
      top_index = take(2 * m * sizeof(int));
      top_score = take(2 * m * sizeof(float));
      merged_index = take(2 * m * sizeof(int));
      merged_score = take(2 * m * sizeof(float));
    }
    total = end;
  }
};

template <typename T>
T* at(uint8_t* scratch, size_t offset) {
  return reinterpret_cast<T*>(scratch + offset);
}

struct Lazy {
  const DetectionPostprocessParams& p;
  const LazyLayout& layout;
  uint8_t* scratch;
  const void* boxes;
  const float* anchors;
  const float* float_scores;    // when the scores are float
  const uint8_t* quant_scores;  // when they are uint8, read through `table`
  const float* table;

  // The class scores of one anchor (columns label_offset..), as float: a pointer into the input, or the
  // row dequantized into scratch.
  const float* class_row(int row) const {
    const size_t start = static_cast<size_t>(row) * static_cast<size_t>(p.num_classes_with_background) +
                         static_cast<size_t>(p.label_offset);
    if (quant_scores == nullptr) return float_scores + start;
    float* out = at<float>(scratch, layout.class_row);
    for (int k = 0; k < p.num_classes; ++k) out[k] = table[quant_scores[start + static_cast<size_t>(k)]];
    return out;
  }
  float score(int row, int column) const {
    const size_t i = static_cast<size_t>(row) * static_cast<size_t>(p.num_classes_with_background) +
                     static_cast<size_t>(column);
    return quant_scores == nullptr ? float_scores[i] : table[quant_scores[i]];
  }

  // The reference's single_class(): the same selection, in the same order. Selected boxes' decodings
  // are left in selected_boxes.
  int single_class(const float* scores, int max_selected, int* selected) const {
    int* heap = at<int>(scratch, layout.heap);
    Box* chosen = at<Box>(scratch, layout.selected_boxes);
    int size = 0;
    for (int i = 0; i < p.num_boxes; ++i)
      if (scores[i] >= p.score_threshold) heap[size++] = i;  // never NaN from here on
    const int output_size = std::min(size, max_selected);
    if (output_size <= 0) return 0;
    // a comes after b: lower score, or an equal score at a later anchor.
    const auto after = [scores](int a, int b) { return scores[a] < scores[b] || (scores[a] == scores[b] && a > b); };
    std::make_heap(heap, heap + size, after);
    int count = 0;
    while (size > 0 && count < output_size) {
      std::pop_heap(heap, heap + size, after);
      const int i = heap[--size];
      const Box box = detection_decode_box(p, boxes, anchors, i);
      bool suppressed = false;
      for (int k = 0; k < count && !suppressed; ++k) suppressed = detection_iou(chosen[k], box) > p.iou_threshold;
      if (suppressed) continue;
      chosen[count] = box;
      selected[count++] = i;
    }
    return count;
  }

  void fast(float* out_boxes, float* out_classes, float* out_scores, float* out_count) const {
    const int c = p.num_classes;
    const int per_anchor = std::min(p.max_classes_per_detection, c);
    float* max_scores = at<float>(scratch, layout.row_scores);
    int* indices = at<int>(scratch, layout.class_indices);
    int* selected = at<int>(scratch, layout.selected);
    for (int row = 0; row < p.num_boxes; ++row) {
      const float* s = class_row(row);
      detection_partial_argsort(s, c, per_anchor, indices);
      max_scores[row] = s[indices[0]];
    }
    const int count = single_class(max_scores, p.max_detections, selected);
    const Box* chosen = at<Box>(scratch, layout.selected_boxes);
    for (int o = 0; o < count; ++o) {
      const float* s = class_row(selected[o]);
      detection_partial_argsort(s, c, per_anchor, indices);  // the same call on the same row: the same order
      for (int col = 0; col < per_anchor; ++col) {
        const size_t slot =
            static_cast<size_t>(p.max_classes_per_detection) * static_cast<size_t>(o) + static_cast<size_t>(col);
        std::memcpy(out_boxes + slot * 4, &chosen[o], sizeof(Box));
        out_classes[slot] = static_cast<float>(indices[col]);
        out_scores[slot] = s[indices[col]];
      }
    }
    out_count[0] = static_cast<float>(count);
  }

  // The reference's regular NMS and its stable merge, over lazily selected picks per class.
  void regular(float* out_boxes, float* out_classes, float* out_scores, float* out_count) const {
    const int cbg = p.num_classes_with_background, m = p.max_detections;
    const int per_class = std::min(p.detections_per_class, m);
    float* class_scores = at<float>(scratch, layout.row_scores);
    int* selected = at<int>(scratch, layout.selected);
    int* top_index = at<int>(scratch, layout.top_index);
    float* top_score = at<float>(scratch, layout.top_score);
    int* merged_index = at<int>(scratch, layout.merged_index);
    float* merged_score = at<float>(scratch, layout.merged_score);
    int size = 0;
    for (int col = 0; col < p.num_classes; ++col) {
      const int column = col + p.label_offset;
      for (int row = 0; row < p.num_boxes; ++row) class_scores[row] = score(row, column);
      const int count = single_class(class_scores, per_class, selected);
      if (count == 0) continue;
      int i = 0, j = 0, k = 0;
      while (i < size && j < count) {
        const float s = class_scores[selected[j]];
        if (s > top_score[i]) {
          merged_index[k] = selected[j] * cbg + column;
          merged_score[k++] = s;
          ++j;
        } else {
          merged_index[k] = top_index[i];
          merged_score[k++] = top_score[i++];
        }
      }
      for (; i < size; ++i, ++k) merged_index[k] = top_index[i], merged_score[k] = top_score[i];
      for (; j < count; ++j, ++k) merged_index[k] = selected[j] * cbg + column, merged_score[k] = class_scores[selected[j]];
      size = std::min(k, m);
      std::copy(merged_index, merged_index + size, top_index);
      std::copy(merged_score, merged_score + size, top_score);
    }
    for (int b = 0; b < size; ++b) {
      const int anchor = top_index[b] / cbg;
      const Box box = detection_decode_box(p, boxes, anchors, anchor);
      std::memcpy(out_boxes + static_cast<size_t>(b) * 4, &box, sizeof(Box));
      out_classes[b] = static_cast<float>(top_index[b] - anchor * cbg - p.label_offset);
      out_scores[b] = top_score[b];
    }
    out_count[0] = static_cast<float>(size);
  }
};

}  // namespace

size_t detection_postprocess_lazy_scratch_bytes(const DetectionPostprocessParams& p) { return LazyLayout(p).total; }

void detection_postprocess_lazy(const DetectionPostprocessParams& p, const void* boxes, const void* scores,
                                const float* anchors, uint8_t* scratch, float* out_boxes, float* out_classes,
                                float* out_scores, float* out_count) {
  const LazyLayout layout(p);
  detection_clear_outputs(p, out_boxes, out_classes, out_scores);

  float* table = at<float>(scratch, layout.table);
  if (p.scores_quantized) {
    const double scale = p.scores_scale;  // the reference's dequantization, value for value
    for (int32_t q = 0; q < 256; ++q) table[q] = static_cast<float>(scale * (q - p.scores_zero_point));
  }
  const Lazy lazy{p,
                  layout,
                  scratch,
                  boxes,
                  anchors,
                  p.scores_quantized ? nullptr : static_cast<const float*>(scores),
                  p.scores_quantized ? static_cast<const uint8_t*>(scores) : nullptr,
                  table};
  if (p.use_regular_nms)
    lazy.regular(out_boxes, out_classes, out_scores, out_count);
  else
    lazy.fast(out_boxes, out_classes, out_scores, out_count);
}

}  // namespace eb
