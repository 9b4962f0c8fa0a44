// COCO mAP: the figures pycocotools computed for the cases in data/coco_*.json (make_coco_cases.py), to
// 1e-4, and the rules they rest on, checked on hand-made images.
#include <gtest/gtest.h>

#include <string>

#include "daemon/accuracy/detection_labels.h"
#include "daemon/accuracy/detection_map.h"
#include "daemon/accuracy/json_value.h"

namespace eb::accuracy {
namespace {

const std::string kData = EB_ACCURACY_DATA;

Box box(double x, double y, double w, double h) { return {x, y, x + w, y + h}; }

class PycocotoolsCase : public ::testing::TestWithParam<const char*> {};

TEST_P(PycocotoolsCase, SameFiguresAsPycocotools) {
  const std::string path = kData + "/coco_" + GetParam() + ".json";
  auto root = read_json_file(path, "case");
  ASSERT_TRUE(root.ok()) << root.status().message();
  const JsonValue* gt = root->find("ground_truth");
  const JsonValue* results = root->find("results");
  const JsonValue* expected = root->find("pycocotools");
  ASSERT_TRUE(gt && results && expected);
  auto dataset = parse_coco_dataset(*gt, path);
  ASSERT_TRUE(dataset.ok()) << dataset.status().message();
  auto dets = parse_coco_results(*results, *dataset, path);
  ASSERT_TRUE(dets.ok()) << dets.status().message();

  // pycocotools pools images in ascending id order; truth is keyed (and so iterated) by id.
  DetectionEvaluator evaluator;
  for (const auto& [image_id, truth] : dataset->truth) {
    const auto d = dets->find(image_id);
    evaluator.add_image(truth, d == dets->end() ? std::vector<Detection>{} : d->second);
  }
  auto f = evaluator.figures();
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_NEAR(f->map50, expected->find("map50")->number, 1e-4);
  EXPECT_NEAR(f->map50_95, expected->find("map50_95")->number, 1e-4);
  const JsonValue& per_class = *expected->find("per_class");
  ASSERT_EQ(f->per_class.size(), per_class.object.size());
  for (const ClassAp& ap : f->per_class) {
    const std::string cat = std::to_string(dataset->category_ids[static_cast<size_t>(ap.class_id)]);
    const JsonValue* want = per_class.find(cat);
    ASSERT_NE(want, nullptr) << "category " << cat;
    EXPECT_NEAR(ap.ap50, want->find("ap50")->number, 1e-4) << "category " << cat;
    EXPECT_NEAR(ap.ap50_95, want->find("ap50_95")->number, 1e-4) << "category " << cat;
    EXPECT_EQ(ap.precision_at_recall50.size(), 101u);
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, PycocotoolsCase, ::testing::Values("small", "crowd_ties", "many"));

TEST(DetectionMap, IouThresholdsAreNumpysLinspace) {
  const auto& t = coco_iou_thresholds();
  EXPECT_EQ(t[0], 0.5);
  EXPECT_EQ(t[9], 0.95);
  EXPECT_NEAR(t[3], 0.65, 1e-15);
}

TEST(DetectionMap, PerfectDetectionsScoreOne) {
  DetectionEvaluator e;
  e.add_image({{box(10, 10, 50, 40), 0}, {box(100, 80, 30, 30), 1}}, {{box(10, 10, 50, 40), 0, 0.9}, {box(100, 80, 30, 30), 1, 0.8}});
  e.add_image({{box(0, 0, 20, 20), 1}}, {{box(0, 0, 20, 20), 1, 0.7}});
  auto f = e.figures();
  ASSERT_TRUE(f.ok());
  EXPECT_DOUBLE_EQ(f->map50, 1.0);
  EXPECT_DOUBLE_EQ(f->map50_95, 1.0);
  EXPECT_EQ(f->images, 2);
  EXPECT_DOUBLE_EQ(*f->precision, 1.0);
  EXPECT_DOUBLE_EQ(*f->recall, 1.0);
}

TEST(DetectionMap, WrongClassAndMissesScoreZero) {
  DetectionEvaluator e;
  e.add_image({{box(10, 10, 50, 40), 0}}, {{box(10, 10, 50, 40), 1, 0.9}});
  auto f = e.figures();
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->map50, 0.0);
  ASSERT_EQ(f->per_class.size(), 1u);  // class 1 has no ground truth: no AP of its own
  EXPECT_EQ(f->per_class[0].class_id, 0);
  EXPECT_DOUBLE_EQ(*f->precision, 0.0);
  EXPECT_DOUBLE_EQ(*f->recall, 0.0);
}

TEST(DetectionMap, IouBetweenThresholdsCountsOnlyBelowIt) {
  // IoU 0.62 (the top 62 % of the box): a hit at 0.5, 0.55 and 0.6, a miss from 0.65 up.
  DetectionEvaluator e;
  e.add_image({{box(0, 0, 100, 100), 0}}, {{box(0, 0, 100, 62), 0, 0.9}});
  auto f = e.figures();
  ASSERT_TRUE(f.ok());
  EXPECT_DOUBLE_EQ(f->map50, 1.0);
  EXPECT_NEAR(f->map50_95, 3.0 / 10.0, 1e-12);  // three thresholds of ten
}

TEST(DetectionMap, CrowdRegionsAreIgnoredNotCounted) {
  DetectionEvaluator e;
  GroundTruth crowd{box(0, 0, 200, 200), 0, true};
  // Two detections inside the crowd region: neither hit nor false positive; the real object is found.
  e.add_image({crowd, {box(300, 300, 40, 40), 0}},
              {{box(10, 10, 30, 30), 0, 0.95}, {box(50, 50, 30, 30), 0, 0.9}, {box(300, 300, 40, 40), 0, 0.5}});
  auto f = e.figures();
  ASSERT_TRUE(f.ok());
  EXPECT_DOUBLE_EQ(f->map50, 1.0);
  EXPECT_EQ(f->ground_truths, 1);
  EXPECT_EQ(f->detections_above, 1);
}

TEST(DetectionMap, AMatchWithACountedBoxIsNotTakenByACrowdRegion) {
  // The detection overlaps a real object (IoU 0.62) inside a crowd region (IoU 1 by pycocotools' crowd
  // rule): it stays the object's hit, as in pycocotools (crowd regions are searched last and only when
  // no counted box matched).
  DetectionEvaluator e;
  e.add_image({{box(0, 0, 100, 100), 0}, {box(0, 0, 300, 300), 0, true}}, {{box(0, 0, 100, 62), 0, 0.9}});
  auto f = e.figures();
  ASSERT_TRUE(f.ok());
  EXPECT_DOUBLE_EQ(f->map50, 1.0);
  EXPECT_EQ(f->true_positives, 1);
}

TEST(DetectionMap, HalfTheObjectsFound) {
  DetectionEvaluator e;
  e.add_image({{box(0, 0, 10, 10), 0}, {box(50, 50, 10, 10), 0}}, {{box(0, 0, 10, 10), 0, 0.9}});
  auto f = e.figures();
  ASSERT_TRUE(f.ok());
  EXPECT_NEAR(f->map50, 51.0 / 101.0, 1e-12);  // precision 1 at recall 0, 0.01, ..., 0.5; then 0
  EXPECT_DOUBLE_EQ(*f->recall, 0.5);
}

TEST(DetectionMap, OperatingPointUsesTheScoreThreshold) {
  EvaluatorOptions o;
  o.score_threshold = 0.5f;
  DetectionEvaluator e(o);
  e.add_image({{box(0, 0, 10, 10), 0}, {box(50, 50, 10, 10), 0}},
              {{box(0, 0, 10, 10), 0, 0.9}, {box(50, 50, 10, 10), 0, 0.3}, {box(80, 80, 5, 5), 0, 0.6}});
  auto f = e.figures();
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->detections_above, 2);
  EXPECT_EQ(f->true_positives, 1);
  EXPECT_DOUBLE_EQ(*f->precision, 0.5);
  EXPECT_DOUBLE_EQ(*f->recall, 0.5);
}

TEST(DetectionMap, NoGroundTruthIsAnError) {
  DetectionEvaluator e;
  e.add_image({}, {{box(0, 0, 10, 10), 0, 0.9}});
  auto f = e.figures();
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().message().find("no ground truth"), std::string::npos);
}

TEST(ReferenceComparison, IdenticalDetectionsAgreeFully) {
  ReferenceComparer c;
  const std::vector<Detection> d = {{box(0, 0, 10, 10), 0, 0.9}, {box(50, 50, 20, 20), 2, 0.6}, {box(5, 5, 5, 5), 1, 0.1}};
  c.add_image(d, d);
  auto r = c.result();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->boxes_gained, 0);
  EXPECT_EQ(r->boxes_lost, 0);
  EXPECT_EQ(r->reference_boxes, 2);  // the 0.1 box is below the reference threshold
  // The variant's low-score box of class 1 is a false positive of a class without reference boxes: no
  // AP of its own, and it does not lower the others'.
  EXPECT_DOUBLE_EQ(r->figures.map50, 1.0);
}

TEST(ReferenceComparison, MovedBoxIsLostAndGained) {
  ReferenceComparer c;
  c.add_image({{box(0, 0, 10, 10), 0, 0.9}, {box(50, 50, 20, 20), 0, 0.8}},
              {{box(0, 0, 10, 10), 0, 0.9}, {box(80, 80, 20, 20), 0, 0.8}, {box(0, 40, 8, 8), 1, 0.2}});
  auto r = c.result();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->boxes_lost, 1);
  EXPECT_EQ(r->boxes_gained, 1);  // the 0.2 box is below the threshold: not shown, not gained
  EXPECT_NEAR(r->figures.map50, 51.0 / 101.0, 1e-12);
}

TEST(ReferenceComparison, ClassChangeIsLostAndGained) {
  const auto [a, b] = unpaired_boxes({{box(0, 0, 10, 10), 1, 0.9}}, {{box(0, 0, 10, 10), 0, 0.9}});
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 1);
}

TEST(ReferenceComparison, EmptyReferenceIsAnError) {
  ReferenceComparer c;
  c.add_image({{box(0, 0, 10, 10), 0, 0.1}}, {{box(0, 0, 10, 10), 0, 0.9}});
  auto r = c.result();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("no box with score >= 0.25"), std::string::npos);
}

}  // namespace
}  // namespace eb::accuracy
