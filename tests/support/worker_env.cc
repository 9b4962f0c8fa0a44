// Linked into the test programs that measure through run_variant: they live in the build tree's tests/
// folders, not beside edgebench-worker, so they name the worker the way a developer would (the
// EDGEBENCH_WORKER variable; one already set, e.g. to the fault-injecting worker, is kept).
#include <cstdlib>

namespace {
const int kWorkerNamed = setenv("EDGEBENCH_WORKER", EB_WORKER_PATH, 0);
}  // namespace
