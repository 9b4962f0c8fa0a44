// TFLite_Detection_PostProcess on the fast paths (detection_postprocess_fast.cc: lazy heap order, NMS
// against the selected boxes only, decoding on demand) against the reference kernel, bit for bit on all
// four outputs: random scenes of clustered anchors (so NMS suppresses a lot) with coarse scores (many
// ties), float32 and uint8 inputs, fast and regular NMS, thresholds that keep every box, some, or none,
// IoU thresholds up to 1, 1 to 3 classes per detection, with and without a background column, more
// slots than boxes; and the zoo's traffic-detector settings at full size.
#ifndef FLATBUFFERS_LOCALE_INDEPENDENT
#define FLATBUFFERS_LOCALE_INDEPENDENT 0  // header-only flatbuffers, as in the kernel
#endif
#include <flatbuffers/flexbuffers.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "tests/support/fast_isa.h"
#include "tests/support/op_harness.h"

using eb::DType;
using eb::Isa;
using eb::testing::OpHarness;
using eb::testing::qparams;

namespace {

struct Scene {
  int anchors = 50;
  int classes = 3;
  bool background = true;
  bool quantized = false;
  bool regular = false;
  int max_detections = 10;
  int classes_per_detection = 1;
  int detections_per_class = 5;
  float score_threshold = 0.3f;
  float iou_threshold = 0.5f;
  uint32_t seed = 1;
};

std::vector<uint8_t> options(const Scene& s) {
  flexbuffers::Builder b;
  b.Map([&] {
    b.Int("max_detections", s.max_detections);
    b.Int("max_classes_per_detection", s.classes_per_detection);
    b.Int("detections_per_class", s.detections_per_class);
    b.Bool("use_regular_nms", s.regular);
    b.Float("nms_score_threshold", s.score_threshold);
    b.Float("nms_iou_threshold", s.iou_threshold);
    b.Int("num_classes", s.classes);
    b.Float("y_scale", 10.0f);
    b.Float("x_scale", 10.0f);
    b.Float("h_scale", 5.0f);
    b.Float("w_scale", 5.0f);
  });
  b.Finish();
  return b.GetBuffer();
}

// The four outputs as bit patterns (so -0.0 and +0.0 differ), concatenated.
std::vector<uint32_t> run(Isa isa, const Scene& s, std::string* name) {
  std::mt19937 rng(s.seed);
  const int n = s.anchors, cbg = s.classes + (s.background ? 1 : 0);
  OpHarness h("TFLite_Detection_PostProcess");
  h.node().custom_options = options(s);
  // Anchors in a few clusters, so boxes overlap, a quarter of them duplicates; scores on 12 levels, so
  // many tie.
  std::vector<float> anchors, boxes, scores;
  for (int i = 0; i < n; ++i) {
    if (i > 0 && rng() % 4 == 0) {  // the previous box again: IoU exactly 1, at the threshold of 1.0
      anchors.insert(anchors.end(), anchors.end() - 4, anchors.end());
      boxes.insert(boxes.end(), boxes.end() - 4, boxes.end());
      for (int k = 0; k < cbg; ++k) scores.push_back(static_cast<float>(rng() % 12) / 11.0f);
      continue;
    }
    const float cy = 0.2f * static_cast<float>(rng() % 4), cx = 0.25f * static_cast<float>(rng() % 3);
    anchors.insert(anchors.end(), {cy + 0.01f * static_cast<float>(rng() % 5), cx, 0.3f, 0.2f + 0.05f * static_cast<float>(rng() % 3)});
    for (int k = 0; k < 4; ++k) boxes.push_back(static_cast<float>(static_cast<int>(rng() % 21) - 10) * 0.1f);
    for (int k = 0; k < cbg; ++k) scores.push_back(static_cast<float>(rng() % 12) / 11.0f);
  }
  if (s.quantized) {
    std::vector<uint8_t> qb, qs, qa;
    for (float v : boxes) qb.push_back(static_cast<uint8_t>(128 + static_cast<int>(v * 100)));
    for (float v : scores) qs.push_back(static_cast<uint8_t>(v * 250));
    for (float v : anchors) qa.push_back(static_cast<uint8_t>(v * 200));
    h.add_input(DType::kUInt8, {1, n, 4}, qb, qparams(0.01f, 128));
    h.add_input(DType::kUInt8, {1, n, cbg}, qs, qparams(1.0f / 250, 3));
    h.add_constant(DType::kUInt8, {n, 4}, qa, qparams(0.005f, 0));
  } else {
    h.add_input(DType::kFloat32, {1, n, 4}, boxes);
    h.add_input(DType::kFloat32, {1, n, cbg}, scores);
    h.add_constant(DType::kFloat32, {n, 4}, anchors);
  }
  int out[4];
  for (int& o : out) o = h.add_output(DType::kFloat32);
  h.set_isa(isa);
  const eb::Status st = h.prepare_and_run();
  EXPECT_TRUE(st.ok()) << st.message();
  if (!st.ok()) return {};
  if (name) *name = h.prepared()->kernel_name();
  std::vector<uint32_t> bits;
  for (int o : out) {
    const std::vector<float> v = h.output<float>(o);
    const size_t at = bits.size();
    bits.resize(at + v.size());
    std::memcpy(bits.data() + at, v.data(), v.size() * sizeof(float));
  }
  return bits;
}

class DetectionPostprocessFast : public eb::testing::FastIsaTest {};

TEST_P(DetectionPostprocessFast, RandomScenesMatchReferenceBitForBit) {
  uint32_t seed = 1;
  int detections = 0;
  for (bool quantized : {false, true}) {
    for (bool regular : {false, true}) {
      for (float threshold : {-20.0f, 0.3f, 0.7f, 2.0f}) {
        for (float iou : {0.2f, 0.5f, 1.0f}) {
          for (int per_detection : {1, 2, 3}) {
            if (regular && per_detection > 1) continue;  // regular NMS reports one class per box
            Scene s;
            s.quantized = quantized;
            s.regular = regular;
            s.score_threshold = threshold;
            s.iou_threshold = iou;
            s.classes_per_detection = per_detection;
            s.anchors = 1 + static_cast<int>(seed * 37 % 97);
            s.classes = 1 + static_cast<int>(seed % 4);
            s.background = seed % 3 != 0;
            s.max_detections = seed % 5 == 0 ? 200 : 1 + static_cast<int>(seed % 12);  // sometimes > anchors
            s.detections_per_class = 1 + static_cast<int>(seed % 7);
            s.seed = seed++;
            std::string name;
            const std::vector<uint32_t> want = run(Isa::kReference, s, nullptr);
            ASSERT_EQ(run(GetParam(), s, &name), want) << "seed " << s.seed;
            ASSERT_EQ(name, quantized ? "detection_postprocess_qu8_lazy" : "detection_postprocess_f32_lazy");
            // The count is the last output: how many boxes the scene reported.
            float count;
            std::memcpy(&count, &want.back(), sizeof(float));
            detections += static_cast<int>(count);
          }
        }
      }
    }
  }
  EXPECT_GT(detections, 500);  // the scenes do select boxes
}

// The zoo's traffic detector: 26,880 anchors, 3 classes + background, fast NMS, 40 detections, every
// box above the -20 score threshold, IoU 0.6.
TEST_P(DetectionPostprocessFast, TrafficDetectorSettingsAtFullSize) {
  for (bool quantized : {true, false}) {
    Scene s;
    s.anchors = 26880;
    s.classes = 3;
    s.quantized = quantized;
    s.max_detections = 40;
    s.detections_per_class = 40;
    s.score_threshold = -20.0f;
    s.iou_threshold = 0.6f;
    s.seed = 15;
    EXPECT_EQ(run(GetParam(), s, nullptr), run(Isa::kReference, s, nullptr)) << quantized;
  }
}

INSTANTIATE_TEST_SUITE_P(Isas, DetectionPostprocessFast, ::testing::ValuesIn(eb::testing::fast_isas()),
                         eb::testing::isa_test_name);

}  // namespace
