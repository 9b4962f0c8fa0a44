// fuzz_model: bytes -> Model::load_bytes (verify + parse) -> Interpreter::create (fold, prepare, plan)
// -> inputs set to zeros -> one invoke -> outputs read, on the reference or the "auto" engine.
//
// The limits are the tight ones a service would set for small edge models, so that a hostile model is
// refused instead of making the fuzzer allocate gigabytes (libFuzzer's -rss_limit_mb would report that
// as a finding). Dynamic input dimensions (-1 in shape_signature) are resized to 1, exercising
// resize_input's re-prepare and re-plan on every model that has one.
#include <cstring>
#include <memory>

#include "kernels/engine/interpreter.h"
#include "kernels/engine/model_stats.h"
#include "kernels/model/model.h"
#include "tests/fuzz/fuzz_harness.h"

namespace {

constexpr size_t kMaxTensorBytes = size_t{4} << 20;  // the largest shared model weight (~1.3 MB) fits
constexpr size_t kMaxArenaBytes = size_t{16} << 20;
// Only the compute a real invoke costs is bounded here, not correctness: a model above this many
// multiply-accumulates is prepared and planned but not run (a reference-kernel invoke under ASan runs at
// roughly 50-100 M MAC/s, and the fuzzer needs many executions per second).
constexpr int64_t kMaxInvokeMacs = 4'000'000;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  eb::LoadLimits limits;
  limits.max_file_bytes = size_t{8} << 20;
  limits.max_tensor_bytes = kMaxTensorBytes;
  limits.max_tensors = 4096;
  limits.max_nodes = 4096;
  auto model = eb::Model::load_bytes(data, size, limits);
  if (!model.ok()) {
    FUZZ_CHECK(!model.status().message().empty(), "a refused model must say why");
    return 0;
  }
  eb::EngineOptions options;
  options.max_arena_bytes = kMaxArenaBytes;
  // The input's length picks the engine, so a saved input replays on the same one: the reference
  // kernels, or "auto" (the fastest kernels of this CPU) with the work split over two threads.
  if (size % 2) {
    options.engine = "auto";
    options.threads = 2;
  }
  auto created = eb::Interpreter::create(std::move(model.value()), options);
  if (!created.ok()) {
    FUZZ_CHECK(!created.status().message().empty(), "a refused model must say why");
    return 0;
  }
  eb::Interpreter& it = *created.value();
  FUZZ_CHECK(it.arena_bytes() <= kMaxArenaBytes, "arena planned past the cap");

  for (int i = 0; i < it.num_inputs(); ++i) {
    const eb::Tensor& in = it.input(i);
    bool dynamic = false;
    eb::Shape small = in.signature;
    for (int32_t& d : small)
      if (d == -1) d = 1, dynamic = true;
    // A failed resize keeps the previous (valid) plan, which is what a caller would then run.
    if (dynamic) (void)it.resize_input(i, small);
  }

  if (eb::compute_model_stats(it).macs > kMaxInvokeMacs) return 0;
  for (int i = 0; i < it.num_inputs(); ++i) {
    uint8_t* p = it.input_data(i);
    if (p) std::memset(p, 0, it.input(i).bytes());
  }
  eb::Status s = it.invoke();
  FUZZ_CHECK(s.ok() || !s.message().empty(), "a failed invoke must say why");
  // Read every output byte: ASan reports an output pointing outside its allocation.
  unsigned sum = 0;
  for (int j = 0; j < it.num_outputs(); ++j) {
    const uint8_t* p = it.output_data(j);
    if (!p) continue;
    for (size_t k = 0; k < it.output(j).bytes(); ++k) sum += p[k];
  }
  volatile unsigned sink = sum;
  (void)sink;
  return 0;
}
