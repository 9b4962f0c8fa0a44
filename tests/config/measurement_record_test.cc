// to_measurement: each device sample keeps the wall-clock time it was taken at (not the time the
// measurement is converted for storage), in the store's ISO-8601 form; memory not measured stays null.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "daemon/job/measurement_record.h"
#include "daemon/store/results_store.h"

namespace eb::job {
namespace {

TEST(MeasurementRecord, DeviceSamplesKeepTheirOwnTime) {
  using namespace std::chrono;
  config::VariantConfig v;
  v.label = "int8";
  v.path = "/nowhere/int8.tflite";
  VariantResult r;
  r.samples_ms = {1.0, 2.0};
  r.items = 3;
  const system_clock::time_point t0 = system_clock::time_point(seconds(1'714'564'800));  // 2024-05-01T12:00:00Z
  r.device_samples.push_back({0.0, t0, {}});
  r.device_samples.push_back({1500.0, t0 + milliseconds(1500), {}});
  const store::Measurement m = to_measurement({&v, "auto", 1, std::nullopt}, r, {});
  ASSERT_EQ(m.device_samples.size(), 2u);
  EXPECT_EQ(m.device_samples[0].utc, "2024-05-01T12:00:00.000Z");
  EXPECT_EQ(m.device_samples[1].utc, "2024-05-01T12:00:01.500Z");
  EXPECT_EQ(store::utc_iso8601(t0 + milliseconds(1)), "2024-05-01T12:00:00.001Z");
}

// Memory figures the runner did not take (0 in VariantResult::Memory) are stored as null, not as 0; the
// model's memory needs both the peak and the baseline.
TEST(MeasurementRecord, UnmeasuredResidentSetsAreNullNotZero) {
  config::VariantConfig v;
  v.label = "int8";
  v.path = "/nowhere/int8.tflite";
  VariantResult r;
  r.samples_ms = {1.0};
  r.memory.baseline_rss = 2 << 20;
  r.memory.peak_rss = 3 << 20;
  r.memory.arena = 4096;
  store::Measurement m = to_measurement({&v, "auto", 1, std::nullopt}, r, {});
  EXPECT_EQ(m.peak_rss_bytes, int64_t{3 << 20});
  EXPECT_EQ(m.baseline_rss_bytes, int64_t{2 << 20});
  EXPECT_EQ(m.model_memory_bytes, int64_t{1 << 20});
  EXPECT_FALSE(m.load_rss_bytes.has_value());
  EXPECT_FALSE(m.first_rss_bytes.has_value());
  EXPECT_FALSE(m.rss_increase_bytes.has_value());  // the pre-worker figure: never written now
  EXPECT_EQ(m.arena_bytes, int64_t{4096});
  r.memory.baseline_rss = 0;
  m = to_measurement({&v, "auto", 1, std::nullopt}, r, {});
  EXPECT_EQ(m.peak_rss_bytes, int64_t{3 << 20});
  EXPECT_FALSE(m.model_memory_bytes.has_value());  // not the whole peak
  EXPECT_FALSE(m.baseline_rss_bytes.has_value());
}

// Detection figures as stored: every figure carried over, per-class APs labelled where a name is known.
TEST(MeasurementRecord, DetectionFiguresKeepEveryValue) {
  accuracy::DetectionEvaluator e;
  e.add_image({{{0, 0, 10, 10}, 0}, {{20, 20, 30, 30}, 3}}, {{{0, 0, 10, 10}, 0, 0.9}});
  auto f = e.figures();
  ASSERT_TRUE(f.ok());
  const store::DetectionAccuracy d = to_detection_accuracy(*f, {"person", "bicycle"});
  EXPECT_EQ(d.num_images, 1);
  EXPECT_DOUBLE_EQ(d.map50, 0.5);
  EXPECT_DOUBLE_EQ(d.map50_95, 0.5);
  EXPECT_EQ(d.precision, 1.0);
  EXPECT_EQ(d.recall, 0.5);
  ASSERT_EQ(d.per_class.size(), 2u);
  EXPECT_EQ(d.per_class[0].label, "person");
  EXPECT_EQ(d.per_class[1].class_index, 3);
  EXPECT_EQ(d.per_class[1].label, "");  // past the names given
  EXPECT_EQ(d.per_class[1].ground_truths, 1);
  EXPECT_EQ(d.per_class[1].ap50, 0.0);

  accuracy::ReferenceComparer c;
  c.add_image({{{0, 0, 10, 10}, 0, 0.9}, {{20, 20, 30, 30}, 1, 0.8}}, {{{0, 0, 10, 10}, 0, 0.9}});
  auto r = c.result();
  ASSERT_TRUE(r.ok());
  const store::DetectionDrift drift = to_detection_drift(*r);
  EXPECT_EQ(drift.boxes_lost, 1);
  EXPECT_EQ(drift.boxes_gained, 0);
  EXPECT_EQ(drift.reference_boxes, 2);
  EXPECT_DOUBLE_EQ(drift.map50, 0.5);
}

}  // namespace
}  // namespace eb::job
