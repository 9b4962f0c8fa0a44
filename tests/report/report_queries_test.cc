// daemon/store/report_queries: the series of one measurement come back complete and in order.
#include "daemon/store/report_queries.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

namespace eb::store {
namespace {

class ReportQueries : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "eb_report_test_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    path_ = (dir_ / "results.db").string();
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(ReportQueries, SeriesInTheOrderMeasured) {
  int64_t id = 0;
  {
    Result<ResultsStore> w = ResultsStore::open(path_);
    ASSERT_TRUE(w.ok()) << w.status().message();
    RunInfo info;
    info.model_group = "fmnist-cnn";
    Result<int64_t> run = w->begin_run(info);
    ASSERT_TRUE(run.ok());
    Measurement m;
    m.variant = "int8";
    m.model_path = "/models/int8.tflite";
    m.engine = "ref";
    m.first_ms = 9.5;
    // Not sorted: the chart of latency over time needs them exactly as they ran.
    m.samples_ms = {3.0, 1.0, 7.5, 2.25, 3.0};
    m.device_samples = {{0, "2024-05-01T12:00:00Z", 48.5, 1500},
                        {1000, "2024-05-01T12:00:01Z", std::nullopt, 1400},
                        {2000, "2024-05-01T12:00:02Z", 51.0, std::nullopt}};
    Result<int64_t> mid = w->add_measurement(*run, m);
    ASSERT_TRUE(mid.ok()) << mid.status().message();
    id = *mid;
    ASSERT_TRUE(w->finish_run(*run, RunStatus::kComplete).ok());
  }
  OpenOptions ro;
  ro.read_only = true;
  Result<ResultsStore> r = ResultsStore::open(path_, ro);
  ASSERT_TRUE(r.ok());
  Result<MeasurementSeries> s = read_measurement_series(*r, id);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->measurement_id, id);
  EXPECT_EQ(s->model_path, "/models/int8.tflite");
  EXPECT_EQ(s->samples_ms, (std::vector<double>{3.0, 1.0, 7.5, 2.25, 3.0}));
  ASSERT_EQ(s->device_samples.size(), 3u);
  EXPECT_EQ(s->device_samples[1].elapsed_ms, 1000);
  EXPECT_FALSE(s->device_samples[1].cpu_temp_c.has_value());
  EXPECT_EQ(s->device_samples[2].cpu_temp_c, 51.0);
  EXPECT_EQ(s->device_samples[0].cpu_freq_mhz, 1500);
  EXPECT_FALSE(s->num_images.has_value());  // no labels
  EXPECT_EQ(s->first_ms, 9.5);

  Result<MeasurementSeries> missing = read_measurement_series(*r, id + 41);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find(path_), std::string::npos) << missing.status().message();
  EXPECT_NE(missing.status().message().find("measurement " + std::to_string(id + 41)), std::string::npos);
}

}  // namespace
}  // namespace eb::store
