// The daemon's main loop. Why one thread: the job runs in the main thread and its observer callbacks
// (called per item) ping the watchdog, update STATUS and poll the signalfd without blocking. No other
// thread pings systemd, so a job that hangs inside an inference stops the pings and systemd's watchdog
// restarts the service; a worker thread with a pinging main loop would hide exactly that hang unless the
// loop second-guessed the worker's progress. It also keeps the SQLite connection on one thread (the
// store's rule) and makes SIGTERM handling a plain flag the job polls.
#include "daemon/service/daemon.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "daemon/job/benchmark_job.h"
#include "daemon/service/debounce.h"
#include "daemon/service/dropped_models.h"
#include "daemon/service/instance_lock.h"
#include "daemon/service/exporter.h"
#include "daemon/service/logging.h"
#include "daemon/service/notifier.h"
#include "daemon/service/service_config.h"
#include "daemon/service/signals.h"
#include "daemon/service/watcher.h"
#include "daemon/store/queries.h"
#include "daemon/store/results_store.h"
#include "daemon/store/store_paths.h"

namespace eb::service {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

struct Settings {
  config::Config config;
  ServiceConfig service;
};

Result<Settings> load_settings(const std::string& path) {
  auto c = config::load_config_file(path);
  if (!c.ok()) return c.status();
  auto s = parse_service_config(*c);
  if (!s.ok()) return s.status();
  return Settings{std::move(*c), std::move(*s)};
}

// --db, else the config's database, else the systemd state directory, else the packaged default.
std::string database_path(const DaemonOptions& options, const config::Config& config) {
  if (!options.db_path.empty()) return options.db_path;
  if (!config.database.empty()) return config.database;
  const char* state = std::getenv("STATE_DIRECTORY");  // "a:b" when the unit lists several
  if (state != nullptr && state[0] != '\0') {
    std::string first(state);
    first = first.substr(0, first.find(':'));
    return (fs::path(first) / "results.db").string();
  }
  auto p = store::results_db_location(true);
  return p.ok() ? *p : "/var/lib/edgebench/results.db";
}

Clock::duration seconds(double s) { return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s)); }

// One benchmark waiting its turn: dropped files of one folder, or a configured group that is due.
struct QueuedJob {
  bool scheduled = false;
  std::string folder;               // drop: the models_dir folder ("" top level); scheduled: the group
  std::vector<Snapshot> snapshots;  // drop: the files to measure
};

class Daemon;

// The job's callbacks: cheap, called per item on the main thread.
class DaemonObserver : public job::JobObserver {
 public:
  DaemonObserver(Daemon& d, std::string group) : d_(d), group_(std::move(group)) {}
  void on_status(const std::string& text) override;
  void on_progress(int64_t done, std::optional<int64_t> total) override;
  void on_measurement(const std::string& variant, const std::string& engine, int threads,
                      const std::string& error) override;
  bool stop_requested() override;

 private:
  void keep_alive();
  Daemon& d_;
  std::string group_, step_;
  Clock::time_point last_status_{}, last_poll_{};
};

class Daemon {
 public:
  Daemon(const DaemonOptions& options, std::shared_ptr<spdlog::logger> log, SignalEvents signals)
      : options_(options), log_(std::move(log)), signals_(std::move(signals)) {}

  int run();

 private:
  friend class DaemonObserver;

  Status start();
  void reload();
  Status open_watcher();
  void poll_signals();
  void read_watch_events();
  void collect_ready_files();
  void enqueue_drop(const Snapshot& s);
  void enqueue_due_groups();
  void run_job(QueuedJob job);
  void finish_drop(const QueuedJob& job, store::RunStatus status);
  std::optional<WallClock::time_point> last_run_of(const std::string& group);
  std::vector<Snapshot> dropped_in(const std::string& folder) const;
  int timeout_ms() const;
  bool idle_with_nothing_due();
  const config::GroupConfig* group(const std::string& name) const;
  std::string run_prefix() const { return run_id_ > 0 ? strfmt("run %lld: ", static_cast<long long>(run_id_)) : ""; }
  void find_run_id(const std::string& group);

  DaemonOptions options_;
  std::shared_ptr<spdlog::logger> log_;
  SignalEvents signals_;
  Notifier notifier_;
  Settings settings_;
  std::string db_path_, state_dir_, models_dir_, snapshot_dir_;
  std::optional<InstanceLock> lock_;
  std::optional<store::ResultsStore> store_;
  std::optional<ModelDirWatcher> watcher_;
  DebounceTracker tracker_{2s};
  std::optional<SeenModels> seen_;
  std::map<std::string, Snapshot> benchmarked_;  // source path -> snapshot, for scheduled runs
  std::set<std::string> skipped_;                // model-named links/FIFOs/... already logged once
  std::deque<QueuedJob> queue_;
  std::map<std::string, WallClock::time_point> last_scheduled_run_;
  WallClock::time_point started_wall_ = WallClock::now();
  Clock::time_point cooldown_until_{};
  bool terminate_ = false, reload_pending_ = false, in_job_ = false;
  int64_t run_id_ = 0;
};

void DaemonObserver::keep_alive() {
  const auto now = Clock::now();
  d_.notifier_.ping_watchdog_if_due(now);
  // Signals and inotify are polled at most every 20 ms: a syscall per item would cost little, but the
  // items of a small model take well under a millisecond.
  if (now - last_poll_ >= 20ms) {
    last_poll_ = now;
    d_.poll_signals();
    d_.read_watch_events();
  }
}

void DaemonObserver::on_status(const std::string& text) {
  if (d_.run_id_ == 0) d_.find_run_id(group_);
  step_ = text;
  d_.notifier_.status(text);
  d_.log_->info("{}{}", d_.run_prefix(), text);
  keep_alive();
}

void DaemonObserver::on_progress(int64_t done, std::optional<int64_t> total) {
  const auto now = Clock::now();
  if (now - last_status_ >= 1s) {  // STATUS at most once a second: it is a datagram to PID 1
    last_status_ = now;
    d_.notifier_.status(step_ + strfmt(" item %lld", static_cast<long long>(done)) +
                        (total ? strfmt("/%lld", static_cast<long long>(*total)) : ""));
  }
  keep_alive();
}

void DaemonObserver::on_measurement(const std::string& variant, const std::string& engine, int threads,
                                    const std::string& error) {
  if (error.empty())
    d_.log_->info("{}{}/{} {} x{} stored", d_.run_prefix(), group_, variant, engine, threads);
  else
    d_.log_->error("{}{}/{} {} x{} failed (recorded, carrying on): {}", d_.run_prefix(), group_, variant, engine,
                   threads, error);
  keep_alive();
}

bool DaemonObserver::stop_requested() {
  keep_alive();
  return d_.terminate_;
}

// The store assigns the run id inside the job; the daemon is the database's only writer, so its newest
// 'running' run of this group is the one under way.
void Daemon::find_run_id(const std::string& group) {
  store::RunFilter f;
  f.model_group = group;
  f.status = store::RunStatus::kRunning;
  f.last_n = 1;
  auto runs = store::list_runs(*store_, f);
  if (runs.ok() && !runs->empty()) run_id_ = runs->front().run.id;
}

Status Daemon::start() {
  auto s = load_settings(options_.config_path);
  if (!s.ok()) return s.status();
  settings_ = std::move(*s);
  db_path_ = database_path(options_, settings_.config);
  EB_RETURN_IF_ERROR(store::ensure_parent_directory(db_path_));
  // Absolute, so the snapshot paths stored as model_path mean something to a later reader.
  std::error_code ec;
  state_dir_ = fs::absolute(db_path_, ec).parent_path().lexically_normal().string();
  const std::string stem = fs::path(db_path_).stem().string();
  // Before the database is opened: a second daemon on it stops here (instance_lock.h).
  EB_ASSIGN_OR_RETURN(InstanceLock lock, InstanceLock::acquire((fs::path(state_dir_) / (stem + ".lock")).string(), db_path_));
  lock_.emplace(std::move(lock));
  auto st = store::ResultsStore::open(db_path_);
  if (!st.ok()) return st.status();
  store_.emplace(std::move(*st));
  snapshot_dir_ = (fs::path(state_dir_) / (stem + ".snapshots")).string();
  seen_ = SeenModels::load((fs::path(state_dir_) / (stem + ".dropped-models")).string());
  EB_RETURN_IF_ERROR(open_watcher());
  if (!settings_.service.exporter_textfile.empty()) {  // the collector has figures again right after a restart
    Status e = export_latest(*store_, settings_.service.exporter_textfile);
    if (!e.ok()) log_->error("{}", e.message());
  }
  log_->info("edgebench daemon: config {}, database {}, models_dir {}", options_.config_path, db_path_, models_dir_);
  return Status();
}

Status Daemon::open_watcher() {
  const std::string dir = settings_.service.models_dir.empty() ? (fs::path(state_dir_) / "models").string()
                                                                : settings_.service.models_dir;
  tracker_.set_quiet(seconds(settings_.service.watch_debounce_s));
  if (watcher_ && dir == models_dir_) return Status();
  // The daemon's own snapshots are never input, even when models_dir holds the state directory.
  auto w = ModelDirWatcher::open(dir, {snapshot_dir_});
  if (!w.ok()) return w.status();
  watcher_.emplace(std::move(*w));
  models_dir_ = dir;
  // Files benchmarked before (a restart, a reload) whose snapshot survives join scheduled runs again.
  benchmarked_.clear();
  for (const auto& [path, entry] : seen_->entries()) {
    const std::string snap = (fs::path(snapshot_dir_) / fs::path(path).lexically_relative(models_dir_)).string();
    if (path.rfind(models_dir_ + "/", 0) == 0 && stat_file(snap)) benchmarked_[path] = Snapshot{path, snap, entry};
  }
  // Everything present now is looked at (and skipped when unchanged since it was benchmarked).
  const auto now = Clock::now();
  for (const auto& f : watcher_->scan()) {
    const std::string why = unusable_drop_reason(f);
    if (!why.empty()) {
      if (skipped_.insert(f).second) log_->warn("model {} skipped: {} (dropped models must be regular files)", f, why);
      continue;
    }
    tracker_.on_event(f, now, stat_file(f));
  }
  return Status();
}

void Daemon::reload() {
  reload_pending_ = false;
  notifier_.reloading();
  log_->info("reloading configuration {}", options_.config_path);
  auto s = load_settings(options_.config_path);
  if (!s.ok()) {
    log_->error("reload failed, keeping the previous configuration: {}", s.status().message());
  } else {
    const std::string new_db = database_path(options_, s->config);
    if (new_db != db_path_)
      log_->warn("reload: the database changed to {}; still writing {} until the service restarts", new_db, db_path_);
    Settings old = std::move(settings_);
    settings_ = std::move(*s);
    Status w = open_watcher();
    if (!w.ok()) {
      log_->error("reload failed, keeping the previous configuration: {}", w.message());
      settings_ = std::move(old);
      (void)open_watcher();
    } else {
      // Queued scheduled runs of groups that no longer exist are dropped when they come up.
      log_->info("configuration reloaded: {} group(s), models_dir {}", settings_.config.groups.size(), models_dir_);
    }
  }
  notifier_.ready();
  notifier_.status(in_job_ ? "benchmarking (configuration reloaded)" : "idle");
}

void Daemon::poll_signals() {
  for (DaemonSignal s : signals_.drain()) {
    if (s == DaemonSignal::kTerminate) {
      if (!terminate_) {
        log_->info("{}stop requested (SIGTERM/SIGINT)", run_prefix());
        notifier_.stopping();
      }
      terminate_ = true;
    } else {
      reload_pending_ = true;  // applied between jobs: a run keeps the configuration it started with
    }
  }
}

void Daemon::read_watch_events() {
  if (!watcher_) return;
  WatchChanges c = watcher_->read_events();
  const auto now = Clock::now();
  if (c.rescan)
    for (const auto& f : watcher_->scan()) c.touched.push_back(f);
  for (const auto& f : c.touched) {
    const std::string why = unusable_drop_reason(f);
    if (!why.empty()) {
      if (skipped_.insert(f).second) log_->warn("model {} skipped: {} (dropped models must be regular files)", f, why);
      continue;
    }
    tracker_.on_event(f, now, stat_file(f));
  }
  for (const auto& f : c.removed) {
    skipped_.erase(f);
    tracker_.on_event(f, now, std::nullopt);  // forgotten at its next check
    if (seen_->entries().count(f)) {
      log_->info("model {} removed", f);
      seen_->forget(f);
      auto it = benchmarked_.find(f);
      if (it != benchmarked_.end()) {
        std::error_code ec;
        fs::remove(it->second.path, ec);
        benchmarked_.erase(it);
      }
      Status s = seen_->save();
      if (!s.ok()) log_->error("{}", s.message());
    }
  }
}

void Daemon::collect_ready_files() {
  const auto ready = tracker_.take_ready(Clock::now(), stat_file);
  for (const auto& path : ready) {
    const auto state = stat_file(path);
    if (!state) continue;
    if (seen_->unchanged_state(path, *state)) continue;  // benchmarked as it is now
    DropLimits limits;
    limits.max_bytes = static_cast<int64_t>(settings_.service.max_model_mb * 1024 * 1024);
    bool refused = false;
    auto snap = snapshot_model(path, models_dir_, snapshot_dir_, limits, &refused);
    if (!snap.ok() && refused) {
      // What the file is, not a passing state: not retried until it changes (recorded as seen, with no
      // snapshot, so a restart skips it too).
      log_->warn("{}", snap.status().message());
      seen_->record(path, SeenModel{*state, 0});
      Status s = seen_->save();
      if (!s.ok()) log_->error("{}", s.message());
      continue;
    }
    if (!snap.ok()) {
      log_->warn("{} (will look again once it settles)", snap.status().message());
      tracker_.on_event(path, Clock::now(), stat_file(path));
      continue;
    }
    if (seen_->unchanged_content(path, snap->seen.hash)) {
      log_->info("model {} touched but unchanged: not benchmarked again", path);
      seen_->record(path, snap->seen);
      Status s = seen_->save();
      if (!s.ok()) log_->error("{}", s.message());
      continue;
    }
    log_->info("model {} is ready ({} bytes)", path, snap->seen.state.size);
    enqueue_drop(*snap);
  }
}

void Daemon::enqueue_drop(const Snapshot& s) {
  const std::string folder = drop_folder(s.source, models_dir_);
  if (!folder.empty()) {  // files of one folder share a run: merge into a queued one
    for (auto& q : queue_) {
      if (q.scheduled || q.folder != folder) continue;
      auto same = std::find_if(q.snapshots.begin(), q.snapshots.end(), [&](const Snapshot& o) { return o.source == s.source; });
      if (same != q.snapshots.end())
        *same = s;
      else
        q.snapshots.push_back(s);
      return;
    }
  }
  queue_.push_back(QueuedJob{false, folder, {s}});
}

std::optional<WallClock::time_point> Daemon::last_run_of(const std::string& group) {
  auto it = last_scheduled_run_.find(group);
  if (it != last_scheduled_run_.end()) return it->second;
  // Across restarts the store remembers: the newest run of the group that is not in progress.
  store::RunFilter f;
  f.model_group = group;
  f.last_n = 5;
  auto runs = store::list_runs(*store_, f);
  if (!runs.ok()) return std::nullopt;
  for (const auto& r : *runs) {
    // A run in progress or interrupted did not measure the group: the schedule resumes it.
    if (r.run.status == store::RunStatus::kRunning || r.run.status == store::RunStatus::kInterrupted) continue;
    const auto secs = parse_utc_seconds(r.run.started_utc);
    if (!secs) continue;
    const auto tp = WallClock::time_point(std::chrono::duration_cast<WallClock::duration>(std::chrono::duration<double>(*secs)));
    last_scheduled_run_[group] = tp;
    return tp;
  }
  return std::nullopt;
}

void Daemon::enqueue_due_groups() {
  if (settings_.service.schedule.empty()) return;
  const auto now = WallClock::now();
  for (const auto& g : settings_.config.groups) {
    const bool queued = std::any_of(queue_.begin(), queue_.end(), [&](const QueuedJob& q) { return q.scheduled && q.folder == g.name; });
    if (queued) continue;
    const auto due = next_due(settings_.service.schedule, last_run_of(g.name), started_wall_);
    if (due && *due <= now) {
      log_->info("group {} is due (schedule)", g.name);
      queue_.push_back(QueuedJob{true, g.name, {}});
    }
  }
}

const config::GroupConfig* Daemon::group(const std::string& name) const {
  for (const auto& g : settings_.config.groups)
    if (g.name == name) return &g;
  return nullptr;
}

std::vector<Snapshot> Daemon::dropped_in(const std::string& folder) const {
  std::vector<Snapshot> out;
  for (const auto& [path, s] : benchmarked_)
    if (drop_folder(path, models_dir_) == folder) out.push_back(s);
  return out;
}

void Daemon::run_job(QueuedJob job) {
  config::GroupConfig g;
  if (job.scheduled) {
    const config::GroupConfig* configured = group(job.folder);
    if (!configured) return;  // removed by a reload since it was queued
    g = with_dropped_variants(*configured, dropped_in(job.folder));
    last_scheduled_run_[job.folder] = WallClock::now();
  } else {
    auto planned = plan_drop_group(settings_.config, settings_.service, job.folder, job.snapshots);
    if (!planned.ok()) {
      log_->error("{}", planned.status().message());
      return;
    }
    g = std::move(*planned);
  }
  in_job_ = true;
  run_id_ = 0;
  notifier_.status("benchmarking " + g.name);
  log_->info("benchmarking group {} ({} variant(s), {})", g.name, g.variants.size(),
             job.scheduled ? "scheduled" : "dropped models");
  DaemonObserver observer(*this, g.name);
  auto result = job::run_group(settings_.config, g, *store_, observer);
  in_job_ = false;
  if (!result.ok()) {
    log_->error("group {}: {}", g.name, result.status().message());
  } else {
    run_id_ = result->run_id;
    const char* status = store::to_string(result->status);
    if (result->status == store::RunStatus::kFailed)
      log_->error("{}{} {}: {}", run_prefix(), g.name, status, result->error);
    else
      log_->info("{}{} {} ({} measured, {} failed)", run_prefix(), g.name, status, result->measured, result->failed);
    if (!job.scheduled) finish_drop(job, result->status);
  }
  run_id_ = 0;
  if (!settings_.service.exporter_textfile.empty()) {
    Status s = export_latest(*store_, settings_.service.exporter_textfile);
    if (!s.ok()) log_->error("{}", s.message());
  }
  cooldown_until_ = Clock::now() + seconds(settings_.service.cooldown_s);
}

// A dropped file counts as benchmarked once its run completed (a variant that failed to load is part of a
// complete run). An interrupted run (SIGTERM, or a SIGKILL that never gets here) or a failed one (the
// database could not be written: disk full) leaves it unseen, so it is measured again after a restart
// or when the file changes, and not retried in a loop meanwhile.
void Daemon::finish_drop(const QueuedJob& job, store::RunStatus status) {
  if (status != store::RunStatus::kComplete) return;
  for (const auto& s : job.snapshots) {
    seen_->record(s.source, s.seen);
    benchmarked_[s.source] = s;
  }
  Status st = seen_->save();
  if (!st.ok()) log_->error("{}", st.message());
}

int Daemon::timeout_ms() const {
  const auto now = Clock::now();
  Clock::time_point wake = now + 60s;  // the schedule is re-checked at least once a minute
  if (auto t = tracker_.next_check()) wake = std::min(wake, *t);
  if (auto t = notifier_.next_ping_due()) wake = std::min(wake, *t);
  if (!queue_.empty()) wake = std::min(wake, cooldown_until_);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(wake - now).count();
  return static_cast<int>(std::clamp<int64_t>(ms + 1, 0, 60000));
}

bool Daemon::idle_with_nothing_due() { return queue_.empty() && tracker_.pending_count() == 0; }

int Daemon::run() {
  Status s = start();
  if (!s.ok()) {
    log_->error("cannot start: {}", s.message());
    notifier_.status("failed to start: " + s.message());
    return 1;
  }
  notifier_.ready();
  notifier_.status("idle");
  if (auto wd = notifier_.watchdog_interval())
    log_->info("watchdog: pinging every {} ms", std::chrono::duration_cast<std::chrono::milliseconds>(*wd / 2).count());
  notifier_.ping_watchdog();
  while (!terminate_) {
    notifier_.ping_watchdog_if_due();
    if (reload_pending_) reload();
    collect_ready_files();
    enqueue_due_groups();
    if (!queue_.empty() && (Clock::now() >= cooldown_until_ || options_.once)) {
      QueuedJob job = std::move(queue_.front());
      queue_.pop_front();
      run_job(std::move(job));
      if (!terminate_) notifier_.status(queue_.empty() ? "idle" : "cooling down");
      continue;
    }
    if (options_.once && idle_with_nothing_due()) break;
    pollfd fds[2] = {{signals_.fd(), POLLIN, 0}, {watcher_ ? watcher_->fd() : -1, POLLIN, 0}};
    const int n = ::poll(fds, 2, timeout_ms());
    if (n < 0 && errno != EINTR) {
      log_->error("poll: {}", std::strerror(errno));
      break;
    }
    poll_signals();
    read_watch_events();
  }
  if (terminate_) notifier_.stopping();
  notifier_.status("stopped");
  log_->info("edgebench daemon stopped");
  return 0;
}

}  // namespace

int run_daemon(const DaemonOptions& options) {
  auto log = make_daemon_logger(options.log_target);
  // Signals are blocked before anything else so a SIGTERM during start-up is not lost (nor fatal).
  auto signals = SignalEvents::open();
  if (!signals.ok()) {
    log->error("cannot start: {}", signals.status().message());
    return 1;
  }
  Daemon d(options, log, std::move(*signals));
  return d.run();
}

}  // namespace eb::service
