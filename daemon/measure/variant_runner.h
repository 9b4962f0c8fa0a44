// Measures one model variant over an image source: load time, first inference, every timed inference,
// memory, accuracy against labels, and drift against the reference variant's outputs on the same items.
// The model is loaded and timed in a fresh worker process (worker.h); this side reads and preprocesses
// the items, hands each over outside the timed region, and computes accuracy and drift from the outputs.
// A worker that crashes, hangs or passes the memory limit gives a failed result with the cause.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "daemon/accuracy/detection_scorer.h"
#include "daemon/measure/device_state.h"
#include "daemon/pipeline/image_source.h"
#include "daemon/pipeline/model_content.h"
#include "daemon/pipeline/preprocess_options.h"
#include "kernels/engine/create_engine.h"

namespace eb {

// Output 0 of every item, as floats (dequantized), indexed by the item's position in the source.
using ItemOutputs = std::map<int64_t, std::vector<float>>;

struct VariantRunOptions {
  EngineOptions engine;
  int warmup = 1;                     // untimed inferences on the first item after the first inference
  float range_lo = 0.0f, range_hi = 1.0f;  // quick-form pixel mapping 0..255 -> lo..hi
  std::optional<PreprocessOptions> preprocess;  // a configured pipeline; replaces the range when set
  int64_t max_timed = 0;  // > 0: stop after this many timed inferences (config `iterations`)
  // Polled once per item: true ends the measurement early with VariantResult::interrupted set.
  std::function<bool()> stop_requested;
  const ItemOutputs* reference = nullptr;  // drift is computed against these when set
  bool keep_outputs = false;               // fill VariantResult::outputs (for the reference variant)
  std::function<void(int64_t done, std::optional<int64_t> total)> progress;
  double device_sample_period_s = 1.0;
  // The worker process each measurement runs in (worker.h).
  std::string worker_executable;  // empty: find_worker_executable()
  double timeout_s = 300;          // the longest the worker may take for its load or one inference
  size_t max_memory_bytes = 0;     // --max-memory: the worker's peak resident set may not pass it; 0: no limit
  std::string cpu_affinity;        // --cpu: pin the worker to these CPUs ("2", "0-3"); empty: not pinned
  // The model's bytes as read once for the run (every measurement loads them); null: the worker reads
  // the path itself.
  const ModelContent* content = nullptr;
  // A detector (config task: detect): every output of each item is decoded and scored against the
  // labels and/or the reference's detections (daemon/accuracy/); top-1 and output-0 drift are not kept.
  std::optional<accuracy::DetectionSettings> detection;
  const accuracy::ItemDetections* reference_detections = nullptr;  // the reference variant's, when measured
};

struct DeviceSampleAt {
  double elapsed_ms = 0;
  std::chrono::system_clock::time_point utc;  // wall clock when the sample was taken (stored as its time)
  DeviceReading reading;
};

struct VariantResult {
  // Non-empty: the variant could not be measured (load failure, no usable item, or a fatal source error:
  // a camera or stream that failed before its frame/duration limit; the source's message names it and
  // the frames read). The other fields then hold what was measured before the failure.
  std::string error;
  std::string isa;       // kernel path the engine ran ("avx512", "neon", "ref", "xnnpack")
  int threads_used = 1;  // threads the engine really used
  double load_ms = 0, first_ms = 0;
  std::vector<double> samples_ms;  // every timed inference after the first, in order
  bool interrupted = false;         // stop_requested() ended it before the source did
  // Per node, summed over the timed inferences only (EngineOptions::profile_ops; empty otherwise).
  std::vector<NodeTime> node_times;
  // Memory of the worker process that ran the measurement, in bytes (0: not measured, e.g. a failed load).
  struct Memory {
    size_t baseline_rss = 0;  // the worker's resident set before it loaded the model
    size_t load_rss = 0;      // after the engine was created: weights, repacked copies, arena
    size_t first_rss = 0;     // after the first inference
    size_t peak_rss = 0;      // the worker's peak (VmHWM) at the end: what a minimal process running it needs
    size_t arena = 0, scratch = 0;              // the engine's activation arena and operator scratch
    int64_t minor_faults = 0, major_faults = 0;  // page faults during the timed inferences
    // What the model costs: the peak over the worker's own baseline.
    size_t model_bytes() const { return peak_rss > baseline_rss ? peak_rss - baseline_rss : 0; }
  } memory;
  std::string cpu_affinity;  // the CPUs the worker was pinned to ("2" or "2-3"); empty: not pinned
  int cpu = -1;              // the CPU the worker ran its last timed inference on; -1: unknown
  std::optional<double> cpu_freq_mhz;  // median frequency of that CPU over the timed loop, when readable
  int64_t items = 0, item_errors = 0;  // item_errors: skipped items (not a fatal source error)
  std::vector<std::string> item_error_examples;  // the first few, for the log
  std::vector<std::string> notes;  // what the run decided for the user to know (a dynamic input's shape)
  int64_t num_classes = 0;
  // Accuracy (labelled items only).
  int64_t labelled = 0, top1_correct = 0, top5_correct = 0;
  std::map<int64_t, std::pair<int64_t, int64_t>> per_class;  // class -> (correct, total)
  std::map<std::pair<int64_t, int64_t>, int64_t> confusion;  // (true, predicted) -> count
  // Drift against the reference (items present in both).
  int64_t compared = 0, agree = 0, compared_elements = 0;
  double sum_sq = 0, sum_abs = 0, max_abs = 0;
  ItemOutputs outputs;
  // Detection (VariantRunOptions::detection): against the labels, against the reference, and (for the
  // reference itself, keep_outputs) its detections per item.
  std::optional<Result<accuracy::DetectionFigures>> detection;
  std::optional<Result<accuracy::ReferenceComparison>> detection_drift;
  accuracy::ItemDetections detections;
  std::vector<DeviceSampleAt> device_samples;
  // The CPU was throttled while this variant ran (throttled_between() over the measurement); nullopt
  // when the device reports no throttling state (most VMs).
  std::optional<bool> throttled;
};

// `open_source` is called once: each variant reads the source from the start.
VariantResult run_variant(const std::string& model_path,
                          const std::function<Result<std::unique_ptr<ImageSource>>()>& open_source,
                          const VariantRunOptions& options);

}  // namespace eb
