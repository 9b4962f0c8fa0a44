// The parent's handle on one measuring worker (worker.h): starts `edgebench-worker`, talks to it, and
// turns every way it can fail into one line that says what happened and when — "the worker was killed by
// signal 11 (SIGSEGV) during inference 37", "exceeded --max-memory 64 MiB at load (resident 80.2 MiB)",
// "no answer within 300 s during inference 3". A failure kills and reaps the worker; the caller records
// a failed measurement and goes on.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "daemon/measure/worker_protocol.h"
#include "kernels/common/status.h"

namespace eb::worker {

struct Limits {
  double timeout_s = 300;       // the longest the worker may take to answer one message (load, one inference)
  size_t max_memory_bytes = 0;  // its resident set may not pass this; 0: no limit
  // Polled every 100 ms while the worker works: true kills it at once (Ctrl-C, systemctl stop), so a
  // stop does not wait for a long inference to end.
  std::function<bool()> stop_requested;
};

// Where the worker binary is (installed_files.h: $EDGEBENCH_WORKER, beside the executable, or
// <prefix>/lib/edgebench/edgebench-worker).
Result<std::string> find_worker_executable();

class WorkerProcess {
 public:
  // model_fd >= 0: a descriptor the worker gets as kModelFd (the model's bytes, ModelContent).
  static Result<std::unique_ptr<WorkerProcess>> start(const std::string& executable, const Limits& limits,
                                                      int model_fd = -1);
  ~WorkerProcess();  // a worker still running is killed and reaped
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;

  // Where the measurement is, for the cause of a failure: "at load", "during inference 37".
  void set_phase(std::string phase) { phase_ = std::move(phase); }
  Status send(Msg type, const std::vector<uint8_t>& payload);
  Status send(Msg type, const Writer& payload) { return send(type, payload.bytes()); }
  // The next message, of type `want`. A kError from the worker is returned as its message; death,
  // timeout and the memory limit end the worker and are returned as their cause.
  Result<Message> receive(Msg want);
  // After kDone: waits for the worker to exit (briefly; then kills it) and reports an abnormal end.
  Status finish();
  pid_t pid() const { return pid_; }
  // How many bytes the parent's end of the socket holds before a send blocks (SO_SNDBUF).
  size_t send_buffer_bytes() const;
  // The last failure was a stop request, not the worker's fault.
  bool stopped() const { return stopped_; }

 private:
  WorkerProcess(pid_t pid, int fd, const Limits& limits) : pid_(pid), fd_(fd), limits_(limits) {}
  // Kills (when `kill_first`) and reaps the worker; the cause of its end in words.
  std::string reap(bool kill_first);
  Status fail(const std::string& cause);
  Status over_memory_limit() const;

  pid_t pid_ = -1;
  int fd_ = -1;
  Limits limits_;
  std::string phase_ = "at start";
  // How the worker ended, once reaped: a later failure on the same worker names the same cause.
  std::string ended_how_;
  bool stopped_ = false;
};

}  // namespace eb::worker
