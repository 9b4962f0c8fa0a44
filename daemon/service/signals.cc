#include "daemon/service/signals.h"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace eb::service {

static_assert(sizeof(sigset_t) <= 128, "sigset_t larger than the stored copy");

SignalEvents::SignalEvents(int fd, bool restore_mask, const void* old_mask) : fd_(fd), restore_(restore_mask) {
  std::memcpy(old_mask_, old_mask, sizeof(sigset_t));
}

Result<SignalEvents> SignalEvents::open() {
  sigset_t set, old;
  sigemptyset(&set);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  // Blocked signals stay pending for the signalfd instead of running the default action (exit).
  if (sigprocmask(SIG_BLOCK, &set, &old) != 0)
    return error("cannot block SIGHUP/SIGTERM/SIGINT: %s", std::strerror(errno));
  const int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd < 0) {
    const int e = errno;
    sigprocmask(SIG_SETMASK, &old, nullptr);
    return error("signalfd: %s", std::strerror(e));
  }
  return SignalEvents(fd, true, &old);
}

SignalEvents::SignalEvents(SignalEvents&& other) noexcept : fd_(other.fd_), restore_(other.restore_) {
  std::memcpy(old_mask_, other.old_mask_, sizeof(old_mask_));
  other.fd_ = -1;
  other.restore_ = false;
}

SignalEvents& SignalEvents::operator=(SignalEvents&& other) noexcept {
  if (this != &other) {
    this->~SignalEvents();
    fd_ = other.fd_;
    restore_ = other.restore_;
    std::memcpy(old_mask_, other.old_mask_, sizeof(old_mask_));
    other.fd_ = -1;
    other.restore_ = false;
  }
  return *this;
}

SignalEvents::~SignalEvents() {
  if (fd_ >= 0) close(fd_);
  if (restore_) {
    sigset_t old;
    std::memcpy(&old, old_mask_, sizeof(old));
    sigprocmask(SIG_SETMASK, &old, nullptr);
  }
  fd_ = -1;
  restore_ = false;
}

std::vector<DaemonSignal> SignalEvents::drain() {
  std::vector<DaemonSignal> out;
  if (fd_ < 0) return out;
  signalfd_siginfo info;
  for (;;) {
    const ssize_t n = read(fd_, &info, sizeof(info));
    if (n != static_cast<ssize_t>(sizeof(info))) break;  // EAGAIN: nothing more pending
    out.push_back(info.ssi_signo == SIGHUP ? DaemonSignal::kReload : DaemonSignal::kTerminate);
  }
  return out;
}

}  // namespace eb::service
