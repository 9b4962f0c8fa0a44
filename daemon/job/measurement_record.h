// From what the pipeline measured (VariantResult) to what the store keeps (store::Measurement): latency
// summary, accuracy fractions, drift against the reference, device samples, per-operator profile.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "daemon/accuracy/detection_map.h"
#include "daemon/config/config.h"
#include "daemon/measure/variant_runner.h"
#include "daemon/store/records.h"

namespace eb::job {

struct MeasurementKey {
  const config::VariantConfig* variant = nullptr;
  std::string engine;
  int threads = 1;
  std::optional<int64_t> reference_size;  // bytes of the reference file, for the compression ratio
  std::optional<int64_t> file_size;       // bytes of this variant's file as read for the run (ModelContent)
};

store::Measurement to_measurement(const MeasurementKey& key, const VariantResult& result,
                                  const std::vector<std::string>& class_names);

// Detection figures as the store keeps them (Measurement::detection, ::detection_drift); class names by
// index label the per-class APs where known. For the wiring of detection into the measuring loop.
store::DetectionAccuracy to_detection_accuracy(const accuracy::DetectionFigures& figures,
                                               const std::vector<std::string>& class_names);
store::DetectionDrift to_detection_drift(const accuracy::ReferenceComparison& comparison);

}  // namespace eb::job
