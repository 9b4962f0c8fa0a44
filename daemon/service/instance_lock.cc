#include "daemon/service/instance_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace eb::service {

InstanceLock::~InstanceLock() {
  if (fd_ >= 0) close(fd_);
}

Result<InstanceLock> InstanceLock::acquire(const std::string& lock_path, const std::string& db_path) {
  // O_NOFOLLOW and a regular-file check: the state directory is the service's, but a link or FIFO
  // planted there must not be followed or block the start.
  const int fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
  if (fd < 0) return error("cannot create the daemon's lock file %s: %s", lock_path.c_str(), std::strerror(errno));
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return error("the daemon's lock file %s is not a regular file", lock_path.c_str());
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int e = errno;
    char pid[32] = {};
    const ssize_t n = pread(fd, pid, sizeof pid - 1, 0);
    close(fd);
    if (e != EWOULDBLOCK) return error("cannot lock %s: %s", lock_path.c_str(), std::strerror(e));
    std::string holder = n > 0 ? std::string(pid, static_cast<size_t>(n)) : "";
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
    const bool numeric = !holder.empty() && holder.find_first_not_of("0123456789") == std::string::npos;
    return error("another edgebench daemon%s already uses the database %s (lock %s); stop it first",
                 numeric ? (" (pid " + holder + ")").c_str() : "", db_path.c_str(), lock_path.c_str());
  }
  const std::string me = std::to_string(getpid()) + "\n";
  if (ftruncate(fd, 0) != 0 || pwrite(fd, me.data(), me.size(), 0) != static_cast<ssize_t>(me.size())) {
    // The PID is only for the other daemon's message; the lock itself is held.
  }
  InstanceLock lock;
  lock.fd_ = fd;
  lock.path_ = lock_path;
  return lock;
}

}  // namespace eb::service
