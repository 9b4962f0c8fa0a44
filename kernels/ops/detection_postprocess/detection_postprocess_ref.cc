// Reference TFLite_Detection_PostProcess: box decoding and both NMS flavours, step for step as TensorFlow
// Lite computes them, because detectors are compared box for box: the same double-precision decoding,
// the same stable sort for single-class NMS, the same stable merge of the classes' picks (regular NMS)
// and the same std::partial_sort (whose order among equal scores is the library's) for the top classes
// of an anchor (fast NMS).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include "kernels/ops/detection_postprocess/detection_postprocess.h"

namespace eb {
namespace {

using Box = DetectionBox;

// Where each temporary lives in the scratch buffer; every array is 4-byte elements except `active`.
struct ScratchLayout {
  size_t decoded = 0, scores = 0, class_scores = 0, keep_scores = 0, keep_indices = 0, sorted = 0, merge = 0,
         selected = 0, top_index = 0, top_score = 0, merged_index = 0, merged_score = 0, class_indices = 0,
         active = 0, total = 0;

  explicit ScratchLayout(const DetectionPostprocessParams& p) {
    const size_t n = static_cast<size_t>(p.num_boxes);
    const size_t m = static_cast<size_t>(p.max_detections);
    size_t end = 0;
    auto take = [&end](size_t elements) {
      const size_t start = end;
      end += elements * 4;
      return start;
    };
    decoded = take(n * 4);
    scores = take(p.scores_quantized ? n * static_cast<size_t>(p.num_classes_with_background) : 0);
    class_scores = take(n);
    keep_scores = take(n);
    keep_indices = take(n);
    sorted = take(n);
    merge = take(n);
    selected = take(n);
    if (p.use_regular_nms) {
      // Running top max_detections plus one class's picks (at most max_detections), and the merge target.
      top_index = take(2 * m);
      top_score = take(2 * m);
      merged_index = take(2 * m);
      merged_score = take(2 * m);
    } else {
      class_indices = take(n * static_cast<size_t>(p.num_classes));
    }
    active = end;
    total = end + n;
  }
};

template <typename T>
T* at(uint8_t* scratch, size_t offset) {
  return reinterpret_cast<T*>(scratch + offset);
}

void decode_boxes(const DetectionPostprocessParams& p, const void* boxes, const float* anchors, Box* decoded) {
  for (int i = 0; i < p.num_boxes; ++i) decoded[i] = detection_decode_box(p, boxes, anchors, i);
}

// Indices of `values` by decreasing value, equal values in index order: what std::stable_sort gives
// TFLite, as a bottom-up merge sort in scratch (stable_sort may allocate; a stable order is unique).
void decreasing_stable_argsort(const float* values, int n, int* indices, int* buffer) {
  std::iota(indices, indices + n, 0);
  int* src = indices;
  int* dst = buffer;
  for (int64_t width = 1; width < n; width *= 2) {
    for (int64_t lo = 0; lo < n; lo += 2 * width) {
      const int64_t mid = std::min<int64_t>(lo + width, n), hi = std::min<int64_t>(lo + 2 * width, n);
      int64_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi) dst[k++] = values[src[j]] > values[src[i]] ? src[j++] : src[i++];
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    std::swap(src, dst);
  }
  if (src != indices) std::copy(src, src + n, indices);
}

struct Nms {
  const DetectionPostprocessParams& p;
  const ScratchLayout& layout;
  uint8_t* scratch;
  const Box* decoded;

  // Greedy NMS over one score per box: boxes at or above the score threshold by decreasing score, each
  // suppressing the later ones it overlaps by more than the IoU threshold. Returns the count selected.
  int single_class(const float* scores, int max_selected, int* selected) const {
    float* keep_scores = at<float>(scratch, layout.keep_scores);
    int* keep_indices = at<int>(scratch, layout.keep_indices);
    int* sorted = at<int>(scratch, layout.sorted);
    uint8_t* active = scratch + layout.active;
    int kept = 0;
    for (int i = 0; i < p.num_boxes; ++i) {
      if (scores[i] >= p.score_threshold) {
        keep_scores[kept] = scores[i];
        keep_indices[kept] = i;
        ++kept;
      }
    }
    decreasing_stable_argsort(keep_scores, kept, sorted, at<int>(scratch, layout.merge));
    const int output_size = std::min(kept, max_selected);
    std::memset(active, 1, static_cast<size_t>(kept));
    int num_active = kept, count = 0;
    for (int i = 0; i < kept; ++i) {
      if (num_active == 0 || count >= output_size) break;
      if (!active[i]) continue;
      const int box_i = keep_indices[sorted[i]];
      selected[count++] = box_i;
      active[i] = 0;
      --num_active;
      for (int j = i + 1; j < kept; ++j) {
        if (active[j] && detection_iou(decoded[box_i], decoded[keep_indices[sorted[j]]]) > p.iou_threshold) {
          active[j] = 0;
          --num_active;
        }
      }
    }
    return count;
  }

  // Regular NMS: NMS per class (at most min(detections_per_class, max_detections) boxes each), each
  // class's picks merged into the running top max_detections. The merge is stable like TFLite's
  // std::inplace_merge: among equal scores earlier classes, then earlier picks, come first.
  void regular(const float* scores, float* out_boxes, float* out_classes, float* out_scores, float* out_count) const {
    const int cbg = p.num_classes_with_background, m = p.max_detections;
    const int per_class = std::min(p.detections_per_class, m);
    float* class_scores = at<float>(scratch, layout.class_scores);
    int* selected = at<int>(scratch, layout.selected);
    int* top_index = at<int>(scratch, layout.top_index);  // anchor * cbg + column
    float* top_score = at<float>(scratch, layout.top_score);
    int* merged_index = at<int>(scratch, layout.merged_index);
    float* merged_score = at<float>(scratch, layout.merged_score);
    int size = 0;
    for (int col = 0; col < p.num_classes; ++col) {
      for (int row = 0; row < p.num_boxes; ++row)
        class_scores[row] = scores[static_cast<size_t>(row) * static_cast<size_t>(cbg) + static_cast<size_t>(col + p.label_offset)];
      const int count = single_class(class_scores, per_class, selected);
      if (count == 0) continue;
      int i = 0, j = 0, k = 0;
      while (i < size && j < count) {
        const float s = class_scores[selected[j]];
        if (s > top_score[i]) {
          merged_index[k] = selected[j] * cbg + col + p.label_offset;
          merged_score[k++] = s;
          ++j;
        } else {
          merged_index[k] = top_index[i];
          merged_score[k++] = top_score[i++];
        }
      }
      for (; i < size; ++i, ++k) merged_index[k] = top_index[i], merged_score[k] = top_score[i];
      for (; j < count; ++j, ++k)
        merged_index[k] = selected[j] * cbg + col + p.label_offset, merged_score[k] = class_scores[selected[j]];
      size = std::min(k, m);
      std::copy(merged_index, merged_index + size, top_index);
      std::copy(merged_score, merged_score + size, top_score);
    }
    for (int b = 0; b < size; ++b) {
      const int anchor = top_index[b] / cbg;
      const int class_index = top_index[b] - anchor * cbg - p.label_offset;
      std::memcpy(out_boxes + static_cast<size_t>(b) * 4, &decoded[anchor], sizeof(Box));
      out_classes[b] = static_cast<float>(class_index);
      out_scores[b] = top_score[b];
    }
    out_count[0] = static_cast<float>(size);
  }

  // Fast NMS: each anchor's top classes are ranked by its best class score; NMS runs once on those.
  void fast(const float* scores, float* out_boxes, float* out_classes, float* out_scores, float* out_count) const {
    const int cbg = p.num_classes_with_background, c = p.num_classes;
    const int per_anchor = std::min(p.max_classes_per_detection, c);
    float* max_scores = at<float>(scratch, layout.class_scores);
    int* class_indices = at<int>(scratch, layout.class_indices);
    int* selected = at<int>(scratch, layout.selected);
    for (int row = 0; row < p.num_boxes; ++row) {
      const float* box_scores = scores + static_cast<size_t>(row) * static_cast<size_t>(cbg) + p.label_offset;
      int* indices = class_indices + static_cast<size_t>(row) * static_cast<size_t>(c);
      detection_partial_argsort(box_scores, c, per_anchor, indices);
      max_scores[row] = box_scores[indices[0]];
    }
    const int count = single_class(max_scores, p.max_detections, selected);
    for (int o = 0; o < count; ++o) {
      const int s = selected[o];
      const float* box_scores = scores + static_cast<size_t>(s) * static_cast<size_t>(cbg) + p.label_offset;
      const int* indices = class_indices + static_cast<size_t>(s) * static_cast<size_t>(c);
      for (int col = 0; col < per_anchor; ++col) {
        const size_t slot = static_cast<size_t>(p.max_classes_per_detection) * static_cast<size_t>(o) + static_cast<size_t>(col);
        std::memcpy(out_boxes + slot * 4, &decoded[s], sizeof(Box));
        out_classes[slot] = static_cast<float>(indices[col]);
        out_scores[slot] = box_scores[indices[col]];
      }
    }
    out_count[0] = static_cast<float>(count);
  }
};

}  // namespace

DetectionBox detection_decode_box(const DetectionPostprocessParams& p, const void* boxes, const float* anchors, int i) {
  const float zero_point = static_cast<float>(p.boxes_zero_point);
  float y, x, h, w;
  const size_t row = static_cast<size_t>(i) * static_cast<size_t>(p.box_stride);
  if (p.boxes_quantized) {
    const uint8_t* b = static_cast<const uint8_t*>(boxes) + row;
    y = (static_cast<float>(b[0]) - zero_point) * p.boxes_scale;
    x = (static_cast<float>(b[1]) - zero_point) * p.boxes_scale;
    h = (static_cast<float>(b[2]) - zero_point) * p.boxes_scale;
    w = (static_cast<float>(b[3]) - zero_point) * p.boxes_scale;
  } else {
    const float* b = static_cast<const float*>(boxes) + row;
    y = b[0], x = b[1], h = b[2], w = b[3];
  }
  const float* a = anchors + static_cast<size_t>(i) * 4;  // y, x, h, w
  // TFLite decodes in double and rounds each result to float once.
  const float ycenter = static_cast<float>(static_cast<double>(y) / static_cast<double>(p.y_scale) *
                                               static_cast<double>(a[2]) +
                                           static_cast<double>(a[0]));
  const float xcenter = static_cast<float>(static_cast<double>(x) / static_cast<double>(p.x_scale) *
                                               static_cast<double>(a[3]) +
                                           static_cast<double>(a[1]));
  const float half_h = static_cast<float>(
      0.5 * std::exp(static_cast<double>(h) / static_cast<double>(p.h_scale)) * static_cast<double>(a[2]));
  const float half_w = static_cast<float>(
      0.5 * std::exp(static_cast<double>(w) / static_cast<double>(p.w_scale)) * static_cast<double>(a[3]));
  return {ycenter - half_h, xcenter - half_w, ycenter + half_h, xcenter + half_w};
}

float detection_iou(const DetectionBox& a, const DetectionBox& b) {
  const float area_a = (a.ymax - a.ymin) * (a.xmax - a.xmin);
  const float area_b = (b.ymax - b.ymin) * (b.xmax - b.xmin);
  if (area_a <= 0 || area_b <= 0) return 0.0f;
  const float ymin = std::max<float>(a.ymin, b.ymin);
  const float xmin = std::max<float>(a.xmin, b.xmin);
  const float ymax = std::min<float>(a.ymax, b.ymax);
  const float xmax = std::min<float>(a.xmax, b.xmax);
  const float intersection = std::max<float>(ymax - ymin, 0.0f) * std::max<float>(xmax - xmin, 0.0f);
  return intersection / (area_a + area_b - intersection);
}

// TFLite's DecreasingPartialArgSort: the first maximum for one, else std::partial_sort over all indices.
void detection_partial_argsort(const float* values, int n, int k, int* indices) {
  if (k == 1) {
    int best = 0;
    for (int i = 1; i < n; ++i)
      if (values[i] > values[best]) best = i;
    indices[0] = best;
    return;
  }
  std::iota(indices, indices + n, 0);
  std::partial_sort(indices, indices + k, indices + n, [values](int i, int j) { return values[i] > values[j]; });
}

size_t detection_postprocess_scratch_bytes(const DetectionPostprocessParams& p) { return ScratchLayout(p).total; }

void detection_clear_outputs(const DetectionPostprocessParams& p, float* out_boxes, float* out_classes,
                             float* out_scores) {
  const size_t slots = static_cast<size_t>(p.max_detections) * static_cast<size_t>(p.max_classes_per_detection);
  std::fill(out_boxes, out_boxes + slots * 4, 0.0f);
  std::fill(out_classes, out_classes + slots, 0.0f);
  std::fill(out_scores, out_scores + slots, 0.0f);
}

void detection_postprocess_ref(const DetectionPostprocessParams& p, const void* boxes, const void* scores,
                               const float* anchors, uint8_t* scratch, float* out_boxes, float* out_classes,
                               float* out_scores, float* out_count) {
  const ScratchLayout layout(p);
  detection_clear_outputs(p, out_boxes, out_classes, out_scores);

  Box* decoded = at<Box>(scratch, layout.decoded);
  decode_boxes(p, boxes, anchors, decoded);

  const float* score_data = static_cast<const float*>(scores);
  if (p.scores_quantized) {
    float* dequantized = at<float>(scratch, layout.scores);
    const uint8_t* q = static_cast<const uint8_t*>(scores);
    const size_t count = static_cast<size_t>(p.num_boxes) * static_cast<size_t>(p.num_classes_with_background);
    const double scale = p.scores_scale;
    for (size_t i = 0; i < count; ++i)
      dequantized[i] = static_cast<float>(scale * (static_cast<int32_t>(q[i]) - p.scores_zero_point));
    score_data = dequantized;
  }

  const Nms nms{p, layout, scratch, decoded};
  if (p.use_regular_nms)
    nms.regular(score_data, out_boxes, out_classes, out_scores, out_count);
  else
    nms.fast(score_data, out_boxes, out_classes, out_scores, out_count);
}

}  // namespace eb
