// One daemon per database. Two daemons on one database would each benchmark every dropped model and run
// every schedule (each keeps its own queue), storing everything twice. The daemon takes an exclusive
// flock(2) on a small file beside the database before it opens it, held until it exits (the kernel
// drops it when the process dies, however it dies: no stale lock after a crash). A second daemon gets
// a one-line error naming the database and the holder's PID. `edgebench run` and `query` take no lock:
// SQLite serialises their writes with the daemon's.
#pragma once

#include <string>

#include "kernels/common/status.h"

namespace eb::service {

class InstanceLock {
 public:
  InstanceLock() = default;
  ~InstanceLock();
  InstanceLock(InstanceLock&& other) noexcept : fd_(other.fd_), path_(std::move(other.path_)) { other.fd_ = -1; }
  InstanceLock& operator=(InstanceLock&&) = delete;
  InstanceLock(const InstanceLock&) = delete;
  InstanceLock& operator=(const InstanceLock&) = delete;

  // Locks `lock_path` for the database `db_path` (named in the error), writing this process's PID into it.
  static Result<InstanceLock> acquire(const std::string& lock_path, const std::string& db_path);
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

}  // namespace eb::service
