// Reads for `edgebench report --html`: the per-measurement series a chart needs (every timed inference
// in order, the device samples over time) that the compare rows of queries.h summarise away. Kept apart
// from queries.h because only the report wants whole series; `query` never pays for reading them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "daemon/store/records.h"
#include "daemon/store/results_store.h"
#include "kernels/common/status.h"

namespace eb::store {

struct MeasurementSeries {
  int64_t measurement_id = 0;
  std::string model_path;
  std::optional<int64_t> num_images;         // labelled images; null when the data had no labels
  std::optional<double> first_ms;            // the first (warm-up) inference
  std::vector<double> samples_ms;            // every timed inference, in the order it ran
  std::vector<DeviceSample> device_samples;  // temperature / frequency, in the order sampled
};

// One measurement's series. An unknown id is an error naming it and the database.
Result<MeasurementSeries> read_measurement_series(const ResultsStore& store, int64_t measurement_id);

}  // namespace eb::store
