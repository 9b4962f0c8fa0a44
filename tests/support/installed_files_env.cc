// Linked into the test programs that measure through run_variant: they live in the build tree's tests/
// folders, not beside edgebench-worker and edgebench-images.so, so they name them the way a developer
// would (installed_files.h's variables; one already set, e.g. to the fault-injecting worker, is kept).
#include <cstdlib>

namespace {
const int kWorkerNamed = setenv("EDGEBENCH_WORKER", EB_WORKER_PATH, 0);
const int kImageModuleNamed = setenv("EDGEBENCH_IMAGE_MODULE", EB_IMAGE_MODULE_PATH, 0);
}  // namespace
