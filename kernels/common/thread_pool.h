// A small fixed-size thread pool for splitting one operator's work across cores.
//
// The caller's thread is worker 0 and takes tasks too, so ThreadPool(1) starts no thread at all. Work is
// split into tasks by the operator (e.g. blocks of output rows, tasks_for_work() below); each output
// element is computed by exactly one task with the same arithmetic as on one thread, so results are
// identical for any thread count. Workers busy-wait briefly after a job with a CPU pause hint, not
// sched_yield (operators come back to back within one inference, and a yield on a busy machine can hand
// the core away for a whole time slice), then sleep on a condition variable: an idle pool costs no CPU.
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
  // Claimed and finished task counters, each on its own cache line: every task touches them from every
  // core, and sharing a line with the job fields would bounce it on each claim.
  alignas(64) std::atomic<int64_t> next_{0};
  alignas(64) std::atomic<int64_t> done_{0};
  alignas(64) std::atomic<int> active_workers_{0};  // workers inside drain() of the current job
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

// Elementwise work: fn(begin, end) over [0, n) in at most one range per thread, each of whole 64-element
// groups and at least min_block elements (smaller pieces do not pay for waking a thread); each element is
// computed once, the same way, whatever the split. Empty ranges are skipped.
template <typename Fn>
void parallel_for_elements(ThreadPool* pool, int64_t n, int64_t min_block, Fn&& fn) {
  const int threads = pool ? pool->size() : 1;
  const int64_t tasks = std::min<int64_t>((n + min_block - 1) / min_block, threads);
  parallel_for(pool, tasks, [&](int64_t t) {
    const SplitRange r = split_range(n, tasks, 64, t);
    if (r.end > r.begin) fn(r.begin, r.end);
  });
}

// How many tasks an operator splits into: `items` independent units (row tiles, output rows) of about
// `work_per_item` multiply-adds (or element visits) each, on `threads` threads. Handing a task to another
// core and waiting for it costs about a microsecond, as much as tens of thousands of int8 multiply-adds,
// so each task gets at least kMinTaskWork; up to 4 tasks per thread let a thread that was not preempted
// take over work from one that was. One task (no pool round trip at all) for small operators.
constexpr int64_t kMinTaskWork = 32768;
inline int64_t tasks_for_work(int threads, int64_t items, int64_t work_per_item) {
  if (threads <= 1 || items <= 1) return 1;
  const int64_t by_work = std::max<int64_t>(1, items * std::max<int64_t>(work_per_item, 1) / kMinTaskWork);
  return std::min({items, by_work, int64_t{threads} * 4});
}

}  // namespace eb
