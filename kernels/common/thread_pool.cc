#include "kernels/common/thread_pool.h"

#include <chrono>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace eb {
namespace {

// Tells the core this is a spin-wait (x86 PAUSE, ARM YIELD hint): no system call, the sibling
// hyperthread and the memory system are spared.
inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#endif
}

}  // namespace

ThreadPool::ThreadPool(int threads) {
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { worker_loop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_.store(true);
    generation_.fetch_add(1);
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPool::drain() {
  for (;;) {
    const int64_t task = next_.fetch_add(1);
    if (task >= tasks_) break;
    call_(ctx_, task);
    done_.fetch_add(1);
  }
}

void ThreadPool::run_erased(int64_t tasks, TaskFn call, void* ctx) {
  if (tasks <= 0) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    call_ = call;
    ctx_ = ctx;
    tasks_ = tasks;
    next_.store(0, std::memory_order_relaxed);
    done_.store(0, std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  drain();
  // Every task is claimed; wait until the last ones finish and no worker still reads the job fields.
  // Spin first (the others finish their last task within microseconds), then give the core away in case
  // a worker was preempted in the middle of a task.
  for (int spins = 0; done_.load() < tasks || active_workers_.load() != 0; ++spins) {
    if (spins < 4096) cpu_relax();
    else std::this_thread::yield();
  }
}

void ThreadPool::worker_loop() {
  // Start from the generation the pool was created with (0), not from a load here: a job or the
  // destructor may bump it before this thread first runs, and waiting for a change would then hang.
  uint64_t seen = 0;
  for (;;) {
    // Spin a little first: the next operator of the same inference usually arrives within microseconds.
    const auto spin_until = std::chrono::steady_clock::now() + std::chrono::microseconds(200);
    // Pauses for the first few thousand rounds (tens of microseconds), then sched_yield: with more
    // threads than free cores a pure busy-wait would hold the core the job's caller needs.
    for (int spins = 0; generation_.load(std::memory_order_acquire) == seen; ++spins) {
      if (spins < 4096) {
        cpu_relax();
        continue;
      }
      if (std::chrono::steady_clock::now() >= spin_until) break;
      std::this_thread::yield();
    }
    if (generation_.load(std::memory_order_acquire) == seen) {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
    }
    if (stop_.load()) return;
    {
      // Join the job under the lock (run_erased() publishes jobs under it, so the job fields are stable
      // here). Register BEFORE looking for an unclaimed task: run_erased() returns once every task is
      // done and no worker is registered, so a worker that registers after that must find every task
      // claimed (all accesses are sequentially consistent) and back out without touching the job.
      std::lock_guard<std::mutex> lock(mutex_);
      // Checked again under the lock: the destructor may have set stop_ (and bumped the generation this
      // thread is about to record as seen) while we waited for the mutex; missing it would hang join().
      if (stop_.load()) return;
      seen = generation_.load();
      active_workers_.fetch_add(1);
      if (next_.load() >= tasks_) {
        active_workers_.fetch_sub(1);
        continue;
      }
    }
    drain();
    active_workers_.fetch_sub(1);
  }
}

}  // namespace eb
