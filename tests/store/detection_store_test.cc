// Detection accuracy in the results store (schema 3): stored and read back exactly, shown by compare,
// refused when impossible, absent (null) for classifiers.
#include <gtest/gtest.h>

#include "daemon/store/queries.h"
#include "store_test_support.h"

namespace eb::store {
namespace {

using testing::open_or_fail;
using testing::sample_measurement;
using testing::sample_run_info;
using testing::TempDir;

Measurement detector(const std::string& variant, bool is_reference) {
  Measurement m = sample_measurement(variant, "auto", 1, std::nullopt, is_reference, 3);
  m.model_group = "yolov8n";
  DetectionAccuracy d;
  d.num_images = 500;
  d.map50 = is_reference ? 0.5212 : 0.5003;
  d.map50_95 = is_reference ? 0.3701 : 1.0 / 3.0;
  d.precision = 0.61;
  d.recall = std::nullopt;  // e.g. no ground truth above the threshold: stays null
  d.per_class = {{0, "person", 1200, 0.7, 0.5}, {2, "car", 300, 0.45, 0.3}};
  m.detection = d;
  if (!is_reference) m.detection_drift = DetectionDrift{0.91, 0.77, 12, 30, 2100};
  return m;
}

TEST(DetectionStore, FiguresRoundTripAndCompareShowsThem) {
  TempDir dir;
  const std::string path = dir.file("results.db");
  const Measurement ref = detector("float32", true), q = detector("int8", false);
  int64_t run_id = 0;
  {
    ResultsStore store = open_or_fail(path);
    run_id = *store.begin_run(sample_run_info());
    ASSERT_TRUE(store.add_measurement(run_id, ref).ok());
    Result<int64_t> id = store.add_measurement(run_id, q);
    ASSERT_TRUE(id.ok()) << id.status().message();
    ASSERT_TRUE(store.finish_run(run_id, RunStatus::kComplete).ok());
  }
  OpenOptions read_only;
  read_only.read_only = true;
  ResultsStore store = open_or_fail(path, read_only);
  Result<RunDetails> details = show_run(store, run_id);
  ASSERT_TRUE(details.ok()) << details.status().message();
  ASSERT_EQ(details->measurements.size(), 2u);
  EXPECT_TRUE(details->measurements[0].measurement.detection == ref.detection);
  EXPECT_FALSE(details->measurements[0].measurement.detection_drift.has_value());
  EXPECT_TRUE(details->measurements[1].measurement.detection == q.detection);
  EXPECT_TRUE(details->measurements[1].measurement.detection_drift == q.detection_drift);
  EXPECT_TRUE(details->measurements[1].measurement == q);

  Result<std::vector<CompareRow>> rows = compare(store);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ASSERT_EQ(rows->size(), 2u);
  const CompareRow& r = rows->at(1);
  EXPECT_EQ(r.variant, "int8");
  EXPECT_EQ(r.map50, 0.5003);
  EXPECT_EQ(r.map50_95, 1.0 / 3.0);
  EXPECT_EQ(r.det_precision, 0.61);
  EXPECT_FALSE(r.det_recall.has_value());
  EXPECT_EQ(r.map50_vs_ref, 0.91);
  EXPECT_EQ(r.map50_95_vs_ref, 0.77);
  EXPECT_EQ(r.boxes_gained, 12);
  EXPECT_EQ(r.boxes_lost, 30);
  EXPECT_FALSE(rows->at(0).map50_vs_ref.has_value());
  EXPECT_FALSE(r.top1.has_value());
}

TEST(DetectionStore, ClassifierRowsHaveNoDetectionFigures) {
  TempDir dir;
  ResultsStore store = open_or_fail(dir.file("results.db"));
  const int64_t run_id = *store.begin_run(sample_run_info());
  ASSERT_TRUE(store.add_measurement(run_id, sample_measurement("int8", "auto", 1, 0.9)).ok());
  Result<std::vector<CompareRow>> rows = compare(store);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_FALSE(rows->at(0).map50.has_value());
  EXPECT_FALSE(rows->at(0).boxes_lost.has_value());
  Result<RunDetails> details = show_run(store, run_id);
  ASSERT_TRUE(details.ok());
  EXPECT_FALSE(details->measurements[0].measurement.detection.has_value());
}

TEST(DetectionStore, ImpossibleFiguresAreRefused) {
  TempDir dir;
  ResultsStore store = open_or_fail(dir.file("results.db"));
  const int64_t run_id = *store.begin_run(sample_run_info());
  Measurement m = detector("int8", false);
  m.detection->map50 = 1.5;
  Result<int64_t> id = store.add_measurement(run_id, m);
  ASSERT_FALSE(id.ok());
  EXPECT_NE(id.status().message().find("fractions in [0, 1]"), std::string::npos) << id.status().message();
  m = detector("int8", false);
  m.detection_drift->boxes_lost = -1;
  id = store.add_measurement(run_id, m);
  ASSERT_FALSE(id.ok());
  EXPECT_NE(id.status().message().find("negative box counts"), std::string::npos) << id.status().message();
}

}  // namespace
}  // namespace eb::store
