// A small fixed-size thread pool for splitting one operator's work across cores.
//
// The caller's thread is worker 0 and takes tasks too, so ThreadPool(1) starts no thread at all. Work is
// split into tasks by the operator (e.g. blocks of output rows); each output element is computed by
// exactly one task with the same arithmetic as on one thread, so results are identical for any thread
// count. Workers spin briefly after a job (operators come back to back within one inference), then
// sleep on a condition variable: an idle pool costs no CPU.
//
// run() never allocates: the job is passed as a type-erased pointer to the caller's callable.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace eb {

class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  // Calls fn(task) once for every task in [0, tasks), spread over the pool; returns when all are done.
  // Not reentrant: one run() at a time per pool (the engine runs operators one after another).
  template <typename Fn>
  void run(int64_t tasks, Fn&& fn) {
    auto call = [](void* ctx, int64_t task) { (*static_cast<std::remove_reference_t<Fn>*>(ctx))(task); };
    run_erased(tasks, call, const_cast<void*>(static_cast<const void*>(&fn)));
  }

 private:
  using TaskFn = void (*)(void*, int64_t);
  void run_erased(int64_t tasks, TaskFn call, void* ctx);
  void worker_loop();
  void drain();  // takes tasks of the current job until none is left

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::atomic<uint64_t> generation_{0};  // bumped per job; workers wait for a new value
  std::atomic<bool> stop_{false};
  // The current job.
  TaskFn call_ = nullptr;
  void* ctx_ = nullptr;
  int64_t tasks_ = 0;
  std::atomic<int64_t> next_{0};
  std::atomic<int64_t> done_{0};
  std::atomic<int> active_workers_{0};  // workers inside drain() of the current job
};

// Runs fn(task) for task in [0, tasks): on the pool when there is one with more than one thread and
// more than one task, inline otherwise.
template <typename Fn>
void parallel_for(ThreadPool* pool, int64_t tasks, Fn&& fn) {
  if (pool == nullptr || pool->size() == 1 || tasks <= 1) {
    for (int64_t t = 0; t < tasks; ++t) fn(t);
    return;
  }
  pool->run(tasks, std::forward<Fn>(fn));
}

// Splits [0, n) into at most `parts` contiguous ranges of whole `grain`-sized blocks (the last may be
// shorter), for kernels that work on row ranges: range k is [begin, end).
struct SplitRange {
  int64_t begin, end;
};
inline SplitRange split_range(int64_t n, int64_t parts, int64_t grain, int64_t k) {
  const int64_t blocks = (n + grain - 1) / grain;
  const int64_t per = (blocks + parts - 1) / parts;
  const int64_t b = std::min(n, k * per * grain), e = std::min(n, (k + 1) * per * grain);
  return {b, e};
}

}  // namespace eb
