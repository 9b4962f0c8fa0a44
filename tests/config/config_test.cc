// The configuration loader: what a valid file gives, and for every kind of mistake an error naming the
// file, the line and column, and the key path.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "daemon/config/config.h"
#include "daemon/config/yaml_fields.h"

namespace eb::config {
namespace {

namespace fs = std::filesystem;

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("eb_config_test_" + std::to_string(getpid()) + "_" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "models");
    fs::create_directories(dir_ / "images/0");
    touch("models/m-float32.tflite");
    touch("models/m-int8.tflite");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void touch(const std::string& rel, const std::string& content = "x") {
    fs::create_directories((dir_ / rel).parent_path());
    std::ofstream(dir_ / rel) << content;
  }
  Result<Config> load(const std::string& text) { return load_config_text(text, "t.yaml", dir_.string()); }
  // The error message of a text that must fail to load.
  std::string fail(const std::string& text) {
    auto c = load(text);
    EXPECT_FALSE(c.ok()) << "loaded:\n" << text;
    return c.ok() ? "" : c.status().message();
  }

  fs::path dir_;
};

// A minimal valid file with `extra` appended to the group (4 spaces indent) and `top` appended at top level.
std::string group_yaml(const std::string& extra = "", const std::string& top = "") {
  return "groups:\n"
         "  - name: g\n"
         "    source: {images: images}\n"
         "    variants:\n"
         "      - {path: models/m-float32.tflite}\n"
         "      - {path: models/m-int8.tflite}\n" +
         extra + top;
}

// With no variant marked, the Keras original is the reference when the group holds one: the variants
// were converted from it.
TEST_F(ConfigTest, KerasOriginalIsTheDefaultReference) {
  touch("models/m.keras");
  auto c = load("groups:\n"
                "  - name: g\n"
                "    source: {images: images}\n"
                "    variants:\n"
                "      - {path: models/m-float32.tflite}\n"
                "      - {path: models/m.keras}\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_EQ(c->groups[0].variants.size(), 2u);
  EXPECT_FALSE(c->groups[0].variants[0].reference);
  EXPECT_TRUE(c->groups[0].variants[1].reference);
}

TEST_F(ConfigTest, MinimalFileTakesDefaultsAndResolvesRelativePaths) {
  auto c = load(group_yaml());
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_EQ(c->groups.size(), 1u);
  const GroupConfig& g = c->groups[0];
  EXPECT_EQ(g.name, "g");
  EXPECT_EQ(g.source.kind, SourceConfig::Kind::kImages);
  EXPECT_EQ(g.source.images, (dir_ / "images").string());
  ASSERT_EQ(g.variants.size(), 2u);
  EXPECT_EQ(g.variants[0].path, (dir_ / "models/m-float32.tflite").string());
  EXPECT_EQ(g.variants[0].label, "float32");  // from the file names
  EXPECT_EQ(g.variants[1].label, "int8");
  EXPECT_TRUE(g.variants[0].reference);  // the first, when none is marked
  EXPECT_FALSE(g.variants[1].reference);
  EXPECT_EQ(g.engines, std::vector<std::string>{"auto"});
  EXPECT_EQ(g.threads, std::vector<int>{1});
  EXPECT_EQ(g.warmup, 1);
  EXPECT_EQ(g.iterations, 0);
  EXPECT_FALSE(g.profile_ops);
  EXPECT_TRUE(c->service.IsNull() || !c->service.IsDefined());
  EXPECT_EQ(c->text, group_yaml());
}

TEST_F(ConfigTest, DefaultsApplyAndGroupsOverride) {
  auto c = load("defaults: {engines: [ref, auto], threads: [1, 2], warmup: 3, cooldown_s: 0.5}\n" +
                group_yaml("    threads: 4\n    profile_ops: true\n"));
  ASSERT_TRUE(c.ok()) << c.status().message();
  const GroupConfig& g = c->groups[0];
  EXPECT_EQ(g.engines, (std::vector<std::string>{"ref", "auto"}));
  EXPECT_EQ(g.threads, std::vector<int>{4});  // a scalar is a one-element list
  EXPECT_EQ(g.warmup, 3);
  EXPECT_DOUBLE_EQ(g.cooldown_s, 0.5);
  EXPECT_TRUE(g.profile_ops);
}

TEST_F(ConfigTest, FileLoadResolvesAgainstTheFilesDirectory) {
  touch("sub/models/a.tflite");
  fs::create_directories(dir_ / "sub/imgs");
  touch("sub/cfg.yaml", "database: out/r.db\ngroups:\n  - name: g\n    source: {images: imgs}\n    variants: [models/a.tflite]\n");
  auto c = load_config_file((dir_ / "sub/cfg.yaml").string());
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->groups[0].variants[0].path, (dir_ / "sub/models/a.tflite").string());
  EXPECT_EQ(c->groups[0].variants[0].label, "a");
  EXPECT_EQ(c->groups[0].source.images, (dir_ / "sub/imgs").string());
  EXPECT_EQ(c->database, (dir_ / "sub/out/r.db").string());
  EXPECT_EQ(c->path, (dir_ / "sub/cfg.yaml").string());
}

TEST_F(ConfigTest, ExampleFileLoads) {
  const fs::path example = fs::path(EB_SOURCE_DIR) / "config/edgebench.example.yaml";
  std::ifstream in(example);
  ASSERT_TRUE(in) << example;
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The files the example names, relative to its directory.
  fs::create_directories(dir_ / "images/fmnist/0");
  touch("images/fmnist-labels.csv", "file,label\n");
  touch("images/fmnist-classes.txt", "T-shirt\n");
  touch("models/fmnist-cnn-float32.tflite");
  touch("models/fmnist-cnn-int8.tflite");
  touch("models/mobilenet-v2-int8.tflite");
  auto c = load_config_text(text, "edgebench.example.yaml", dir_.string());
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_EQ(c->groups.size(), 2u);
  const GroupConfig& g = c->groups[0];
  EXPECT_EQ(c->device_name, "pi5-lab-2");
  EXPECT_EQ(g.engines, (std::vector<std::string>{"ref", "auto"}));
  EXPECT_EQ(g.threads, (std::vector<int>{1, 2}));
  EXPECT_EQ(g.preprocess.color, ColorMode::kGray);
  EXPECT_EQ(g.preprocess.interpolation, Interpolation::kArea);
  EXPECT_EQ(g.source.limit, 1000);
  EXPECT_EQ(c->groups[1].source.kind, SourceConfig::Kind::kCamera);
  EXPECT_EQ(c->groups[1].source.camera, "/dev/video0");
  EXPECT_EQ(c->groups[1].preprocess.mean, std::vector<float>{0.5f});
  EXPECT_TRUE(c->service.IsMap());
}

TEST_F(ConfigTest, UnknownKeySuggestsTheClosest) {
  // line 7 (1-based), column 5: "    thraeds: ..."
  EXPECT_EQ(fail(group_yaml("    thraeds: [1]\n")), "t.yaml:7:5: groups[0].thraeds: unknown key (did you mean 'threads'?)");
  EXPECT_EQ(fail("devise_name: x\n" + group_yaml()), "t.yaml:1:1: devise_name: unknown key (did you mean 'device_name'?)");
  const std::string far = fail(group_yaml("    zzzzzzzz: 1\n"));
  EXPECT_NE(far.find("t.yaml:7:5: groups[0].zzzzzzzz: unknown key (known keys: name, source"), std::string::npos) << far;
}

TEST_F(ConfigTest, WrongTypesAndRanges) {
  EXPECT_EQ(fail(group_yaml("    warmup: lots\n")), "t.yaml:7:13: groups[0].warmup: expected an integer, got 'lots'");
  EXPECT_EQ(fail(group_yaml("    threads: [1, 0]\n")), "t.yaml:7:18: groups[0].threads[1]: 0 is out of range (1..256)");
  EXPECT_EQ(fail(group_yaml("    cooldown_s: -1\n")), "t.yaml:7:17: groups[0].cooldown_s: -1 is out of range (0..3600)");
  EXPECT_EQ(fail(group_yaml("    profile_ops: maybe\n")),
            "t.yaml:7:18: groups[0].profile_ops: expected true or false, got 'maybe'");
  EXPECT_EQ(fail(group_yaml("    engines: {a: 1}\n")), "t.yaml:7:14: groups[0].engines: expected a list, got a map");
  EXPECT_EQ(fail(group_yaml("    engines: [ref, xnnpak]\n")),
            "t.yaml:7:20: groups[0].engines[1]: unknown engine 'xnnpak' (did you mean 'xnnpack'?)");
  EXPECT_EQ(fail("groups: 3\n"), "t.yaml:1:9: groups: expected a list, got a scalar");
  EXPECT_EQ(fail(group_yaml("", "service: [1]\n")), "t.yaml:7:10: service: expected a map of keys");
}

TEST_F(ConfigTest, MissingFilesAndDirectories) {
  const std::string text = "groups:\n  - name: g\n    source: {images: images}\n    variants:\n"
                           "      - {path: models/m-float32.tflite}\n      - {path: x.tflite}\n";
  EXPECT_EQ(fail(text), "t.yaml:6:16: groups[0].variants[1].path: file 'x.tflite' not found");
  EXPECT_EQ(fail("groups:\n  - name: g\n    source: {images: nowhere}\n    variants: [models/m-int8.tflite]\n"),
            "t.yaml:3:22: groups[0].source.images: 'nowhere' not found");
  EXPECT_EQ(fail("groups:\n  - name: g\n    source: {images: images, labels: l.csv}\n    variants: [models/m-int8.tflite]\n"),
            "t.yaml:3:38: groups[0].source.labels: file 'l.csv' not found");
}

TEST_F(ConfigTest, GroupStructureErrors) {
  EXPECT_EQ(fail("groups:\n  - name: g\n    source: {images: images}\n    variants:\n"
                 "      - {path: models/m-float32.tflite, reference: true}\n"
                 "      - {path: models/m-int8.tflite, reference: yes}\n"),
            "t.yaml:6:49: groups[0].variants[1].reference: a second reference (one variant per group is the reference)");
  EXPECT_EQ(fail("groups:\n  - name: g\n    source: {images: images}\n    variants: []\n"),
            "t.yaml:4:15: groups[0].variants: no variants: list at least one {path: MODEL.tflite}");
  EXPECT_EQ(fail("groups:\n  - name: g\n    source: {images: images, camera: /dev/video0}\n    variants: [models/m-int8.tflite]\n"),
            "t.yaml:3:13: groups[0].source: give exactly one of images or camera, not both");
  EXPECT_EQ(fail("groups:\n  - name: g\n    source: {images: images, frames: 3}\n    variants: [models/m-int8.tflite]\n"),
            "t.yaml:3:38: groups[0].source.frames: applies to camera sources only");
  EXPECT_EQ(fail("groups:\n  - source: {images: images}\n    variants: [models/m-int8.tflite]\n"),
            "t.yaml:2:5: groups[0].name: missing: every group needs a name (stored as the model group)");
  EXPECT_EQ(fail(group_yaml() + group_yaml().substr(8)), "t.yaml:7:5: groups[1].name: a second group named 'g'");
  EXPECT_EQ(fail("groups:\n  - name: g\n    source: {images: images}\n    variants:\n"
                 "      - {path: models/m-int8.tflite, label: a}\n      - {path: models/m-float32.tflite, label: a}\n"),
            "t.yaml:6:9: groups[0].variants[1]: two variants labelled 'a' (give each a distinct label:)");
  EXPECT_EQ(fail("groups: []\n"), "t.yaml:1:9: groups: no groups: list at least one model group (or a service: section)");
  auto service_only = load("service: {models_dir: /tmp}\n");  // a daemon that only watches a folder
  ASSERT_TRUE(service_only.ok()) << service_only.status().message();
  EXPECT_TRUE(service_only->groups.empty());
}

TEST_F(ConfigTest, PreprocessKeysAndErrors) {
  auto c = load(group_yaml("    preprocess:\n      resize: {width: 28, height: 28, interpolation: nearest}\n"
                           "      color: bgr\n      layout: nchw\n      mean: [0.5, 0.4, 0.3]\n      std: [0.2]\n"));
  ASSERT_TRUE(c.ok()) << c.status().message();
  const PreprocessOptions o = to_preprocess_options(c->groups[0].preprocess);
  EXPECT_EQ(o.width, 28);
  EXPECT_EQ(o.channels, 3);
  EXPECT_EQ(o.channel_order, ChannelOrder::kBGR);
  EXPECT_EQ(o.layout, ImageLayout::kNCHW);
  EXPECT_EQ(o.interpolation, Interpolation::kNearest);
  EXPECT_FLOAT_EQ(o.scale, 1.0f / 255.0f);
  EXPECT_EQ(o.mean, (std::vector<float>{0.5f, 0.4f, 0.3f}));

  auto r = load(group_yaml("    preprocess: {input_range: [-1, 1]}\n"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  const PreprocessOptions ro = to_preprocess_options(r->groups[0].preprocess);
  EXPECT_FLOAT_EQ(ro.scale, 2.0f / 255.0f);
  EXPECT_EQ(ro.mean, std::vector<float>{1.0f});  // lo + pixel * scale = (pixel * scale - (-lo))

  EXPECT_EQ(fail(group_yaml("    preprocess: {input_range: [0, 1], mean: [0.5], std: [0.5]}\n")),
            "t.yaml:7:31: groups[0].preprocess.input_range: give either input_range or mean/std, not both");
  EXPECT_EQ(fail(group_yaml("    preprocess: {input_range: [1, 0]}\n")),
            "t.yaml:7:31: groups[0].preprocess.input_range: expected [LO, HI] with LO < HI (e.g. [0, 1] or [-1, 1])");
  EXPECT_EQ(fail(group_yaml("    preprocess: {color: purple}\n")),
            "t.yaml:7:25: groups[0].preprocess.color: 'purple': expected gray, rgb or bgr");
  EXPECT_EQ(fail(group_yaml("    preprocess: {resize: {interpolation: bicubicc}}\n")),
            "t.yaml:7:42: groups[0].preprocess.resize.interpolation: interpolation 'bicubicc': expected nearest, "
            "bilinear, area or cubic");
  EXPECT_EQ(fail(group_yaml("    preprocess: {mean: [0.5]}\n")), "t.yaml:7:24: groups[0].preprocess.mean: mean and std go together");
}

TEST_F(ConfigTest, SyntaxErrorsAndDuplicatesAreLocated) {
  const std::string e = fail("groups:\n  - name: [g\n    source: 1\n");
  EXPECT_EQ(e.rfind("t.yaml:", 0), 0u) << e;
  EXPECT_NE(e.find("YAML syntax error"), std::string::npos) << e;
  EXPECT_EQ(fail("device_name: a\n" + group_yaml() + "device_name: b\n"), "t.yaml:8:1: device_name: key given twice");
  EXPECT_EQ(fail("- 1\n- 2\n"), "t.yaml:1:1: expected a map of keys, got a list");
}

TEST_F(ConfigTest, ServiceSectionIsKeptRaw) {
  auto c = load(group_yaml("", "service:\n  schedule: hourly\n  anything: [1, 2]\n"));
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_TRUE(c->service.IsMap());
  EXPECT_EQ(c->service["schedule"].Scalar(), "hourly");
}

TEST_F(ConfigTest, MissingFileIsAnError) {
  auto c = load_config_file((dir_ / "none.yaml").string());
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("none.yaml"), std::string::npos);
}

TEST(YamlReaderTest, ClosestName) {
  EXPECT_EQ(closest_name("thread", {"threads", "warmup"}), "threads");
  EXPECT_EQ(closest_name("xyz", {"threads", "warmup"}), "");
  EXPECT_EQ(closest_name("ab", {"cd"}), "");  // two edits in a two-letter word is no typo
}

}  // namespace
}  // namespace eb::config

namespace eb::config {
namespace {

class TaskConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("eb_task_config_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "images");
    fs::create_directories(dir_ / "labels");
    std::ofstream(dir_ / "m.tflite") << "x";
    std::ofstream(dir_ / "coco.names") << "person\nbicycle\n";
  }
  void TearDown() override { fs::remove_all(dir_); }
  Result<Config> load(const std::string& task) {
    return load_config_text("groups:\n  - name: g\n    source: {images: images}\n    variants: [m.tflite]\n" + task,
                            "t.yaml", dir_.string());
  }
  fs::path dir_;
};

TEST_F(TaskConfigTest, ClassifyByDefaultDetectWithUltralyticsValSettings) {
  auto c = load("");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->groups[0].task.kind, TaskConfig::Kind::kClassify);
  c = load("    task: detect\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  const TaskConfig& t = c->groups[0].task;
  EXPECT_EQ(t.kind, TaskConfig::Kind::kDetect);
  EXPECT_EQ(t.format, accuracy::DetectFormat::kAuto);
  EXPECT_FLOAT_EQ(t.conf, 0.001f);
  EXPECT_FLOAT_EQ(t.iou, 0.7f);
  EXPECT_EQ(t.max_det, 300);
  EXPECT_TRUE(t.labels.empty());
  c = load("    task: {kind: detect, labels: labels, names: coco.names, format: yolov5, iou: 0.6, max_det: 100,\n"
           "           score_threshold: 0.3}\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  const TaskConfig& d = c->groups[0].task;
  EXPECT_EQ(d.labels, (dir_ / "labels").string());
  EXPECT_EQ(d.names, (dir_ / "coco.names").string());
  EXPECT_EQ(d.format, accuracy::DetectFormat::kYoloV5);
  EXPECT_FLOAT_EQ(d.iou, 0.6f);
  EXPECT_EQ(d.max_det, 100);
  EXPECT_FLOAT_EQ(d.score_threshold, 0.3f);
}

TEST_F(TaskConfigTest, BadTasksAreLocatedErrors) {
  auto c = load("    task: segment\n");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), "t.yaml:5:11: groups[0].task: 'segment': expected classify or detect");
  c = load("    task: {kind: detect, format: yolov9}\n");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("groups[0].task.format: detection format 'yolov9'"), std::string::npos)
      << c.status().message();
  c = load("    task: {kind: detect, labels: nowhere.json}\n");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("groups[0].task.labels: 'nowhere.json' not found"), std::string::npos)
      << c.status().message();
  c = load("    task: {kind: classify, iou: 0.5}\n");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("applies to kind: detect only"), std::string::npos) << c.status().message();
  c = load("    task: {kind: detect, conf: 2}\n");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("out of range"), std::string::npos) << c.status().message();
}

}  // namespace
}  // namespace eb::config
