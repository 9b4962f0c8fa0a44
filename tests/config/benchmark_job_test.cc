// The benchmark job through its API, as the daemon calls it: the matrix order (reference first per
// engine x threads), a failed variant recorded while the job goes on, a stop request in the middle of
// a measurement dropping that measurement and marking the run interrupted, a source that cannot be
// opened storing nothing. Uses ../shared/models (skipped when absent) and PNGs written here.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "daemon/job/benchmark_job.h"
#include "daemon/store/queries.h"

namespace eb::job {
namespace {

namespace fs = std::filesystem;

const std::string kFloat = std::string(EDGEBENCH_SHARED_DIR) + "/models/fmnist-cnn-float32.tflite";
const std::string kInt8 = std::string(EDGEBENCH_SHARED_DIR) + "/models/fmnist-cnn-int8.tflite";

// Records what the job reports; asks to stop once `stop_after_items` items of measurement `stop_in`
// (1-based, counted by "benchmarking" status lines) are done.
struct RecordingObserver : JobObserver {
  std::vector<std::string> statuses;
  std::vector<std::string> measured;
  int measurement = 0;
  int stop_in = 0;
  int64_t stop_after_items = 0;
  int64_t items = 0;
  void on_status(const std::string& text) override {
    statuses.push_back(text);
    if (text.rfind("benchmarking", 0) == 0) ++measurement, items = 0;
  }
  void on_progress(int64_t done, std::optional<int64_t>) override { items = done; }
  void on_measurement(const std::string& variant, const std::string& engine, int threads,
                      const std::string& error) override {
    measured.push_back(variant + "/" + engine + "/" + std::to_string(threads) + (error.empty() ? "" : "/failed"));
  }
  bool stop_requested() override { return stop_in > 0 && measurement == stop_in && items >= stop_after_items; }
};

class BenchmarkJobTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kFloat) || !fs::exists(kInt8)) GTEST_SKIP() << "shared models absent: " << kFloat;
    dir_ = fs::temp_directory_path() / ("eb_job_test_" + std::to_string(getpid()) + "_" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    for (int c = 0; c < 2; ++c) {
      fs::create_directories(dir_ / "imgs" / std::to_string(c));
      for (int i = 0; i < 6; ++i) {
        cv::Mat m(28, 28, CV_8UC1);
        for (int y = 0; y < 28; ++y)
          for (int x = 0; x < 28; ++x) m.at<uint8_t>(y, x) = static_cast<uint8_t>((x * (c + 1) + y * (i + 3)) * 5);
        cv::imwrite((dir_ / "imgs" / std::to_string(c) / (std::to_string(i) + ".png")).string(), m);
      }
    }
    auto s = store::ResultsStore::open((dir_ / "r.db").string());
    ASSERT_TRUE(s.ok()) << s.status().message();
    store_.emplace(std::move(*s));
    group_.name = "fm";
    group_.source.images = (dir_ / "imgs").string();
    group_.variants = {{kFloat, "float32", true}, {kInt8, "int8", false}};
    group_.engines = {"ref"};
    group_.threads = {1};
    group_.warmup = 0;
    config_.text = "test config";
    config_.device_name = "bench-rig";
  }
  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  fs::path dir_;
  std::optional<store::ResultsStore> store_;
  config::GroupConfig group_;
  config::Config config_;
};

TEST_F(BenchmarkJobTest, MatrixRunsReferenceFirstPerEngineAndThreads) {
  group_.variants = {{kInt8, "int8", false}, {kFloat, "float32", true}};  // reference listed second
  group_.engines = {"auto", "ref"};
  group_.threads = {1, 2};
  RecordingObserver obs;
  auto r = run_group(config_, group_, *store_, obs);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, store::RunStatus::kComplete);
  EXPECT_EQ(r->measured, 6);
  EXPECT_EQ(r->failed, 0);
  // The reference engine runs on one thread whatever the matrix asks: measured once, stored as 1.
  EXPECT_EQ(obs.measured, (std::vector<std::string>{"float32/auto/1", "int8/auto/1", "float32/auto/2", "int8/auto/2",
                                                    "float32/ref/1", "int8/ref/1"}));
  auto details = store::show_run(*store_, r->run_id);
  ASSERT_TRUE(details.ok()) << details.status().message();
  EXPECT_EQ(details->run.info.config_text, "test config");
  EXPECT_EQ(details->run.info.device.device_name, "bench-rig");
  std::vector<std::string> stored;
  for (const auto& sm : details->measurements) {
    EXPECT_EQ(sm.measurement.samples_ms.size(), 11u);  // 12 images, the first inference apart
    EXPECT_EQ(sm.measurement.drift.has_value(), sm.measurement.variant == "int8");
    EXPECT_FALSE(sm.measurement.isa.empty());
    stored.push_back(sm.measurement.engine + "/" + std::to_string(sm.measurement.threads));
  }
  EXPECT_EQ(stored, (std::vector<std::string>{"auto/1", "auto/1", "auto/2", "auto/2", "ref/1", "ref/1"}));
}

TEST_F(BenchmarkJobTest, FailedVariantIsRecordedAndTheJobGoesOn) {
  const fs::path broken = dir_ / "broken.tflite";
  std::ofstream(broken) << "not a flatbuffer";
  group_.variants.insert(group_.variants.begin() + 1, {broken.string(), "broken", false});
  RecordingObserver obs;
  auto r = run_group(config_, group_, *store_, obs);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, store::RunStatus::kComplete);
  EXPECT_EQ(r->measured, 2);
  EXPECT_EQ(r->failed, 1);
  EXPECT_EQ(obs.measured, (std::vector<std::string>{"float32/ref/1", "broken/ref/1/failed", "int8/ref/1"}));
}

TEST_F(BenchmarkJobTest, StopMidMeasurementDropsItAndMarksTheRunInterrupted) {
  RecordingObserver obs;
  obs.stop_in = 2;  // during int8, after 3 items
  obs.stop_after_items = 3;
  auto r = run_group(config_, group_, *store_, obs);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, store::RunStatus::kInterrupted);
  auto details = store::show_run(*store_, r->run_id);
  ASSERT_TRUE(details.ok());
  EXPECT_EQ(details->run.status, store::RunStatus::kInterrupted);
  ASSERT_EQ(details->measurements.size(), 1u);  // the reference, whole; the int8 part-measurement dropped
  EXPECT_EQ(details->measurements[0].measurement.variant, "float32");
}

TEST_F(BenchmarkJobTest, ProfileCoversTheTimedInferences) {
  group_.profile_ops = true;
  group_.iterations = 4;
  RecordingObserver obs;
  auto r = run_group(config_, group_, *store_, obs);
  ASSERT_TRUE(r.ok()) << r.status().message();
  auto details = store::show_run(*store_, r->run_id);
  ASSERT_TRUE(details.ok());
  for (const auto& sm : details->measurements) {
    const store::Measurement& m = sm.measurement;
    ASSERT_EQ(m.samples_ms.size(), 4u) << m.error.value_or("");
    double lat = 0, ops = 0;
    for (double s : m.samples_ms) lat += s;
    for (const auto& o : m.op_profile) ops += o.total_ms;
    EXPECT_GE(m.op_profile.size(), 5u);
    EXPECT_LE(ops, lat * 1.0001) << m.variant;  // the nodes run inside the timed inferences
    EXPECT_GE(ops, lat * 0.7) << m.variant;     // and make up nearly all of them
  }
}

TEST_F(BenchmarkJobTest, UnopenableSourceStoresNothing) {
  group_.source.images = (dir_ / "nowhere").string();
  RecordingObserver obs;
  auto r = run_group(config_, group_, *store_, obs);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("nowhere"), std::string::npos) << r.status().message();
  auto runs = store::list_runs(*store_);
  ASSERT_TRUE(runs.ok());
  EXPECT_TRUE(runs->empty());
}

// Detection cannot be scored until the worker sends every output: the job refuses the task before it
// stores a run, after checking the labels as it checks the source.
TEST_F(BenchmarkJobTest, DetectTaskWithBadLabelsIsRefusedBeforeAnythingIsStored) {
  group_.task.kind = config::TaskConfig::Kind::kDetect;
  std::ofstream(dir_ / "bad.json") << "{\"images\": []}";
  group_.task.labels = (dir_ / "bad.json").string();
  RecordingObserver obs;
  auto r = run_group(config_, group_, *store_, obs);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("bad.json: not a COCO annotation file"), std::string::npos)
      << r.status().message();
  auto runs = store::list_runs(*store_);
  ASSERT_TRUE(runs.ok());
  EXPECT_TRUE(runs->empty());
}

}  // namespace
}  // namespace eb::job
