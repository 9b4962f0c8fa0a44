// to_measurement: each device sample keeps the wall-clock time it was taken at (not the time the
// measurement is converted for storage), in the store's ISO-8601 form.
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

}  // namespace
}  // namespace eb::job
