// Ground truth readers: YOLO text labels, COCO JSON (class indices from category ids), the JSON reader
// under them, and the one-line errors for files that would otherwise score wrongly.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "daemon/accuracy/detection_labels.h"
#include "daemon/accuracy/json_value.h"

namespace eb::accuracy {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() / ("eb_accuracy_" + std::to_string(::getpid()) + "_" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string write(const std::string& name, const std::string& text) const {
    const fs::path p = path_ / name;
    std::ofstream(p) << text;
    return p.string();
  }
  std::string str() const { return path_.string(); }

 private:
  fs::path path_;
};

TEST(JsonReader, ReadsValuesAndEscapes) {
  auto v = parse_json(R"({"a": [1, -2.5e1, true, null], "s": "x\"\u00e9\ud83d\ude00", "o": {}})", "t");
  ASSERT_TRUE(v.ok()) << v.status().message();
  EXPECT_EQ(v->find("a")->array[1].number, -25.0);
  EXPECT_TRUE(v->find("a")->array[2].boolean);
  EXPECT_EQ(v->find("a")->array[3].kind, JsonValue::Kind::kNull);
  EXPECT_EQ(v->find("s")->string, "x\"\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_TRUE(v->find("o")->is_object());
  EXPECT_EQ(v->find("missing"), nullptr);
}

TEST(JsonReader, ErrorsNameLineAndColumn) {
  auto v = parse_json("{\n  \"a\": [1, 2\n}", "labels.json");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().message(), "labels.json:3:1: expected ',' or ']'");
  EXPECT_FALSE(parse_json("[1] 2", "x").ok());
  EXPECT_FALSE(parse_json("\"abc", "x").ok());
  EXPECT_FALSE(parse_json(std::string(100, '['), "x").ok());  // too deep, not a stack overflow
}

TEST(YoloLabels, NormalisedBoxesBecomePixels) {
  auto g = parse_yolo_labels("0 0.5 0.5 0.2 0.4\n\n  3 0.1 0.2 0.2 0.2  \r\n", 200, 100, "a.txt");
  ASSERT_TRUE(g.ok()) << g.status().message();
  ASSERT_EQ(g->size(), 2u);
  EXPECT_EQ((*g)[0].class_id, 0);
  EXPECT_DOUBLE_EQ((*g)[0].box.x1, 80);
  EXPECT_DOUBLE_EQ((*g)[0].box.y1, 30);
  EXPECT_DOUBLE_EQ((*g)[0].box.x2, 120);
  EXPECT_DOUBLE_EQ((*g)[0].box.y2, 70);
  EXPECT_EQ((*g)[1].class_id, 3);
  EXPECT_FALSE((*g)[1].crowd);
}

TEST(YoloLabels, BadLinesAreOneLineErrors) {
  auto g = parse_yolo_labels("0 0.5 0.5 0.2 0.4\n1 0.5 0.5 0.2\n", 10, 10, "a.txt");
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.status().message(), "a.txt:2: expected 'class cx cy w h' (5 values), found 4");
  g = parse_yolo_labels("-1 0.5 0.5 0.2 0.4\n", 10, 10, "a.txt");
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("not a class index"), std::string::npos);
  g = parse_yolo_labels("2 320 240 50 60\n", 640, 480, "a.txt");  // pixels, not fractions
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("not normalised"), std::string::npos);
}

constexpr const char* kCoco = R"({
  "images": [{"id": 5, "file_name": "val/a.jpg", "width": 100, "height": 50},
             {"id": 9, "file_name": "b.jpg", "width": 20, "height": 20}],
  "categories": [{"id": 90, "name": "toothbrush"}, {"id": 1, "name": "person"}, {"id": 3, "name": "car"}],
  "annotations": [{"id": 1, "image_id": 5, "category_id": 3, "bbox": [10, 5, 20, 10], "area": 150, "iscrowd": 0},
                  {"id": 2, "image_id": 5, "category_id": 90, "bbox": [0, 0, 100, 50], "iscrowd": 1}]
})";

TEST(CocoLabels, CategoriesAreNumberedByIdAndImagesByName) {
  TempDir dir;
  auto labels = DetectionLabels::open(dir.write("instances.json", kCoco));
  ASSERT_TRUE(labels.ok()) << labels.status().message();
  EXPECT_TRUE(labels->is_coco());
  EXPECT_EQ(labels->names(), (std::vector<std::string>{"person", "car", "toothbrush"}));
  auto a = labels->for_image("/data/images/a.jpg", 100, 50);
  ASSERT_TRUE(a.ok()) << a.status().message();
  ASSERT_EQ(a->size(), 2u);
  EXPECT_EQ((*a)[0].class_id, 1);  // category 3 is the second by id
  EXPECT_EQ((*a)[0].box, (Box{10, 5, 30, 15}));
  EXPECT_EQ((*a)[0].area, 150);
  EXPECT_EQ((*a)[1].class_id, 2);
  EXPECT_TRUE((*a)[1].crowd);
  auto b = labels->for_image("b.jpg", 20, 20);
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->empty());
  auto missing = labels->for_image("c.jpg", 20, 20);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("image 'c.jpg' is not listed"), std::string::npos);
  auto resized = labels->for_image("a.jpg", 50, 25);
  ASSERT_FALSE(resized.ok());
  EXPECT_NE(resized.status().message().find("is 50x25, the file says 100x50"), std::string::npos);
}

TEST(CocoLabels, BadAnnotationsNameTheirPlace) {
  auto root = parse_json(R"({"images": [{"id": 1}], "categories": [{"id": 1}],
                              "annotations": [{"image_id": 1, "category_id": 2, "bbox": [0, 0, 1, 1]}]})",
                         "x.json");
  ASSERT_TRUE(root.ok());
  auto d = parse_coco_dataset(*root, "x.json");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().message(), "x.json: annotations[0]: category_id 2 is not in 'categories'");
  root = parse_json(R"({"images": [{"id": 1}], "categories": [{"id": 1}],
                         "annotations": [{"image_id": 1, "category_id": 1, "bbox": [0, 0, 1]}]})",
                    "x.json");
  ASSERT_TRUE(root.ok());
  d = parse_coco_dataset(*root, "x.json");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("annotations[0]: 'bbox'"), std::string::npos);
  root = parse_json(R"({"images": []})", "x.json");
  ASSERT_TRUE(root.ok());
  EXPECT_FALSE(parse_coco_dataset(*root, "x.json").ok());
}

TEST(YoloLabelFolder, MatchesImagesByStem) {
  TempDir dir;
  dir.write("cat.txt", "1 0.5 0.5 1 1\n");
  auto labels = DetectionLabels::open(dir.str());
  ASSERT_TRUE(labels.ok()) << labels.status().message();
  EXPECT_FALSE(labels->is_coco());
  auto cat = labels->for_image("/images/cat.jpg", 40, 30);
  ASSERT_TRUE(cat.ok()) << cat.status().message();
  ASSERT_EQ(cat->size(), 1u);
  EXPECT_EQ((*cat)[0].box, (Box{0, 0, 40, 30}));
  auto background = labels->for_image("/images/dog.png", 40, 30);  // no file: no objects
  ASSERT_TRUE(background.ok());
  EXPECT_TRUE(background->empty());
  dir.write("bad.txt", "1 0.5 0.5\n");
  auto bad = labels->for_image("bad.jpg", 40, 30);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("bad.txt:1: expected"), std::string::npos) << bad.status().message();
  auto none = DetectionLabels::open(dir.str() + "/nope");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("no such file or folder"), std::string::npos);
}

}  // namespace
}  // namespace eb::accuracy
