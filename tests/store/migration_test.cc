// Databases written by an earlier edgebench, opened by this one: every migration keeps the rows already
// stored, and the columns it adds read back NULL in them ("not measured"), never 0.
#include "daemon/store/queries.h"
#include "daemon/store/schema.h"
#include "store_test_support.h"

namespace eb::store {
namespace {

using testing::open_or_fail;
using testing::RawDb;
using testing::sample_measurement;
using testing::sample_run_info;
using testing::TempDir;

// The columns migration 2 adds to measurements (the worker's figures, issue 16).
const std::vector<std::string> kVersion2Columns = {
    "model_memory_bytes", "baseline_rss_bytes", "load_rss_bytes", "first_rss_bytes", "scratch_bytes",
    "minor_faults",       "major_faults",       "cpu_affinity",   "cpu",             "cpu_freq_mhz"};
// Added by migration 3 (detection accuracy); NULL in older rows like the others.
const std::vector<std::string> kVersion3Columns = {
    "det_images",   "map50",           "map50_95",     "det_precision", "det_recall",
    "map50_vs_ref", "map50_95_vs_ref", "boxes_gained", "boxes_lost",    "reference_boxes"};

constexpr int64_t kMiB = 1 << 20;

// A database as edgebench wrote it at schema version 1: migration 1's own SQL, then one complete run with
// one measurement inserted with the columns version 1 had (memory of the whole edgebench process: its
// peak and the increase over its baseline).
void write_version1_database(const std::string& path) {
  Result<SqliteDb> db = SqliteDb::open(path, SqliteDb::Mode::kReadWriteCreate);
  ASSERT_TRUE(db.ok()) << db.status().message();
  Status s = migrate(*db, schema_migrations().first(1));
  ASSERT_TRUE(s.ok()) << s.message();
  s = db->exec(R"sql(
    INSERT INTO runs (id, status, started_utc, finished_utc, model_group, edgebench_version, git_hash,
                      device_name, hostname, writer_pid)
    VALUES (1, 'complete', '2024-05-01T10:00:00.000Z', '2024-05-01T10:01:00.000Z', 'fmnist-cnn', '0.1.0',
            'ae0e917', 'pi5-lab', 'raspberrypi', 4242);
    INSERT INTO measurements (id, run_id, started_utc, model_group, variant, model_path, file_size_bytes,
                              is_reference, engine, isa, threads, load_ms, first_ms, latency_p50_ms,
                              latency_p90_ms, latency_p99_ms, peak_rss_bytes, rss_increase_bytes, arena_bytes,
                              num_images, top1)
    VALUES (1, 1, '2024-05-01T10:00:01.000Z', 'fmnist-cnn', 'int8', '/models/int8.tflite', 235200, 0, 'auto',
            'avx512', 1, 1.5, 0.4, 0.14, 0.16, 4.18, 83886080, 13946060, 65536, 10000, 0.9059);
    INSERT INTO latency_samples VALUES (1, 0, 0.14), (1, 1, 0.15);
  )sql");
  ASSERT_TRUE(s.ok()) << s.message();
}

TEST(StoreMigration, Version1DatabaseMigratesKeepingItsRowsWithNullNewFigures) {
  TempDir dir;
  const std::string path = dir.file("results.db");
  write_version1_database(path);
  if (::testing::Test::HasFatalFailure()) return;
  const long long v1_columns = RawDb(path).integer("SELECT count(*) FROM pragma_table_info('measurements')");
  ASSERT_EQ(RawDb(path).integer("PRAGMA user_version"), 1);

  // A reader cannot migrate (it never writes): it says how to get there.
  OpenOptions read_only;
  read_only.read_only = true;
  Result<ResultsStore> reader = ResultsStore::open(path, read_only);
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.status().message().find("schema version 1 is older"), std::string::npos)
      << reader.status().message();

  { ResultsStore writer = open_or_fail(path); }  // what `edgebench run` or the daemon does first
  RawDb raw(path);
  EXPECT_EQ(raw.integer("PRAGMA user_version"), latest_schema_version());
  EXPECT_GE(latest_schema_version(), 2);
  // Exactly the new columns were added, each NULL (not 0) in the row written before them.
  EXPECT_EQ(raw.integer("SELECT count(*) FROM pragma_table_info('measurements')"),
            v1_columns + static_cast<long long>(kVersion2Columns.size() + kVersion3Columns.size()));
  std::vector<std::string> added = kVersion2Columns;
  added.insert(added.end(), kVersion3Columns.begin(), kVersion3Columns.end());
  for (const std::string& column : added) {
    EXPECT_EQ(raw.integer("SELECT count(*) FROM pragma_table_info('measurements') WHERE name = '" + column + "'"), 1)
        << column;
    EXPECT_EQ(raw.text("SELECT typeof(" + column + ") FROM measurements WHERE id = 1"), "null") << column;
  }
  EXPECT_EQ(raw.text("PRAGMA integrity_check"), "ok");

  // The old row reads back with its version-1 figures intact and the new ones absent.
  ResultsStore store = open_or_fail(path, read_only);
  Result<RunDetails> details = show_run(store, 1);
  ASSERT_TRUE(details.ok()) << details.status().message();
  ASSERT_EQ(details->measurements.size(), 1u);
  const Measurement& old = details->measurements[0].measurement;
  EXPECT_EQ(old.peak_rss_bytes, 80 * kMiB);
  EXPECT_EQ(old.rss_increase_bytes, 13946060);
  EXPECT_EQ(old.arena_bytes, 65536);
  EXPECT_EQ(old.samples_ms, (std::vector<double>{0.14, 0.15}));
  EXPECT_FALSE(old.model_memory_bytes.has_value());
  EXPECT_FALSE(old.baseline_rss_bytes.has_value());
  EXPECT_FALSE(old.load_rss_bytes.has_value());
  EXPECT_FALSE(old.first_rss_bytes.has_value());
  EXPECT_FALSE(old.scratch_bytes.has_value());
  EXPECT_FALSE(old.minor_faults.has_value());
  EXPECT_FALSE(old.major_faults.has_value());
  EXPECT_FALSE(old.cpu_affinity.has_value());
  EXPECT_FALSE(old.cpu.has_value());
  EXPECT_FALSE(old.cpu_freq_mhz.has_value());
  Result<std::vector<CompareRow>> rows = compare(store);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->at(0).peak_rss_bytes, 80 * kMiB);
  EXPECT_FALSE(rows->at(0).model_memory_bytes.has_value());
}

TEST(StoreMigration, MigratedDatabaseStoresTheNewFiguresBesideTheOldRows) {
  TempDir dir;
  const std::string path = dir.file("results.db");
  write_version1_database(path);
  if (::testing::Test::HasFatalFailure()) return;
  Measurement m = sample_measurement("int8", "auto", 1, 0.9061);
  m.model_group = "fmnist-cnn";  // the old row's key: compare shows the newer of the two
  Measurement failed;            // a variant that never loaded: no figures at all
  failed.variant = "broken";
  failed.engine = "auto";
  failed.error = "cannot load broken.tflite: truncated";
  int64_t run = 0, failed_id = 0;
  {
    ResultsStore writer = open_or_fail(path);
    run = *writer.begin_run(sample_run_info("fmnist-cnn"));
    ASSERT_TRUE(writer.add_measurement(run, m).ok());
    failed_id = *writer.add_measurement(run, failed);
    ASSERT_TRUE(writer.finish_run(run, RunStatus::kComplete).ok());
  }
  RawDb raw(path);
  for (const std::string& column : kVersion2Columns)
    EXPECT_EQ(raw.text("SELECT typeof(" + column + ") FROM measurements WHERE id = " + std::to_string(failed_id)),
              "null")
        << column;
  OpenOptions read_only;
  read_only.read_only = true;
  ResultsStore store = open_or_fail(path, read_only);
  Result<RunDetails> details = show_run(store, run);
  ASSERT_TRUE(details.ok()) << details.status().message();
  ASSERT_EQ(details->measurements.size(), 2u);
  EXPECT_TRUE(details->measurements[0].measurement == m);
  // compare: the newest row of the key (the new one) carries both memory figures.
  Result<std::vector<CompareRow>> rows = compare(store);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->at(0).measurement_id, details->measurements[0].id);
  EXPECT_EQ(rows->at(0).peak_rss_bytes, m.peak_rss_bytes);
  EXPECT_EQ(rows->at(0).model_memory_bytes, m.model_memory_bytes);
  // Both runs, side by side: the old one still without a model figure.
  CompareSelection both;
  both.run_ids = {1, run};
  rows = compare(store, both);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ASSERT_EQ(rows->size(), 2u);
  for (const CompareRow& r : *rows)
    EXPECT_EQ(r.model_memory_bytes.has_value(), r.run_id == run) << r.run_id;
}

}  // namespace
}  // namespace eb::store
