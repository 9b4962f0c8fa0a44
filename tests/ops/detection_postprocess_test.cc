// TFLite_Detection_PostProcess: hand-checkable scenes (unit scales and zero encodings decode each box to
// its anchor, so every expected value is read off the anchors), both NMS flavours, the tie rules, uint8
// inputs, and every class of model error prepare refuses. Element-for-element agreement with LiteRT on
// random inputs is checked by tests/op_models/detection (make_detection.py).
#ifndef FLATBUFFERS_LOCALE_INDEPENDENT
#define FLATBUFFERS_LOCALE_INDEPENDENT 0  // header-only flatbuffers, as in the kernel
#endif
#include <flatbuffers/flexbuffers.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/op_harness.h"

namespace eb::testing {
namespace {

constexpr const char* kOp = "TFLite_Detection_PostProcess";

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

struct Options {
  int max_detections = 3;
  int max_classes_per_detection = 1;
  int detections_per_class = -1;  // -1: key absent (TFLite's default 100)
  bool use_regular_nms = false;
  float score_threshold = 0.4f;
  float iou_threshold = 0.5f;
  int num_classes = 1;
  float scale = 1.0f;  // y, x, h and w scales

  std::vector<uint8_t> bytes() const {
    flexbuffers::Builder b;
    b.Map([&] {
      b.Int("max_detections", max_detections);
      b.Int("max_classes_per_detection", max_classes_per_detection);
      if (detections_per_class != -1) b.Int("detections_per_class", detections_per_class);
      b.Bool("use_regular_nms", use_regular_nms);
      b.Float("nms_score_threshold", score_threshold);
      b.Float("nms_iou_threshold", iou_threshold);
      b.Int("num_classes", num_classes);
      for (const char* k : {"y_scale", "x_scale", "h_scale", "w_scale"}) b.Float(k, scale);
    });
    b.Finish();
    return b.GetBuffer();
  }
};

// Six unit anchors (y, x, h, w): 0-2 overlap one another (IoU 0.82), 3-4 likewise far away, 5 alone.
const std::vector<float> kAnchors = {0.5f, 0.5f, 1, 1, 0.6f, 0.5f, 1, 1, 0.4f, 0.5f, 1, 1,
                                     10.5f, 0.5f, 1, 1, 10.6f, 0.5f, 1, 1, 100.5f, 0.5f, 1, 1};
// The box each anchor decodes to from a zero encoding (ymin, xmin, ymax, xmax).
const std::vector<std::vector<float>> kBoxes = {{0, 0, 1, 1},       {0.1f, 0, 1.1f, 1}, {-0.1f, 0, 0.9f, 1},
                                                {10, 0, 11, 1},     {10.1f, 0, 11.1f, 1}, {100, 0, 101, 1}};

struct Outputs {
  int boxes, classes, scores, count;
};

// Float inputs: zero box encodings, `scores` [6, classes_with_background], the anchors above.
Outputs add_float_node(OpHarness& h, const Options& o, const std::vector<float>& scores, int classes_with_background) {
  h.node().custom_options = o.bytes();
  h.add_input(DType::kFloat32, {1, 6, 4}, std::vector<float>(24, 0.0f));
  h.add_input(DType::kFloat32, {1, 6, classes_with_background}, scores);
  h.add_constant(DType::kFloat32, {6, 4}, kAnchors);
  return {h.add_output(DType::kFloat32), h.add_output(DType::kFloat32), h.add_output(DType::kFloat32),
          h.add_output(DType::kFloat32)};
}

std::vector<float> boxes_of(std::initializer_list<int> anchors, int zero_slots) {
  std::vector<float> v;
  for (int a : anchors) v.insert(v.end(), kBoxes[static_cast<size_t>(a)].begin(), kBoxes[static_cast<size_t>(a)].end());
  v.resize(v.size() + static_cast<size_t>(zero_slots) * 4, 0.0f);
  return v;
}

void expect_near_all(const std::vector<float>& got, const std::vector<float>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-6f) << "element " << i;
}

TEST(DetectionPostprocess, FastNmsSuppressesOverlapsAndZeroFillsUnusedSlots) {
  // One class plus background. Above 0.4: 3 (.95), 0 (.9), 1 (.75), 2 (.6), 4 (.5); 5 (.3) is below.
  // 3 suppresses 4, 0 suppresses 1 and 2: two detections for three slots.
  OpHarness h(kOp);
  const Outputs o = add_float_node(h, Options{}, {0, .9f, 0, .75f, 0, .6f, 0, .95f, 0, .5f, 0, .3f}, 2);
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.tensor(o.boxes).shape, (Shape{1, 3, 4}));
  EXPECT_EQ(h.tensor(o.classes).shape, (Shape{1, 3}));
  EXPECT_EQ(h.tensor(o.count).shape, (Shape{1}));
  expect_near_all(h.output<float>(o.boxes), boxes_of({3, 0}, 1));
  EXPECT_EQ(h.output<float>(o.classes), (std::vector<float>{0, 0, 0}));
  EXPECT_EQ(h.output<float>(o.scores), (std::vector<float>{.95f, .9f, 0}));
  EXPECT_EQ(h.output<float>(o.count), (std::vector<float>{2}));
  EXPECT_STREQ(h.prepared()->kernel_name(), "detection_postprocess_f32_ref");
}

TEST(DetectionPostprocess, FastNmsReportsTopClassesPerBox) {
  // Two classes, two per detection, no background column; anchors ranked by their best class.
  Options opt;
  opt.num_classes = 2;
  opt.max_classes_per_detection = 2;
  opt.max_detections = 2;
  OpHarness h(kOp);
  const Outputs o = add_float_node(h, opt, {.1f, .9f, 0, 0, 0, 0, .8f, .7f, 0, 0, 0, 0}, 2);
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.tensor(o.scores).shape, (Shape{1, 4}));
  expect_near_all(h.output<float>(o.boxes), boxes_of({0, 0, 3, 3}, 0));
  EXPECT_EQ(h.output<float>(o.classes), (std::vector<float>{1, 0, 0, 1}));
  EXPECT_EQ(h.output<float>(o.scores), (std::vector<float>{.9f, .1f, .8f, .7f}));
  EXPECT_EQ(h.output<float>(o.count), (std::vector<float>{2}));
}

TEST(DetectionPostprocess, RegularNmsMergesClassesByScore) {
  // Class 0 keeps 3 (.95) and 0 (.9) (two per class); class 1 keeps 1 (.85) and 5 (.45).
  Options opt;
  opt.use_regular_nms = true;
  opt.num_classes = 2;
  opt.detections_per_class = 2;
  opt.max_detections = 5;
  OpHarness h(kOp);
  const Outputs o = add_float_node(
      h, opt, {0, .9f, .1f, 0, .75f, .85f, 0, .6f, .2f, 0, .95f, .2f, 0, .5f, .2f, 0, .3f, .45f}, 3);
  ASSERT_TRUE(h.prepare_and_run().ok());
  expect_near_all(h.output<float>(o.boxes), boxes_of({3, 0, 1, 5}, 1));
  EXPECT_EQ(h.output<float>(o.classes), (std::vector<float>{0, 0, 1, 1, 0}));
  EXPECT_EQ(h.output<float>(o.scores), (std::vector<float>{.95f, .9f, .85f, .45f, 0}));
  EXPECT_EQ(h.output<float>(o.count), (std::vector<float>{4}));
}

TEST(DetectionPostprocess, TiesKeepAnchorOrderThenClassOrder) {
  // All scores 0.7: class 0 has anchor 3, class 1 anchors 0 and 5 (no overlaps). Within a class the
  // lower anchor comes first (stable sort); across classes the earlier class (stable merge).
  Options opt;
  opt.use_regular_nms = true;
  opt.num_classes = 2;
  opt.max_detections = 3;
  OpHarness h(kOp);
  const Outputs o = add_float_node(h, opt, {0, .7f, 0, 0, 0, 0, .7f, 0, 0, 0, 0, .7f}, 2);
  ASSERT_TRUE(h.prepare_and_run().ok());
  expect_near_all(h.output<float>(o.boxes), boxes_of({3, 0, 5}, 0));
  EXPECT_EQ(h.output<float>(o.classes), (std::vector<float>{0, 1, 1}));
  EXPECT_EQ(h.output<float>(o.count), (std::vector<float>{3}));
}

TEST(DetectionPostprocess, NothingAboveThreshold) {
  OpHarness h(kOp);
  const Outputs o = add_float_node(h, Options{}, std::vector<float>(12, 0.1f), 2);
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.output<float>(o.count), (std::vector<float>{0}));
  EXPECT_EQ(h.output<float>(o.boxes), std::vector<float>(12, 0.0f));
  EXPECT_EQ(h.output<float>(o.scores), std::vector<float>(3, 0.0f));
}

TEST(DetectionPostprocess, SecondRunOverStaleScratchAndOutputsIsIdentical) {
  Options opt;
  opt.use_regular_nms = true;
  OpHarness h(kOp);
  const Outputs o = add_float_node(h, opt, {0, .9f, 0, .75f, 0, .6f, 0, .95f, 0, .5f, 0, .3f}, 2);
  ASSERT_TRUE(h.prepare_and_run().ok());
  const std::vector<float> boxes = h.output<float>(o.boxes), scores = h.output<float>(o.scores);
  h.run();
  EXPECT_EQ(h.output<float>(o.boxes), boxes);
  EXPECT_EQ(h.output<float>(o.scores), scores);
  EXPECT_EQ(h.output<float>(o.count), (std::vector<float>{2}));
}

TEST(DetectionPostprocess, ZeroMaxDetectionsGivesEmptyOutputs) {
  Options opt;
  opt.max_detections = 0;
  OpHarness h(kOp);
  const Outputs o = add_float_node(h, opt, std::vector<float>(12, 0.9f), 2);
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.tensor(o.boxes).shape, (Shape{1, 0, 4}));
  EXPECT_EQ(h.tensor(o.scores).shape, (Shape{1, 0}));
  EXPECT_EQ(h.output<float>(o.count), (std::vector<float>{0}));
}

TEST(DetectionPostprocess, DecodesWithScales) {
  // Encoding (y, x, h, w) = (10, -5, 5 ln 2, 0) with scales 10/10/5/5 on anchor (0.5, 0.5, 1, 2):
  // centre (10/10 * 1 + 0.5, -5/10 * 2 + 0.5) = (1.5, -0.5), height e^(ln 2) * 1 = 2, width e^0 * 2 = 2.
  OpHarness h(kOp);
  h.node().custom_options = [] {
    flexbuffers::Builder b;
    b.Map([&] {
      b.Int("max_detections", 1);
      b.Int("max_classes_per_detection", 1);
      b.Float("nms_score_threshold", 0.0f);
      b.Float("nms_iou_threshold", 0.5f);
      b.Int("num_classes", 1);
      b.Float("y_scale", 10.0f);
      b.Float("x_scale", 10.0f);
      b.Float("h_scale", 5.0f);
      b.Float("w_scale", 5.0f);
    });
    b.Finish();
    return b.GetBuffer();
  }();
  h.add_input(DType::kFloat32, {1, 1, 4}, std::vector<float>{10, -5, 5 * 0.69314718f, 0});
  h.add_input(DType::kFloat32, {1, 1, 1}, std::vector<float>{0.5f});
  h.add_constant(DType::kFloat32, {1, 4}, std::vector<float>{0.5f, 0.5f, 1, 2});
  const int boxes = h.add_output(DType::kFloat32);
  for (int i = 0; i < 3; ++i) h.add_output(DType::kFloat32);
  ASSERT_TRUE(h.prepare_and_run().ok());
  const std::vector<float> got = h.output<float>(boxes);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_NEAR(got[0], 0.5f, 1e-5f);
  EXPECT_NEAR(got[1], -1.5f, 1e-5f);
  EXPECT_NEAR(got[2], 2.5f, 1e-5f);
  EXPECT_NEAR(got[3], 0.5f, 1e-5f);
}

TEST(DetectionPostprocess, Uint8InputsAreDequantized) {
  // Boxes: scale 0.1, zero point 128 (128 = 0); anchors: scale 0.5 -> (1, 1, 2, 2) = (0.5, 0.5, 1, 1);
  // scores: scale 0.25 -> 3 = 0.75, 1 = 0.25 (below 0.4).
  OpHarness h(kOp);
  h.node().custom_options = Options{}.bytes();
  Quantization qb, qa, qs;
  qb.scale = {0.1f}, qb.zero_point = {128};
  qa.scale = {0.5f}, qa.zero_point = {0};
  qs.scale = {0.25f}, qs.zero_point = {0};
  h.add_input(DType::kUInt8, {1, 2, 4}, std::vector<uint8_t>(8, 128), qb);
  h.add_input(DType::kUInt8, {1, 2, 2}, std::vector<uint8_t>{0, 1, 0, 3}, qs);
  h.add_constant(DType::kUInt8, {2, 4}, std::vector<uint8_t>{1, 1, 2, 2, 21, 1, 2, 2}, qa);
  const int boxes = h.add_output(DType::kFloat32), classes = h.add_output(DType::kFloat32);
  const int scores = h.add_output(DType::kFloat32), count = h.add_output(DType::kFloat32);
  ASSERT_TRUE(h.prepare_and_run().ok());
  expect_near_all(h.output<float>(boxes), {10, 0, 11, 1, 0, 0, 0, 0, 0, 0, 0, 0});
  EXPECT_EQ(h.output<float>(classes), (std::vector<float>{0, 0, 0}));
  EXPECT_EQ(h.output<float>(scores), (std::vector<float>{0.75f, 0, 0}));
  EXPECT_EQ(h.output<float>(count), (std::vector<float>{1}));
  EXPECT_STREQ(h.prepared()->kernel_name(), "detection_postprocess_qu8_ref");
}

// Prepare errors: each case changes one thing from a valid float node.
std::string prepare_error(const Options& o, int classes_with_background = 2) {
  OpHarness h(kOp);
  add_float_node(h, o, std::vector<float>(static_cast<size_t>(6 * classes_with_background), 0.5f),
                 classes_with_background);
  Status s = h.prepare();
  return s.ok() ? std::string("ok") : s.message();
}

TEST(DetectionPostprocess, RefusesBadOptions) {
  Options o;
  o.iou_threshold = 0.0f;
  EXPECT_TRUE(contains(prepare_error(o), "nms_iou_threshold")) << prepare_error(o);
  o = Options{};
  o.iou_threshold = 1.5f;
  EXPECT_TRUE(contains(prepare_error(o), "nms_iou_threshold"));
  o = Options{};
  o.max_detections = -1;
  EXPECT_TRUE(contains(prepare_error(o), "max_detections"));
  o = Options{};
  o.max_classes_per_detection = 0;
  EXPECT_TRUE(contains(prepare_error(o), "max_classes_per_detection"));
  o = Options{};
  o.detections_per_class = -2;  // -1 means "absent" to the helper
  EXPECT_TRUE(contains(prepare_error(o), "detections_per_class"));
  o = Options{};
  o.num_classes = 0;
  EXPECT_TRUE(contains(prepare_error(o), "num_classes"));
  o = Options{};
  o.num_classes = 3;  // 2 columns cannot hold 3 classes
  EXPECT_TRUE(contains(prepare_error(o), "columns"));
  o = Options{};
  o.use_regular_nms = true;
  o.max_detections = 0;
  EXPECT_TRUE(contains(prepare_error(o), "regular NMS"));
  o = Options{};
  o.max_detections = 1 << 20;
  o.max_classes_per_detection = 1 << 10;
  EXPECT_TRUE(contains(prepare_error(o), "output slots"));
}

TEST(DetectionPostprocess, RefusesMalformedOptionBytes) {
  for (const std::vector<uint8_t>& bytes :
       {std::vector<uint8_t>{}, std::vector<uint8_t>{0xff, 0xff, 0xff, 0x7f, 0x01}, std::vector<uint8_t>{1, 4, 1}}) {
    OpHarness h(kOp);
    add_float_node(h, Options{}, std::vector<float>(12, 0.5f), 2);
    h.node().custom_options = bytes;
    Status s = h.prepare();
    ASSERT_FALSE(s.ok());
    EXPECT_TRUE(contains(s.message(), "custom options")) << s.message();
  }
}

TEST(DetectionPostprocess, CorruptedOptionBytesNeverCrash) {
  // Every byte of valid options overwritten with a few values: prepare refuses or accepts, never reads
  // outside the bytes (the FlexBuffer verifier runs first; valgrind/ASan builds see the reads).
  const std::vector<uint8_t> valid = Options{}.bytes();
  for (size_t i = 0; i < valid.size(); ++i) {
    for (uint8_t v : {uint8_t{0}, uint8_t{1}, uint8_t{0x7f}, uint8_t{0x80}, uint8_t{0xff}}) {
      std::vector<uint8_t> bytes = valid;
      bytes[i] = v;
      OpHarness h(kOp);
      add_float_node(h, Options{}, std::vector<float>(12, 0.5f), 2);
      h.node().custom_options = bytes;
      if (h.prepare().ok()) h.run();
    }
  }
}

TEST(DetectionPostprocess, RefusesBadTensors) {
  auto build = [](DType boxes, DType anchors, Shape anchor_shape, bool anchors_constant, float anchor_h,
                  DType out = DType::kFloat32) {
    OpHarness h(kOp);
    h.node().custom_options = Options{}.bytes();
    Quantization q;
    q.scale = {0.1f}, q.zero_point = {0};
    const bool q8 = boxes != DType::kFloat32;
    h.add_input(boxes, {1, 2, 4}, std::vector<float>(8, 0.0f), q8 ? q : Quantization{});
    h.add_input(DType::kFloat32, {1, 2, 2}, std::vector<float>(4, 0.5f));
    std::vector<float> a = {0.5f, 0.5f, anchor_h, 1, 5, 5, 1, 1};
    if (anchors_constant)
      h.add_constant(anchors, anchor_shape, a, anchors != DType::kFloat32 ? q : Quantization{});
    else
      h.add_input(anchors, anchor_shape, a);
    h.add_output(out);
    for (int i = 0; i < 3; ++i) h.add_output(DType::kFloat32);
    Status s = h.prepare();
    return s.ok() ? std::string("ok") : s.message();
  };
  EXPECT_EQ(build(DType::kFloat32, DType::kFloat32, {2, 4}, true, 1), "ok");
  EXPECT_TRUE(contains(build(DType::kInt8, DType::kInt8, {2, 4}, true, 1), "int8"));
  EXPECT_TRUE(contains(build(DType::kUInt8, DType::kFloat32, {2, 4}, true, 1), "must match"));
  EXPECT_TRUE(contains(build(DType::kFloat32, DType::kFloat32, {3, 4}, true, 1), "expected [2, 4]"));
  EXPECT_TRUE(contains(build(DType::kFloat32, DType::kFloat32, {2, 4}, false, 1), "constant"));
  EXPECT_TRUE(contains(build(DType::kFloat32, DType::kFloat32, {2, 4}, true, -1), "negative height"));
  EXPECT_TRUE(contains(build(DType::kFloat32, DType::kFloat32, {2, 4}, true, 1, DType::kInt32), "float32"));

  OpHarness h(kOp);
  h.node().custom_options = Options{}.bytes();
  h.add_input(DType::kFloat32, {2, 4}, std::vector<float>(8, 0.0f));  // rank 2 box encodings
  h.add_input(DType::kFloat32, {1, 2, 2}, std::vector<float>(4, 0.5f));
  h.add_constant(DType::kFloat32, {2, 4}, std::vector<float>(8, 1.0f));
  for (int i = 0; i < 4; ++i) h.add_output(DType::kFloat32);
  Status s = h.prepare();
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(contains(s.message(), "box encodings")) << s.message();
}

TEST(DetectionPostprocess, RefusesUnquantizedUint8) {
  OpHarness h(kOp);
  h.node().custom_options = Options{}.bytes();
  h.add_input(DType::kUInt8, {1, 1, 4}, std::vector<uint8_t>(4, 0));
  h.add_input(DType::kFloat32, {1, 1, 2}, std::vector<float>(2, 0.5f));
  h.add_constant(DType::kUInt8, {1, 4}, std::vector<uint8_t>(4, 1));
  for (int i = 0; i < 4; ++i) h.add_output(DType::kFloat32);
  Status s = h.prepare();
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(contains(s.message(), "scale")) << s.message();
}

}  // namespace
}  // namespace eb::testing
