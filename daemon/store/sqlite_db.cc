#include "daemon/store/sqlite_db.h"

#include <sqlite3.h>

#include <cstring>

#include <sys/stat.h>

#include "daemon/store/stored_text.h"

namespace eb::store {
namespace {

struct CodeInfo {
  int code;
  const char* name;
  const char* hint;  // may be null
};

// Primary result codes worth naming, with what a user can do about them.
constexpr CodeInfo kCodes[] = {
    {SQLITE_FULL, "SQLITE_FULL", "the disk or the database size limit is full; results committed earlier are intact"},
    {SQLITE_CANTOPEN, "SQLITE_CANTOPEN", "check that the directory exists and is writable"},
    {SQLITE_READONLY, "SQLITE_READONLY", "the database file or its directory is read-only"},
    {SQLITE_BUSY, "SQLITE_BUSY", "another process held the database lock longer than the busy timeout"},
    {SQLITE_LOCKED, "SQLITE_LOCKED", "the database is locked by another connection"},
    {SQLITE_NOTADB, "SQLITE_NOTADB", "the file is not an SQLite database"},
    {SQLITE_CORRUPT, "SQLITE_CORRUPT", "the database file is damaged; keep a copy and run PRAGMA integrity_check"},
    {SQLITE_IOERR, "SQLITE_IOERR", "an I/O error: failing storage or a full disk"},
    {SQLITE_PERM, "SQLITE_PERM", "permission denied"},
    {SQLITE_NOMEM, "SQLITE_NOMEM", "out of memory"},
    {SQLITE_CONSTRAINT, "SQLITE_CONSTRAINT", nullptr},
    {SQLITE_ERROR, "SQLITE_ERROR", nullptr},
    {SQLITE_MISUSE, "SQLITE_MISUSE", nullptr},
    {SQLITE_RANGE, "SQLITE_RANGE", nullptr},
};

}  // namespace

std::string describe_sqlite_error(sqlite3* db, int rc) {
  const int primary = rc & 0xff;
  std::string message = (db != nullptr && sqlite3_errcode(db) == rc) ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  for (const CodeInfo& info : kCodes) {
    if (info.code != primary) continue;
    message += " (";
    message += info.name;
    if (info.hint != nullptr) {
      message += ": ";
      message += info.hint;
    }
    message += ")";
    return message;
  }
  return message + strfmt(" (SQLite code %d)", rc);
}

// ---- SqliteDb ----

Result<SqliteDb> SqliteDb::open(const std::string& path, Mode mode) {
  // Only a regular file (or a name not yet taken) is a database: SQLite on a directory reports "disk I/O
  // error", and opening a FIFO would block until someone writes to it.
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    return eb::error("results database '%s' is %s, not a database file", path.c_str(),
                 S_ISDIR(st.st_mode) ? "a directory" : S_ISFIFO(st.st_mode) ? "a FIFO" : "not a regular file");
  int flags = 0;
  switch (mode) {
    case Mode::kReadWriteCreate:
      flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
      break;
    case Mode::kReadWrite:
      flags = SQLITE_OPEN_READWRITE;
      break;
    case Mode::kReadOnly:
      flags = SQLITE_OPEN_READONLY;
      break;
    case Mode::kReadOnlyImmutable:
      flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI;
      break;
  }
  std::string name = path;
  if (mode == Mode::kReadOnlyImmutable) {
    // A file: URI; '%', '?' and '#' in the path must be escaped there.
    name = "file:";
    for (char c : path) {
      if (c == '%' || c == '?' || c == '#')
        name += strfmt("%%%02X", static_cast<unsigned char>(c));
      else
        name += c;
    }
    name += "?immutable=1";
  }
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(name.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string why = describe_sqlite_error(db, rc);
    sqlite3_close(db);  // a handle is returned even on failure (null is fine too)
    return eb::error("cannot open results database '%s': %s", path.c_str(), why.c_str());
  }
  sqlite3_extended_result_codes(db, 1);
  return SqliteDb(db, path);
}

SqliteDb::SqliteDb(SqliteDb&& other) noexcept : db_(other.db_), path_(std::move(other.path_)) { other.db_ = nullptr; }

SqliteDb& SqliteDb::operator=(SqliteDb&& other) noexcept {
  if (this != &other) {
    close();
    db_ = other.db_;
    path_ = std::move(other.path_);
    other.db_ = nullptr;
  }
  return *this;
}

SqliteDb::~SqliteDb() { close(); }

void SqliteDb::close() {
  // sqlite3_close_v2 defers the close until outstanding statements are finalized, so destruction order
  // of members never leaks the connection.
  if (db_ != nullptr) sqlite3_close_v2(db_);
  db_ = nullptr;
}

Status SqliteDb::error(int rc) const { return Status::error(describe_sqlite_error(db_, rc)); }

Status SqliteDb::exec(const char* sql) const {
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  return rc == SQLITE_OK ? Status() : error(rc);
}

Result<int64_t> SqliteDb::query_int(const char* sql) const {
  Result<Statement> stmt = Statement::prepare(*this, sql);
  if (!stmt.ok()) return stmt.status();
  Result<bool> row = stmt->step();
  if (!row.ok()) return row.status();
  if (!*row) return eb::error("no result from \"%s\"", sql);
  return stmt->col_int(0);
}

Result<std::string> SqliteDb::query_text(const char* sql) const {
  Result<Statement> stmt = Statement::prepare(*this, sql);
  if (!stmt.ok()) return stmt.status();
  Result<bool> row = stmt->step();
  if (!row.ok()) return row.status();
  if (!*row) return eb::error("no result from \"%s\"", sql);
  return stmt->col_text(0);
}

int64_t SqliteDb::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
int64_t SqliteDb::changes() const { return sqlite3_changes64(db_); }
bool SqliteDb::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

// ---- Statement ----

Result<Statement> Statement::prepare(const SqliteDb& db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db.raw(), sql, -1, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return db.error(rc);
  }
  return Statement(&db, stmt);
}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(other.stmt_), bind_error_(std::move(other.bind_error_)) {
  other.stmt_ = nullptr;
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = other.stmt_;
    bind_error_ = std::move(other.bind_error_);
    other.stmt_ = nullptr;
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

int Statement::param(const char* name) {
  const int index = sqlite3_bind_parameter_index(stmt_, name);
  if (index == 0 && bind_error_.empty()) bind_error_ = strfmt("internal error: no SQL parameter %s", name);
  return index;
}

void Statement::note_bind(int rc, const char* name) {
  if (rc != SQLITE_OK && bind_error_.empty())
    bind_error_ = strfmt("cannot bind %s: %s", name, describe_sqlite_error(db_->raw(), rc).c_str());
}

Statement& Statement::bind_int(const char* name, int64_t value) {
  if (int i = param(name)) note_bind(sqlite3_bind_int64(stmt_, i, value), name);
  return *this;
}

Statement& Statement::bind_double(const char* name, double value) {
  if (int i = param(name)) note_bind(sqlite3_bind_double(stmt_, i, value), name);
  return *this;
}

Statement& Statement::bind_text(const char* name, std::string_view value) {
  if (int i = param(name)) {
    const std::string text = stored_text(value, TextLines::kSingle);
    note_bind(sqlite3_bind_text64(stmt_, i, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8), name);
  }
  return *this;
}

Statement& Statement::bind_multiline_text(const char* name, std::string_view value) {
  if (int i = param(name)) {
    const std::string text = stored_text(value, TextLines::kMulti);
    note_bind(sqlite3_bind_text64(stmt_, i, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8), name);
  }
  return *this;
}

Statement& Statement::bind_null(const char* name) {
  if (int i = param(name)) note_bind(sqlite3_bind_null(stmt_, i), name);
  return *this;
}

Statement& Statement::bind_opt_int(const char* name, const std::optional<int64_t>& value) {
  return value ? bind_int(name, *value) : bind_null(name);
}
Statement& Statement::bind_opt_double(const char* name, const std::optional<double>& value) {
  return value ? bind_double(name, *value) : bind_null(name);
}
Statement& Statement::bind_opt_text(const char* name, const std::optional<std::string>& value) {
  return value ? bind_text(name, *value) : bind_null(name);
}
Statement& Statement::bind_opt_bool(const char* name, const std::optional<bool>& value) {
  return value ? bind_bool(name, *value) : bind_null(name);
}

Result<bool> Statement::step() {
  if (!bind_error_.empty()) return Status::error(bind_error_);
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->error(rc);
}

Status Statement::run() {
  for (;;) {
    Result<bool> row = step();
    if (!row.ok()) return row.status();
    if (!*row) return Status();
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_.clear();
}

int Statement::column(const char* name) const {
  const int n = sqlite3_column_count(stmt_);
  for (int i = 0; i < n; ++i)
    if (std::strcmp(sqlite3_column_name(stmt_, i), name) == 0) return i;
  return -1;  // out of range: SQLite reads it as NULL
}

bool Statement::is_null(const char* name) const { return sqlite3_column_type(stmt_, column(name)) == SQLITE_NULL; }
int64_t Statement::col_int(const char* name) const { return sqlite3_column_int64(stmt_, column(name)); }
double Statement::col_double(const char* name) const { return sqlite3_column_double(stmt_, column(name)); }
int64_t Statement::col_int(int index) const { return sqlite3_column_int64(stmt_, index); }
double Statement::col_double(int index) const { return sqlite3_column_double(stmt_, index); }

std::string Statement::col_text(const char* name) const { return col_text(column(name)); }

std::string Statement::col_text(int i) const {
  const unsigned char* text = sqlite3_column_text(stmt_, i);
  if (text == nullptr) return {};
  // A database is an input too (one written by an older edgebench, or by hand): what is read is made
  // valid UTF-8 the same way as what is written, line breaks kept (a configuration's text has them).
  return stored_text(std::string_view(reinterpret_cast<const char*>(text), static_cast<size_t>(sqlite3_column_bytes(stmt_, i))),
                     TextLines::kMulti);
}

std::optional<int64_t> Statement::col_opt_int(const char* name) const {
  if (is_null(name)) return std::nullopt;
  return col_int(name);
}
std::optional<double> Statement::col_opt_double(const char* name) const {
  if (is_null(name)) return std::nullopt;
  return col_double(name);
}
std::optional<std::string> Statement::col_opt_text(const char* name) const {
  if (is_null(name)) return std::nullopt;
  return col_text(name);
}
std::optional<bool> Statement::col_opt_bool(const char* name) const {
  if (is_null(name)) return std::nullopt;
  return col_int(name) != 0;
}

// ---- Transaction ----

Result<Transaction> Transaction::begin(const SqliteDb& db) {
  EB_RETURN_IF_ERROR(db.exec("BEGIN IMMEDIATE"));
  return Transaction(&db);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }

Transaction::~Transaction() {
  // SQLite rolls some failures (SQLITE_FULL, SQLITE_IOERR...) back by itself; only roll back what is
  // still open. A failing ROLLBACK leaves nothing to do: the journal restores the database on next open.
  if (db_ != nullptr && db_->in_transaction()) (void)db_->exec("ROLLBACK");
}

Status Transaction::commit() {
  EB_RETURN_IF_ERROR(db_->exec("COMMIT"));  // on failure the destructor rolls back
  db_ = nullptr;
  return Status();
}

}  // namespace eb::store
