// The database file itself: migrations, pragmas, refusal of files that are not ours, integrity.
#include <fstream>

#include "daemon/store/schema.h"
#include "store_test_support.h"

namespace eb::store {
namespace {

using testing::open_or_fail;
using testing::RawDb;
using testing::sample_measurement;
using testing::sample_run_info;
using testing::TempDir;

TEST(StoreSchema, MigratesAnEmptyDatabaseToTheLatestVersion) {
  TempDir dir;
  const std::string path = dir.file("nested/dirs/results.db");  // parent directories are created
  {
    ResultsStore store = open_or_fail(path);
    Result<int> version = store.schema_version();
    ASSERT_TRUE(version.ok()) << version.status().message();
    EXPECT_EQ(*version, latest_schema_version());
    EXPECT_GE(latest_schema_version(), 1);
  }
  RawDb raw(path);
  EXPECT_EQ(raw.integer("PRAGMA user_version"), latest_schema_version());
  EXPECT_EQ(raw.integer("PRAGMA application_id"), kResultsApplicationId);
  for (const char* table : {"runs", "measurements", "latency_samples", "class_accuracy", "confusion_counts",
                            "op_profile", "device_samples"})
    EXPECT_EQ(raw.integer(std::string("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '") +
                          table + "'"),
              1)
        << table;
}

TEST(StoreSchema, ReopeningIsIdempotentAndKeepsData) {
  TempDir dir;
  const std::string path = dir.file("results.db");
  int64_t run_id = 0;
  {
    ResultsStore store = open_or_fail(path);
    Result<int64_t> run = store.begin_run(sample_run_info());
    ASSERT_TRUE(run.ok()) << run.status().message();
    run_id = *run;
    ASSERT_TRUE(store.add_measurement(run_id, sample_measurement("int8", "fast", 4, 0.7)).ok());
    ASSERT_TRUE(store.finish_run(run_id, RunStatus::kComplete).ok());
  }
  for (int i = 0; i < 3; ++i) {
    ResultsStore store = open_or_fail(path);
    EXPECT_EQ(*store.schema_version(), latest_schema_version());
  }
  RawDb raw(path);
  EXPECT_EQ(raw.count("runs"), 1);
  EXPECT_EQ(raw.count("measurements"), 1);
  EXPECT_EQ(raw.text("SELECT status FROM runs WHERE id = " + std::to_string(run_id)), "complete");
}

TEST(StoreSchema, UsesWalForeignKeysAndBusyTimeout) {
  TempDir dir;
  const std::string path = dir.file("results.db");
  OpenOptions options;
  options.busy_timeout_ms = 1234;
  ResultsStore store = open_or_fail(path, options);
  EXPECT_EQ(*store.db().query_text("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(*store.db().query_int("PRAGMA foreign_keys"), 1);
  EXPECT_EQ(*store.db().query_int("PRAGMA busy_timeout"), 1234);
  // WAL is a property of the file: any other connection sees it.
  RawDb raw(path);
  EXPECT_EQ(raw.text("PRAGMA journal_mode"), "wal");
  // Foreign keys are enforced on the store's connection: a measurement of a missing run is refused.
  Status orphan = store.db().exec(
      "INSERT INTO measurements (run_id, started_utc, model_group, variant, model_path, is_reference, engine, "
      "threads) VALUES (999, 'x', 'g', 'v', 'p', 0, 'ref', 1)");
  EXPECT_FALSE(orphan.ok());
  EXPECT_NE(orphan.message().find("FOREIGN KEY"), std::string::npos) << orphan.message();
}

// The migration machinery with a made-up next migration: only pending migrations run, exactly once.
TEST(StoreSchema, AppliesOnlyPendingMigrations) {
  TempDir dir;
  const std::string path = dir.file("results.db");
  ResultsStore store = open_or_fail(path);
  const int latest = latest_schema_version();
  ASSERT_EQ(*store.schema_version(), latest);
  std::vector<Migration> next(schema_migrations().begin(), schema_migrations().end());
  next.push_back({latest + 1, "runs: add a note", "ALTER TABLE runs ADD COLUMN note TEXT;"});
  Status s = migrate(store.db(), next);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(*store.schema_version(), latest + 1);
  EXPECT_EQ(*store.db().query_int("SELECT count(*) FROM pragma_table_info('runs') WHERE name = 'note'"), 1);
  // Again: "duplicate column" if any migration ran twice.
  s = migrate(store.db(), next);
  EXPECT_TRUE(s.ok()) << s.message();
  // This build (which knows only up to `latest`) refuses the newer database.
  Result<ResultsStore> old_build = ResultsStore::open(path);
  ASSERT_FALSE(old_build.ok());
  EXPECT_NE(old_build.status().message().find("newer"), std::string::npos) << old_build.status().message();
  EXPECT_NE(old_build.status().message().find(path), std::string::npos);
}

TEST(StoreSchema, FailedMigrationLeavesThePreviousVersionIntact) {
  TempDir dir;
  const std::string path = dir.file("results.db");
  ResultsStore store = open_or_fail(path);
  const int latest = latest_schema_version();
  std::vector<Migration> next(schema_migrations().begin(), schema_migrations().end());
  next.push_back({latest + 1, "broken", "CREATE TABLE half_done (a); INSERT INTO no_such_table VALUES (1);"});
  Status s = migrate(store.db(), next);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find(strfmt("migration %d", latest + 1)), std::string::npos) << s.message();
  EXPECT_EQ(*store.schema_version(), latest);
  EXPECT_EQ(*store.db().query_int("SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'"), 0);
}

TEST(StoreSchema, RefusesAnotherApplicationsDatabase) {
  TempDir dir;
  const std::string path = dir.file("other.db");
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE contacts (name TEXT)", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  Result<ResultsStore> store = ResultsStore::open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("another application"), std::string::npos) << store.status().message();
  RawDb raw(path);
  EXPECT_EQ(raw.integer("SELECT count(*) FROM sqlite_schema WHERE name = 'runs'"), 0);
  EXPECT_EQ(raw.integer("PRAGMA user_version"), 0);
}

TEST(StoreSchema, NotADatabaseFileIsAClearError) {
  TempDir dir;
  const std::string path = dir.file("results.db");
  std::ofstream(path) << "this is a text file, not a database, and it is long enough to have a header....";
  Result<ResultsStore> store = ResultsStore::open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find(path), std::string::npos) << store.status().message();
  EXPECT_NE(store.status().message().find("not a database"), std::string::npos) << store.status().message();
}

TEST(StoreSchema, ReadOnlyOpenOfAMissingFileCreatesNothing) {
  TempDir dir;
  const std::string path = dir.file("missing.db");
  OpenOptions options;
  options.read_only = true;
  Result<ResultsStore> store = ResultsStore::open(path, options);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find(path), std::string::npos) << store.status().message();
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(StoreSchema, ReadOnlyStoreRefusesWrites) {
  TempDir dir;
  const std::string path = dir.file("results.db");
  { ResultsStore writer = open_or_fail(path); }
  OpenOptions options;
  options.read_only = true;
  ResultsStore reader = open_or_fail(path, options);
  Result<int64_t> run = reader.begin_run(sample_run_info());
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.status().message().find("read-only"), std::string::npos) << run.status().message();
  EXPECT_EQ(RawDb(path).count("runs"), 0);
}

TEST(StoreSchema, UncreatableDirectoryNamesThePath) {
  TempDir dir;
  std::ofstream(dir.file("a_file")) << "x";
  const std::string path = dir.file("a_file/sub/results.db");  // a parent is a regular file
  Result<ResultsStore> store = ResultsStore::open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find(path), std::string::npos) << store.status().message();
  EXPECT_NE(store.status().message().find("cannot create directory"), std::string::npos);
}

TEST(StoreSchema, IntegrityCheckPassesAfterWritesAndFailures) {
  TempDir dir;
  const std::string path = dir.file("results.db");
  {
    ResultsStore store = open_or_fail(path);
    const int64_t run = *store.begin_run(sample_run_info());
    ASSERT_TRUE(store.add_measurement(run, sample_measurement("fp32", "ref", 1, 0.71, true)).ok());
    Measurement bad = sample_measurement("int8", "fast", 4, 0.7);
    bad.op_profile.push_back(bad.op_profile.front());  // duplicate node: fails mid-transaction
    ASSERT_FALSE(store.add_measurement(run, bad).ok());
    ASSERT_TRUE(store.add_measurement(run, sample_measurement("int8", "fast", 4, 0.7)).ok());
    ASSERT_TRUE(store.finish_run(run, RunStatus::kComplete).ok());
  }
  RawDb raw(path);
  EXPECT_EQ(raw.text("PRAGMA integrity_check"), "ok");
  EXPECT_EQ(raw.text("PRAGMA foreign_key_check"), "");  // no rows: no dangling references
  EXPECT_EQ(raw.count("measurements"), 2);
}

}  // namespace
}  // namespace eb::store
