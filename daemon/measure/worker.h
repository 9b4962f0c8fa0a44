// The measuring worker: one process per measurement (variant x engine x threads) that loads one model
// and times it on the input tensors its parent sends (worker_protocol.h). It links the runtime only —
// no OpenCV, SQLite, yaml-cpp, spdlog or libsystemd — so its resident set before the model is small and
// what it grows by is what the model costs. A crash, a hang or a runaway allocation ends this process,
// not the run: the parent records the cause and goes on with the next measurement.
#pragma once

#include <cstdint>
#include <string>

namespace eb::worker {

// Points where tests inject faults (a crash, a hang, an allocation) into an otherwise real worker; the
// product's worker has none.
struct Hooks {
  void (*before_load)(const std::string& model_path) = nullptr;
  // n counts inferences from 1 (the first, untimed one included).
  void (*before_inference)(const std::string& model_path, int64_t n) = nullptr;
};

// Serves one measurement on socket `fd` and returns the process exit status (0 after kDone, 1 after an
// error it reported, 2 when the parent went away). `parent_pid` > 0: die with that parent.
int serve(int fd, int parent_pid, const Hooks& hooks = {});

// The worker's main(): `edgebench-worker --parent PID`, socket on descriptor kWorkerFd.
int worker_main(int argc, char** argv, const Hooks& hooks = {});

}  // namespace eb::worker
