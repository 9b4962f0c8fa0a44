// The thread pool: every task runs exactly once, on several threads when there are several, back to
// back jobs do not mix, and the caller can rely on all work being finished when run() returns.
#include "kernels/common/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace eb {
namespace {

TEST(ThreadPool, EveryTaskRunsExactlyOnce) {
  for (int threads : {1, 2, 3, 8}) {
    ThreadPool pool(threads);
    EXPECT_EQ(pool.size(), threads);
    for (int64_t tasks : {0, 1, 2, 7, 64, 1000}) {
      std::vector<std::atomic<int>> hits(static_cast<size_t>(tasks));
      pool.run(tasks, [&](int64_t t) { hits[static_cast<size_t>(t)].fetch_add(1); });
      for (int64_t t = 0; t < tasks; ++t) EXPECT_EQ(hits[static_cast<size_t>(t)].load(), 1) << threads << " " << tasks << " " << t;
    }
  }
}

TEST(ThreadPool, WorkIsSpreadOverSeveralThreads) {
  ThreadPool pool(4);
  std::mutex m;
  std::set<std::thread::id> ids;
  // Tasks that take a moment, so the workers (woken by the job) get some before the caller takes all.
  pool.run(64, [&](int64_t) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    std::lock_guard<std::mutex> lock(m);
    ids.insert(std::this_thread::get_id());
  });
  EXPECT_GE(ids.size(), 2u);
}

TEST(ThreadPool, ManyBackToBackJobsSeeTheirOwnTasks) {
  ThreadPool pool(3);
  for (int job = 0; job < 2000; ++job) {
    std::atomic<int64_t> sum{0};
    const int64_t tasks = 1 + job % 17;
    pool.run(tasks, [&](int64_t t) { sum.fetch_add(t + 1000 * job); });
    ASSERT_EQ(sum.load(), tasks * (tasks - 1) / 2 + tasks * 1000 * job) << "job " << job;
  }
}

TEST(ThreadPool, PoolsCreatedAndDestroyedRightAfterAJobShutDown) {
  // The op tests create a pool per op and destroy it right after one job: a worker still on its way
  // into the job must see the stop request, never wait for a job that will not come (a hang in join()).
  for (int i = 0; i < 300; ++i) {
    ThreadPool pool(2 + i % 3);
    std::atomic<int> n{0};
    pool.run(1 + i % 4, [&](int64_t) { n.fetch_add(1); });
    ASSERT_EQ(n.load(), 1 + i % 4);
  }
}

TEST(ThreadPool, ParallelForRunsInlineWithoutAPool) {
  std::vector<int> order;
  parallel_for(nullptr, 5, [&](int64_t t) { order.push_back(static_cast<int>(t)); });
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(ThreadPool, SplitRangeCoversEverythingOnceInWholeGrains) {
  for (int64_t n : {0, 1, 5, 16, 17, 100}) {
    for (int64_t parts : {1, 2, 3, 7}) {
      for (int64_t grain : {1, 4, 8}) {
        int64_t expect = 0;
        for (int64_t k = 0; k < parts; ++k) {
          const SplitRange r = split_range(n, parts, grain, k);
          if (r.begin == r.end) continue;
          EXPECT_EQ(r.begin, expect);
          if (r.end != n) {
            EXPECT_EQ((r.end - r.begin) % grain, 0);
          }
          expect = r.end;
        }
        EXPECT_EQ(expect, n) << n << " " << parts << " " << grain;
      }
    }
  }
}

}  // namespace
}  // namespace eb
