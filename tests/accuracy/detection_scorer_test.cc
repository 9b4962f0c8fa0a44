// The per-item scorer a measurement runs: outputs decoded, labels looked up by image, the reference
// variant's detections kept and compared with another variant's on the same items.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "daemon/accuracy/detection_scorer.h"

namespace eb::accuracy {
namespace {

namespace fs = std::filesystem;

// A YOLOv8 head [1, 4+2, 8] with one confident box per listed (cx, cy, w, h, class), normalised.
std::vector<OutputTensor> head(const std::vector<std::array<float, 5>>& boxes) {
  const int n = 8, k = 6;
  std::vector<float> v(static_cast<size_t>(n * k), 0.0f);
  for (size_t i = 0; i < boxes.size(); ++i) {
    for (int c = 0; c < 4; ++c) v[static_cast<size_t>(c * n) + i] = boxes[i][static_cast<size_t>(c)];
    v[static_cast<size_t>((4 + static_cast<int>(boxes[i][4])) * n) + i] = 0.9f;
  }
  return {{"output0", {1, k, n}, v}};
}

TEST(DetectionScorer, ScoresAgainstLabelsAndAgainstTheReference) {
  const fs::path dir = fs::temp_directory_path() / ("eb_scorer_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "a.txt") << "0 0.25 0.25 0.2 0.2\n1 0.75 0.75 0.2 0.2\n";
  std::ofstream(dir / "b.txt") << "1 0.5 0.5 0.4 0.4\n";
  DetectionSettings s;
  s.labels = dir.string();

  auto ref = DetectionScorer::create(s, nullptr, true);
  ASSERT_TRUE(ref.ok()) << ref.status().message();
  // The reference finds everything.
  ASSERT_TRUE(ref->add_item(0, "/img/a.jpg", 640, 480, 320, 320,
                            head({{{0.25f, 0.25f, 0.2f, 0.2f, 0}}, {{0.75f, 0.75f, 0.2f, 0.2f, 1}}}))
                  .ok());
  ASSERT_TRUE(ref->add_item(1, "/img/b.jpg", 640, 480, 320, 320, head({{{0.5f, 0.5f, 0.4f, 0.4f, 1}}})).ok());
  EXPECT_EQ(ref->format(), DetectFormat::kYoloV8);
  auto rf = ref->figures();
  ASSERT_TRUE(rf && rf->ok());
  EXPECT_DOUBLE_EQ((*rf)->map50, 1.0);
  EXPECT_FALSE(ref->comparison().has_value());
  ASSERT_EQ(ref->reference_detections().size(), 2u);

  // The variant misses the class-1 box of a.jpg.
  auto var = DetectionScorer::create(s, &ref->reference_detections(), false);
  ASSERT_TRUE(var.ok());
  ASSERT_TRUE(var->add_item(0, "/img/a.jpg", 640, 480, 320, 320, head({{{0.25f, 0.25f, 0.2f, 0.2f, 0}}})).ok());
  ASSERT_TRUE(var->add_item(1, "/img/b.jpg", 640, 480, 320, 320, head({{{0.5f, 0.5f, 0.4f, 0.4f, 1}}})).ok());
  auto vf = var->figures();
  ASSERT_TRUE(vf && vf->ok());
  EXPECT_NEAR((*vf)->map50, (1.0 + 51.0 / 101.0) / 2, 1e-12);  // class 0 found; class 1 half
  auto cmp = var->comparison();
  ASSERT_TRUE(cmp && cmp->ok());
  EXPECT_EQ((*cmp)->boxes_lost, 1);
  EXPECT_EQ((*cmp)->boxes_gained, 0);
  EXPECT_EQ((*cmp)->reference_boxes, 3);
  EXPECT_TRUE(var->reference_detections().empty());

  // An image the labels' folder has no file for is background; an unreadable layout names the image.
  auto bad = var->add_item(2, "/img/c.jpg", 640, 480, 320, 320, {{"logits", {1, 10}, std::vector<float>(10)}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("/img/c.jpg: "), std::string::npos) << bad.message();
  fs::remove_all(dir);
}

TEST(DetectionScorer, MissingLabelsAreRefusedAtCreation) {
  DetectionSettings s;
  s.labels = "/nonexistent/labels.json";
  auto scorer = DetectionScorer::create(s, nullptr, false);
  ASSERT_FALSE(scorer.ok());
  EXPECT_NE(scorer.status().message().find("/nonexistent/labels.json"), std::string::npos);
}

}  // namespace
}  // namespace eb::accuracy
