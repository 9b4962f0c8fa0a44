// The plain structs the results store writes and the query API returns. No SQLite here: the CLI and the
// pipeline use these without knowing how they are stored. std::optional marks values that may be absent
// (stored as NULL): a model without labels has no top1, a failed variant has no latency. Equality is
// memberwise (C++20 defaulted), which is what the round-trip tests check.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eb::store {

enum class RunStatus { kRunning, kComplete, kInterrupted, kFailed };

// "running" | "complete" | "interrupted" | "failed" (the strings stored in runs.status).
const char* to_string(RunStatus status);
std::optional<RunStatus> parse_run_status(std::string_view text);

// The machine a run measured on, captured at the start of the run.
struct DeviceState {
  std::string device_name;  // configured name (e.g. "pi5-lab-2"); empty: use hostname
  std::string hostname;
  std::string cpu_model;
  std::optional<int64_t> cpu_cores;
  std::string isa;        // the kernel ISA path chosen at dispatch ("neon-dotprod", "avx2", "ref")
  std::string kernel;     // uname release
  std::string governor;   // cpufreq scaling governor
  std::optional<bool> throttled;  // firmware-reported throttling at the start, when known

  bool operator==(const DeviceState&) const = default;
};

// What the writer supplies when a run starts.
struct RunInfo {
  std::string model_group;
  std::string edgebench_version;
  std::string git_hash;
  std::string config_text;  // the configuration as used (YAML/flags), verbatim
  DeviceState device;

  bool operator==(const RunInfo&) const = default;
};

// The process that wrote a run: lets another process tell a crashed writer's run from a live one.
struct WriterIdentity {
  int64_t pid = 0;
  std::string boot_id;      // /proc/sys/kernel/random/boot_id
  int64_t start_ticks = 0;  // process start time, clock ticks after boot (/proc/<pid>/stat field 22)

  bool operator==(const WriterIdentity&) const = default;
};

struct RunRecord {
  int64_t id = 0;
  RunStatus status = RunStatus::kRunning;
  std::optional<std::string> error;
  std::string started_utc;                  // ISO-8601 UTC, e.g. "2024-05-01T12:00:00.000Z"
  std::optional<std::string> finished_utc;  // null while running or when interrupted
  std::optional<double> duration_ms;        // monotonic
  RunInfo info;
  WriterIdentity writer;

  bool operator==(const RunRecord&) const = default;
};

// Latency summary of the timed inferences, in milliseconds.
struct LatencySummaryMs {
  double min = 0, mean = 0, std = 0, p50 = 0, p90 = 0, p99 = 0, max = 0;

  bool operator==(const LatencySummaryMs&) const = default;
};

struct ClassAccuracy {
  int64_t class_index = 0;
  std::string label;
  int64_t correct = 0;
  int64_t total = 0;  // accuracy = correct / total

  bool operator==(const ClassAccuracy&) const = default;
};

// One cell of the confusion matrix; cells absent from a measurement are zero.
struct ConfusionCell {
  int64_t true_class = 0;
  int64_t predicted_class = 0;
  int64_t count = 0;

  bool operator==(const ConfusionCell&) const = default;
};

// Accuracy against labels (only when the data set has labels).
struct LabelAccuracy {
  int64_t num_images = 0;
  double top1 = 0;             // fraction in [0, 1]
  std::optional<double> top5;  // absent for models with fewer than 5 classes
  std::vector<ClassAccuracy> per_class;
  std::vector<ConfusionCell> confusion;

  bool operator==(const LabelAccuracy&) const = default;
};

// Output drift of this variant against the reference variant on the same inputs.
struct ReferenceDrift {
  double agreement_top1 = 0;  // fraction of inputs with the same top-1 class
  double mse = 0;
  double mae = 0;
  double max_abs_diff = 0;

  bool operator==(const ReferenceDrift&) const = default;
};

// Average precision of one class against detection labels (COCO's, 101-point).
struct ClassAveragePrecision {
  int64_t class_index = 0;
  std::string label;
  int64_t ground_truths = 0;
  double ap50 = 0, ap50_95 = 0;

  bool operator==(const ClassAveragePrecision&) const = default;
};

// Detection accuracy against labels (YOLO text or COCO JSON): COCO's mAP, as pycocotools computes it.
struct DetectionAccuracy {
  int64_t num_images = 0;
  double map50 = 0, map50_95 = 0;    // fractions in [0, 1]
  std::optional<double> precision;  // at the run's score threshold, IoU 0.5, pooled over classes
  std::optional<double> recall;
  std::vector<ClassAveragePrecision> per_class;

  bool operator==(const DetectionAccuracy&) const = default;
};

// This variant's detections against the reference variant's (its boxes above 0.25 as the ground truth).
struct DetectionDrift {
  double map50 = 0, map50_95 = 0;
  int64_t boxes_gained = 0, boxes_lost = 0;
  int64_t reference_boxes = 0;

  bool operator==(const DetectionDrift&) const = default;
};

struct OpProfileRow {
  int64_t node_index = 0;
  std::string op_type;  // "CONV_2D"
  double total_ms = 0;  // summed over the timed inferences

  bool operator==(const OpProfileRow&) const = default;
};

struct DeviceSample {
  double elapsed_ms = 0;  // monotonic, since the measurement started
  std::string utc;        // wall clock of the sample
  std::optional<double> cpu_temp_c;
  std::optional<double> cpu_freq_mhz;

  bool operator==(const DeviceSample&) const = default;
};

// One variant x engine x threads measurement, written in one transaction with all its detail rows.
struct Measurement {
  std::string model_group;  // empty on write: the run's model group
  std::string variant;      // "int8", "fp16", "reference"...
  std::string model_path;
  std::optional<int64_t> file_size_bytes;
  std::optional<double> compression_ratio;  // reference file size / this file size
  bool is_reference = false;
  std::string engine;  // "ref" | "fast" | "xnnpack"
  std::string isa;
  int64_t threads = 1;

  std::string started_utc;  // empty on write: now
  std::optional<double> duration_ms;
  std::optional<double> load_ms;
  std::optional<double> first_ms;        // first (warm-up) inference
  std::vector<double> samples_ms;        // every timed inference, in order
  std::optional<LatencySummaryMs> latency;
  std::optional<double> throughput_ips;  // inferences per second
  // Memory, measured in the worker process that ran this measurement alone (null in rows written before
  // the worker existed, whose figures were edgebench's own process).
  std::optional<int64_t> peak_rss_bytes;      // the worker's peak (VmHWM): what a minimal process running it needs
  std::optional<int64_t> model_memory_bytes;  // peak minus the worker's RSS before loading: what the model costs
  std::optional<int64_t> baseline_rss_bytes;  // the worker before loading the model
  std::optional<int64_t> load_rss_bytes;      // after loading (weights, repacked copies, arena)
  std::optional<int64_t> first_rss_bytes;     // after the first inference
  std::optional<int64_t> rss_increase_bytes;  // rows before schema 2 only: the in-process increase
  std::optional<int64_t> arena_bytes;
  std::optional<int64_t> scratch_bytes;
  std::optional<int64_t> minor_faults, major_faults;  // page faults during the timed inferences
  std::optional<std::string> cpu_affinity;  // CPUs the worker was pinned to (--cpu), when pinned
  std::optional<int64_t> cpu;               // the CPU it ran on
  std::optional<double> cpu_freq_mhz;       // that CPU's median frequency over the timed loop
  std::optional<bool> throttled;  // throttling observed during the measurement

  std::optional<LabelAccuracy> accuracy;
  std::optional<ReferenceDrift> drift;  // absent for the reference itself or without reference outputs
  std::optional<DetectionAccuracy> detection;          // detectors with detection labels
  std::optional<DetectionDrift> detection_drift;       // detectors, against the reference
  std::vector<OpProfileRow> op_profile;
  std::vector<DeviceSample> device_samples;

  std::optional<std::string> error;  // the variant failed to load or run; figures above are then absent

  bool operator==(const Measurement&) const = default;
};

// A measurement as read back, with its keys.
struct StoredMeasurement {
  int64_t id = 0;
  int64_t run_id = 0;
  Measurement measurement;

  bool operator==(const StoredMeasurement&) const = default;
};

}  // namespace eb::store
