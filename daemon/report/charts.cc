#include "daemon/report/charts.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include "daemon/measure/latency_stats.h"
#include "daemon/report/svg.h"

namespace eb::report {
namespace {

constexpr double kWidth = 960;

std::string ms_text(double ms) { return fixed(ms, ms < 1 ? 3 : 2); }
// Three significant digits, for notes that must fit beside a chart.
std::string short_ms(double ms) { return fixed(ms, ms < 1 ? 3 : ms < 10 ? 2 : ms < 100 ? 1 : 0); }

// Estimated pixel width of 12px sans-serif text: enough to keep labels clear of the plot.
double text_width(const std::string& s) { return 7.0 * static_cast<double>(s.size()); }

// Labels can be any length (user data); charts show at most this many characters, the tooltip the rest.
std::string clipped(const std::string& s, size_t max_chars = 34) {
  return s.size() <= max_chars ? s : s.substr(0, max_chars - 1) + "\xE2\x80\xA6";  // "…"
}

std::string stroke(const SeriesStyle& st, double width) {
  std::string a = "fill=\"none\" stroke=\"" + st.color + "\" stroke-width=\"" + px(width) + "\"";
  if (!st.dash.empty()) a += " stroke-dasharray=\"" + st.dash + "\"";
  return a;
}

std::string throttled_suffix(const store::CompareRow& r) { return r.throttled.value_or(false) ? " (throttled)" : ""; }

struct Box {
  double min, p25, p50, p75, p90, p99, max;
  size_t n;
};

Box box_of(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  return {samples.front(),           percentile(samples, 25), percentile(samples, 50), percentile(samples, 75),
          percentile(samples, 90),   percentile(samples, 99), samples.back(),          samples.size()};
}

std::string polyline(const std::vector<std::pair<double, double>>& pts, const std::string& attrs) {
  std::string s = "<polyline points=\"";
  for (size_t i = 0; i < pts.size(); ++i) s += (i ? " " : "") + px(pts[i].first) + "," + px(pts[i].second);
  return s + "\" " + attrs + "/>\n";
}

}  // namespace

std::vector<SeriesStyle> series_styles(const ReportData& data) {
  std::set<std::string> groups, devices;
  std::set<std::pair<std::string, int64_t>> engine_threads;
  for (const ReportMeasurement& m : data.measurements) {
    groups.insert(m.row.model_group);
    devices.insert(m.row.device);
    engine_threads.insert({m.row.engine, m.row.threads});
  }
  std::map<std::pair<std::string, std::string>, size_t> color_of;  // model group x variant
  std::map<std::pair<std::string, std::string>, size_t> uses;
  std::vector<SeriesStyle> styles;
  for (const ReportMeasurement& m : data.measurements) {
    const auto key = std::make_pair(m.row.model_group, m.row.variant);
    auto it = color_of.find(key);
    if (it == color_of.end()) it = color_of.emplace(key, color_of.size()).first;
    // Most telling part first: charts clip long labels at the end.
    SeriesStyle st;
    if (groups.size() > 1) st.label += m.row.model_group + "/";
    st.label += m.row.variant;
    if (engine_threads.size() > 1) st.label += " \xC2\xB7 " + m.row.engine + " \xC3\x97" + std::to_string(m.row.threads);
    if (devices.size() > 1) st.label += " @ " + m.row.device;
    st.color = palette_color(it->second);
    st.dash = dash_pattern(uses[key]++);
    styles.push_back(std::move(st));
  }
  return styles;
}

// ---- latency distribution ----

std::string latency_box_chart(const ReportData& data, const std::vector<SeriesStyle>& styles) {
  std::vector<std::pair<size_t, Box>> rows;
  for (size_t i = 0; i < data.measurements.size(); ++i)
    if (!data.measurements[i].failed() && !data.measurements[i].series.samples_ms.empty())
      rows.push_back({i, box_of(data.measurements[i].series.samples_ms)});
  if (rows.empty()) return "";

  double label_w = 0, hi = 0, p99_max = 0;
  for (const auto& [i, b] : rows) {
    label_w = std::max(label_w, text_width(clipped(styles[i].label)));
    hi = std::max(hi, b.max);
    p99_max = std::max(p99_max, b.p99);
  }
  // Heavy tails (p99 ten times the fastest quartile, as when fast kernels meet scheduler hiccups) would
  // squash every box into a line on a linear axis: use a log axis then. Otherwise a linear axis from 0,
  // capped so a few huge outliers do not do the same (maxima beyond it are marked).
  double q_lo = 1e300, min_lo = 1e300;
  for (const auto& [i, b] : rows) {
    q_lo = std::min(q_lo, b.p25);
    min_lo = std::min(min_lo, b.min);
  }
  const bool log_axis = min_lo > 0 && p99_max > 10 * q_lo;
  if (!log_axis) hi = std::min(hi, p99_max * 1.5);
  const Ticks ticks = log_axis ? log_ticks(min_lo, hi) : nice_ticks(0, hi > 0 ? hi : 1);
  const double row_h = 38;
  PlotArea a{std::clamp(label_w + 24, 110.0, 300.0), 14, 0, row_h * static_cast<double>(rows.size())};
  a.width = kWidth - a.left - 205;  // room for the p50 / p99 / max note
  const double height = a.bottom() + 50 + 46;
  const Scale x = scale_for(ticks, a.left, a.right());

  Svg svg(kWidth, height, "latency-box", "Latency distribution per variant (ms per inference)");
  svg.x_axis(a, x, ticks, log_axis ? "latency per inference (ms, log scale)" : "latency per inference (ms)");
  for (size_t r = 0; r < rows.size(); ++r) {
    const auto& [i, b] = rows[r];
    const SeriesStyle& st = styles[i];
    const double cy = a.top + row_h * (static_cast<double>(r) + 0.5);
    const double clip = a.right();
    const auto X = [&](double v) { return std::min(x(v), clip); };
    svg.raw("<g class=\"box\" data-label=\"" + escape_html(st.label) + "\">\n<title>" +
            escape_html(st.label + throttled_suffix(data.measurements[i].row) + ": " + std::to_string(b.n) +
                        " inferences; min " + ms_text(b.min) + ", p25 " + ms_text(b.p25) + ", p50 " + ms_text(b.p50) +
                        ", p75 " + ms_text(b.p75) + ", p90 " + ms_text(b.p90) + ", p99 " + ms_text(b.p99) +
                        ", max " + ms_text(b.max) + " ms") +
            "</title>\n");
    svg.line(X(b.min), cy, X(b.p99), cy, stroke(st, 1.5));
    svg.line(X(b.min), cy - 7, X(b.min), cy + 7, stroke(st, 1.5));
    svg.line(X(b.p99), cy - 9, X(b.p99), cy + 9, "class=\"p99\" " + stroke(st, 2.5));
    svg.rect(X(b.p25), cy - 11, X(b.p75) - X(b.p25), 22,
             "class=\"iqr\" fill=\"" + st.color + "\" fill-opacity=\"0.22\" stroke=\"" + st.color + "\"");
    svg.line(X(b.p50), cy - 13, X(b.p50), cy + 13, "class=\"p50\" stroke=\"" + st.color + "\" stroke-width=\"3.5\"");
    svg.line(X(b.p90), cy - 9, X(b.p90), cy + 9,
             "class=\"p90\" stroke=\"" + st.color + "\" stroke-width=\"1.5\" stroke-dasharray=\"3 2\"");
    if (x(b.max) <= clip) {
      svg.circle(x(b.max), cy, 3.5, "class=\"max\" fill=\"white\" stroke=\"" + st.color + "\" stroke-width=\"1.5\"");
    } else {
      svg.raw("<path class=\"max beyond\" d=\"M" + px(clip - 2) + " " + px(cy - 5) + " L" + px(clip + 6) + " " + px(cy) +
              " L" + px(clip - 2) + " " + px(cy + 5) + " Z\" fill=\"" + st.color + "\"/>\n");
    }
    svg.text(a.left - 10, cy + 4, clipped(st.label), "class=\"row-label\" text-anchor=\"end\" fill=\"" + st.color + "\"");
    std::string note = "p50 " + short_ms(b.p50) + " \xC2\xB7 p99 " + short_ms(b.p99);
    if (x(b.max) > clip) note += " \xC2\xB7 max " + short_ms(b.max);
    svg.text(a.right() + 12, cy + 4, note, "class=\"row-note\"");
    svg.raw("</g>\n");
  }
  // The key: what each glyph of a box means.
  const double ky = a.bottom() + 62;
  const std::string grey = "#555";
  svg.raw("<g class=\"legend box-key\">\n");
  double kx = a.left;
  svg.rect(kx, ky - 8, 26, 16, "fill=\"" + grey + "\" fill-opacity=\"0.22\" stroke=\"" + grey + "\"");
  svg.line(kx + 11, ky - 10, kx + 11, ky + 10, "stroke=\"" + grey + "\" stroke-width=\"3.5\"");
  svg.text(kx + 34, ky + 4, "box p25\xE2\x80\x93p75, bar p50", "class=\"legend-label\"");
  kx += 200;
  svg.line(kx, ky, kx + 26, ky, "stroke=\"" + grey + "\" stroke-width=\"1.5\"");
  svg.line(kx + 26, ky - 8, kx + 26, ky + 8, "stroke=\"" + grey + "\" stroke-width=\"2.5\"");
  svg.text(kx + 34, ky + 4, "whisker min\xE2\x80\x93p99", "class=\"legend-label\"");
  kx += 160;
  svg.line(kx + 10, ky - 8, kx + 10, ky + 8, "stroke=\"" + grey + "\" stroke-width=\"1.5\" stroke-dasharray=\"3 2\"");
  svg.text(kx + 20, ky + 4, "p90", "class=\"legend-label\"");
  kx += 70;
  svg.circle(kx + 8, ky, 3.5, "fill=\"white\" stroke=\"" + grey + "\" stroke-width=\"1.5\"");
  svg.text(kx + 18, ky + 4, "max (\xE2\x96\xB6 beyond the axis)", "class=\"legend-label\"");
  svg.raw("</g>\n");
  return svg.finish();
}

// ---- accuracy against latency ----

namespace {

// The plotted accuracy of one measurement, as a fraction; the reference agrees with itself by definition.
std::optional<double> accuracy_of(const store::CompareRow& r, AccuracyMetric metric) {
  if (metric == AccuracyMetric::kTop1) return r.top1;
  if (metric == AccuracyMetric::kAgreement) return r.is_reference ? std::optional<double>(1.0) : r.agreement_top1;
  return std::nullopt;
}

}  // namespace

AccuracyMetric tradeoff_metric(const ReportData& data, const std::string& model_group) {
  bool top1 = false, agreement = false;
  for (const ReportMeasurement& m : data.measurements) {
    if (m.row.model_group != model_group || m.failed()) continue;
    top1 = top1 || m.row.top1.has_value();
    agreement = agreement || m.row.agreement_top1.has_value();
  }
  return top1 ? AccuracyMetric::kTop1 : agreement ? AccuracyMetric::kAgreement : AccuracyMetric::kNone;
}

std::string tradeoff_chart(const ReportData& data, const std::vector<SeriesStyle>& styles,
                           const std::string& model_group) {
  const AccuracyMetric metric = tradeoff_metric(data, model_group);
  struct Point {
    size_t i;
    double ms, pct;
  };
  std::vector<Point> pts;
  for (size_t i = 0; i < data.measurements.size(); ++i) {
    const store::CompareRow& r = data.measurements[i].row;
    if (r.model_group != model_group || data.measurements[i].failed() || !r.p50_ms) continue;
    if (std::optional<double> acc = accuracy_of(r, metric)) pts.push_back({i, *r.p50_ms, *acc * 100.0});
  }
  if (pts.empty()) return "";
  double ms_hi = 0, lo = 100, hi = 0;
  for (const Point& p : pts) {
    ms_hi = std::max(ms_hi, p.ms);
    lo = std::min(lo, p.pct);
    hi = std::max(hi, p.pct);
  }
  const Ticks xt = nice_ticks(0, ms_hi * 1.15 > 0 ? ms_hi * 1.15 : 1);
  // Accuracies of variants usually differ by tenths of a point: zoom in, with a little headroom.
  const double pad = std::max(0.25, (hi - lo) * 0.15);
  const double y_lo = std::max(0.0, lo - pad), y_hi = std::min(100.0, hi + pad);
  const Ticks yt = nice_ticks(y_lo, y_hi > y_lo ? y_hi : y_lo + 1, 5);
  PlotArea a{78, 16, kWidth - 78 - 40, 330};
  const Scale x = scale_for(xt, a.left, a.right());
  const Scale y = scale_for(yt, a.bottom(), a.top);
  const std::string what = metric == AccuracyMetric::kTop1 ? "top-1 accuracy (%)" : "top-1 agreement with the reference (%)";

  std::vector<LegendEntry> legend;
  for (const Point& p : pts) legend.push_back({styles[p.i].label, styles[p.i].color, "", true});
  legend.push_back({"Pareto frontier (no variant is both faster and more accurate)", "#888", "5 4", false});
  // Legend height depends on wrapping: measure it on a scratch writer.
  Svg scratch(0, 0, "", "");
  const double legend_h = scratch.legend(a.left, 0, a.width, legend);
  Svg svg(kWidth, a.bottom() + 56 + legend_h, "tradeoff",
          "Accuracy against p50 latency: " + model_group);
  svg.x_axis(a, x, xt, "p50 latency per inference (ms)");
  svg.y_axis(a, y, yt, what);

  // The frontier: each point more accurate than every faster one.
  std::vector<Point> sorted = pts;
  std::sort(sorted.begin(), sorted.end(), [](const Point& p, const Point& q) {
    return std::tie(p.ms, q.pct) < std::tie(q.ms, p.pct);
  });
  std::vector<std::pair<double, double>> frontier;
  double best = -1;
  for (const Point& p : sorted) {
    if (p.pct <= best) continue;
    if (!frontier.empty()) frontier.push_back({x(p.ms), frontier.back().second});
    frontier.push_back({x(p.ms), y(p.pct)});
    best = p.pct;
  }
  svg.raw(polyline(frontier, "class=\"frontier\" fill=\"none\" stroke=\"#888\" stroke-width=\"1.5\" stroke-dasharray=\"5 4\""));

  for (size_t k = 0; k < pts.size(); ++k) {
    const Point& p = pts[k];
    const SeriesStyle& st = styles[p.i];
    const store::CompareRow& r = data.measurements[p.i].row;
    std::string tip = st.label + throttled_suffix(r) + ": p50 " + ms_text(p.ms) + " ms, " +
                      (metric == AccuracyMetric::kTop1 ? "top-1 " : "agreement ") + fixed(p.pct, 2) + " %";
    if (r.size_bytes) tip += ", " + fixed(static_cast<double>(*r.size_bytes) / 1000.0, 1) + " kB";
    svg.raw("<g class=\"point\" data-label=\"" + escape_html(st.label) + "\">\n<title>" + escape_html(tip) +
            "</title>\n");
    svg.circle(x(p.ms), y(p.pct), 7, "fill=\"" + st.color + "\" stroke=\"white\" stroke-width=\"1.5\"");
    // Labels alternate above and below so neighbours with close accuracies do not overprint.
    const double ly = y(p.pct) + (k % 2 == 0 ? -13 : 22);
    const bool near_right = x(p.ms) + text_width(clipped(st.label)) / 2 > a.right();
    svg.text(near_right ? x(p.ms) + 4 : x(p.ms), ly, clipped(st.label) + " " + fixed(p.pct, 2) + " %",
             std::string("class=\"point-label\" text-anchor=\"") + (near_right ? "end" : "middle") + "\"");
    svg.raw("</g>\n");
  }
  svg.legend(a.left, a.bottom() + 60, a.width, legend);
  return svg.finish();
}

// ---- over time ----

std::string latency_timeline_chart(const ReportData& data, const std::vector<SeriesStyle>& styles) {
  std::vector<size_t> idx;
  size_t n_max = 0;
  double y_hi = 0, p99_max = 0, y_lo = 1e300, q_lo = 1e300;
  for (size_t i = 0; i < data.measurements.size(); ++i) {
    const std::vector<double>& s = data.measurements[i].series.samples_ms;
    if (data.measurements[i].failed() || s.empty()) continue;
    idx.push_back(i);
    n_max = std::max(n_max, s.size());
    const Box b = box_of(s);
    y_hi = std::max(y_hi, b.max);
    y_lo = std::min(y_lo, b.min);
    q_lo = std::min(q_lo, b.p25);
    p99_max = std::max(p99_max, b.p99);
  }
  if (idx.empty()) return "";
  // As for the box plot: a log axis when the tail dwarfs the typical latency, so the medians (the trend)
  // are not flattened against zero by the spikes.
  const bool log_axis = y_lo > 0 && p99_max > 10 * q_lo;
  if (!log_axis) y_hi = std::min(y_hi, p99_max * 2.0);
  const Ticks xt = nice_ticks(0, static_cast<double>(n_max));
  const Ticks yt = log_axis ? log_ticks(y_lo, y_hi) : nice_ticks(0, y_hi > 0 ? y_hi : 1, 5);
  PlotArea a{78, 16, kWidth - 78 - 40, 300};
  const Scale x = scale_for(xt, a.left, a.right());
  const Scale y = scale_for(yt, a.bottom(), a.top);
  std::vector<LegendEntry> legend;
  for (size_t i : idx)
    legend.push_back({styles[i].label + throttled_suffix(data.measurements[i].row), styles[i].color, styles[i].dash});
  Svg scratch(0, 0, "", "");
  const double legend_h = scratch.legend(a.left, 0, a.width, legend);
  Svg svg(kWidth, a.bottom() + 72 + legend_h, "latency-timeline", "Latency over the run, per inference");
  svg.raw("<defs><clipPath id=\"clip-latency-timeline\"><rect x=\"" + px(a.left) + "\" y=\"" + px(a.top) +
          "\" width=\"" + px(a.width) + "\" height=\"" + px(a.height) + "\"/></clipPath></defs>\n");
  svg.x_axis(a, x, xt, "timed inference (index, in the order run)");
  svg.y_axis(a, y, yt, log_axis ? "latency (ms, log scale)" : "latency (ms)");
  svg.raw("<g clip-path=\"url(#clip-latency-timeline)\">\n");
  // Context first (every inference, or each bucket's min-max when there are more samples than pixels),
  // then the rolling medians on top: the trend (throttling) must stay visible through scheduler noise.
  std::string medians;
  size_t window_shown = 0;
  bool banded = false;
  for (size_t i : idx) {
    const std::vector<double>& s = data.measurements[i].series.samples_ms;
    const size_t buckets = std::min<size_t>(s.size(), 480);
    const size_t half = std::clamp<size_t>(s.size() / 40, 2, 150);  // window of 2 * half + 1 inferences
    window_shown = std::max(window_shown, 2 * half + 1);
    std::vector<std::pair<double, double>> median, upper, lower, raw;
    std::vector<double> win;
    for (size_t b = 0; b < buckets; ++b) {
      const size_t from = b * s.size() / buckets, to = std::max(from + 1, (b + 1) * s.size() / buckets);
      const auto [mn, mx] = std::minmax_element(s.begin() + static_cast<std::ptrdiff_t>(from),
                                                s.begin() + static_cast<std::ptrdiff_t>(to));
      const size_t mid = (from + to) / 2;
      const double cx = x(static_cast<double>(mid + 1));  // inferences are numbered from 1
      upper.push_back({cx, y(*mx)});
      lower.push_back({cx, y(*mn)});
      win.assign(s.begin() + static_cast<std::ptrdiff_t>(mid >= half ? mid - half : 0),
                 s.begin() + static_cast<std::ptrdiff_t>(std::min(s.size(), mid + half + 1)));
      std::nth_element(win.begin(), win.begin() + static_cast<std::ptrdiff_t>(win.size() / 2), win.end());
      median.push_back({cx, y(win[win.size() / 2])});
    }
    if (buckets < s.size()) {
      banded = true;
      std::vector<std::pair<double, double>> band = upper;
      band.insert(band.end(), lower.rbegin(), lower.rend());
      std::string d;
      for (size_t k = 0; k < band.size(); ++k) d += (k ? " L" : "M") + px(band[k].first) + " " + px(band[k].second);
      svg.raw("<path class=\"band\" d=\"" + d + " Z\" fill=\"" + styles[i].color + "\" fill-opacity=\"0.13\"/>\n");
    } else {
      for (size_t k = 0; k < s.size(); ++k) raw.push_back({x(static_cast<double>(k + 1)), y(s[k])});
      svg.raw(polyline(raw, "class=\"raw\" fill=\"none\" stroke=\"" + styles[i].color +
                                "\" stroke-width=\"0.8\" stroke-opacity=\"0.3\""));
    }
    medians += polyline(median, "class=\"series\" data-label=\"" + escape_html(styles[i].label) + "\" " +
                                    stroke(styles[i], 2.2) + " stroke-linejoin=\"round\"");
  }
  svg.raw(medians);
  svg.raw("</g>\n");
  svg.legend(a.left, a.bottom() + 62, a.width, legend);
  svg.text(a.right(), a.bottom() + 62 + legend_h + 4,
           "bold: rolling median over " + std::to_string(window_shown) + " inferences; faint: " +
               (banded ? "every inference, or the range of each pixel's inferences" : "every inference"),
           "class=\"row-note\" text-anchor=\"end\"");
  return svg.finish();
}

std::string device_timeline_chart(const ReportData& data, const std::vector<SeriesStyle>& styles,
                                  DeviceMetric metric) {
  const auto value = [&](const store::DeviceSample& d) {
    return metric == DeviceMetric::kTemperature ? d.cpu_temp_c : d.cpu_freq_mhz;
  };
  std::vector<std::pair<size_t, std::vector<std::pair<double, double>>>> series;  // measurement, (s, value)
  double t_hi = 0, lo = 1e300, hi = -1e300;
  for (size_t i = 0; i < data.measurements.size(); ++i) {
    std::vector<std::pair<double, double>> pts;
    for (const store::DeviceSample& d : data.measurements[i].series.device_samples) {
      const std::optional<double> v = value(d);
      if (!v || !std::isfinite(*v)) continue;
      pts.push_back({d.elapsed_ms / 1000.0, *v});
      t_hi = std::max(t_hi, d.elapsed_ms / 1000.0);
      lo = std::min(lo, *v);
      hi = std::max(hi, *v);
    }
    if (!pts.empty()) series.push_back({i, std::move(pts)});
  }
  if (series.empty()) return "";
  const bool temp = metric == DeviceMetric::kTemperature;
  const Ticks xt = nice_ticks(0, t_hi > 0 ? t_hi : 1);
  const Ticks yt = nice_ticks(lo, hi, 5);
  PlotArea a{78, 16, kWidth - 78 - 40, 240};
  const Scale x = scale_for(xt, a.left, a.right());
  const Scale y = scale_for(yt, a.bottom(), a.top);
  std::vector<LegendEntry> legend;
  for (const auto& [i, pts] : series)
    legend.push_back({styles[i].label + throttled_suffix(data.measurements[i].row), styles[i].color, styles[i].dash});
  Svg scratch(0, 0, "", "");
  const double legend_h = scratch.legend(a.left, 0, a.width, legend);
  Svg svg(kWidth, a.bottom() + 60 + legend_h, temp ? "temperature-timeline" : "frequency-timeline",
          temp ? "CPU temperature during each measurement" : "CPU frequency during each measurement");
  svg.x_axis(a, x, xt, "time since the measurement started (s)");
  svg.y_axis(a, y, yt, temp ? "CPU temperature (\xC2\xB0" "C)" : "CPU frequency (MHz)");
  for (const auto& [i, pts] : series) {
    std::vector<std::pair<double, double>> xy;
    for (const auto& [t, v] : pts) xy.push_back({x(t), y(v)});
    svg.raw(polyline(xy, "class=\"series\" data-label=\"" + escape_html(styles[i].label) + "\" " +
                             stroke(styles[i], 2) + " stroke-linejoin=\"round\""));
    if (pts.size() <= 60)  // few samples: show where they are
      for (const auto& [px_, py_] : xy) svg.circle(px_, py_, 2.5, "class=\"sample\" fill=\"" + styles[i].color + "\"");
  }
  svg.legend(a.left, a.bottom() + 62, a.width, legend);
  return svg.finish();
}

}  // namespace eb::report
