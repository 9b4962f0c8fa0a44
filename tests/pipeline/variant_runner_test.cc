// run_variant over fake image sources: a source that dies mid-run (a camera unplugged, a stream dropped)
// fails the measurement with the source's message; an unreadable item only skips that item.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <opencv2/core.hpp>

#include "daemon/pipeline/opencv_io.h"
#include "daemon/measure/variant_runner.h"

namespace eb {
namespace {

// A Fashion-MNIST classifier (28x28 gray in, 10 classes out) from the shared test material.
std::string model_path() {
  return std::string(EDGEBENCH_SHARED_DIR) + "/models/fmnist-cnn-float32.tflite";
}

// Scripted items: "f" a frame, "e" a skippable item error, "x" a fatal error; then the end.
class ScriptedSource : public ImageSource {
 public:
  explicit ScriptedSource(std::string script) : script_(std::move(script)) {}

  SourceItem next() override {
    SourceItem item;
    if (pos_ >= script_.size()) return item;
    const char c = script_[pos_++];
    item.frame.index = index_;
    item.frame.id = std::to_string(index_);
    ++index_;
    if (c == 'f') {
      item.kind = SourceItem::Kind::kFrame;
      item.frame.image = image_of(cv::Mat(28, 28, CV_8UC1, cv::Scalar(static_cast<double>((frames_ * 37) % 256))));
      ++frames_;
    } else {
      item.kind = SourceItem::Kind::kError;
      item.fatal = c == 'x';
      item.error = item.fatal ? error("camera fake0: read failed (the device node is gone: unplugged?) after %lld frames",
                                      static_cast<long long>(frames_))
                              : error("image bad%lld.png: truncated", static_cast<long long>(index_ - 1));
      if (item.fatal) pos_ = script_.size();  // a fatal error ends the stream
    }
    return item;
  }
  std::string describe() const override { return "scripted source " + script_; }
  std::optional<LabelExtreme> largest_label() const override { return largest_; }
  std::optional<LabelExtreme> largest_;  // what a labelled list would report

 private:
  std::string script_;
  size_t pos_ = 0;
  int64_t index_ = 0, frames_ = 0;
};

class VariantRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(model_path())) GTEST_SKIP() << "shared model missing: " << model_path();
  }

  VariantResult run(const std::string& script, int* opens = nullptr,
                    std::optional<ImageSource::LabelExtreme> largest = std::nullopt) {
    VariantRunOptions o;
    o.engine.engine = "ref";
    o.device_sample_period_s = 60;
    return run_variant(
        model_path(),
        [script, opens, largest]() -> Result<std::unique_ptr<ImageSource>> {
          if (opens) ++*opens;
          auto src = std::make_unique<ScriptedSource>(script);
          src->largest_ = largest;
          return std::unique_ptr<ImageSource>(std::move(src));
        },
        o);
  }
};

TEST_F(VariantRunnerTest, CompleteSourceMeasuresEveryFrame) {
  const VariantResult r = run("ffffff");
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.items, 6);
  EXPECT_EQ(r.samples_ms.size(), 5u);  // the first inference is timed apart
  EXPECT_EQ(r.item_errors, 0);
}

TEST_F(VariantRunnerTest, FatalSourceErrorFailsTheMeasurement) {
  int opens = 0;
  const VariantResult r = run(std::string(37, 'f') + "x" + std::string(20, 'f'), &opens);
  EXPECT_EQ(opens, 1);
  EXPECT_EQ(r.error, "camera fake0: read failed (the device node is gone: unplugged?) after 37 frames");
  EXPECT_FALSE(r.interrupted);
  EXPECT_EQ(r.items, 37);  // what got through is kept for the log, but the result is an error
  // The fatal error is the measurement's error, not a skipped item.
  EXPECT_EQ(r.item_errors, 0);
  EXPECT_TRUE(r.item_error_examples.empty());
}

TEST_F(VariantRunnerTest, FatalErrorBeforeAnyFrameNamesTheSource) {
  const VariantResult r = run("x");
  EXPECT_EQ(r.error, "camera fake0: read failed (the device node is gone: unplugged?) after 0 frames");
  EXPECT_EQ(r.items, 0);
}

TEST_F(VariantRunnerTest, FatalErrorAfterSkippedItemsStillFails) {
  const VariantResult r = run("ffeffx");
  EXPECT_NE(r.error.find("after 4 frames"), std::string::npos) << r.error;
  EXPECT_EQ(r.item_errors, 1);
  EXPECT_EQ(r.items, 4);
}

TEST_F(VariantRunnerTest, NonFatalItemErrorOnlySkipsTheItem) {
  const VariantResult r = run("ffefffef");
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.items, 6);
  EXPECT_EQ(r.samples_ms.size(), 5u);
  EXPECT_EQ(r.item_errors, 2);
  ASSERT_EQ(r.item_error_examples.size(), 2u);
  EXPECT_EQ(r.item_error_examples[0], "image bad2.png: truncated");
  EXPECT_EQ(r.item_error_examples[1], "image bad6.png: truncated");
}

TEST_F(VariantRunnerTest, OnlyErrorItemsFailWithTheFirstError) {
  const VariantResult r = run("ee");
  EXPECT_NE(r.error.find("no usable item"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("image bad0.png: truncated"), std::string::npos) << r.error;
}

// A label past the model's 10 classes would be scored as a miss: the measurement fails before any
// inference, naming the image, its label, the model and its class count. Label 9 is the last valid one.
TEST_F(VariantRunnerTest, LabelPastTheModelsClassesFailsBeforeMeasuring) {
  const VariantResult bad = run("fff", nullptr, ImageSource::LabelExtreme{10, "/imgs/10/a.png"});
  EXPECT_EQ(bad.items, 0);
  EXPECT_NE(bad.error.find("/imgs/10/a.png has class index 10"), std::string::npos) << bad.error;
  EXPECT_NE(bad.error.find("10 classes"), std::string::npos) << bad.error;
  EXPECT_NE(bad.error.find("fmnist-cnn-float32.tflite"), std::string::npos) << bad.error;
  const VariantResult ok = run("fff", nullptr, ImageSource::LabelExtreme{9, "/imgs/9/a.png"});
  EXPECT_EQ(ok.error, "");
  EXPECT_EQ(ok.items, 3);
}

}  // namespace
}  // namespace eb
