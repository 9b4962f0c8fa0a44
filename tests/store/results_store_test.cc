// Writing: runs, measurements in one transaction each, failure atomicity, full disk, stale runs.
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>

#include "daemon/store/queries.h"
#include "daemon/store/store_paths.h"
#include "daemon/store/writer_identity.h"
#include "store_test_support.h"

namespace eb::store {
namespace {

using testing::measurement_tables;
using testing::open_or_fail;
using testing::RawDb;
using testing::sample_measurement;
using testing::sample_run_info;
using testing::TempDir;

TEST(ResultsStore, MeasurementRoundTripsExactly) {
  TempDir dir;
  const std::string path = dir.file("results.db");
  Measurement m = sample_measurement("int8", "xnnpack", 4, 0.1 + 0.2, false, 0);
  // Values that do not survive a round trip through decimal text.
  for (int i = 0; i < 2000; ++i) m.samples_ms.push_back(std::ldexp(1.0 + i * 0x1p-40, -(i % 30)) + 1.0 / 3.0);
  m.samples_ms.push_back(5e-324);  // smallest denormal
  m.compression_ratio = 14.0 / 3.0;
  m.latency = LatencySummaryMs{1.0 / 3, 2.0 / 3, 1e-17, 0.1, 0.2, 0.30000000000000004, 1e300};
  m.peak_rss_bytes = (int64_t{1} << 40) + 7;
  m.model_memory_bytes = (int64_t{1} << 40) - 3;  // 64-bit integers, not doubles
  m.minor_faults = (int64_t{1} << 53) + 1;
  m.cpu_freq_mhz = 1800.0 / 7.0;
  m.cpu_affinity = "0,2-3";
  m.rss_increase_bytes = 12345;  // still written and read back (the column of schema-1 rows)
  m.model_path = "/srv/models/with 'quotes' and \"double\"/ünï.tflite";
  m.throttled = true;
  m.error = std::nullopt;
  int64_t run_id = 0, id = 0;
  {
    ResultsStore store = open_or_fail(path);
    run_id = *store.begin_run(sample_run_info());
    Result<int64_t> stored = store.add_measurement(run_id, m);
    ASSERT_TRUE(stored.ok()) << stored.status().message();
    id = *stored;
    ASSERT_TRUE(store.finish_run(run_id, RunStatus::kComplete).ok());
  }
  OpenOptions read_only;
  read_only.read_only = true;
  ResultsStore store = open_or_fail(path, read_only);
  Result<RunDetails> details = show_run(store, run_id);
  ASSERT_TRUE(details.ok()) << details.status().message();
  ASSERT_EQ(details->measurements.size(), 1u);
  const StoredMeasurement& back = details->measurements[0];
  EXPECT_EQ(back.id, id);
  EXPECT_EQ(back.run_id, run_id);
  EXPECT_EQ(back.measurement.samples_ms, m.samples_ms);  // bit-exact doubles, same order
  EXPECT_TRUE(back.measurement.latency == m.latency);
  EXPECT_TRUE(back.measurement.accuracy == m.accuracy);
  EXPECT_TRUE(back.measurement.drift == m.drift);
  EXPECT_TRUE(back.measurement.op_profile == m.op_profile);
  EXPECT_TRUE(back.measurement.device_samples == m.device_samples);
  EXPECT_EQ(back.measurement.model_path, m.model_path);
  const Measurement& b = back.measurement;
  EXPECT_EQ(b.peak_rss_bytes, m.peak_rss_bytes);
  EXPECT_EQ(b.model_memory_bytes, m.model_memory_bytes);
  EXPECT_EQ(b.baseline_rss_bytes, m.baseline_rss_bytes);
  EXPECT_EQ(b.load_rss_bytes, m.load_rss_bytes);
  EXPECT_EQ(b.first_rss_bytes, m.first_rss_bytes);
  EXPECT_EQ(b.rss_increase_bytes, m.rss_increase_bytes);
  EXPECT_EQ(b.arena_bytes, m.arena_bytes);
  EXPECT_EQ(b.scratch_bytes, m.scratch_bytes);
  EXPECT_EQ(b.minor_faults, m.minor_faults);
  EXPECT_EQ(b.major_faults, m.major_faults);
  EXPECT_EQ(b.cpu_affinity, m.cpu_affinity);
  EXPECT_EQ(b.cpu, m.cpu);
  EXPECT_EQ(b.cpu_freq_mhz, m.cpu_freq_mhz);  // bit-exact
  EXPECT_TRUE(back.measurement == m);  // every field
  EXPECT_TRUE(details->run.info == sample_run_info());
  EXPECT_EQ(details->run.writer.pid, static_cast<int64_t>(getpid()));
}

TEST(ResultsStore, RunLifecycle) {
  TempDir dir;
  ResultsStore store = open_or_fail(dir.file("results.db"));
  const int64_t run = *store.begin_run(sample_run_info());
  Result<RunDetails> d = show_run(store, run);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->run.status, RunStatus::kRunning);
  EXPECT_TRUE(std::regex_match(d->run.started_utc, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
      << d->run.started_utc;
  EXPECT_FALSE(d->run.finished_utc.has_value());

  Measurement m = sample_measurement("int8", "fast", 4, 0.7);
  m.model_group = "";  // defaults to the run's group
  ASSERT_TRUE(store.add_measurement(run, m).ok());
  ASSERT_TRUE(store.finish_run(run, RunStatus::kComplete).ok());
  d = show_run(store, run);
  EXPECT_EQ(d->run.status, RunStatus::kComplete);
  ASSERT_TRUE(d->run.finished_utc.has_value());
  ASSERT_TRUE(d->run.duration_ms.has_value());
  EXPECT_GE(*d->run.duration_ms, 0.0);
  EXPECT_FALSE(d->run.error.has_value());
  EXPECT_EQ(d->measurements.at(0).measurement.model_group, "mobilenet_v2");

  Status again = store.finish_run(run, RunStatus::kFailed, "late");
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.message().find("already 'complete'"), std::string::npos) << again.message();
  Result<int64_t> late = store.add_measurement(run, sample_measurement("fp16", "fast", 4, 0.7));
  ASSERT_FALSE(late.ok());
  EXPECT_NE(late.status().message().find("not running"), std::string::npos) << late.status().message();
  Status missing = store.finish_run(run + 100, RunStatus::kComplete);
  EXPECT_NE(missing.message().find("no such run"), std::string::npos) << missing.message();
  EXPECT_FALSE(store.finish_run(run, RunStatus::kRunning).ok());
}

TEST(ResultsStore, FailedRunAndFailedVariantKeepTheirErrorText) {
  TempDir dir;
  ResultsStore store = open_or_fail(dir.file("results.db"));
  const int64_t run = *store.begin_run(sample_run_info());
  Measurement failed;
  failed.variant = "int4";
  failed.engine = "fast";
  failed.threads = 1;
  failed.model_path = "/srv/models/int4.tflite";
  failed.error = "node 3 (CONV_2D): int4 weights are not supported";
  ASSERT_TRUE(store.add_measurement(run, failed).ok());
  ASSERT_TRUE(store.finish_run(run, RunStatus::kFailed, "1 of 1 variants failed").ok());
  Result<RunDetails> d = show_run(store, run);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->run.status, RunStatus::kFailed);
  EXPECT_EQ(d->run.error, "1 of 1 variants failed");
  const Measurement& back = d->measurements.at(0).measurement;
  EXPECT_EQ(back.error, failed.error);
  EXPECT_FALSE(back.latency.has_value());
  EXPECT_FALSE(back.load_ms.has_value());
  EXPECT_FALSE(back.accuracy.has_value());
  EXPECT_TRUE(back.samples_ms.empty());
}

// A trigger on the last detail table aborts the transaction after the measurement row, its samples,
// accuracy and profile were inserted: none of them may remain.
TEST(ResultsStore, InjectedFailureMidMeasurementLeavesNoPartialRows) {
  TempDir dir;
  const std::string path = dir.file("results.db");
  ResultsStore store = open_or_fail(path);
  const int64_t run = *store.begin_run(sample_run_info());
  ASSERT_TRUE(store.add_measurement(run, sample_measurement("fp32", "ref", 1, 0.71, true)).ok());
  RawDb raw(path);
  std::map<std::string, long long> before;
  for (const std::string& t : measurement_tables()) before[t] = raw.count(t);
  raw.exec("CREATE TRIGGER inject BEFORE INSERT ON device_samples BEGIN SELECT RAISE(ABORT, 'injected failure'); END");

  Result<int64_t> r = store.add_measurement(run, sample_measurement("int8", "fast", 4, 0.7));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("injected failure"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find(path), std::string::npos);
  EXPECT_NE(r.status().message().find("'int8' (fast, 4 threads)"), std::string::npos);
  for (const std::string& t : measurement_tables()) EXPECT_EQ(raw.count(t), before[t]) << t;
  EXPECT_FALSE(store.db().in_transaction());

  // The store stays usable once the cause is gone.
  raw.exec("DROP TRIGGER inject");
  ASSERT_TRUE(store.add_measurement(run, sample_measurement("int8", "fast", 4, 0.7)).ok());
  EXPECT_EQ(raw.count("measurements"), before["measurements"] + 1);
}

TEST(ResultsStore, ConstraintViolationMidMeasurementRollsBack) {
  TempDir dir;
  const std::string path = dir.file("results.db");
  ResultsStore store = open_or_fail(path);
  const int64_t run = *store.begin_run(sample_run_info());
  Measurement m = sample_measurement("int8", "fast", 4, 0.7);
  m.op_profile.push_back({1, "ADD", 1.0});  // node 1 twice
  Result<int64_t> r = store.add_measurement(run, m);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("op_profile"), std::string::npos) << r.status().message();
  RawDb raw(path);
  for (const std::string& t : measurement_tables()) EXPECT_EQ(raw.count(t), 0) << t;
}

TEST(ResultsStore, InvalidMeasurementsAreRefusedBeforeWriting) {
  TempDir dir;
  const std::string path = dir.file("results.db");
  ResultsStore store = open_or_fail(path);
  const int64_t run = *store.begin_run(sample_run_info());
  Measurement no_threads = sample_measurement("int8", "fast", 0, 0.7);
  Measurement nan_sample = sample_measurement("int8", "fast", 1, 0.7);
  nan_sample.samples_ms[3] = std::nan("");
  Measurement bad_top1 = sample_measurement("int8", "fast", 1, 1.5);
  Measurement no_variant = sample_measurement("", "fast", 1, 0.7);
  for (const Measurement* m : {&no_threads, &nan_sample, &bad_top1, &no_variant}) {
    Result<int64_t> r = store.add_measurement(run, *m);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find(path), std::string::npos) << r.status().message();
  }
  EXPECT_NE(store.add_measurement(run, nan_sample).status().message().find("sample 3"), std::string::npos);
  EXPECT_FALSE(store.add_measurement(run + 1, sample_measurement("int8", "fast", 1, 0.7)).ok());  // no such run
  EXPECT_EQ(RawDb(path).count("measurements"), 0);
}

TEST(ResultsStore, NanFigureIsStoredAsNull) {
  TempDir dir;
  const std::string path = dir.file("results.db");
  ResultsStore store = open_or_fail(path);
  const int64_t run = *store.begin_run(sample_run_info());
  Measurement m = sample_measurement("fp16", "fast", 1, 0.7);
  m.drift->mse = std::nan("");  // outputs with NaN in them
  const int64_t id = *store.add_measurement(run, m);
  EXPECT_EQ(RawDb(path).text("SELECT typeof(mse) FROM measurements WHERE id = " + std::to_string(id)), "null");
  const Measurement back = show_run(store, run)->measurements.at(0).measurement;
  ASSERT_TRUE(back.drift.has_value());
  EXPECT_TRUE(std::isnan(back.drift->mse));
  EXPECT_EQ(back.drift->mae, m.drift->mae);
}

// A tiny page limit makes SQLite fail with SQLITE_FULL exactly as a full disk does.
TEST(ResultsStore, FullDatabaseIsAClearErrorAndKeepsEarlierMeasurements) {
  TempDir dir;
  const std::string path = dir.file("results.db");
  const Measurement first = sample_measurement("fp32", "ref", 1, 0.71, true);
  ResultsStore writer = open_or_fail(path);  // keeps the run alive (and 'running') throughout
  const int64_t run = *writer.begin_run(sample_run_info());
  ASSERT_TRUE(writer.add_measurement(run, first).ok());
  const long long pages = RawDb(path).integer("PRAGMA page_count");
  ASSERT_GT(pages, 0);
  OpenOptions tiny;
  tiny.max_page_count = pages + 2;
  {
    ResultsStore store = open_or_fail(path, tiny);
    Measurement big = sample_measurement("int8", "fast", 4, 0.7, false, 50000);  // ~100 pages of samples
    Result<int64_t> r = store.add_measurement(run, big);
    ASSERT_FALSE(r.ok());
    const std::string& msg = r.status().message();
    EXPECT_NE(msg.find(path), std::string::npos) << msg;
    EXPECT_NE(msg.find("SQLITE_FULL"), std::string::npos) << msg;
    EXPECT_NE(msg.find("full"), std::string::npos) << msg;
    EXPECT_FALSE(store.db().in_transaction());
  }
  RawDb raw(path);
  EXPECT_EQ(raw.text("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(raw.count("measurements"), 1);
  EXPECT_EQ(raw.count("latency_samples"), static_cast<long long>(first.samples_ms.size()));
  Result<RunDetails> d = show_run(writer, run);
  ASSERT_TRUE(d.ok());
  ASSERT_EQ(d->measurements.size(), 1u);
  EXPECT_TRUE(d->measurements[0].measurement == first);
  // Without the limit there is room again.
  EXPECT_TRUE(writer.add_measurement(run, sample_measurement("int8", "fast", 4, 0.7, false, 50000)).ok());
}

TEST(ResultsStore, ClosingAStoreInterruptsItsUnfinishedRuns) {
  TempDir dir;
  const std::string path = dir.file("results.db");
  int64_t finished = 0, unfinished = 0;
  {
    ResultsStore store = open_or_fail(path);
    finished = *store.begin_run(sample_run_info());
    unfinished = *store.begin_run(sample_run_info());
    ASSERT_TRUE(store.finish_run(finished, RunStatus::kComplete).ok());
  }
  RawDb raw(path);
  EXPECT_EQ(raw.text("SELECT status FROM runs WHERE id = " + std::to_string(finished)), "complete");
  EXPECT_EQ(raw.text("SELECT status FROM runs WHERE id = " + std::to_string(unfinished)), "interrupted");
  EXPECT_NE(raw.text("SELECT error FROM runs WHERE id = " + std::to_string(unfinished)).find("closed"),
            std::string::npos);
}

std::string run_status(const std::string& path, int64_t run) {
  return RawDb(path).text("SELECT status FROM runs WHERE id = " + std::to_string(run));
}

// A child process begins a run and dies without finishing it (no destructors: a crash).
TEST(ResultsStore, RunOfADeadWriterBecomesInterruptedOnNextOpen) {
  TempDir dir;
  const std::string path = dir.file("results.db");
  { ResultsStore init = open_or_fail(path); }  // no connection is open across fork()
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    Result<ResultsStore> store = ResultsStore::open(path);
    if (!store.ok()) _exit(2);
    Result<int64_t> run = store->begin_run(sample_run_info());
    if (!run.ok() || !store->add_measurement(*run, sample_measurement("int8", "fast", 1, 0.7)).ok()) _exit(3);
    _exit(0);
  }
  // Wait for the exit but leave the child unreaped: a zombie is gone too.
  siginfo_t info{};
  ASSERT_EQ(waitid(P_PID, static_cast<id_t>(child), &info, WEXITED | WNOWAIT), 0);
  ASSERT_EQ(info.si_code, CLD_EXITED);
  ASSERT_EQ(info.si_status, 0);
  EXPECT_EQ(RawDb(path).text("SELECT status FROM runs"), "running");

  ResultsStore store = open_or_fail(path);
  ASSERT_EQ(waitpid(child, nullptr, 0), child);
  Result<std::vector<RunSummary>> runs = list_runs(store);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ(runs->at(0).run.status, RunStatus::kInterrupted);
  EXPECT_EQ(runs->at(0).run.writer.pid, static_cast<int64_t>(child));
  ASSERT_TRUE(runs->at(0).run.error.has_value());
  EXPECT_NE(runs->at(0).run.error->find(std::to_string(child)), std::string::npos) << *runs->at(0).run.error;
  EXPECT_EQ(runs->at(0).measurement_count, 1);  // its completed measurement is kept
  EXPECT_EQ(*store.mark_stale_runs_interrupted(), 0);
}

// The daemon (child) is mid-run while `query` (parent) opens the database: the live run stays running.
TEST(ResultsStore, RunOfALiveWriterInAnotherProcessIsNotMarked) {
  TempDir dir;
  const std::string path = dir.file("results.db");
  { ResultsStore init = open_or_fail(path); }
  int to_parent[2], to_child[2];
  ASSERT_EQ(pipe(to_parent), 0);
  ASSERT_EQ(pipe(to_child), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(to_parent[0]);
    close(to_child[1]);
    Result<ResultsStore> store = ResultsStore::open(path);
    int64_t run = -1;
    if (store.ok()) {
      Result<int64_t> r = store->begin_run(sample_run_info());
      if (r.ok()) run = *r;
    }
    if (write(to_parent[1], &run, sizeof run) != sizeof run) _exit(4);
    char c;
    while (read(to_child[0], &c, 1) > 0) {
    }  // until the parent closes its end
    _exit(0);  // dies without finishing the run
  }
  close(to_parent[1]);
  close(to_child[0]);
  int64_t run = -1;
  ASSERT_EQ(read(to_parent[0], &run, sizeof run), static_cast<ssize_t>(sizeof run));
  ASSERT_GT(run, 0);
  {
    ResultsStore store = open_or_fail(path);  // marks stale runs on open
    EXPECT_EQ(*store.mark_stale_runs_interrupted(), 0);
    EXPECT_EQ(run_status(path, run), "running");
  }
  close(to_child[1]);
  int wstatus = 0;
  ASSERT_EQ(waitpid(child, &wstatus, 0), child);
  close(to_parent[0]);
  { ResultsStore store = open_or_fail(path); }
  EXPECT_EQ(run_status(path, run), "interrupted");
}

TEST(ResultsStore, LiveRunOfThisProcessIsNotMarked) {
  TempDir dir;
  const std::string path = dir.file("results.db");
  ResultsStore writer = open_or_fail(path);
  const int64_t run = *writer.begin_run(sample_run_info());
  ResultsStore second = open_or_fail(path);
  EXPECT_EQ(*second.mark_stale_runs_interrupted(), 0);
  EXPECT_EQ(run_status(path, run), "running");
  EXPECT_TRUE(writer.add_measurement(run, sample_measurement("int8", "fast", 1, 0.7)).ok());
  EXPECT_TRUE(writer.finish_run(run, RunStatus::kComplete).ok());
}

// The pid of a dead writer may have been reused, or the machine rebooted since: both mean "gone".
TEST(ResultsStore, ReusedPidOrRebootMeansTheWriterIsGone) {
  TempDir dir;
  const std::string path = dir.file("results.db");
  ResultsStore writer = open_or_fail(path);
  const int64_t reused = *writer.begin_run(sample_run_info());
  const int64_t rebooted = *writer.begin_run(sample_run_info());
  const int64_t live = *writer.begin_run(sample_run_info());
  const WriterIdentity me = current_writer_identity();
  ASSERT_FALSE(me.boot_id.empty());
  ASSERT_NE(me.start_ticks, 0);
  {
    RawDb raw(path);
    raw.exec("UPDATE runs SET writer_start_ticks = writer_start_ticks + 1 WHERE id = " + std::to_string(reused));
    raw.exec("UPDATE runs SET writer_boot_id = 'another-boot' WHERE id = " + std::to_string(rebooted));
  }
  EXPECT_TRUE(writer_is_alive(me));
  ResultsStore other = open_or_fail(path);
  EXPECT_EQ(run_status(path, reused), "interrupted");
  EXPECT_EQ(run_status(path, rebooted), "interrupted");
  EXPECT_EQ(run_status(path, live), "running");
}

TEST(ResultsStore, ReaderSeesCommittedDataWhileAWriterHoldsTheLock) {
  TempDir dir;
  const std::string path = dir.file("results.db");
  ResultsStore writer = open_or_fail(path);
  const int64_t run = *writer.begin_run(sample_run_info());
  ASSERT_TRUE(writer.db().exec("BEGIN IMMEDIATE").ok());
  ASSERT_TRUE(writer.db().exec("UPDATE runs SET config_text = 'uncommitted'").ok());

  OpenOptions read_only;
  read_only.read_only = true;
  ResultsStore reader = open_or_fail(path, read_only);
  Result<std::vector<RunSummary>> runs = list_runs(reader);
  ASSERT_TRUE(runs.ok()) << runs.status().message();
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_NE(runs->at(0).run.info.config_text, "uncommitted");

  // A second writer waits busy_timeout for the lock, then fails with a clear error.
  OpenOptions impatient;
  impatient.busy_timeout_ms = 50;
  impatient.mark_stale_runs = false;
  ResultsStore second = open_or_fail(path, impatient);
  Result<int64_t> blocked = second.begin_run(sample_run_info());
  ASSERT_FALSE(blocked.ok());
  EXPECT_NE(blocked.status().message().find("SQLITE_BUSY"), std::string::npos) << blocked.status().message();

  ASSERT_TRUE(writer.db().exec("COMMIT").ok());
  EXPECT_TRUE(second.begin_run(sample_run_info()).ok());
  EXPECT_EQ(show_run(reader, run)->run.info.config_text, "uncommitted");
}

class EnvVar {
 public:
  explicit EnvVar(const char* name) : name_(name) {
    const char* v = std::getenv(name);
    if (v != nullptr) saved_ = v;
  }
  ~EnvVar() {
    if (saved_) setenv(name_, saved_->c_str(), 1);
    else unsetenv(name_);
  }
  EnvVar(const EnvVar&) = delete;
  EnvVar& operator=(const EnvVar&) = delete;

 private:
  const char* name_;
  std::optional<std::string> saved_;
};

TEST(StorePaths, DefaultPathFollowsXdgAndCreatesDirectories) {
  TempDir dir;
  EnvVar xdg("XDG_DATA_HOME"), home("HOME");
  setenv("XDG_DATA_HOME", dir.file("xdg").c_str(), 1);
  Result<std::string> path = default_results_db_path(false);
  ASSERT_TRUE(path.ok()) << path.status().message();
  EXPECT_EQ(*path, dir.file("xdg/edgebench/results.db"));
  EXPECT_TRUE(std::filesystem::is_directory(dir.file("xdg/edgebench")));
  EXPECT_FALSE(std::filesystem::exists(*path));  // only the directories

  setenv("HOME", dir.file("home").c_str(), 1);
  setenv("XDG_DATA_HOME", "relative/dir", 1);  // ignored, as the XDG spec says
  path = default_results_db_path(false);
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(*path, dir.file("home/.local/share/edgebench/results.db"));
  EXPECT_TRUE(std::filesystem::is_directory(dir.file("home/.local/share/edgebench")));
  unsetenv("XDG_DATA_HOME");
  EXPECT_EQ(*results_db_location(false), dir.file("home/.local/share/edgebench/results.db"));

  EXPECT_EQ(*results_db_location(true), "/var/lib/edgebench/results.db");
}

TEST(StorePaths, UncreatableDefaultDirectoryIsAClearError) {
  TempDir dir;
  EnvVar xdg("XDG_DATA_HOME");
  std::ofstream(dir.file("file")) << "x";
  setenv("XDG_DATA_HOME", dir.file("file").c_str(), 1);
  Result<std::string> path = default_results_db_path(false);
  ASSERT_FALSE(path.ok());
  EXPECT_NE(path.status().message().find(dir.file("file/edgebench")), std::string::npos) << path.status().message();
}

}  // namespace
}  // namespace eb::store
