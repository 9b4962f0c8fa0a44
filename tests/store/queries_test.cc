// Reading: run filters, compare rows (latest per key, delta top1 vs reference), show, export, fleet merge.
#include "daemon/store/queries.h"

#include <algorithm>

#include "store_test_support.h"

namespace eb::store {
namespace {

using testing::open_or_fail;
using testing::RawDb;
using testing::sample_measurement;
using testing::sample_run_info;
using testing::TempDir;

constexpr double kExact = 1e-12;

Measurement labelled(const std::string& variant, const std::string& engine, int64_t threads, double top1,
                     bool is_reference = false) {
  return sample_measurement(variant, engine, threads, top1, is_reference, 20);
}

// Four runs in one database (measurements in the order stored):
//   1 pi4-bench mobilenet_v2 2024-05-01: references fp32 fast/4 (.74), fp32 ref/1 (.70), fp32 fast/1 (.71);
//                                         int8 fast/4 (.68), int8 ref/1 (.66), int4 fast/4 (failed to load)
//   2 pi4-bench mobilenet_v2 2024-05-02: reference fp32 fast/1 (.72); int8 fast/4 (.69)
//   3 pi5-lab   yolo         2024-05-03: int8 fast/4 without labels, run throttled
//   4 pi4-bench mobilenet_v2 (now):       still running, no measurements
class StoreQueries : public ::testing::Test {
 protected:
  void SetUp() override {
    writer_.emplace(open_or_fail(path_));
    ResultsStore& w = *writer_;
    run1_ = *w.begin_run(sample_run_info());
    // The order matters: each reference-matching rule (same run, engine, threads) decides some delta that
    // the newest-id tie-break would get wrong.
    for (const Measurement& m :
         {labelled("fp32", "fast", 4, 0.74, true), labelled("fp32", "ref", 1, 0.70, true),
          labelled("fp32", "fast", 1, 0.71, true), labelled("int8", "fast", 4, 0.68), labelled("int8", "ref", 1, 0.66)})
      ASSERT_TRUE(w.add_measurement(run1_, m).ok());
    Measurement failed;
    failed.variant = "int4";
    failed.engine = "fast";
    failed.threads = 4;
    failed.error = "cannot load int4.tflite: unsupported tensor type";
    ASSERT_TRUE(w.add_measurement(run1_, failed).ok());
    ASSERT_TRUE(w.finish_run(run1_, RunStatus::kComplete).ok());

    run2_ = *w.begin_run(sample_run_info());
    ASSERT_TRUE(w.add_measurement(run2_, labelled("fp32", "fast", 1, 0.72, true)).ok());
    ASSERT_TRUE(w.add_measurement(run2_, labelled("int8", "fast", 4, 0.69)).ok());
    ASSERT_TRUE(w.finish_run(run2_, RunStatus::kComplete).ok());

    RunInfo yolo = sample_run_info("yolo", "pi5-lab");
    yolo.device.throttled = true;
    run3_ = *w.begin_run(yolo);
    Measurement unlabelled = sample_measurement("int8", "fast", 4, std::nullopt, false, 10);
    unlabelled.model_group = "yolo";
    unlabelled.drift.reset();
    unlabelled.throttled.reset();
    ASSERT_TRUE(w.add_measurement(run3_, unlabelled).ok());
    ASSERT_TRUE(w.finish_run(run3_, RunStatus::kComplete).ok());

    run4_ = *w.begin_run(sample_run_info());
    RawDb raw(path_);
    raw.exec("UPDATE runs SET started_utc = '2024-05-01T08:00:00.000Z' WHERE id = " + std::to_string(run1_));
    raw.exec("UPDATE runs SET started_utc = '2024-05-02T08:00:00.000Z' WHERE id = " + std::to_string(run2_));
    raw.exec("UPDATE runs SET started_utc = '2024-05-03T08:00:00.000Z' WHERE id = " + std::to_string(run3_));

    OpenOptions read_only;
    read_only.read_only = true;
    reader_.emplace(open_or_fail(path_, read_only));
  }

  std::vector<int64_t> run_ids(const RunFilter& filter) {
    Result<std::vector<RunSummary>> runs = list_runs(*reader_, filter);
    EXPECT_TRUE(runs.ok()) << runs.status().message();
    std::vector<int64_t> ids;
    if (runs.ok())
      for (const RunSummary& r : *runs) ids.push_back(r.run.id);
    return ids;
  }

  std::vector<CompareRow> rows(const CompareSelection& selection) {
    Result<std::vector<CompareRow>> r = compare(*reader_, selection);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : std::vector<CompareRow>{};
  }

  static const CompareRow* find(const std::vector<CompareRow>& rows, const std::string& variant,
                                const std::string& engine, int64_t threads, const std::string& device = "") {
    for (const CompareRow& r : rows)
      if (r.variant == variant && r.engine == engine && r.threads == threads && (device.empty() || r.device == device))
        return &r;
    return nullptr;
  }

  TempDir dir_;
  std::string path_ = dir_.file("results.db");
  std::optional<ResultsStore> writer_;
  std::optional<ResultsStore> reader_;
  int64_t run1_ = 0, run2_ = 0, run3_ = 0, run4_ = 0;
};

TEST_F(StoreQueries, ListRunsNewestFirstWithCounts) {
  Result<std::vector<RunSummary>> runs = list_runs(*reader_);
  ASSERT_TRUE(runs.ok()) << runs.status().message();
  ASSERT_EQ(runs->size(), 4u);
  EXPECT_EQ(runs->at(0).run.id, run4_);
  EXPECT_EQ(runs->at(0).run.status, RunStatus::kRunning);  // its writer (this process) is alive
  EXPECT_EQ(runs->at(3).run.id, run1_);
  EXPECT_EQ(runs->at(3).measurement_count, 6);
  EXPECT_EQ(runs->at(3).failed_measurement_count, 1);
  EXPECT_EQ(runs->at(3).run.started_utc, "2024-05-01T08:00:00.000Z");
  EXPECT_EQ(runs->at(3).run.info.config_text, sample_run_info().config_text);
}

TEST_F(StoreQueries, ListRunsFilters) {
  using V = std::vector<int64_t>;
  RunFilter f;
  f.model_group = "mobilenet_v2";
  EXPECT_EQ(run_ids(f), (V{run4_, run2_, run1_}));
  f = {};
  f.variant = "int4";
  EXPECT_EQ(run_ids(f), (V{run1_}));
  f = {};
  f.since_utc = "2024-05-02";
  EXPECT_EQ(run_ids(f), (V{run4_, run3_, run2_}));
  f.since_utc = "2024-05-02T08:00:00Z";  // inclusive, although stored with milliseconds
  EXPECT_EQ(run_ids(f), (V{run4_, run3_, run2_}));
  f.since_utc = "2024-05-02T08:00:00.001Z";
  EXPECT_EQ(run_ids(f), (V{run4_, run3_}));
  f = {};
  f.device = "pi5-lab";
  EXPECT_EQ(run_ids(f), (V{run3_}));
  f.device = "pi5-lab-host";  // hostname matches too
  EXPECT_EQ(run_ids(f), (V{run3_}));
  f = {};
  f.last_n = 2;
  EXPECT_EQ(run_ids(f), (V{run4_, run3_}));
  f.model_group = "mobilenet_v2";
  EXPECT_EQ(run_ids(f), (V{run4_, run2_}));
  f = {};
  f.status = RunStatus::kRunning;
  EXPECT_EQ(run_ids(f), (V{run4_}));
  f = {};
  f.model_group = "no_such_group";
  EXPECT_EQ(run_ids(f), V{});
}

TEST_F(StoreQueries, BadSinceIsAnError) {
  RunFilter f;
  f.since_utc = "yesterday-ish";
  Result<std::vector<RunSummary>> runs = list_runs(*reader_, f);
  ASSERT_FALSE(runs.ok());
  EXPECT_NE(runs.status().message().find("yesterday-ish"), std::string::npos) << runs.status().message();
}

TEST_F(StoreQueries, CompareDefaultsToTheNewestMeasurementOfEachKey) {
  CompareSelection s;
  s.model_group = "mobilenet_v2";
  const std::vector<CompareRow> r = rows(s);
  ASSERT_EQ(r.size(), 5u);  // the failed int4 is left out
  // Reference rows first, then by variant, engine, threads.
  std::vector<std::string> order;
  for (const CompareRow& row : r) order.push_back(strfmt("%s/%s/%lld", row.variant.c_str(), row.engine.c_str(),
                                                         static_cast<long long>(row.threads)));
  EXPECT_EQ(order, (std::vector<std::string>{"fp32/fast/1", "fp32/fast/4", "fp32/ref/1", "int8/fast/4", "int8/ref/1"}));
  const CompareRow* int8_fast = find(r, "int8", "fast", 4);
  ASSERT_NE(int8_fast, nullptr);
  EXPECT_EQ(int8_fast->run_id, run2_);  // newer than run 1's
  ASSERT_TRUE(int8_fast->top1 && int8_fast->delta_top1);
  EXPECT_NEAR(*int8_fast->top1, 0.69, kExact);
  // Against its own run's reference with the same engine (fp32 fast/1 of run 2: .72), not run 1's
  // fp32 fast/4 (.74, same engine and threads).
  EXPECT_NEAR(*int8_fast->delta_top1, 0.69 - 0.72, kExact);
  EXPECT_EQ(find(r, "fp32", "fast", 1)->run_id, run2_);
  const CompareRow* int8_ref = find(r, "int8", "ref", 1);
  ASSERT_NE(int8_ref, nullptr);
  // Same run, same engine: fp32 ref/1 (.70), not the newer fp32 fast/1 (.71).
  EXPECT_NEAR(*int8_ref->delta_top1, 0.66 - 0.70, kExact);
  const CompareRow* fp32_ref = find(r, "fp32", "ref", 1);
  EXPECT_EQ(fp32_ref->delta_top1, 0.0);
  EXPECT_FALSE(fp32_ref->agreement_top1.has_value());  // the reference has no drift against itself
  // The other columns come straight from the measurement and its run.
  const Measurement m = labelled("int8", "fast", 4, 0.69);
  EXPECT_EQ(int8_fast->device, "pi4-bench");
  EXPECT_EQ(int8_fast->size_bytes, m.file_size_bytes);
  EXPECT_EQ(int8_fast->compression, m.compression_ratio);
  EXPECT_EQ(int8_fast->p50_ms, m.latency->p50);
  EXPECT_EQ(int8_fast->p90_ms, m.latency->p90);
  EXPECT_EQ(int8_fast->p99_ms, m.latency->p99);
  EXPECT_EQ(int8_fast->peak_rss_bytes, m.peak_rss_bytes);
  EXPECT_EQ(int8_fast->model_memory_bytes, m.model_memory_bytes);
  EXPECT_EQ(int8_fast->top5, m.accuracy->top5);
  EXPECT_EQ(int8_fast->agreement_top1, m.drift->agreement_top1);
  EXPECT_EQ(int8_fast->mse, m.drift->mse);
  EXPECT_EQ(int8_fast->max_abs_diff, m.drift->max_abs_diff);
  EXPECT_EQ(int8_fast->throttled, false);
  EXPECT_FALSE(int8_fast->error.has_value());
}

TEST_F(StoreQueries, CompareSelectedRunsAndFailedVariants) {
  CompareSelection s;
  s.run_ids = {run1_};
  std::vector<CompareRow> r = rows(s);
  ASSERT_EQ(r.size(), 5u);
  const CompareRow* int8_fast = find(r, "int8", "fast", 4);
  ASSERT_NE(int8_fast, nullptr);
  EXPECT_EQ(int8_fast->run_id, run1_);
  // Same engine and threads (fp32 fast/4: .74), not the newer fast/1 (.71).
  EXPECT_NEAR(*int8_fast->delta_top1, 0.68 - 0.74, kExact);
  // Same engine (fp32 ref/1: .70), not the newer fp32 fast/1 with the same thread count (.71).
  EXPECT_NEAR(*find(r, "int8", "ref", 1)->delta_top1, 0.66 - 0.70, kExact);

  s.include_failed = true;
  r = rows(s);
  ASSERT_EQ(r.size(), 6u);
  const CompareRow* int4 = find(r, "int4", "fast", 4);
  ASSERT_NE(int4, nullptr);
  EXPECT_TRUE(int4->error.has_value());
  EXPECT_FALSE(int4->p50_ms.has_value());
  EXPECT_FALSE(int4->peak_rss_bytes.has_value());
  EXPECT_FALSE(int4->model_memory_bytes.has_value());
  EXPECT_FALSE(int4->top1.has_value());
  EXPECT_FALSE(int4->delta_top1.has_value());

  // Both runs: each int8 fast/4 row against a reference of its own run.
  s.run_ids = {run1_, run2_};
  s.include_failed = false;
  r = rows(s);
  ASSERT_EQ(r.size(), 7u);
  int checked = 0;
  for (const CompareRow& row : r) {
    if (row.variant != "int8" || row.engine != "fast") continue;
    EXPECT_NEAR(*row.delta_top1, row.run_id == run1_ ? 0.68 - 0.74 : 0.69 - 0.72, kExact) << row.run_id;
    ++checked;
  }
  EXPECT_EQ(checked, 2);
}

TEST_F(StoreQueries, NarrowingFiltersKeepTheReferenceForDeltas) {
  CompareSelection s;
  s.model_group = "mobilenet_v2";
  s.variant = "int8";
  s.engine = "fast";
  const std::vector<CompareRow> r = rows(s);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_NEAR(*r[0].delta_top1, 0.69 - 0.72, kExact);
  s.engine.reset();
  s.threads = 1;
  ASSERT_EQ(rows(s).size(), 1u);
  EXPECT_EQ(rows(s)[0].engine, "ref");
}

// A re-measured reference: the newest of equally matching references counts.
TEST(StoreCompare, DeltaUsesTheNewestOfEquallyMatchingReferences) {
  TempDir dir;
  ResultsStore store = open_or_fail(dir.file("results.db"));
  const int64_t run = *store.begin_run(sample_run_info());
  ASSERT_TRUE(store.add_measurement(run, labelled("fp32", "ref", 1, 0.70, true)).ok());
  ASSERT_TRUE(store.add_measurement(run, labelled("int8", "ref", 1, 0.66)).ok());
  ASSERT_TRUE(store.add_measurement(run, labelled("fp32", "ref", 1, 0.75, true)).ok());
  CompareSelection s;
  s.run_ids = {run};
  s.variant = "int8";
  Result<std::vector<CompareRow>> r = compare(store, s);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_NEAR(*r->at(0).delta_top1, 0.66 - 0.75, kExact);
}

TEST_F(StoreQueries, NullAccuraciesStayNull) {
  CompareSelection s;
  s.model_group = "yolo";
  const std::vector<CompareRow> r = rows(s);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_FALSE(r[0].top1.has_value());
  EXPECT_FALSE(r[0].top5.has_value());
  EXPECT_FALSE(r[0].delta_top1.has_value());
  EXPECT_FALSE(r[0].agreement_top1.has_value());
  EXPECT_FALSE(r[0].mse.has_value());
  EXPECT_FALSE(r[0].max_abs_diff.has_value());
  EXPECT_EQ(r[0].throttled, true);  // not recorded for the measurement: the run's state
  EXPECT_EQ(r[0].device, "pi5-lab");
  Result<RunDetails> d = show_run(*reader_, run3_);
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->measurements.at(0).measurement.accuracy.has_value());
  EXPECT_FALSE(d->measurements.at(0).measurement.drift.has_value());
  RawDb raw(path_);
  EXPECT_EQ(raw.text("SELECT typeof(top1) || typeof(top5) || typeof(agreement_top1) FROM measurements "
                     "WHERE run_id = " + std::to_string(run3_)),
            "nullnullnull");
  EXPECT_EQ(raw.integer("SELECT count(*) FROM class_accuracy c JOIN measurements m ON m.id = c.measurement_id "
                        "WHERE m.run_id = " + std::to_string(run3_)),
            0);
}

TEST_F(StoreQueries, ShowAndExport) {
  Result<RunDetails> d = show_run(*reader_, run1_);
  ASSERT_TRUE(d.ok()) << d.status().message();
  ASSERT_EQ(d->measurements.size(), 6u);
  EXPECT_TRUE(d->measurements[3].measurement == labelled("int8", "fast", 4, 0.68));
  EXPECT_EQ(d->run.status, RunStatus::kComplete);

  Result<RunDetails> missing = show_run(*reader_, 999);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("no such run"), std::string::npos);
  EXPECT_NE(missing.status().message().find(path_), std::string::npos);

  Result<std::vector<RunDetails>> all = export_runs(*reader_);
  ASSERT_TRUE(all.ok()) << all.status().message();
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ(all->front().run.id, run1_);  // oldest first
  EXPECT_EQ(all->back().run.id, run4_);
  size_t measurements = 0;
  for (const RunDetails& r : *all) measurements += r.measurements.size();
  EXPECT_EQ(measurements, 9u);
  EXPECT_TRUE(all->front().measurements[0].measurement == d->measurements[0].measurement);

  RunFilter f;
  f.device = "pi5-lab";
  all = export_runs(*reader_, f);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ(all->front().run.id, run3_);
}

TEST_F(StoreQueries, FleetComparisonMergesDatabasesWithADeviceColumn) {
  const std::string other = dir_.file("pi5/results.db");
  {
    ResultsStore w = open_or_fail(other);
    const int64_t run = *w.begin_run(sample_run_info("mobilenet_v2", "pi5-lab"));
    ASSERT_TRUE(w.add_measurement(run, labelled("fp32", "ref", 1, 0.72, true)).ok());
    ASSERT_TRUE(w.add_measurement(run, labelled("int8", "ref", 1, 0.65)).ok());
    ASSERT_TRUE(w.finish_run(run, RunStatus::kComplete).ok());
  }
  CompareSelection s;
  s.model_group = "mobilenet_v2";
  Result<std::vector<CompareRow>> merged = compare_fleet({{path_, ""}, {other, "pi5-b"}}, s);
  ASSERT_TRUE(merged.ok()) << merged.status().message();
  ASSERT_EQ(merged->size(), 7u);
  const CompareRow* pi4 = find(*merged, "int8", "ref", 1, "pi4-bench");
  const CompareRow* pi5 = find(*merged, "int8", "ref", 1, "pi5-b");
  ASSERT_NE(pi4, nullptr);
  ASSERT_NE(pi5, nullptr);
  EXPECT_NEAR(*pi4->delta_top1, 0.66 - 0.70, kExact);  // each device against its own reference
  EXPECT_NEAR(*pi5->delta_top1, 0.65 - 0.72, kExact);
  // Same key rows sit together, ordered by device.
  const auto at = [&](const CompareRow* r) { return r - merged->data(); };
  EXPECT_EQ(at(pi5), at(pi4) + 1);

  s.run_ids = {1};
  EXPECT_FALSE(compare_fleet({{path_, ""}}, s).ok());
  s.run_ids.clear();
  Result<std::vector<CompareRow>> missing = compare_fleet({{path_, ""}, {dir_.file("nope.db"), "x"}}, s);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("nope.db"), std::string::npos);
}

}  // namespace
}  // namespace eb::store
