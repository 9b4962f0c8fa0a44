// edgebench query show RUN | export: one run in full, or every run for a spreadsheet or script.
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "daemon/cli/args.h"
#include "daemon/cli/json_writer.h"
#include "daemon/cli/query_detail.h"

namespace eb::cli::query_detail {

using store::CompareRow;
using store::ResultsStore;
using store::RunDetails;
using store::RunRecord;
using store::RunSummary;
using store::StoredMeasurement;

namespace {

// The parts that are present, joined by ", " ("" when none is: the caller's field() then prints nothing).
std::string join_present(std::initializer_list<Cell> parts) {
  std::string s;
  for (const Cell& p : parts)
    if (p) s += (s.empty() ? "" : ", ") + *p;
  return s;
}

// "arena 6.00" in MiB, absent when the figure is: a row that never had it shows nothing, not 0.
Cell mib(const char* name, const std::optional<int64_t>& bytes) {
  if (!bytes) return std::nullopt;
  return strfmt("%s %.2f", name, static_cast<double>(*bytes) / 1048576.0);
}

Cell counted(const std::optional<int64_t>& n, const char* name) {
  if (!n) return std::nullopt;
  return strfmt("%lld %s", static_cast<long long>(*n), name);
}

// The memory line of `query show`. From schema 2 on the figures are the measuring worker's: what the model
// costs (its peak over the baseline), the peak, and the resident set at each step. Rows stored before the
// worker have only the peak and increase of edgebench's whole process, and say so.
std::string memory_text(const store::Measurement& m) {
  const bool whole_process = m.rss_increase_bytes && !m.model_memory_bytes && !m.baseline_rss_bytes;
  if (whole_process)
    return join_present({mib("peak", m.peak_rss_bytes), mib("increase", m.rss_increase_bytes)}) +
           " (edgebench's own process: stored before measurements ran in a worker)";
  return join_present({mib("model", m.model_memory_bytes), mib("peak", m.peak_rss_bytes),
                       mib("baseline", m.baseline_rss_bytes), mib("after load", m.load_rss_bytes),
                       mib("after first inference", m.first_rss_bytes)});
}

std::string measurement_json(const StoredMeasurement& sm) {
  const store::Measurement& m = sm.measurement;
  std::string s =
      "{\"id\": " + std::to_string(sm.id) + ", \"run_id\": " + std::to_string(sm.run_id) +
      ", \"model_group\": " + json_string(m.model_group) + ", \"variant\": " + json_string(m.variant) +
      ", \"model_path\": " + json_string(m.model_path) + ", \"file_size_bytes\": " + json_opt_int(m.file_size_bytes) +
      ", \"compression_ratio\": " + json_opt_number(m.compression_ratio) +
      ", \"is_reference\": " + (m.is_reference ? "true" : "false") + ", \"engine\": " + json_string(m.engine) +
      ", \"isa\": " + json_string(m.isa) + ", \"threads\": " + std::to_string(m.threads) +
      ", \"started_utc\": " + json_string(m.started_utc) + ", \"duration_ms\": " + json_opt_number(m.duration_ms) +
      ", \"load_ms\": " + json_opt_number(m.load_ms) + ", \"first_ms\": " + json_opt_number(m.first_ms) +
      ", \"latency_ms\": ";
  if (m.latency) {
    const store::LatencySummaryMs& l = *m.latency;
    s += "{\"min\": " + json_opt_number(l.min) + ", \"mean\": " + json_opt_number(l.mean) +
         ", \"std\": " + json_opt_number(l.std) + ", \"p50\": " + json_opt_number(l.p50) +
         ", \"p90\": " + json_opt_number(l.p90) + ", \"p99\": " + json_opt_number(l.p99) +
         ", \"max\": " + json_opt_number(l.max) + "}";
  } else {
    s += "null";
  }
  s += ", \"throughput_ips\": " + json_opt_number(m.throughput_ips) +
       ", \"peak_rss_bytes\": " + json_opt_int(m.peak_rss_bytes) +
       ", \"model_memory_bytes\": " + json_opt_int(m.model_memory_bytes) +
       ", \"baseline_rss_bytes\": " + json_opt_int(m.baseline_rss_bytes) +
       ", \"load_rss_bytes\": " + json_opt_int(m.load_rss_bytes) +
       ", \"first_rss_bytes\": " + json_opt_int(m.first_rss_bytes) +
       ", \"rss_increase_bytes\": " + json_opt_int(m.rss_increase_bytes) +
       ", \"arena_bytes\": " + json_opt_int(m.arena_bytes) + ", \"scratch_bytes\": " + json_opt_int(m.scratch_bytes) +
       ", \"minor_faults\": " + json_opt_int(m.minor_faults) + ", \"major_faults\": " + json_opt_int(m.major_faults) +
       ", \"cpu_affinity\": " + json_opt_string(m.cpu_affinity) + ", \"cpu\": " + json_opt_int(m.cpu) +
       ", \"cpu_freq_mhz\": " + json_opt_number(m.cpu_freq_mhz) + ", \"throttled\": " + json_opt_bool(m.throttled) +
       ", \"accuracy\": ";
  if (m.accuracy) {
    const store::LabelAccuracy& a = *m.accuracy;
    s += "{\"num_images\": " + std::to_string(a.num_images) + ", \"top1\": " + json_opt_number(a.top1) +
         ", \"top5\": " + json_opt_number(a.top5) + ", \"per_class\": [";
    for (size_t i = 0; i < a.per_class.size(); ++i) {
      const store::ClassAccuracy& c = a.per_class[i];
      s += std::string(i ? ", " : "") + "{\"class_index\": " + std::to_string(c.class_index) +
           ", \"label\": " + json_string(c.label) + ", \"correct\": " + std::to_string(c.correct) +
           ", \"total\": " + std::to_string(c.total) + "}";
    }
    s += "], \"confusion\": [";
    for (size_t i = 0; i < a.confusion.size(); ++i) {
      const store::ConfusionCell& c = a.confusion[i];
      s += std::string(i ? ", " : "") + "{\"true_class\": " + std::to_string(c.true_class) +
           ", \"predicted_class\": " + std::to_string(c.predicted_class) + ", \"count\": " + std::to_string(c.count) +
           "}";
    }
    s += "]}";
  } else {
    s += "null";
  }
  s += ", \"drift\": ";
  if (m.drift) {
    s += "{\"agreement_top1\": " + json_opt_number(m.drift->agreement_top1) +
         ", \"mse\": " + json_opt_number(m.drift->mse) + ", \"mae\": " + json_opt_number(m.drift->mae) +
         ", \"max_abs_diff\": " + json_opt_number(m.drift->max_abs_diff) + "}";
  } else {
    s += "null";
  }
  s += ", \"detection\": ";
  if (m.detection) {
    const store::DetectionAccuracy& d = *m.detection;
    s += "{\"num_images\": " + std::to_string(d.num_images) + ", \"map50\": " + json_opt_number(d.map50) +
         ", \"map50_95\": " + json_opt_number(d.map50_95) + ", \"precision\": " + json_opt_number(d.precision) +
         ", \"recall\": " + json_opt_number(d.recall) + ", \"per_class\": [";
    for (size_t i = 0; i < d.per_class.size(); ++i) {
      const store::ClassAveragePrecision& c = d.per_class[i];
      s += std::string(i ? ", " : "") + "{\"class_index\": " + std::to_string(c.class_index) +
           ", \"label\": " + json_string(c.label) + ", \"ground_truths\": " + std::to_string(c.ground_truths) +
           ", \"ap50\": " + json_opt_number(c.ap50) + ", \"ap50_95\": " + json_opt_number(c.ap50_95) + "}";
    }
    s += "]}";
  } else {
    s += "null";
  }
  s += ", \"detection_vs_reference\": ";
  if (m.detection_drift) {
    const store::DetectionDrift& d = *m.detection_drift;
    s += "{\"map50\": " + json_opt_number(d.map50) + ", \"map50_95\": " + json_opt_number(d.map50_95) +
         ", \"boxes_gained\": " + std::to_string(d.boxes_gained) + ", \"boxes_lost\": " +
         std::to_string(d.boxes_lost) + ", \"reference_boxes\": " + std::to_string(d.reference_boxes) + "}";
  } else {
    s += "null";
  }
  s += ", \"samples_ms\": [";
  for (size_t i = 0; i < m.samples_ms.size(); ++i) s += (i ? ", " : "") + json_opt_number(m.samples_ms[i]);
  s += "], \"op_profile\": [";
  for (size_t i = 0; i < m.op_profile.size(); ++i) {
    const store::OpProfileRow& op = m.op_profile[i];
    s += std::string(i ? ", " : "") + "{\"node_index\": " + std::to_string(op.node_index) +
         ", \"op_type\": " + json_string(op.op_type) + ", \"total_ms\": " + json_opt_number(op.total_ms) + "}";
  }
  s += "], \"device_samples\": [";
  for (size_t i = 0; i < m.device_samples.size(); ++i) {
    const store::DeviceSample& d = m.device_samples[i];
    s += std::string(i ? ", " : "") + "{\"elapsed_ms\": " + json_opt_number(d.elapsed_ms) +
         ", \"utc\": " + json_string(d.utc) + ", \"cpu_temp_c\": " + json_opt_number(d.cpu_temp_c) +
         ", \"cpu_freq_mhz\": " + json_opt_number(d.cpu_freq_mhz) + "}";
  }
  return s + "], \"error\": " + json_opt_string(m.error) + "}";
}

std::string run_details_json(const RunDetails& d, const std::string& indent) {
  const RunRecord& r = d.run;
  const store::DeviceState& dev = r.info.device;
  std::string s =
      "{\"id\": " + std::to_string(r.id) + ", \"status\": " + json_string(store::to_string(r.status)) +
      ", \"error\": " + json_opt_string(r.error) + ", \"started_utc\": " + json_string(r.started_utc) +
      ", \"finished_utc\": " + json_opt_string(r.finished_utc) +
      ", \"duration_ms\": " + json_opt_number(r.duration_ms) + ", \"model_group\": " + json_string(r.info.model_group) +
      ", \"edgebench_version\": " + json_string(r.info.edgebench_version) +
      ", \"git_hash\": " + json_string(r.info.git_hash) + ", \"config_text\": " + json_string(r.info.config_text) +
      ", \"device\": {\"name\": " + json_string(device_of(r)) + ", \"device_name\": " + json_string(dev.device_name) +
      ", \"hostname\": " + json_string(dev.hostname) + ", \"cpu_model\": " + json_string(dev.cpu_model) +
      ", \"cpu_cores\": " + json_opt_int(dev.cpu_cores) + ", \"isa\": " + json_string(dev.isa) +
      ", \"kernel\": " + json_string(dev.kernel) + ", \"governor\": " + json_string(dev.governor) +
      ", \"throttled\": " + json_opt_bool(dev.throttled) + "}, \"writer\": {\"pid\": " + std::to_string(r.writer.pid) +
      ", \"boot_id\": " + json_string(r.writer.boot_id) + ", \"start_ticks\": " + std::to_string(r.writer.start_ticks) +
      "}, \"measurements\": [";
  for (size_t i = 0; i < d.measurements.size(); ++i)
    s += (i ? "," : "") + std::string("\n") + indent + "  " + measurement_json(d.measurements[i]);
  return s + (d.measurements.empty() ? "]}" : "\n" + indent + "]}");
}

// Text of one run for `show`: run, device, configuration, then each measurement.
std::string run_details_text(const RunDetails& d, const std::map<int64_t, CompareRow>& compared) {
  const RunRecord& r = d.run;
  const store::DeviceState& dev = r.info.device;
  std::string s = strfmt("run %lld: %s\n", static_cast<long long>(r.id), store::to_string(r.status));
  const auto field = [&s](const char* name, const std::string& value, const char* indent = "  ") {
    if (!value.empty()) s += strfmt("%s%-13s %s\n", indent, name, value.c_str());
  };
  field("model group:", r.info.model_group);
  field("started:", r.started_utc);
  std::string finished = r.finished_utc.value_or("-");
  if (r.duration_ms) finished += strfmt(" (%.1f s)", *r.duration_ms / 1000.0);
  field("finished:", finished);
  if (r.error) field("error:", *r.error);
  field("edgebench:", r.info.edgebench_version + " (" + r.info.git_hash + ")");
  field("writer:", strfmt("pid %lld, boot %s", static_cast<long long>(r.writer.pid), r.writer.boot_id.c_str()));
  s += "device:\n";
  field("name:", dev.device_name.empty() ? "-" : dev.device_name);
  field("hostname:", dev.hostname);
  std::string cpu = dev.cpu_model.empty() ? "-" : dev.cpu_model;
  if (dev.cpu_cores) cpu += strfmt(", %lld cores", static_cast<long long>(*dev.cpu_cores));
  field("cpu:", cpu);
  field("isa:", dev.isa);
  field("kernel:", dev.kernel);
  field("governor:", dev.governor);
  field("throttled:", text_of(cell_bool(dev.throttled)) + " (at the start of the run)");
  s += "config:\n";
  if (r.info.config_text.empty()) s += "    (none stored)\n";
  size_t from = 0;
  while (from < r.info.config_text.size()) {
    size_t nl = r.info.config_text.find('\n', from);
    if (nl == std::string::npos) nl = r.info.config_text.size();
    s += "    " + r.info.config_text.substr(from, nl - from) + "\n";
    from = nl + 1;
  }
  size_t failed = 0;
  for (const StoredMeasurement& sm : d.measurements) failed += sm.measurement.error ? 1 : 0;
  s += strfmt("measurements: %zu (%zu failed)\n", d.measurements.size(), failed);

  for (const StoredMeasurement& sm : d.measurements) {
    const store::Measurement& m = sm.measurement;
    const std::string isa = m.isa.empty() ? "" : " (" + m.isa + ")";
    s += strfmt("\nmeasurement %lld: %s%s, engine %s%s, %lld thread%s\n", static_cast<long long>(sm.id),
                m.variant.c_str(), m.is_reference ? " (reference)" : "", m.engine.c_str(), isa.c_str(),
                static_cast<long long>(m.threads), m.threads == 1 ? "" : "s");
    const char* in = "  ";
    if (m.error) field("error:", *m.error, in);
    std::string model = m.model_path;
    if (m.model_group != r.info.model_group) model += " [model group " + m.model_group + "]";
    if (m.file_size_bytes)
      model += strfmt(", %lld bytes (%.1f kB)", static_cast<long long>(*m.file_size_bytes),
                      static_cast<double>(*m.file_size_bytes) / 1000.0);
    if (m.compression_ratio) model += strfmt(", compression %.2fx", *m.compression_ratio);
    field("model:", model, in);
    std::string started = m.started_utc;
    if (m.duration_ms) started += strfmt(", took %.1f s", *m.duration_ms / 1000.0);
    field("started:", started, in);
    if (m.load_ms || m.first_ms)
      field("load:", text_of(cell_ms(m.load_ms)) + " ms, first inference " + text_of(cell_ms(m.first_ms)) + " ms", in);
    if (m.latency) {
      const store::LatencySummaryMs& l = *m.latency;
      field("latency ms:",
            "min " + text_of(cell_ms(l.min)) + "  mean " + text_of(cell_ms(l.mean)) + "  std " +
                text_of(cell_ms(l.std)) + "  p50 " + text_of(cell_ms(l.p50)) + "  p90 " + text_of(cell_ms(l.p90)) +
                "  p99 " + text_of(cell_ms(l.p99)) + "  max " + text_of(cell_ms(l.max)) +
                strfmt("  (%zu samples)", m.samples_ms.size()),
            in);
    }
    if (m.throughput_ips) field("throughput:", strfmt("%.2f inferences/s", *m.throughput_ips), in);
    field("memory MiB:", memory_text(m), in);
    field("engine MiB:", join_present({mib("arena", m.arena_bytes), mib("scratch", m.scratch_bytes)}), in);
    if (m.minor_faults || m.major_faults)
      field("page faults:",
            join_present({counted(m.minor_faults, "minor"), counted(m.major_faults, "major")}) +
                " (during the timed inferences)",
            in);
    const Cell ran_on = m.cpu ? Cell(strfmt("CPU %lld", static_cast<long long>(*m.cpu))) : Cell();
    const Cell pinned = m.cpu_affinity ? Cell("pinned to " + *m.cpu_affinity) : Cell();
    const Cell mhz = m.cpu_freq_mhz ? Cell(strfmt("%.0f MHz (its median over the timed inferences)", *m.cpu_freq_mhz))
                                    : Cell();
    field("cpu:", join_present({ran_on, pinned, mhz}), in);
    field("throttled:", text_of(cell_bool(m.throttled)) + " (during the measurement)", in);
    if (m.accuracy) {
      const store::LabelAccuracy& a = *m.accuracy;
      std::string acc =
          strfmt("top-1 %.2f%%, top-5 %s%% on %lld images", a.top1 * 100.0,
                 text_of(cell_number(percent(a.top5), "%.2f")).c_str(), static_cast<long long>(a.num_images));
      auto c = compared.find(sm.id);
      if (!m.is_reference && c != compared.end() && c->second.delta_top1)
        acc += strfmt("; %+.2f points vs the reference", *c->second.delta_top1 * 100.0);
      field("accuracy:", acc, in);
    }
    if (m.drift)
      field("vs reference:",
            "top-1 agreement " + text_of(cell_number(percent(m.drift->agreement_top1), "%.2f")) + "%, MSE " +
                text_of(cell_number(m.drift->mse, "%.3g")) + ", MAE " + text_of(cell_number(m.drift->mae, "%.3g")) +
                ", max diff " + text_of(cell_number(m.drift->max_abs_diff, "%.3g")),
            in);
    if (m.detection) {
      const store::DetectionAccuracy& d = *m.detection;
      field("detection:",
            strfmt("mAP@0.5 %.2f%%, mAP@0.5:0.95 %.2f%% on %lld images (COCO, 101-point); precision %s%%, recall "
                   "%s%% at the score threshold",
                   d.map50 * 100.0, d.map50_95 * 100.0, static_cast<long long>(d.num_images),
                   text_of(cell_number(percent(d.precision), "%.2f")).c_str(),
                   text_of(cell_number(percent(d.recall), "%.2f")).c_str()),
            in);
    }
    if (m.detection_drift) {
      const store::DetectionDrift& d = *m.detection_drift;
      field("boxes vs ref:",
            strfmt("mAP@0.5 %.2f%%, mAP@0.5:0.95 %.2f%% against the reference's %lld boxes (above the score "
                   "threshold); %lld gained, %lld lost",
                   d.map50 * 100.0, d.map50_95 * 100.0, static_cast<long long>(d.reference_boxes),
                   static_cast<long long>(d.boxes_gained), static_cast<long long>(d.boxes_lost)),
            in);
    }
    if (!m.device_samples.empty()) {
      double t_lo = 1e300, t_hi = -1e300, f_lo = 1e300, f_hi = -1e300;
      for (const store::DeviceSample& ds : m.device_samples) {
        if (ds.cpu_temp_c) t_lo = std::min(t_lo, *ds.cpu_temp_c), t_hi = std::max(t_hi, *ds.cpu_temp_c);
        if (ds.cpu_freq_mhz) f_lo = std::min(f_lo, *ds.cpu_freq_mhz), f_hi = std::max(f_hi, *ds.cpu_freq_mhz);
      }
      std::string text = strfmt("%zu samples", m.device_samples.size());
      if (t_lo <= t_hi) text += strfmt(", CPU %.1f-%.1f C", t_lo, t_hi);
      if (f_lo <= f_hi) text += strfmt(", %.0f-%.0f MHz", f_lo, f_hi);
      field("device:", text, in);
    }
    if (!m.op_profile.empty()) {
      std::map<std::string, std::pair<double, int>> by_op;
      double total = 0;
      for (const store::OpProfileRow& op : m.op_profile) {
        by_op[op.op_type].first += op.total_ms;
        by_op[op.op_type].second += 1;
        total += op.total_ms;
      }
      std::vector<std::pair<std::string, std::pair<double, int>>> ops(by_op.begin(), by_op.end());
      std::stable_sort(ops.begin(), ops.end(),
                       [](const auto& a, const auto& b) { return a.second.first > b.second.first; });
      s += strfmt("  op profile:   %zu nodes, %.3f ms in all (summed over the timed inferences)\n", m.op_profile.size(),
                  total);
      for (const auto& [op, v] : ops)
        s += strfmt("    %-26s %4d node%s %12.3f ms %6.1f%%\n", op.c_str(), v.second, v.second == 1 ? " " : "s",
                    v.first, total > 0 ? 100.0 * v.first / total : 0.0);
      // Per node too: two CONV_2D nodes of very different cost hide in the per-type sum.
      std::vector<store::OpProfileRow> nodes = m.op_profile;
      std::stable_sort(nodes.begin(), nodes.end(), [](const auto& a, const auto& b) { return a.total_ms > b.total_ms; });
      const size_t shown = std::min<size_t>(nodes.size(), 10);
      const double per = m.samples_ms.empty() ? 0.0 : 1.0 / static_cast<double>(m.samples_ms.size());
      s += strfmt("  slowest nodes%s:\n", shown < nodes.size() ? strfmt(" (%zu of %zu)", shown, nodes.size()).c_str() : "");
      for (size_t i = 0; i < shown; ++i)
        s += strfmt("    node %-4lld %-21s %12.3f ms %6.1f%%  %.4f ms per inference\n",
                    static_cast<long long>(nodes[i].node_index), nodes[i].op_type.c_str(), nodes[i].total_ms,
                    total > 0 ? 100.0 * nodes[i].total_ms / total : 0.0, nodes[i].total_ms * per);
    }
    if (m.accuracy && !m.accuracy->confusion.empty())
      field("confusion:", strfmt("%zu non-zero cells (listed by --format json)", m.accuracy->confusion.size()), in);
    if (m.detection && !m.detection->per_class.empty()) {
      s += "  per-class AP (mAP@0.5, mAP@0.5:0.95, boxes):\n";
      for (const store::ClassAveragePrecision& c : m.detection->per_class)
        s += strfmt("    %5lld  %-24s %6.2f%% %6.2f%% %6lld\n", static_cast<long long>(c.class_index), c.label.c_str(),
                    c.ap50 * 100.0, c.ap50_95 * 100.0, static_cast<long long>(c.ground_truths));
    }
    if (m.accuracy && !m.accuracy->per_class.empty()) {
      s += "  per-class accuracy:\n";
      for (const store::ClassAccuracy& c : m.accuracy->per_class)
        s += strfmt(
            "    %5lld  %-24s %6lld / %-6lld %s\n", static_cast<long long>(c.class_index),
            c.label.empty() ? "-" : c.label.c_str(), static_cast<long long>(c.correct), static_cast<long long>(c.total),
            c.total > 0
                ? strfmt("%6.2f%%", 100.0 * static_cast<double>(c.correct) / static_cast<double>(c.total)).c_str()
                : "     -");
    }
  }
  return s;
}

}  // namespace

Status query_show(const QueryOptions& o, std::string& out) {
  Result<ResultsStore> db = open_store(o.dbs[0]);
  if (!db.ok()) return db.status();
  int64_t id = 0;
  if (o.run == "last") {
    store::RunFilter newest;
    newest.last_n = 1;
    Result<std::vector<RunSummary>> runs = store::list_runs(*db, newest);
    if (!runs.ok()) return runs.status();
    if (runs->empty()) return error("results database '%s': no run has been stored", o.dbs[0].c_str());
    id = runs->front().run.id;
  } else {
    id = *parse_int("RUN", o.run, 1, 2147483647);
  }
  Result<RunDetails> details = store::show_run(*db, id);
  if (!details.ok()) return details.status();
  if (o.format == OutputFormat::kJson) {
    out = run_details_json(*details, "") + "\n";
    return Status();
  }
  // The comparison of this run's own measurements gives each its top-1 difference from the reference.
  store::CompareSelection selection;
  selection.run_ids = {id};
  selection.include_failed = true;
  Result<std::vector<CompareRow>> rows = store::compare(*db, selection);
  if (!rows.ok()) return rows.status();
  std::map<int64_t, CompareRow> compared;
  for (const CompareRow& r : *rows) compared[r.measurement_id] = r;
  out = run_details_text(*details, compared);
  return Status();
}

Status query_export(const QueryOptions& o, std::string& out) {
  Result<ResultsStore> db = open_store(o.dbs[0]);
  if (!db.ok()) return db.status();
  Result<std::vector<RunDetails>> all = store::export_runs(*db, o.filter);
  if (!all.ok()) return all.status();
  if (o.format == OutputFormat::kJson) {
    std::vector<std::string> items;
    for (const RunDetails& d : *all) items.push_back(run_details_json(d, "  "));
    out = json_array(items);
    return Status();
  }
  // CSV: one record per measurement with its run's columns; a run without measurements has one record
  // with the measurement columns empty. Samples, per-class rows and profiles are in the json export.
  Table t;
  t.columns = named_columns({"run_id",
                             "run_status",
                             "run_error",
                             "run_started_utc",
                             "run_finished_utc",
                             "run_duration_ms",
                             "run_model_group",
                             "device",
                             "device_name",
                             "hostname",
                             "cpu_model",
                             "cpu_cores",
                             "run_isa",
                             "kernel",
                             "governor",
                             "run_throttled",
                             "edgebench_version",
                             "git_hash",
                             "measurement_id",
                             "model_group",
                             "variant",
                             "model_path",
                             "file_size_bytes",
                             "compression_ratio",
                             "is_reference",
                             "engine",
                             "isa",
                             "threads",
                             "started_utc",
                             "duration_ms",
                             "load_ms",
                             "first_ms",
                             "latency_min_ms",
                             "latency_mean_ms",
                             "latency_std_ms",
                             "latency_p50_ms",
                             "latency_p90_ms",
                             "latency_p99_ms",
                             "latency_max_ms",
                             "samples",
                             "throughput_ips",
                             "peak_rss_bytes",
                             "model_memory_bytes",
                             "baseline_rss_bytes",
                             "load_rss_bytes",
                             "first_rss_bytes",
                             "rss_increase_bytes",
                             "arena_bytes",
                             "scratch_bytes",
                             "minor_faults",
                             "major_faults",
                             "cpu_affinity",
                             "cpu",
                             "cpu_freq_mhz",
                             "throttled",
                             "num_images",
                             "top1",
                             "top5",
                             "agreement_top1",
                             "mse",
                             "mae",
                             "max_abs_diff",
                             "det_images",
                             "map50",
                             "map50_95",
                             "det_precision",
                             "det_recall",
                             "map50_vs_ref",
                             "map50_95_vs_ref",
                             "boxes_gained",
                             "boxes_lost",
                             "reference_boxes",
                             "error"});
  const auto tf = [](const std::optional<bool>& b) { return cell_bool(b, "true", "false"); };
  for (const RunDetails& d : *all) {
    const RunRecord& r = d.run;
    const store::DeviceState& dev = r.info.device;
    const std::vector<Cell> run_cells = {std::to_string(r.id),
                                         store::to_string(r.status),
                                         r.error,
                                         r.started_utc,
                                         r.finished_utc,
                                         cell_plain(r.duration_ms),
                                         r.info.model_group,
                                         device_of(r),
                                         dev.device_name,
                                         dev.hostname,
                                         dev.cpu_model,
                                         cell_int(dev.cpu_cores),
                                         dev.isa,
                                         dev.kernel,
                                         dev.governor,
                                         tf(dev.throttled),
                                         r.info.edgebench_version,
                                         r.info.git_hash};
    if (d.measurements.empty()) {
      std::vector<Cell> row = run_cells;
      row.resize(t.columns.size());
      t.rows.push_back(std::move(row));
    }
    for (const StoredMeasurement& sm : d.measurements) {
      const store::Measurement& m = sm.measurement;
      const auto lat = [&](double store::LatencySummaryMs::*f) {
        return m.latency ? cell_plain((*m.latency).*f) : Cell();
      };
      const auto drift = [&](double store::ReferenceDrift::*f) { return m.drift ? cell_plain((*m.drift).*f) : Cell(); };
      std::vector<Cell> row = run_cells;
      const std::vector<Cell> cells = {std::to_string(sm.id),
                                       m.model_group,
                                       m.variant,
                                       m.model_path,
                                       cell_int(m.file_size_bytes),
                                       cell_plain(m.compression_ratio),
                                       m.is_reference ? "true" : "false",
                                       m.engine,
                                       m.isa,
                                       std::to_string(m.threads),
                                       m.started_utc,
                                       cell_plain(m.duration_ms),
                                       cell_plain(m.load_ms),
                                       cell_plain(m.first_ms),
                                       lat(&store::LatencySummaryMs::min),
                                       lat(&store::LatencySummaryMs::mean),
                                       lat(&store::LatencySummaryMs::std),
                                       lat(&store::LatencySummaryMs::p50),
                                       lat(&store::LatencySummaryMs::p90),
                                       lat(&store::LatencySummaryMs::p99),
                                       lat(&store::LatencySummaryMs::max),
                                       std::to_string(m.samples_ms.size()),
                                       cell_plain(m.throughput_ips),
                                       cell_int(m.peak_rss_bytes),
                                       cell_int(m.model_memory_bytes),
                                       cell_int(m.baseline_rss_bytes),
                                       cell_int(m.load_rss_bytes),
                                       cell_int(m.first_rss_bytes),
                                       cell_int(m.rss_increase_bytes),
                                       cell_int(m.arena_bytes),
                                       cell_int(m.scratch_bytes),
                                       cell_int(m.minor_faults),
                                       cell_int(m.major_faults),
                                       m.cpu_affinity,
                                       cell_int(m.cpu),
                                       cell_plain(m.cpu_freq_mhz),
                                       tf(m.throttled),
                                       m.accuracy ? cell_int(m.accuracy->num_images) : Cell(),
                                       m.accuracy ? cell_plain(m.accuracy->top1) : Cell(),
                                       m.accuracy ? cell_plain(m.accuracy->top5) : Cell(),
                                       drift(&store::ReferenceDrift::agreement_top1),
                                       drift(&store::ReferenceDrift::mse),
                                       drift(&store::ReferenceDrift::mae),
                                       drift(&store::ReferenceDrift::max_abs_diff),
                                       m.detection ? cell_int(m.detection->num_images) : Cell(),
                                       m.detection ? cell_plain(m.detection->map50) : Cell(),
                                       m.detection ? cell_plain(m.detection->map50_95) : Cell(),
                                       m.detection ? cell_plain(m.detection->precision) : Cell(),
                                       m.detection ? cell_plain(m.detection->recall) : Cell(),
                                       m.detection_drift ? cell_plain(m.detection_drift->map50) : Cell(),
                                       m.detection_drift ? cell_plain(m.detection_drift->map50_95) : Cell(),
                                       m.detection_drift ? cell_int(m.detection_drift->boxes_gained) : Cell(),
                                       m.detection_drift ? cell_int(m.detection_drift->boxes_lost) : Cell(),
                                       m.detection_drift ? cell_int(m.detection_drift->reference_boxes) : Cell(),
                                       m.error};
      row.insert(row.end(), cells.begin(), cells.end());
      t.rows.push_back(std::move(row));
    }
  }
  out = render_csv(t);
  return Status();
}

}  // namespace eb::cli::query_detail
