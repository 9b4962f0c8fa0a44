#include "daemon/job/measurement_record.h"

#include "daemon/measure/latency_stats.h"
#include "daemon/store/results_store.h"

namespace eb::job {
namespace {

std::optional<double> frac(int64_t num, int64_t den) {
  if (den <= 0) return std::nullopt;
  return static_cast<double>(num) / static_cast<double>(den);
}

}  // namespace

store::Measurement to_measurement(const MeasurementKey& key, const VariantResult& r,
                                  const std::vector<std::string>& class_names) {
  const config::VariantConfig& v = *key.variant;
  store::Measurement m;
  m.variant = v.label;
  m.model_path = v.path;
  m.is_reference = v.reference;
  m.engine = key.engine;
  m.isa = r.isa.empty() ? "reference" : r.isa;  // a variant that failed to load never reached an engine
  m.threads = key.threads;
  // The size of the bytes measured, read once for the run; not the file's size now (it may have changed).
  if (key.file_size) {
    m.file_size_bytes = *key.file_size;
    if (key.reference_size && *key.file_size > 0)
      m.compression_ratio = static_cast<double>(*key.reference_size) / static_cast<double>(*key.file_size);
  }
  if (!r.error.empty()) {
    m.error = r.error;
    return m;
  }
  m.load_ms = r.load_ms;
  m.first_ms = r.first_ms;
  m.samples_ms = r.samples_ms;
  if (!r.samples_ms.empty()) {
    const LatencySummary s = summarize(r.samples_ms);
    m.latency = store::LatencySummaryMs{s.min, s.mean, s.std, s.p50, s.p90, s.p99, s.max};
    m.throughput_ips = s.mean > 0 ? 1000.0 / s.mean : 0.0;
  }
  const VariantResult::Memory& mem = r.memory;
  // A resident set of 0 is VariantResult::Memory's "not measured" (no process has none): stored as null,
  // so `query` shows it absent instead of a model that costs nothing.
  const auto rss = [](size_t bytes) {
    return bytes > 0 ? std::optional<int64_t>(static_cast<int64_t>(bytes)) : std::nullopt;
  };
  m.peak_rss_bytes = rss(mem.peak_rss);
  m.baseline_rss_bytes = rss(mem.baseline_rss);
  m.load_rss_bytes = rss(mem.load_rss);
  m.first_rss_bytes = rss(mem.first_rss);
  if (mem.peak_rss > 0 && mem.baseline_rss > 0) m.model_memory_bytes = static_cast<int64_t>(mem.model_bytes());
  m.arena_bytes = static_cast<int64_t>(mem.arena);
  m.scratch_bytes = static_cast<int64_t>(mem.scratch);
  m.minor_faults = mem.minor_faults;
  m.major_faults = mem.major_faults;
  if (!r.cpu_affinity.empty()) m.cpu_affinity = r.cpu_affinity;
  if (r.cpu >= 0) m.cpu = r.cpu;
  m.cpu_freq_mhz = r.cpu_freq_mhz;
  if (r.labelled > 0) {
    store::LabelAccuracy a;
    a.num_images = r.labelled;
    a.top1 = *frac(r.top1_correct, r.labelled);
    if (r.num_classes >= 5) a.top5 = frac(r.top5_correct, r.labelled);
    for (const auto& [cls, ct] : r.per_class) {
      const std::string label =
          cls >= 0 && static_cast<size_t>(cls) < class_names.size() ? class_names[static_cast<size_t>(cls)] : "";
      a.per_class.push_back({cls, label, ct.first, ct.second});
    }
    for (const auto& [cell, count] : r.confusion) a.confusion.push_back({cell.first, cell.second, count});
    m.accuracy = a;
  }
  if (r.compared > 0 && !v.reference) {
    store::ReferenceDrift d;
    d.agreement_top1 = *frac(r.agree, r.compared);
    d.mse = r.sum_sq / static_cast<double>(r.compared_elements);
    d.mae = r.sum_abs / static_cast<double>(r.compared_elements);
    d.max_abs_diff = r.max_abs;
    m.drift = d;
  }
  m.throttled = r.throttled;
  for (const auto& s : r.device_samples)
    m.device_samples.push_back({s.elapsed_ms, store::utc_iso8601(s.utc), s.reading.cpu_temp_c, s.reading.cpu_freq_mhz});
  // Nodes that never ran in the timed part (e.g. no timed inference at all) carry nothing worth storing.
  for (const NodeTime& n : r.node_times)
    if (n.invocations > 0) m.op_profile.push_back({n.node, n.op, n.total_ms});
  return m;
}

store::DetectionAccuracy to_detection_accuracy(const accuracy::DetectionFigures& f,
                                               const std::vector<std::string>& class_names) {
  store::DetectionAccuracy d;
  d.num_images = f.images;
  d.map50 = f.map50;
  d.map50_95 = f.map50_95;
  d.precision = f.precision;
  d.recall = f.recall;
  for (const accuracy::ClassAp& c : f.per_class) {
    const auto i = static_cast<size_t>(c.class_id);
    d.per_class.push_back({c.class_id, c.class_id >= 0 && i < class_names.size() ? class_names[i] : "", c.ground_truths,
                           c.ap50, c.ap50_95});
  }
  return d;
}

store::DetectionDrift to_detection_drift(const accuracy::ReferenceComparison& c) {
  store::DetectionDrift d;
  d.map50 = c.figures.map50;
  d.map50_95 = c.figures.map50_95;
  d.boxes_gained = c.boxes_gained;
  d.boxes_lost = c.boxes_lost;
  d.reference_boxes = c.reference_boxes;
  return d;
}

}  // namespace eb::job
