// The edgebench configuration file (YAML): model groups, each with its variants, its image source, its
// input pipeline and the engines x threads matrix to measure, plus the daemon's raw `service:` section.
// config/edgebench.example.yaml documents every key.
//
// Loading checks everything that can be checked without opening a model: key names (with "did you
// mean"), types, ranges, that files and directories exist, one reference per group, exactly one source.
// Each error is one line "FILE:LINE:COL: key.path: what is wrong". Relative paths resolve against the
// configuration file's directory. Nothing here throws (yaml-cpp's exceptions are caught and become errors).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "daemon/accuracy/detection_decode.h"
#include "daemon/pipeline/preprocess_options.h"
#include "kernels/common/status.h"

namespace eb::config {

struct VariantConfig {
  std::string path;  // resolved
  std::string label;  // default: what distinguishes the file's name from the group's other variants
  bool reference = false;
};

struct SourceConfig {
  enum class Kind { kImages, kCamera };
  Kind kind = Kind::kImages;
  // kImages: a directory (class sub-folders) or a CSV; optional labels CSV and class-names file.
  std::string images, labels, label_names;
  int64_t limit = 0;  // 0: every image
  // kCamera: "/dev/videoN", an index, a URL, or a video file (resolved when relative and present).
  std::string camera;
  int64_t frames = 0;     // 0 with duration_s 0: 100 frames (as the quick form)
  double duration_s = 0;  // 0: no time limit
};

enum class ColorMode { kAuto, kGray, kRGB, kBGR };  // kAuto: gray for 1-channel inputs, RGB for 3

struct PreprocessConfig {
  int width = 0, height = 0;  // resize target; 0: the model input's (a size given must match it)
  Interpolation interpolation = Interpolation::kBilinear;
  ColorMode color = ColorMode::kAuto;
  ImageLayout layout = ImageLayout::kNHWC;
  // Either a linear range (pixels 0..255 -> range_lo..range_hi) or, when mean/std are set,
  // float = (pixel / 255 - mean[c]) / std[c].
  float range_lo = 0.0f, range_hi = 1.0f;
  std::vector<float> mean, std;
};

// The Preprocessor options a group's pipeline gives (the model's own input decides the rest).
PreprocessOptions to_preprocess_options(const PreprocessConfig& config);

// What accuracy means for a group's models (key `task:`, `run --task`): classify (top-1/top-5 against
// class labels, the default) or detect (COCO mAP against detection labels, and against the reference's
// boxes; daemon/accuracy/). Detection settings default to Ultralytics' validation settings.
struct TaskConfig {
  enum class Kind { kClassify, kDetect };
  Kind kind = Kind::kClassify;
  std::string labels;  // detect: a YOLO labels folder or a COCO JSON file; empty: against the reference only
  std::string names;   // detect: class names, one a line (a COCO file carries its own); empty: none
  accuracy::DetectFormat format = accuracy::DetectFormat::kAuto;
  float conf = 0.001f;             // YOLO candidates for mAP (Ultralytics val)
  float iou = 0.7f;                // NMS IoU (Ultralytics val)
  int max_det = 300;               // detections kept per image
  float score_threshold = 0.25f;   // precision/recall operating point; the reference's boxes kept as truth
};

struct GroupConfig {
  std::string name;
  SourceConfig source;
  PreprocessConfig preprocess;
  TaskConfig task;
  std::vector<VariantConfig> variants;  // exactly one has reference = true
  std::vector<std::string> engines = {"auto"};
  std::vector<int> threads = {1};
  int warmup = 1;           // untimed inferences after the first
  int64_t iterations = 0;   // 0: one timed inference per item; N: at most N timed inferences
  double cooldown_s = 0;    // pause before each measurement after the first
  bool profile_ops = false;
  // Each measurement runs in its own worker process (daemon/measure/worker.h):
  int64_t max_memory_mb = 0;       // its resident set may not pass this many MiB; 0: no limit
  std::string cpu_affinity;        // pin it to these CPUs ("2", "0-3", "0,2"); empty: not pinned
  double worker_timeout_s = 300;   // the longest its load or one inference may take
};

struct Config {
  std::string path;  // the file read ("" for text)
  std::string text;  // verbatim, stored with each run
  std::string device_name, database;  // empty: hostname / the default database path
  std::vector<GroupConfig> groups;
  YAML::Node service;  // the raw `service:` map (or null), parsed by daemon/service
};

// The engine names a configuration may list.
const std::vector<std::string>& known_engines();

Result<Config> load_config_file(const std::string& path);
// name_for_errors starts every error message; relative paths resolve against base_dir.
Result<Config> load_config_text(const std::string& text, const std::string& name_for_errors,
                                const std::string& base_dir);

// Labels for variants from their file names: "fmnist-cnn-float32" and "fmnist-cnn-int8" give "float32"
// and "int8" (what follows the common prefix, cut at '-' or '_'); returns the common prefix ("fmnist-cnn").
std::string label_variants_from_paths(std::vector<VariantConfig>& variants);

}  // namespace eb::config
