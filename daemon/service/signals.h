// SIGHUP, SIGTERM and SIGINT as readable events (signalfd) instead of asynchronous handlers, so the main
// loop polls them beside inotify and its timers, and a running job can check for them between items
// without any code running in signal context.
#pragma once

#include <vector>

#include "kernels/common/status.h"

namespace eb::service {

enum class DaemonSignal { kReload, kTerminate };

class SignalEvents {
 public:
  // Blocks SIGHUP, SIGTERM and SIGINT for the process (call before any thread starts) and opens a
  // non-blocking signalfd for them.
  static Result<SignalEvents> open();

  SignalEvents(SignalEvents&& other) noexcept;
  SignalEvents& operator=(SignalEvents&& other) noexcept;
  SignalEvents(const SignalEvents&) = delete;
  SignalEvents& operator=(const SignalEvents&) = delete;
  ~SignalEvents();  // closes the fd and restores the old signal mask

  int fd() const { return fd_; }
  // Every signal pending now, in arrival order; never blocks. SIGTERM and SIGINT are kTerminate.
  std::vector<DaemonSignal> drain();

 private:
  SignalEvents(int fd, bool restore_mask, const void* old_mask);
  int fd_ = -1;
  bool restore_ = false;
  unsigned char old_mask_[128] = {};  // a sigset_t, kept opaque so this header needs no <signal.h>
};

}  // namespace eb::service
