#include "daemon/report/html_page.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <set>
#include <vector>

#include "daemon/report/charts.h"
#include "daemon/report/svg.h"

namespace eb::report {
namespace {

constexpr const char* kCss = R"css(
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1d2125;
       margin: 0; background: #f6f7f9; }
main { max-width: 1000px; margin: 0 auto; padding: 24px 20px 40px; }
h1 { font-size: 24px; margin: 0 0 6px; }
h2 { font-size: 18px; margin: 30px 0 8px; border-bottom: 1px solid #d8dce1; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 10px 0 0; }
.meta dt { color: #5b636b; } .meta dd { margin: 0; }
.card { background: #fff; border: 1px solid #dde1e6; border-radius: 6px; padding: 12px 14px; margin: 10px 0; }
.table-scroll { overflow-x: auto; }
table.compare td.device { white-space: normal; min-width: 150px; max-width: 240px; overflow-wrap: anywhere; }
table.compare { border-collapse: collapse; width: 100%; font-size: 12.5px; font-variant-numeric: tabular-nums; }
table.compare th, table.compare td { padding: 4px 7px; border-bottom: 1px solid #e6e9ed; white-space: nowrap; }
table.compare th { text-align: left; background: #eef1f4; font-weight: 600; vertical-align: bottom; }
table.compare td.num, table.compare th.num { text-align: right; }
table.compare tr.reference td { background: #f4f8fd; }
table.compare td.error { color: #b3261e; white-space: normal; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
svg.chart { display: block; max-width: 100%; height: auto; background: #fff; }
svg .grid { stroke: #e8ebef; stroke-width: 1; }
svg .axis-line, svg .tick { stroke: #6b737b; stroke-width: 1; }
svg text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; fill: #33393f; }
svg .axis-label { font-size: 13px; font-weight: 600; fill: #1d2125; }
svg .row-label { font-weight: 600; }
svg .row-note, svg .point-label { font-size: 11.5px; fill: #3d444b; }
.note { color: #5b636b; font-size: 13px; margin: 4px 0; }
.na { color: #8a4b00; background: #fff6e5; border: 1px solid #f0d9a8; border-radius: 4px; padding: 6px 10px; }
footer { color: #7a828a; font-size: 12px; margin-top: 36px; }
)css";

std::string h(const std::string& s) { return escape_html(s); }

std::optional<std::string> num(const std::optional<double>& v, const char* fmt) {
  if (!v || !std::isfinite(*v)) return std::nullopt;
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, *v);
  return std::string(buf);
}
std::optional<double> times(const std::optional<double>& v, double k) {
  return v ? std::optional<double>(*v * k) : std::nullopt;
}
std::optional<double> bytes_in(const std::optional<int64_t>& v, double unit) {
  return v ? std::optional<double>(static_cast<double>(*v) / unit) : std::nullopt;
}
std::optional<std::string> ms(const std::optional<double>& v) { return num(v, v && *v < 1 ? "%.3f" : "%.2f"); }

std::string device_of(const store::RunRecord& r) {
  return r.info.device.device_name.empty() ? r.info.device.hostname : r.info.device.device_name;
}

std::string td(const std::optional<std::string>& v) {
  return "<td class=\"num\">" + (v ? h(*v) : std::string("-")) + "</td>";
}

// The `query compare` table, with the same columns and number formats.
std::string compare_table(const ReportData& data, const std::vector<SeriesStyle>& styles) {
  std::set<std::string> devices;
  for (const ReportMeasurement& m : data.measurements) devices.insert(m.row.device);
  const bool device_col = devices.size() > 1 || data.db_paths.size() > 1;
  // Detectors' columns (mAP against labels and against the reference, boxes gained/lost), as `query
  // compare` shows them: only when a row has them.
  bool det_cols = false;
  for (const ReportMeasurement& m : data.measurements) det_cols = det_cols || m.row.map50 || m.row.map50_vs_ref;
  std::string s = "<table class=\"compare\">\n<thead><tr>";
  if (device_col) s += "<th>device</th>";
  s += "<th>model</th><th>variant</th><th>engine</th><th class=\"num\">thr</th><th class=\"num\">size<br>kB</th>"
       "<th class=\"num\">&times;<br>compr.</th><th class=\"num\">p50<br>ms</th><th class=\"num\">p90<br>ms</th>"
       "<th class=\"num\">p99<br>ms</th><th class=\"num\">peak<br>MiB</th><th class=\"num\">model<br>MiB</th>"
       "<th class=\"num\">top1<br>%</th>"
       "<th class=\"num\">vs ref<br>pts</th><th class=\"num\">agree<br>%</th><th class=\"num\">MSE</th>"
       "<th class=\"num\">max<br>diff</th>";
  if (det_cols)
    s += "<th class=\"num\">mAP50<br>%</th><th class=\"num\">mAP<br>50-95 %</th><th class=\"num\">mAP50<br>vs ref %</th>"
         "<th class=\"num\">mAP 50-95<br>vs ref %</th><th class=\"num\">boxes<br>+</th><th class=\"num\">boxes<br>-</th>";
  s += "<th>throttled</th></tr></thead>\n<tbody>\n";
  for (size_t i = 0; i < data.measurements.size(); ++i) {
    const store::CompareRow& r = data.measurements[i].row;
    s += r.is_reference ? "<tr class=\"reference\">" : "<tr>";
    if (device_col) s += "<td class=\"device\">" + h(r.device) + "</td>";
    s += "<td>" + h(r.model_group) + "</td><td><span class=\"swatch\" style=\"background:" + styles[i].color +
         "\"></span>" + h(r.variant) + "</td><td>" + h(r.engine) + "</td>" + td(std::to_string(r.threads));
    if (r.error) {
      s += td(num(bytes_in(r.size_bytes, 1000.0), "%.1f")) + "<td class=\"error\" colspan=\"" +
           std::to_string(det_cols ? 18 : 12) + "\">failed: " + h(*r.error) + "</td></tr>\n";
      continue;
    }
    s += td(num(bytes_in(r.size_bytes, 1000.0), "%.1f")) + td(num(r.compression, "%.2f")) + td(ms(r.p50_ms)) +
         td(ms(r.p90_ms)) + td(ms(r.p99_ms)) + td(num(bytes_in(r.peak_rss_bytes, 1048576.0), "%.1f")) +
         td(num(bytes_in(r.model_memory_bytes, 1048576.0), "%.2f")) + td(num(times(r.top1, 100), "%.2f")) +
         td(r.is_reference ? std::optional<std::string>("ref") : num(times(r.delta_top1, 100), "%+.2f")) +
         td(num(times(r.agreement_top1, 100), "%.2f")) + td(num(r.mse, "%.2g")) + td(num(r.max_abs_diff, "%.3g"));
    if (det_cols) {
      const auto vs_ref = [&](const std::optional<double>& v) {
        return r.is_reference ? std::optional<std::string>("ref") : num(times(v, 100), "%.2f");
      };
      const auto count = [](const std::optional<int64_t>& v) {
        return v ? std::optional<std::string>(std::to_string(*v)) : std::nullopt;
      };
      s += td(num(times(r.map50, 100), "%.2f")) + td(num(times(r.map50_95, 100), "%.2f")) + td(vs_ref(r.map50_vs_ref)) +
           td(vs_ref(r.map50_95_vs_ref)) + td(count(r.boxes_gained)) + td(count(r.boxes_lost));
    }
    s += std::string("<td>") + (r.throttled ? (*r.throttled ? "yes" : "no") : "-") + "</td></tr>\n";
  }
  return s + "</tbody>\n</table>\n";
}

std::string header(const ReportData& data) {
  std::set<std::string> groups, devices, versions;
  for (const ReportMeasurement& m : data.measurements) groups.insert(m.row.model_group);
  std::string title;
  for (const std::string& g : groups) title += (title.empty() ? "" : ", ") + g;
  std::string s = "<header>\n<h1>edgebench report" + (title.empty() ? "" : ": " + h(title)) + "</h1>\n<dl class=\"meta\">\n";
  std::string dev;
  std::set<std::string> seen;
  for (const ReportRun& r : data.runs) {
    const store::DeviceState& d = r.run.info.device;
    std::string line = device_of(r.run);
    std::string detail = d.cpu_model;
    if (d.cpu_cores) detail += (detail.empty() ? "" : ", ") + std::to_string(*d.cpu_cores) + " cores";
    if (!d.kernel.empty()) detail += (detail.empty() ? "" : ", ") + std::string("Linux ") + d.kernel;
    if (!d.governor.empty()) detail += (detail.empty() ? "" : ", ") + std::string("governor ") + d.governor;
    if (!d.isa.empty()) detail += (detail.empty() ? "" : ", ") + std::string("kernels ") + d.isa;
    if (!detail.empty()) line += " (" + detail + ")";
    if (seen.insert(line).second) dev += (dev.empty() ? "" : "<br>") + h(line);
    versions.insert(r.run.info.edgebench_version + (r.run.info.git_hash.empty() ? "" : " (" + r.run.info.git_hash + ")"));
  }
  s += "<dt>device</dt><dd>" + (dev.empty() ? std::string("-") : dev) + "</dd>\n";
  std::string runs;
  for (const ReportRun& r : data.runs) {
    std::string line = "run " + std::to_string(r.run.id) + ": " + r.run.info.model_group + ", started " +
                       r.run.started_utc + ", " + store::to_string(r.run.status);
    if (data.db_paths.size() > 1) line += " [" + r.db_path + "]";
    runs += (runs.empty() ? "" : "<br>") + h(line);
  }
  s += "<dt>runs</dt><dd>" + (runs.empty() ? std::string("none") : runs) + "</dd>\n";
  std::string vs;
  for (const std::string& v : versions) vs += (vs.empty() ? "" : ", ") + v;
  s += "<dt>measured with</dt><dd>" + (vs.empty() ? std::string("-") : "edgebench " + h(vs)) + "</dd>\n";
  std::string dbs;
  for (const std::string& p : data.db_paths) dbs += (dbs.empty() ? "" : "<br>") + h(p);
  s += "<dt>database</dt><dd>" + dbs + "</dd>\n";
  s += "<dt>written</dt><dd>" + h(data.generated_utc) + " by edgebench " + h(data.edgebench_version) + "</dd>\n";
  return s + "</dl>\n</header>\n";
}

std::string figure(const std::string& svg, const std::string& caption) {
  return "<figure class=\"card\">\n" + svg + "<figcaption class=\"note\">" + caption + "</figcaption>\n</figure>\n";
}

std::string not_available(const std::string& what) { return "<p class=\"na\">" + what + "</p>\n"; }

std::string charts(const ReportData& data, const std::vector<SeriesStyle>& styles) {
  std::string s;
  s += "<section id=\"latency\">\n<h2>Latency distribution</h2>\n";
  const std::string box = latency_box_chart(data, styles);
  s += box.empty() ? not_available("Latency distribution: not available (no timed inferences stored).")
                   : figure(box, "Every timed inference of each variant &times; engine &times; threads, from the raw "
                                 "samples. Lower is faster; a long whisker means unsteady latency.");
  s += "</section>\n<section id=\"tradeoff\">\n<h2>Accuracy against latency</h2>\n";
  std::vector<std::string> groups;
  for (const ReportMeasurement& m : data.measurements)
    if (std::find(groups.begin(), groups.end(), m.row.model_group) == groups.end()) groups.push_back(m.row.model_group);
  for (const std::string& g : groups) {
    if (groups.size() > 1) s += "<h3>" + h(g) + "</h3>\n";
    const std::string chart = tradeoff_chart(data, styles, g);
    const AccuracyMetric metric = tradeoff_metric(data, g);
    if (chart.empty()) {
      s += not_available("Accuracy of " + h(g) +
                         ": not available (no labels, and no reference variant measured on the same inputs).");
      continue;
    }
    size_t unplotted = 0;  // measured, but without the figure this chart plots (e.g. a device's unlabelled run)
    for (const ReportMeasurement& m : data.measurements)
      if (m.row.model_group == g && !m.failed() &&
          !(metric == AccuracyMetric::kTop1 ? m.row.top1.has_value() : m.row.is_reference || m.row.agreement_top1))
        ++unplotted;
    if (unplotted > 0)
      s += "<p class=\"note\">" + std::to_string(unplotted) + " measurement" + (unplotted == 1 ? "" : "s") + " of " +
           h(g) + (metric == AccuracyMetric::kTop1 ? " without labels (no top-1)" : " without agreement figures") +
           (unplotted == 1 ? " is" : " are") + " not plotted.</p>\n";
    s += figure(chart, metric == AccuracyMetric::kTop1
                           ? "Top-1 accuracy against the labels, one point per variant &times; engine &times; threads. "
                             "Up and to the left is better; points on the frontier are the ones worth deploying."
                           : "No labels: top-1 agreement with the reference variant's predictions on the same inputs "
                             "(the reference itself is 100 % by definition). Up and to the left is better.");
  }
  s += "</section>\n<section id=\"over-time\">\n<h2>Over time</h2>\n";
  const std::string lat = latency_timeline_chart(data, styles);
  s += lat.empty() ? not_available("Latency over time: not available (no timed inferences stored).")
                   : figure(lat, "Latency of each timed inference in the order it ran. A rising line while the CPU "
                                 "heats up is thermal throttling.");
  const std::string temp = device_timeline_chart(data, styles, DeviceMetric::kTemperature);
  s += temp.empty() ? not_available("CPU temperature: not available (the device reported no temperature while "
                                    "measuring; /sys/class/thermal has no readable zone).")
                    : figure(temp, "CPU temperature sampled while each measurement ran.");
  const std::string freq = device_timeline_chart(data, styles, DeviceMetric::kFrequency);
  s += freq.empty() ? not_available("CPU frequency: not available (no cpufreq reading while measuring).")
                    : figure(freq, "CPU frequency sampled while each measurement ran: a drop is the firmware "
                                   "or the governor slowing the CPU down.");
  return s + "</section>\n";
}

}  // namespace

std::string render_report_html(const ReportData& data) {
  const std::vector<SeriesStyle> styles = series_styles(data);
  std::string s = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>edgebench report</title>\n"
                  "<style>" + std::string(kCss) + "</style>\n</head>\n<body>\n<main>\n";
  s += header(data);
  s += "<section id=\"comparison\">\n<h2>Comparison</h2>\n";
  if (data.measurements.empty()) {
    std::string dbs;
    for (const std::string& p : data.db_paths) dbs += (dbs.empty() ? "" : ", ") + p;
    s += "<p class=\"na\" id=\"empty\">No measurements match in " + h(dbs) +
         ". Store some with <code>edgebench run</code>, or widen the filters.</p>\n</section>\n";
  } else {
    s += "<div class=\"card table-scroll\">\n" + compare_table(data, styles) + "</div>\n";
    std::vector<std::string> failed;
    for (const ReportMeasurement& m : data.measurements)
      if (m.failed()) failed.push_back(m.row.variant);
    if (!failed.empty()) {
      std::string names;
      for (const std::string& f : failed) names += (names.empty() ? "" : ", ") + h(f);
      s += "<p class=\"note\">Failed variants (not in the charts): " + names + ".</p>\n";
    }
    s += "<p class=\"note\">Size in kB (1000 bytes), &times; = the reference's size over this one's, latency per "
         "inference, peak = the peak resident memory of the worker process that ran the measurement alone (what a "
         "minimal process running the model needs), model = that peak over the worker's memory before it loaded "
         "the model (what the model costs; &ldquo;-&rdquo; for measurements stored before the worker, whose peak "
         "is edgebench's own), top-1 against labels, &ldquo;vs ref&rdquo; = top-1 "
         "change against the reference in percentage points, agreement = same top-1 class as the reference.</p>\n";
    s += "</section>\n" + charts(data, styles);
  }
  s += "<footer>edgebench " + h(data.edgebench_version) +
       " &middot; one self-contained page: no scripts, no fonts, nothing fetched from the network.</footer>\n";
  return s + "</main>\n</body>\n</html>\n";
}

}  // namespace eb::report
