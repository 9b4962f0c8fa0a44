// Errors are values: a Status carries a message naming what failed and where; Result<T> is a value or a
// Status. Nothing in kernels/ throws across its boundary.
#pragma once

#include <cstdio>
#include <string>
#include <utility>
#include <variant>

namespace eb {

class Status {
 public:
  Status() = default;
  static Status error(std::string message) { return Status(std::move(message)); }
  bool ok() const { return !failed_; }
  const std::string& message() const { return message_; }
  // Prefixes context ("node 3 (CONV_2D): ") onto an error; a no-op on success.
  Status with_context(const std::string& prefix) const {
    return ok() ? *this : Status(prefix + message_);
  }

 private:
  explicit Status(std::string message) : failed_(true), message_(std::move(message)) {}
  bool failed_ = false;
  std::string message_;
};

// printf-style message formatting for errors.
template <typename... Args>
std::string strfmt(const char* fmt, Args... args) {
  int n = std::snprintf(nullptr, 0, fmt, args...);
  std::string s(n > 0 ? static_cast<size_t>(n) : 0, '\0');
  if (n > 0) std::snprintf(s.data(), s.size() + 1, fmt, args...);
  return s;
}

// A plain message (no format arguments: nothing in it is read as a conversion).
inline Status error(const char* message) { return Status::error(message); }

template <typename... Args>
Status error(const char* fmt, Args... args) {
  return Status::error(strfmt(fmt, args...));
}

template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}   // NOLINT: must be an error status
  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const { return std::get<Status>(v_); }
  T& value() { return std::get<T>(v_); }
  const T& value() const { return std::get<T>(v_); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace eb

#define EB_RETURN_IF_ERROR(expr)            \
  do {                                      \
    ::eb::Status eb_status_ = (expr);       \
    if (!eb_status_.ok()) return eb_status_; \
  } while (0)

#define EB_STATUS_CONCAT_INNER_(a, b) a##b
#define EB_STATUS_CONCAT_(a, b) EB_STATUS_CONCAT_INNER_(a, b)
// Declares `lhs` from a Result-returning call, or returns its error (tflite-micro's
// TF_LITE_ENSURE_STATUS for values):
//   EB_ASSIGN_OR_RETURN(auto engine, create_engine(std::move(model), options));
#define EB_ASSIGN_OR_RETURN(lhs, expr) EB_ASSIGN_OR_RETURN_IMPL_(EB_STATUS_CONCAT_(eb_result_, __LINE__), lhs, expr)
#define EB_ASSIGN_OR_RETURN_IMPL_(result, lhs, expr) \
  auto result = (expr);                               \
  if (!result.ok()) return result.status();           \
  lhs = std::move(result.value())
