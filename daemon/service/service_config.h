// The daemon's `service:` section of the configuration file. Paste-able documentation of every key
// (config/edgebench.example.yaml carries the same block):
//
//   service:
//     models_dir: /var/lib/edgebench/models   # watched for dropped .tflite files (created when missing);
//                                             # default: "models" beside the database. Layout:
//                                             #   models_dir/<group>/*.tflite  variants of the configured
//                                             #     group <group>: its source, preprocess and matrix apply;
//                                             #     the label is the file stem; the reference stays the
//                                             #     group's configured one.
//                                             #   models_dir/<name>/*.tflite (no group <name> configured)
//                                             #     a group <name> of its own on default_source; reference:
//                                             #     the file whose name contains "float32", else the first.
//                                             #   models_dir/*.tflite  each file alone, as a group named by
//                                             #     its stem, on default_source.
//                                             # Hidden files (".x.tflite") are ignored: copy to a hidden
//                                             # name and rename, or just copy: writes are debounced.
//     watch_debounce_s: 2        # a dropped file is read once it has had no change for this long
//     max_model_mb: 512          # a dropped file larger than this is skipped (logged) before it is copied;
//                                # so are symbolic links, FIFOs and other non-regular files, and files
//                                # without the TFLite identifier
//     default_source:            # images for dropped models outside configured groups
//       images: /var/lib/edgebench/images   # same keys as a group's image source:
//       labels: labels.csv                  #   images, labels, label_names, limit
//       limit: 500
//     schedule:                  # re-run every configured group (local time); absent: only on drops
//       every_hours: 24          #   N hours after the group's last run (a group never run: at start)
//       at: ["03:00", "15:00"]   #   and/or at these times of day (missed times are caught up once)
//     cooldown_s: 10             # pause between two runs so one run's heat does not bias the next
//     exporter:
//       textfile: /var/lib/prometheus/node-exporter/edgebench.prom   # written after every run
//
// The watchdog interval comes from systemd (WatchdogSec= in the unit sets WATCHDOG_USEC); nothing to
// configure here.
#pragma once

#include <string>

#include <yaml-cpp/yaml.h>

#include "daemon/config/config.h"
#include "daemon/service/scheduler.h"
#include "kernels/common/status.h"

namespace eb::service {

struct ServiceConfig {
  std::string models_dir;        // resolved; empty: "models" beside the database (the daemon decides)
  double watch_debounce_s = 2.0;
  double max_model_mb = 512;
  bool has_default_source = false;
  config::SourceConfig default_source;  // images only
  Schedule schedule;
  double cooldown_s = 10.0;
  std::string exporter_textfile;  // resolved; empty: no export
};

// Reads the raw `service:` map (null/undefined: all defaults). `file` names the configuration in
// errors ("FILE:LINE:COL: service.schedule.at[1]: ..."); relative paths resolve against base_dir.
Result<ServiceConfig> parse_service_config(const YAML::Node& service, const std::string& file,
                                           const std::string& base_dir);

// The same for a loaded configuration (its file's directory is the base for relative paths).
Result<ServiceConfig> parse_service_config(const config::Config& config);

}  // namespace eb::service
