// edgebench bench MODEL [--engine E] [--threads N] [--warmup W] [--iterations K] [--input-shape ...]
//                       [--json]
// Like TFLite's benchmark_model: load time, first inference, then K timed inferences after W warm-ups
// on seeded random input; peak resident memory; arena size. Nothing is stored.
#include <algorithm>
#include <chrono>
#include <map>
#include <cstdio>
#include <cstring>
#include <random>

#include "daemon/cli/args.h"
#include "daemon/cli/commands.h"
#include "daemon/cli/json_writer.h"
#include "daemon/cli/model_loading.h"
#include "daemon/measure/latency_stats.h"
#include "daemon/measure/process_memory.h"

namespace eb::cli {
namespace {

using Clock = std::chrono::steady_clock;  // monotonic: clock jumps cannot skew latencies

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

// Seeded random input of the tensor's dtype: full integer range, or uniform [-1, 1] for floats.
void fill_random(uint8_t* data, const Tensor& t, uint32_t seed) {
  std::mt19937 rng(seed);
  const size_t n = static_cast<size_t>(t.elements());
  if (t.dtype == DType::kFloat32) {
    std::uniform_real_distribution<float> d(-1.0f, 1.0f);
    float* f = reinterpret_cast<float*>(data);
    for (size_t i = 0; i < n; ++i) f[i] = d(rng);
  } else {
    for (size_t i = 0; i < t.bytes(); ++i) data[i] = static_cast<uint8_t>(rng());
  }
}

// Per-node and per-operator-type time, averaged per inference, largest first.
void print_op_profile(const std::vector<NodeTime>& nodes, int invocations) {
  double total = 0;
  std::map<std::string, double> by_op;
  for (const NodeTime& n : nodes) total += n.total_ms, by_op[n.op] += n.total_ms;
  std::vector<std::pair<double, std::string>> ops;
  for (const auto& [op, ms] : by_op) ops.emplace_back(ms, op);
  std::sort(ops.rbegin(), ops.rend());
  const double per = invocations > 0 ? 1.0 / invocations : 0.0;
  std::printf("operator profile (ms per inference, %d inferences):\n", invocations);
  for (const auto& [ms, op] : ops)
    std::printf("  %-24s %9.3f  %5.1f%%\n", op.c_str(), ms * per, total > 0 ? 100.0 * ms / total : 0.0);
  std::vector<const NodeTime*> sorted;
  for (const NodeTime& n : nodes) sorted.push_back(&n);
  std::sort(sorted.begin(), sorted.end(), [](const NodeTime* a, const NodeTime* b) { return a->total_ms > b->total_ms; });
  std::printf("slowest nodes:\n");
  for (size_t k = 0; k < sorted.size() && k < 15; ++k)
    std::printf("  node %-4d %-20s %-36s %9.3f\n", sorted[k]->node, sorted[k]->op.c_str(), sorted[k]->kernel.c_str(),
                sorted[k]->total_ms * per);
}

// The command line, checked before any work (every error is a usage error).
struct BenchCommandLine {
  ModelCommandLine model;
  int warmup = 5, iterations = 50;
};

Result<BenchCommandLine> parse_bench(const Args& args) {
  BenchCommandLine c;
  EB_ASSIGN_OR_RETURN(c.model, parse_model_command(args, "bench", "auto"));
  c.model.engine.profile_ops = args.has("--profile-ops");
  EB_ASSIGN_OR_RETURN(c.warmup, parse_int("--warmup", args.get("--warmup", "5"), 0, 1000000));
  EB_ASSIGN_OR_RETURN(c.iterations, parse_int("--iterations", args.get("--iterations", "50"), 1, 10000000));
  return c;
}

Status bench(const Args& args, const BenchCommandLine& c) {
  const std::string& path = c.model.model;
  const EngineOptions& opts = c.model.engine;

  const auto t_load = Clock::now();
  auto loaded = load_engine(path, opts, c.model.input_shapes);
  if (!loaded.ok()) return loaded.status();
  const double load_ms = ms_since(t_load);
  Engine& it = *loaded.value();
  for (int i = 0; i < it.num_inputs(); ++i) fill_random(it.input_data(i), it.input(i), 1234u + static_cast<uint32_t>(i));
  it.reset_state();  // state tensors (an LSTM's) start at zero, as on a new TFLite interpreter

  const auto t_first = Clock::now();
  EB_RETURN_IF_ERROR(it.invoke());
  const double first_ms = ms_since(t_first);
  for (int w = 0; w < c.warmup; ++w) EB_RETURN_IF_ERROR(it.invoke());
  std::vector<double> samples;
  samples.reserve(static_cast<size_t>(c.iterations));
  for (int k = 0; k < c.iterations; ++k) {
    const auto t0 = Clock::now();
    EB_RETURN_IF_ERROR(it.invoke());
    samples.push_back(ms_since(t0));
  }
  const LatencySummary s = summarize(samples);
  const size_t peak = peak_rss_bytes();
  const std::string isa_text = it.isa();
  const char* isa = isa_text.c_str();

  if (args.has("--json")) {
    std::printf(
        "{\"model\": %s, \"engine\": %s, \"isa\": %s, \"threads\": %d, \"threads_requested\": %d, \"warmup\": %d, \"iterations\": %d, "
        "\"load_ms\": %s, \"first_ms\": %s, \"latency_ms\": {\"min\": %s, \"mean\": %s, \"std\": %s, \"p50\": %s, "
        "\"p90\": %s, \"p99\": %s, \"max\": %s}, \"peak_rss_bytes\": %zu, \"arena_bytes\": %zu, "
        "\"arena_lower_bound_bytes\": %zu}\n",
        json_string(path).c_str(), json_string(opts.engine).c_str(), json_string(isa).c_str(), it.effective_threads(), opts.threads, c.warmup,
        c.iterations, json_number(load_ms).c_str(), json_number(first_ms).c_str(), json_number(s.min).c_str(),
        json_number(s.mean).c_str(), json_number(s.std).c_str(), json_number(s.p50).c_str(), json_number(s.p90).c_str(),
        json_number(s.p99).c_str(), json_number(s.max).c_str(), peak, it.arena_bytes(), it.arena_lower_bound_bytes());
    return Status();
  }
  std::printf("model:       %s\nengine:      %s (%s), %d thread(s) of %d requested\n", path.c_str(), opts.engine.c_str(), isa,
              it.effective_threads(), opts.threads);
  std::printf("load:        %.3f ms\nfirst:       %.3f ms\n", load_ms, first_ms);
  std::printf("latency (ms) over %d runs after %d warm-ups:\n", c.iterations, c.warmup);
  std::printf("  min %.3f  mean %.3f  std %.3f  p50 %.3f  p90 %.3f  p99 %.3f  max %.3f\n", s.min, s.mean, s.std, s.p50,
              s.p90, s.p99, s.max);
  std::printf("peak RSS:    %.1f MiB\narena:       %zu bytes (lower bound %zu)\n", static_cast<double>(peak) / 1048576.0,
              it.arena_bytes(), it.arena_lower_bound_bytes());
  if (opts.profile_ops) print_op_profile(it.node_times(), c.iterations + c.warmup + 1);
  return Status();
}

}  // namespace

int run_bench(const std::vector<std::string>& argv) {
  auto args = parse_args(argv, {"--engine", "--threads", "--isa", "--warmup", "--iterations", "--input-shape"},
                         {"--json", "--profile-ops"});
  if (!args.ok()) {
    print_error(args.status().message());
    return kExitUsage;
  }
  auto command = parse_bench(args.value());
  if (!command.ok()) {
    print_error(command.status().message());
    return kExitUsage;
  }
  Status s = bench(args.value(), command.value());
  if (!s.ok()) {
    print_error(s.message());
    return kExitError;
  }
  return kExitOk;
}

}  // namespace eb::cli
