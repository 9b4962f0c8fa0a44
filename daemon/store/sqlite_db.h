// Thin RAII layer over the SQLite C API: a connection, prepared statements with named parameters,
// and an IMMEDIATE transaction that rolls back unless committed. SQLite is C and never throws; every
// failure comes back as an eb::Status carrying SQLite's own message plus a hint for the common causes
// (full disk, read-only file, lock held too long, not a database).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "kernels/common/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace eb::store {

// "<sqlite message> [SQLITE_FULL: <hint>]" for a result code (primary or extended) and connection.
std::string describe_sqlite_error(sqlite3* db, int rc);

class SqliteDb {
 public:
  // kReadOnlyImmutable: read-only and assuming no other process changes the file (SQLite's immutable
  // URI parameter): for a WAL database nobody holds open in a directory we cannot write.
  enum class Mode { kReadWriteCreate, kReadWrite, kReadOnly, kReadOnlyImmutable };

  // Opens `path`. The Status of a failure names the path and the reason.
  static Result<SqliteDb> open(const std::string& path, Mode mode);

  SqliteDb(SqliteDb&& other) noexcept;
  SqliteDb& operator=(SqliteDb&& other) noexcept;
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;
  ~SqliteDb();

  sqlite3* raw() const { return db_; }
  const std::string& path() const { return path_; }

  // Runs SQL text (one or more statements) that returns no rows of interest.
  Status exec(const char* sql) const;
  // The first column of the first row of `sql` (e.g. a PRAGMA), as an integer / text.
  Result<int64_t> query_int(const char* sql) const;
  Result<std::string> query_text(const char* sql) const;

  // The Status for a failed call on this connection: "<message> [CODE: hint]".
  Status error(int rc) const;
  int64_t last_insert_rowid() const;
  int64_t changes() const;
  bool in_transaction() const;

 private:
  SqliteDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  void close();
  sqlite3* db_ = nullptr;
  std::string path_;
};

// A prepared statement. Binds are by parameter name (":variant"); the first bind failure is kept and
// reported by the next step()/run(). Column reads are by result-column name.
class Statement {
 public:
  static Result<Statement> prepare(const SqliteDb& db, const char* sql);

  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& bind_int(const char* name, int64_t value);
  Statement& bind_double(const char* name, double value);
  // Text is bound as stored_text() makes it (daemon/store/stored_text.h): valid UTF-8, control
  // characters escaped; bind_text for names and messages (one line), bind_multiline_text for a
  // configuration's text.
  Statement& bind_text(const char* name, std::string_view value);
  Statement& bind_multiline_text(const char* name, std::string_view value);
  Statement& bind_null(const char* name);
  Statement& bind_bool(const char* name, bool value) { return bind_int(name, value ? 1 : 0); }
  Statement& bind_opt_int(const char* name, const std::optional<int64_t>& value);
  Statement& bind_opt_double(const char* name, const std::optional<double>& value);
  Statement& bind_opt_text(const char* name, const std::optional<std::string>& value);
  Statement& bind_opt_bool(const char* name, const std::optional<bool>& value);

  // Advances: true when a row is available, false when done.
  Result<bool> step();
  // Steps to completion (INSERT/UPDATE/DELETE).
  Status run();
  // Makes the statement reusable with fresh bindings.
  void reset();

  bool is_null(const char* column) const;
  int64_t col_int(const char* column) const;
  double col_double(const char* column) const;
  std::string col_text(const char* column) const;
  bool col_bool(const char* column) const { return col_int(column) != 0; }
  std::optional<int64_t> col_opt_int(const char* column) const;
  std::optional<double> col_opt_double(const char* column) const;
  std::optional<std::string> col_opt_text(const char* column) const;
  std::optional<bool> col_opt_bool(const char* column) const;
  // By position, for hot loops over narrow rows.
  int64_t col_int(int index) const;
  double col_double(int index) const;
  std::string col_text(int index) const;

 private:
  Statement(const SqliteDb* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  int param(const char* name);
  int column(const char* name) const;
  void note_bind(int rc, const char* name);
  const SqliteDb* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  std::string bind_error_;
};

// BEGIN IMMEDIATE (takes the write lock up front, so a busy database waits in busy_timeout instead of
// failing half-way); rolls back on destruction unless commit() succeeded.
class Transaction {
 public:
  static Result<Transaction> begin(const SqliteDb& db);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  Status commit();

 private:
  explicit Transaction(const SqliteDb* db) : db_(db) {}
  const SqliteDb* db_ = nullptr;  // null once committed or rolled back
};

}  // namespace eb::store
