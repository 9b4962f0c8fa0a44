// A real edgebench-worker with faults injected where a test asks for them, through the environment:
//   EB_TEST_FAULT=PATTERN:KIND:N   in a worker whose model path contains PATTERN, before inference N
//                                  (N = 0: before the model is loaded), do KIND:
//     segv   dereference a null pointer (SIGSEGV)      kill   SIGKILL itself (as the OOM killer does)
//     hang   sleep for an hour                          alloc  touch 256 MiB and keep it
//     exit   exit(3) without a word                    replace  overwrite the model file with text
// Tests point edgebench at it with EDGEBENCH_WORKER. The product's worker has no such hooks.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "daemon/measure/worker.h"

namespace {

void maybe_fault(const std::string& model_path, int64_t n) {
  const char* spec = std::getenv("EB_TEST_FAULT");
  if (!spec) return;
  const std::string s = spec;
  const size_t a = s.find(':'), b = s.rfind(':');
  if (a == std::string::npos || b == a) return;
  const std::string pattern = s.substr(0, a), kind = s.substr(a + 1, b - a - 1);
  if (model_path.find(pattern) == std::string::npos || std::atoll(s.c_str() + b + 1) != n) return;
  if (kind == "segv") {
    // The default action, so the kernel kills the worker as it would a release build's (a sanitizer's
    // own SIGSEGV handler would report and exit with status 1 instead).
    signal(SIGSEGV, SIG_DFL);
    volatile int* p = nullptr;
    *p = 1;
  } else if (kind == "kill") {
    raise(SIGKILL);
  } else if (kind == "hang") {
    sleep(3600);
  } else if (kind == "alloc") {
    const size_t bytes = size_t{256} << 20;
    char* p = static_cast<char*>(std::malloc(bytes));
    std::memset(p, 1, bytes);
    static volatile char* keep = p;
    (void)keep;
  } else if (kind == "exit") {
    _exit(3);
  } else if (kind == "replace") {
    // The file changes on disk while the run is measuring it (a user copying a new export over it).
    if (FILE* f = std::fopen(model_path.c_str(), "wb")) {
      std::fputs("replaced while being measured", f);
      std::fclose(f);
    }
  }
}

void before_load(const std::string& path) { maybe_fault(path, 0); }

}  // namespace

int main(int argc, char** argv) {
  eb::worker::Hooks hooks;
  hooks.before_load = before_load;
  hooks.before_inference = maybe_fault;
  return eb::worker::worker_main(argc, argv, hooks);
}
