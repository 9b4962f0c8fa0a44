// Models dropped into service.models_dir: which ones were already benchmarked (so a file is measured
// once per content, across restarts), private snapshots of what is measured, and the mapping from
// files to benchmark groups.
//
// Mapping (documented in service_config.h):
//   models_dir/<group>/*.tflite, <group> configured: the group's configuration with the dropped files
//     added as variants (label = file stem; a dropped file whose label equals a configured variant's
//     replaces it); the group's configured reference stays the reference, so drift is measured.
//   models_dir/<name>/*.tflite, <name> not configured: a group <name> on service.default_source; the
//     reference is the Keras original (.h5, .keras) when one is there, else the file whose name contains
//     "float32", else the first by name.
//   models_dir/*.tflite: each file alone, as a group named by its stem, on service.default_source.
//
// Why snapshots: a variant is loaded more than once (once per engine and thread count, again after a
// restart), and the stored model_path must still hold what was measured. Copying it first (into the
// daemon's state directory, through a temporary name and rename) means the daemon measures exactly the
// bytes it hashed, whatever is written to models_dir meanwhile. (The loader reads files, never maps
// them, so a file truncated mid-load is an error, not a SIGBUS.)
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "daemon/config/config.h"
#include "daemon/pipeline/model_content.h"  // fnv1a64
#include "daemon/service/debounce.h"
#include "daemon/service/service_config.h"
#include "kernels/common/status.h"

namespace eb::service {

struct SeenModel {
  FileState state;
  uint64_t hash = 0;
  bool operator==(const SeenModel&) const = default;
};

// path -> what was benchmarked, kept in a small text file beside the database ("seen" only once a run
// covering the file finished, so a killed daemon benchmarks it again after restart).
class SeenModels {
 public:
  // A missing file is an empty registry; unreadable lines are skipped (the worst case is a re-run).
  static SeenModels load(const std::string& state_file);

  // Same size and mtime as recorded: unchanged without reading it.
  bool unchanged_state(const std::string& path, const FileState& state) const;
  // Same content hash as recorded (touched, or copied again with the same bytes).
  bool unchanged_content(const std::string& path, uint64_t hash) const;
  void record(const std::string& path, const SeenModel& seen) { entries_[path] = seen; }
  void forget(const std::string& path) { entries_.erase(path); }
  const std::map<std::string, SeenModel>& entries() const { return entries_; }
  // Written atomically (temporary file, fsync, rename).
  Status save() const;

 private:
  std::string file_;
  std::map<std::string, SeenModel> entries_;
};

// A private copy of a dropped model, with the hash of the copied bytes.
struct Snapshot {
  std::string source;  // the file in models_dir
  std::string path;    // the copy that is benchmarked
  SeenModel seen;      // state and hash of the source as copied
};

// What a dropped file must be before a byte of it is copied (the one rule, applied on the opened file):
// a regular file, not a symbolic link (opened with O_NOFOLLOW, so a link swapped in after the watcher
// saw a file is refused too; a symlinked group folder is refused by the watcher), at most
// `max_bytes` long (service.max_model_mb), starting with a TFLite identifier ("TFL3" at byte 4).
struct DropLimits {
  int64_t max_bytes = int64_t{512} << 20;
};

// Copies `source` to snapshot_dir/<relative path>, with the source's permission bits (never wider)
// under the service's umask. Fails ("changed while being copied") when the source's size or mtime moved
// during the copy: the caller debounces it again. A file that breaks DropLimits' rule fails with
// `*refused` set (when given): the caller skips it until it changes instead of retrying.
Result<Snapshot> snapshot_model(const std::string& source, const std::string& models_dir, const std::string& snapshot_dir,
                                const DropLimits& limits = {}, bool* refused = nullptr);

// Where a dropped file belongs: the sub-directory name, or "" for a top-level file.
std::string drop_folder(const std::string& path, const std::string& models_dir);

// The group to benchmark for `snapshots` that share one drop folder (all top-level files: one each;
// see mapping above). `present` lists every other snapshot already known in the same folder, which a
// scheduled run includes too. Errors name the file and what is missing (e.g. no default_source).
Result<config::GroupConfig> plan_drop_group(const config::Config& config, const ServiceConfig& service,
                                            const std::string& folder, const std::vector<Snapshot>& snapshots);

// A configured group for a scheduled run: its configured variants plus the snapshots of files
// currently dropped in models_dir/<group>/.
config::GroupConfig with_dropped_variants(const config::GroupConfig& group, const std::vector<Snapshot>& snapshots);

}  // namespace eb::service
