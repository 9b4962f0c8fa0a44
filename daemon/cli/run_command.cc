// edgebench run --config FILE [--group NAME] [--db FILE] [--profile-ops]
// edgebench run MODEL... (--images DIR [--labels CSV] [--label-names FILE] [--limit N] |
//                         --camera SPEC [--frames N] [--duration S])
//                [--reference MODEL] [--input-range LO,HI] [--name GROUP] [--db FILE]
//                [--engine E[,E...]] [--threads N[,N...]] [--warmup W] [--iterations K] [--cooldown S]
//                [--max-memory MIB] [--cpu LIST] [--worker-timeout S] [--profile-ops]
//                [--task classify|detect [--detect-labels PATH] [--detect-format yolov8|yolov5|ssd|auto]]
// Both forms become a configuration (daemon/config) and run through the benchmark job (daemon/job), as
// the daemon does; this file only turns flags into a group, shows progress and prints the tables.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "daemon/cli/args.h"
#include "daemon/cli/commands.h"
#include "daemon/pipeline/model_source.h"
#include "daemon/store/stored_text.h"
#include "daemon/cli/query_detail.h"
#include "daemon/config/config.h"
#include "daemon/job/benchmark_job.h"
#include "daemon/measure/cpu_list.h"
#include "daemon/store/queries.h"
#include "daemon/store/results_store.h"
#include "daemon/store/store_paths.h"

namespace eb::cli {
namespace {

namespace fs = std::filesystem;

// Ctrl-C / SIGTERM during a run: the job stops at the next item and marks the run interrupted.
volatile std::sig_atomic_t g_stop = 0;
extern "C" void on_stop_signal(int) { g_stop = 1; }

class StopSignals {
 public:
  StopSignals() {
    struct sigaction sa = {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  ~StopSignals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }

 private:
  struct sigaction old_int_ = {}, old_term_ = {};
};

// Progress on stderr: one rewritten line on a terminal, a line per 10 % otherwise (logs, CI).
class ProgressPrinter : public job::JobObserver {
 public:
  ProgressPrinter() : tty_(isatty(STDERR_FILENO) != 0) {}
  // Everything printed here quotes file and variant names: escaped as they are stored (stored_text.h).
  void on_status(const std::string& raw) override {
    const std::string text = store::stored_text(raw);
    clear();
    const bool cooling = text.rfind("cooling down", 0) == 0;
    if (cooling && tty_) {  // a countdown: rewritten in place
      std::fprintf(stderr, "\r%-60s", text.c_str());
      dirty_ = true;
      return;
    }
    if (cooling && cooling_) return;  // in a log, the first line of a cool-down says it all
    cooling_ = cooling;
    std::fprintf(stderr, "%s\n", text.c_str());
    last_tenth_ = -1;
  }
  void on_progress(int64_t n, std::optional<int64_t> total) override {
    if (tty_) {
      if (n % 50 != 0 && !(total && n == *total)) return;
      std::fprintf(stderr, "\r  %lld%s", static_cast<long long>(n),
                   total ? strfmt("/%lld", static_cast<long long>(*total)).c_str() : "");
      dirty_ = true;
    } else if (total && *total > 0 && n * 10 / *total != last_tenth_) {
      last_tenth_ = n * 10 / *total;
      std::fprintf(stderr, "  %lld/%lld\n", static_cast<long long>(n), static_cast<long long>(*total));
    }
  }
  void on_measurement(const std::string& variant, const std::string&, int, const std::string& error) override {
    clear();
    if (!error.empty())
      std::fprintf(stderr, "edgebench: %s: %s (recorded, carrying on)\n", store::stored_text(variant).c_str(),
                   store::stored_text(error).c_str());
  }
  void on_skipped_items(int64_t count, const std::vector<std::string>& examples) override {
    clear();
    for (const auto& e : examples) std::fprintf(stderr, "edgebench: skipped item: %s\n", store::stored_text(e).c_str());
    if (count > static_cast<int64_t>(examples.size()))
      std::fprintf(stderr, "edgebench: ... %lld items skipped in all\n", static_cast<long long>(count));
  }
  bool stop_requested() override { return g_stop != 0; }
  void clear() {
    if (dirty_) std::fprintf(stderr, "\r%-60s\r", "");
    dirty_ = false;
  }

 private:
  bool tty_;
  bool dirty_ = false;
  bool cooling_ = false;
  int64_t last_tenth_ = -1;
};

Result<std::vector<std::string>> split_list(const std::string& flag, const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty()) out.push_back(item);
  if (out.empty()) return error("%s '%s': expected a comma-separated list", flag.c_str(), text.c_str());
  return out;
}

Status check_engines(const std::vector<std::string>& engines) {
  const auto& known = config::known_engines();
  for (const auto& e : engines)
    if (std::find(known.begin(), known.end(), e) == known.end())
      return error("--engine '%s': expected ref, auto, xnnpack or litert", e.c_str());
  return Status();
}

Result<std::pair<float, float>> parse_range(const std::string& text) {
  float lo = 0, hi = 0;
  char extra = 0;
  if (std::sscanf(text.c_str(), "%f,%f%c", &lo, &hi, &extra) != 2 || !std::isfinite(lo) || !std::isfinite(hi) ||
      !(lo < hi))
    return error("--input-range '%s': expected LO,HI with LO < HI (e.g. 0,1 or -1,1)", text.c_str());
  return std::make_pair(lo, hi);
}

Result<double> parse_seconds(const std::string& flag, const std::string& text, bool allow_zero) {
  double v = 0;
  char extra = 0;
  if (std::sscanf(text.c_str(), "%lf%c", &v, &extra) != 1 || !(allow_zero ? v >= 0 : v > 0) || v > 86400.0 * 7)
    return error("%s '%s': expected a %s number of seconds", flag.c_str(), text.c_str(),
                 allow_zero ? "non-negative" : "positive");
  return v;
}

// Flags shared by both forms that change the matrix: --profile-ops (both), the rest quick form only.
Status apply_matrix_flags(const Args& args, config::GroupConfig& g) {
  if (args.has("--engine")) {
    auto engines = split_list("--engine", args.get("--engine"));
    if (!engines.ok()) return engines.status();
    EB_RETURN_IF_ERROR(check_engines(*engines));
    for (size_t i = 0; i < engines->size(); ++i)
      if (std::find(engines->begin(), engines->begin() + static_cast<std::ptrdiff_t>(i), (*engines)[i]) !=
          engines->begin() + static_cast<std::ptrdiff_t>(i))
        return error("--engine lists '%s' twice (each engine is measured once)", (*engines)[i].c_str());
    g.engines = *engines;
  }
  if (args.has("--threads")) {
    auto list = split_list("--threads", args.get("--threads"));
    if (!list.ok()) return list.status();
    g.threads.clear();
    for (const auto& t : *list) {
      auto n = parse_int("--threads", t, 1, 256);
      if (!n.ok()) return n.status();
      if (std::find(g.threads.begin(), g.threads.end(), *n) != g.threads.end())
        return error("--threads lists %d twice (each count is measured once)", *n);
      g.threads.push_back(*n);
    }
  }
  if (args.has("--warmup")) {
    auto w = parse_int("--warmup", args.get("--warmup"), 0, 100000);
    if (!w.ok()) return w.status();
    g.warmup = *w;
  }
  if (args.has("--iterations")) {
    auto k = parse_int("--iterations", args.get("--iterations"), 0, 1 << 30);
    if (!k.ok()) return k.status();
    g.iterations = *k;
  }
  if (args.has("--cooldown")) {
    auto s = parse_seconds("--cooldown", args.get("--cooldown"), true);
    if (!s.ok()) return s.status();
    g.cooldown_s = *s;
  }
  if (args.has("--profile-ops")) g.profile_ops = true;
  if (args.has("--max-memory")) {
    auto mib = parse_int("--max-memory", args.get("--max-memory"), 1, 1 << 20);
    if (!mib.ok()) return mib.status();
    g.max_memory_mb = *mib;
  }
  if (args.has("--cpu")) {
    auto cpus = parse_cpu_list(args.get("--cpu"));
    if (!cpus.ok()) return cpus.status().with_context("--cpu: ");
    g.cpu_affinity = args.get("--cpu");
  }
  if (args.has("--worker-timeout")) {
    auto s = parse_seconds("--worker-timeout", args.get("--worker-timeout"), false);
    if (!s.ok()) return s.status();
    g.worker_timeout_s = *s;
  }
  return Status();
}

// --task detect and its settings (quick form; a configuration sets task: per group).
Status apply_task_flags(const Args& args, config::TaskConfig& t) {
  const std::string task = args.get("--task", "classify");
  if (task != "classify" && task != "detect") return error("--task '%s': expected classify or detect", task.c_str());
  if (task == "classify") {
    for (const char* f : {"--detect-labels", "--detect-format"})
      if (args.has(f)) return error("%s needs --task detect", f);
    return Status();
  }
  t.kind = config::TaskConfig::Kind::kDetect;
  if (args.has("--detect-format")) {
    auto f = accuracy::parse_detect_format(args.get("--detect-format"));
    if (!f.ok()) return f.status().with_context("--detect-format: ");
    t.format = *f;
  }
  if (args.has("--detect-labels")) {
    t.labels = args.get("--detect-labels");
    std::error_code ec;
    if (t.labels.empty() || !fs::exists(t.labels, ec))
      return error("--detect-labels '%s': no such file or folder (a YOLO labels folder or a COCO JSON file)",
                   t.labels.c_str());
  }
  return Status();
}

// The quick form as a one-group configuration: the pipeline inferred from each model, the reference
// first (given, or the first MODEL), labels from the file names.
Result<config::Config> quick_form_config(const Args& args, const std::vector<std::string>& argv) {
  if (args.positional.empty()) return error("run needs at least one MODEL (or --config FILE)");
  const bool camera = args.has("--camera");
  if (camera == args.has("--images")) return error("run needs exactly one of --images DIR or --camera SPEC");
  auto range = parse_range(args.get("--input-range", "0,1"));
  if (!range.ok()) return range.status();
  auto limit = parse_int("--limit", args.get("--limit", "0"), 0, 1 << 30);
  auto frames = parse_int("--frames", args.get("--frames", "100"), 0, 1 << 30);
  for (const auto* r : {&limit, &frames})
    if (!r->ok()) return r->status();
  double duration = 0;
  if (args.has("--duration")) {
    auto d = parse_seconds("--duration", args.get("--duration"), false);
    if (!d.ok()) return d.status();
    duration = *d;
  }

  config::GroupConfig g;
  // The reference: --reference, else the Keras original when one is given (what the variants were
  // converted from), else the first MODEL.
  auto keras = std::find_if(args.positional.begin(), args.positional.end(), is_keras_path);
  const std::string ref = args.get("--reference", keras != args.positional.end() ? *keras : args.positional[0]);
  g.variants.push_back({ref, "", true});
  for (const auto& m : args.positional) {
    std::error_code ec;
    if (m == ref || fs::equivalent(m, ref, ec)) continue;
    g.variants.push_back({m, "", false});
  }
  for (const auto& v : g.variants)
    if (!fs::exists(v.path)) return error("model '%s' does not exist", v.path.c_str());
  const std::string prefix = config::label_variants_from_paths(g.variants);
  g.name = args.get("--name", prefix);

  if (camera) {
    g.source.kind = config::SourceConfig::Kind::kCamera;
    g.source.camera = args.get("--camera");
    g.source.frames = *frames;
    g.source.duration_s = duration;
  } else {
    g.source.images = args.get("--images");
    g.source.labels = args.get("--labels");
    g.source.label_names = args.get("--label-names");
    g.source.limit = *limit;
  }
  g.preprocess.range_lo = range->first;
  g.preprocess.range_hi = range->second;
  EB_RETURN_IF_ERROR(apply_matrix_flags(args, g));
  EB_RETURN_IF_ERROR(apply_task_flags(args, g.task));

  config::Config c;
  std::ostringstream cmdline;
  cmdline << "edgebench run";
  for (const auto& a : argv) cmdline << ' ' << a;
  c.text = cmdline.str();
  c.groups.push_back(std::move(g));
  return c;
}

Result<config::Config> file_config(const Args& args) {
  for (const char* f : {"--images", "--labels", "--label-names", "--limit", "--camera", "--frames", "--duration",
                        "--reference", "--input-range", "--name", "--engine", "--threads", "--warmup", "--iterations",
                        "--cooldown", "--max-memory", "--cpu", "--worker-timeout", "--task", "--detect-labels",
                        "--detect-format"})
    if (args.has(f)) return error("%s cannot be combined with --config (set it in the configuration file)", f);
  if (!args.positional.empty()) return error("run --config takes no MODEL arguments (list variants in the file)");
  auto c = config::load_config_file(args.get("--config"));
  if (!c.ok()) return c.status();
  if (args.has("--group")) {
    const std::string want = args.get("--group");
    std::vector<config::GroupConfig> kept;
    std::string names;
    for (auto& g : c->groups) {
      names += (names.empty() ? "" : ", ") + g.name;
      if (g.name == want) kept.push_back(std::move(g));
    }
    if (kept.empty()) return error("--group '%s': no such group in %s (groups: %s)", want.c_str(), c->path.c_str(), names.c_str());
    c->groups = std::move(kept);
  }
  if (c->groups.empty()) return error("%s: no groups to run (only the daemon's service: section)", c->path.c_str());
  for (auto& g : c->groups)
    if (args.has("--profile-ops")) g.profile_ops = true;
  return c;
}

Result<std::string> database_path(const Args& args, const config::Config& c) {
  std::string db_path = args.get("--db", c.database);
  if (db_path.empty()) return store::default_results_db_path(false);
  EB_RETURN_IF_ERROR(store::ensure_parent_directory(db_path));
  return db_path;
}

// Every flag's value, checked before any work: a bad one is a bad command line (exit 2), not a failed run.
Status check_flag_values(const Args& args) {
  if (args.has("--group") && !args.has("--config")) return error("--group needs --config FILE");
  if (args.has("--config")) {
    for (const char* f : {"--images", "--labels", "--label-names", "--limit", "--camera", "--frames", "--duration",
                          "--reference", "--input-range", "--name", "--engine", "--threads", "--warmup", "--iterations",
                          "--cooldown", "--max-memory", "--cpu", "--worker-timeout", "--task", "--detect-labels",
                          "--detect-format"})
      if (args.has(f)) return error("%s cannot be combined with --config (set it in the configuration file)", f);
    if (!args.positional.empty()) return error("run --config takes no MODEL arguments (list variants in the file)");
    return Status();
  }
  if (args.positional.empty()) return error("run needs at least one MODEL (or --config FILE)");
  if (args.has("--camera") == args.has("--images")) return error("run needs exactly one of --images DIR or --camera SPEC");
  if (auto r = parse_range(args.get("--input-range", "0,1")); !r.ok()) return r.status();
  if (auto n = parse_int("--limit", args.get("--limit", "0"), 0, 1 << 30); !n.ok()) return n.status();
  if (auto n = parse_int("--frames", args.get("--frames", "100"), 0, 1 << 30); !n.ok()) return n.status();
  if (args.has("--duration"))
    if (auto d = parse_seconds("--duration", args.get("--duration"), false); !d.ok()) return d.status();
  config::GroupConfig scratch;
  EB_RETURN_IF_ERROR(apply_matrix_flags(args, scratch));
  return apply_task_flags(args, scratch.task);
}

// Returns the exit code; errors are printed here.
int run(const Args& args, const std::vector<std::string>& argv) {
  if (Status s = check_flag_values(args); !s.ok()) {
    print_error(s.message());
    return kExitUsage;
  }
  auto config = args.has("--config") ? file_config(args) : quick_form_config(args, argv);
  if (!config.ok()) {
    print_error(config.status().message());
    return kExitError;
  }
  auto db_path = database_path(args, *config);
  if (!db_path.ok()) {
    print_error(db_path.status().message());
    return kExitError;
  }
  auto db = store::ResultsStore::open(*db_path);
  if (!db.ok()) {
    print_error(db.status().message());
    return kExitError;
  }
  StopSignals signals;
  ProgressPrinter progress;
  int exit_code = kExitOk;
  for (const config::GroupConfig& group : config->groups) {
    auto result = job::run_group(*config, group, *db, progress);
    progress.clear();
    if (!result.ok()) {
      print_error(result.status().message());
      exit_code = kExitError;
      continue;  // the other groups are independent
    }
    if (result->status == store::RunStatus::kFailed) {
      print_error(strfmt("run %lld of %s failed: %s", static_cast<long long>(result->run_id), group.name.c_str(),
                         result->error.c_str()));
      exit_code = kExitError;
      continue;
    }
    // The comparison as `edgebench query compare` prints it, read back from what was stored.
    store::CompareSelection selection;
    selection.run_ids = {result->run_id};
    selection.include_failed = true;
    auto rows = store::compare(*db, selection);
    if (!rows.ok()) {
      print_error(rows.status().message());
      return kExitError;
    }
    const bool interrupted = result->status == store::RunStatus::kInterrupted;
    std::printf("%srun %lld of %s %s in %s\n\n%s", &group == &config->groups.front() ? "" : "\n",
                static_cast<long long>(result->run_id), group.name.c_str(),
                interrupted ? "interrupted, measurements so far stored" : "stored", db_path->c_str(),
                query_detail::compare_output(*rows, OutputFormat::kTable, false).c_str());
    std::fflush(stdout);
    if (interrupted) return 130;  // as a shell reports a command ended by SIGINT
    if (result->measured == 0) {  // stored, but nothing in it answers anything
      print_error(strfmt("run %lld of %s: no variant was measured (%lld failed; errors above and in `edgebench query "
                         "show %lld`)",
                         static_cast<long long>(result->run_id), group.name.c_str(),
                         static_cast<long long>(result->failed), static_cast<long long>(result->run_id)));
      exit_code = kExitError;
    }
  }
  return exit_code;
}

}  // namespace

int run_run(const std::vector<std::string>& argv) {
  auto args = parse_args(argv,
                         {"--config", "--group", "--images", "--labels", "--label-names", "--limit", "--camera",
                          "--frames", "--duration", "--reference", "--input-range", "--name", "--db", "--engine",
                          "--threads", "--warmup", "--iterations", "--cooldown", "--max-memory", "--cpu",
                          "--worker-timeout", "--task", "--detect-labels", "--detect-format"},
                         {"--profile-ops"});
  if (!args.ok()) {
    print_error(args.status().message());
    return kExitUsage;
  }
  return run(args.value(), argv);
}

}  // namespace eb::cli
