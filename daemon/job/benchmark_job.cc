#include "daemon/job/benchmark_job.h"


#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <thread>

#include "daemon/accuracy/detection_labels.h"
#include "daemon/build_info.h"
#include "daemon/job/measurement_record.h"
#include "daemon/measure/device_state.h"
#include "daemon/measure/variant_runner.h"
#include "daemon/pipeline/image_module.h"
#include "daemon/pipeline/labels.h"
#include "daemon/pipeline/model_content.h"
#include "kernels/engine/cpu_features.h"
#include "kernels/engine/engine.h"

namespace eb::job {
namespace {

using SourceOpener = std::function<Result<std::unique_ptr<ImageSource>>()>;

SourceOpener source_opener(const config::SourceConfig& s) {
  if (s.kind == config::SourceConfig::Kind::kCamera) {
    CaptureOptions co;
    co.max_frames = s.frames;
    co.max_seconds = s.duration_s;
    return [spec = s.camera, co]() -> Result<std::unique_ptr<ImageSource>> {
      EB_ASSIGN_OR_RETURN(const ImageModuleApi* images, image_module());
      return images->open_capture(spec, co);
    };
  }
  ImageDirOptions io;
  io.labels_csv = s.labels;
  io.label_names_file = s.label_names;
  io.limit = s.limit;
  return [dir = s.images, io]() -> Result<std::unique_ptr<ImageSource>> {
    EB_ASSIGN_OR_RETURN(const ImageModuleApi* images, image_module());
    return images->open_image_dir(dir, io);
  };
}

// Waits `seconds`, polling for a stop request and reporting the temperature (heat is what a cool-down
// is for). Returns false when stopped.
bool cool_down(double seconds, JobObserver& observer) {
  using Clock = std::chrono::steady_clock;
  const auto end = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  auto next_report = Clock::now();
  while (Clock::now() < end) {
    if (observer.stop_requested()) return false;
    if (Clock::now() >= next_report) {
      const DeviceReading d = read_device_sample();
      const double left = std::chrono::duration<double>(end - Clock::now()).count();
      observer.on_status(d.cpu_temp_c ? strfmt("cooling down %.0f s (%.1f C)", left, *d.cpu_temp_c)
                                      : strfmt("cooling down %.0f s", left));
      next_report = Clock::now() + std::chrono::seconds(1);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return !observer.stop_requested();
}

// Reference first: the others' drift needs its outputs from the same engine and thread count.
std::vector<const config::VariantConfig*> measurement_order(const config::GroupConfig& group) {
  std::vector<const config::VariantConfig*> order;
  for (const auto& v : group.variants)
    if (v.reference) order.push_back(&v);
  for (const auto& v : group.variants)
    if (!v.reference) order.push_back(&v);
  return order;
}

// The thread counts an engine is measured at: those it really uses (engine_threads_used), each once.
// The reference engine runs on one thread whatever it is asked, so it is measured once, at 1, and
// stored as 1: rows "ref x2", "ref x4" would repeat the one-thread figures under thread counts that
// never ran (and cost the device the slowest measurements several times over).
std::vector<int> thread_counts_for(const std::string& engine, const std::vector<int>& asked) {
  std::vector<int> used;
  for (int n : asked) {
    const int u = engine_threads_used(engine, n);
    if (std::find(used.begin(), used.end(), u) == used.end()) used.push_back(u);
  }
  return used;
}

// A detector's figures into the stored measurement. A figure that could not be computed (no labelled
// image had a box; nothing in common with the reference) is said in the log and left null.
void add_detection_figures(const VariantResult& r, const std::vector<std::string>& class_names, const std::string& label,
                           JobObserver& observer, store::Measurement& m) {
  if (r.detection) {
    if (r.detection->ok()) m.detection = to_detection_accuracy(r.detection->value(), class_names);
    else observer.on_status(label + ": no mAP: " + r.detection->status().message());
  }
  if (r.detection_drift) {
    if (r.detection_drift->ok()) m.detection_drift = to_detection_drift(r.detection_drift->value());
    else observer.on_status(label + ": no comparison with the reference: " + r.detection_drift->status().message());
  }
}

}  // namespace

Result<JobResult> run_group(const config::Config& config, const config::GroupConfig& group, store::ResultsStore& store,
                            JobObserver& observer) {
  if (group.variants.empty()) return error("group '%s': no variants", group.name.c_str());
  const SourceOpener open_source = source_opener(group.source);
  std::vector<std::string> class_names;
  {  // Fail before touching the database when the source cannot be opened at all.
    auto probe = open_source();
    if (!probe.ok()) return probe.status().with_context("group '" + group.name + "': ");
    class_names = probe.value()->class_names();
    observer.on_status(group.name + ": " + probe.value()->describe());
  }

  // A detector's outputs are decoded and scored per item (daemon/accuracy/); its labels and class names
  // are checked here, before anything is stored, as any other input is (an error names the file).
  std::optional<accuracy::DetectionSettings> detection;
  if (group.task.kind == config::TaskConfig::Kind::kDetect) {
    if (!group.task.labels.empty()) {
      auto labels = accuracy::DetectionLabels::open(group.task.labels);
      if (!labels.ok()) return labels.status().with_context("group '" + group.name + "': ");
      if (group.task.names.empty() && !labels->names().empty()) class_names = labels->names();
    }
    if (!group.task.names.empty()) {
      auto names = read_label_names(group.task.names);
      if (!names.ok()) return names.status().with_context("group '" + group.name + "': ");
      class_names = names->names();
    }
    accuracy::DetectionSettings d;
    d.labels = group.task.labels;
    d.format = group.task.format;
    d.conf = group.task.conf;
    d.iou = group.task.iou;
    d.max_det = group.task.max_det;
    d.score_threshold = group.task.score_threshold;
    detection = d;
  }

  store::RunInfo info;
  info.model_group = group.name;
  info.edgebench_version = EDGEBENCH_VERSION;
  info.git_hash = EDGEBENCH_GIT_HASH;
  info.config_text = config.text;
  const DeviceInfo dev = read_device_info();
  // The device's best kernel path; each measurement stores the path its engine really took.
  info.device = {config.device_name, dev.hostname, dev.cpu_model, dev.cpu_cores,
                 isa_name(best_isa(detect_cpu_features())), dev.kernel, dev.governor, dev.throttled};
  auto run_id = store.begin_run(info);
  if (!run_id.ok()) return run_id.status();

  JobResult result;
  result.run_id = *run_id;
  const auto order = measurement_order(group);
  size_t total = 0;
  for (const std::string& engine : group.engines)
    total += order.size() * thread_counts_for(engine, group.threads).size();
  // Each model file is read once for the whole run (model_content.h): every engine and thread count
  // measures those bytes, and the size stored is theirs. A file that cannot be read gives each of its
  // measurements that error.
  std::map<const config::VariantConfig*, Result<std::unique_ptr<ModelContent>>> contents;
  for (const config::VariantConfig* v : order) contents.emplace(v, ModelContent::read(v->path));
  auto size_of = [&](const config::VariantConfig* v) -> std::optional<int64_t> {
    const auto& c = contents.at(v);
    return c.ok() ? std::optional<int64_t>(static_cast<int64_t>(c.value()->size())) : std::nullopt;
  };
  const std::optional<int64_t> reference_size = order[0]->reference ? size_of(order[0]) : std::nullopt;
  const PreprocessOptions preprocess = config::to_preprocess_options(group.preprocess);
  size_t index = 0;
  auto stop = [&] { return observer.stop_requested(); };
  for (const std::string& engine : group.engines) {
    for (int threads : thread_counts_for(engine, group.threads)) {
      ItemOutputs reference_outputs;
      accuracy::ItemDetections reference_detections;
      for (const config::VariantConfig* v : order) {
        if (index > 0 && group.cooldown_s > 0 && !cool_down(group.cooldown_s, observer)) {
          result.status = store::RunStatus::kInterrupted;
          break;
        }
        ++index;
        observer.on_status(strfmt("benchmarking %s/%s %s x%d (%zu/%zu)", group.name.c_str(), v->label.c_str(),
                                  engine.c_str(), threads, index, total));
        VariantRunOptions vo;
        vo.engine.engine = engine;
        vo.engine.threads = threads;
        vo.engine.profile_ops = group.profile_ops;
        vo.warmup = group.warmup;
        vo.preprocess = preprocess;
        vo.max_timed = group.iterations;
        vo.keep_outputs = v->reference;
        vo.reference = v->reference ? nullptr : &reference_outputs;
        vo.detection = detection;
        vo.reference_detections = v->reference ? nullptr : &reference_detections;
        vo.progress = [&observer](int64_t n, std::optional<int64_t> t) { observer.on_progress(n, t); };
        vo.stop_requested = stop;
        vo.max_memory_bytes = static_cast<size_t>(group.max_memory_mb) << 20;
        vo.cpu_affinity = group.cpu_affinity;
        vo.timeout_s = group.worker_timeout_s;
        const auto& content = contents.at(v);
        VariantResult r;
        if (content.ok()) {
          vo.content = content.value().get();
          r = run_variant(v->path, open_source, vo);
        } else {
          r.error = content.status().message();
        }
        for (const std::string& note : r.notes) observer.on_status(v->label + ": " + note);
        if (r.interrupted) {  // dropped: a measurement over part of the items would mislead
          result.status = store::RunStatus::kInterrupted;
          break;
        }
        if (v->reference) {
          reference_outputs = std::move(r.outputs);
          reference_detections = std::move(r.detections);
        }
        store::Measurement m = to_measurement({v, engine, threads, reference_size, size_of(v)}, r, class_names);
        add_detection_figures(r, class_names, v->label, observer, m);
        auto id = store.add_measurement(*run_id, m);
        if (!id.ok()) {
          result.status = store::RunStatus::kFailed;
          result.error = id.status().message();
          (void)store.finish_run(*run_id, result.status, result.error);
          return result;
        }
        (m.error ? result.failed : result.measured) += 1;
        observer.on_measurement(v->label, engine, threads, r.error);
        if (r.item_errors > 0) observer.on_skipped_items(r.item_errors, r.item_error_examples);
      }
      if (result.status == store::RunStatus::kInterrupted) break;
    }
    if (result.status == store::RunStatus::kInterrupted) break;
  }
  // A stop that came after the last item was measured still ends the run as interrupted: the user asked
  // for it, and the exit status (130) and the stored state must say so.
  if (result.status == store::RunStatus::kComplete && observer.stop_requested())
    result.status = store::RunStatus::kInterrupted;
  EB_RETURN_IF_ERROR(store.finish_run(*run_id, result.status,
                                      result.status == store::RunStatus::kInterrupted ? "stop requested" : ""));
  return result;
}

}  // namespace eb::job
