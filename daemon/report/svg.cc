#include "daemon/report/svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <utility>

namespace eb::report {

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string px(double v) {
  if (!std::isfinite(v)) v = 0;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string fixed(double v, int decimals) {
  if (!std::isfinite(v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals < 0 ? 0 : decimals, v);
  std::string s = buf;
  if (s.size() > 1 && s[0] == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

Ticks nice_ticks(double lo, double hi, int target_count) {
  Ticks t;
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;
  if (hi < lo) std::swap(lo, hi);
  if (hi - lo < 1e-12) {  // one value: a small range around it
    const double pad = std::fabs(lo) > 1e-12 ? std::fabs(lo) * 0.1 : 1.0;
    lo -= pad;
    hi += pad;
  }
  if (target_count < 2) target_count = 2;
  // Of the 1, 2, 5 x 10^k steps near range / target, the one whose whole-step span has the number of
  // intervals closest to the target (ties: the coarser step).
  const double raw = (hi - lo) / target_count;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double best_miss = 1e300;
  for (double mult : {1.0, 2.0, 5.0, 10.0, 20.0}) {
    const double step = mult * mag;
    const double intervals = std::ceil(hi / step - 1e-9) - std::floor(lo / step + 1e-9);
    const double miss = std::fabs(intervals - target_count);
    if (miss <= best_miss) {
      best_miss = miss;
      t.step = step;
    }
  }
  t.lo = std::floor(lo / t.step + 1e-9) * t.step;
  t.hi = std::ceil(hi / t.step - 1e-9) * t.step;
  t.decimals = std::max(0, static_cast<int>(-std::floor(std::log10(t.step) + 1e-9)));
  const int n = static_cast<int>(std::lround((t.hi - t.lo) / t.step));
  for (int i = 0; i <= n; ++i) t.values.push_back(t.lo + i * t.step);
  return t;
}

Ticks log_ticks(double lo, double hi) {
  Ticks t;
  t.log = true;
  if (!(lo > 0) || !std::isfinite(lo)) lo = 1e-3;
  if (!(hi > lo) || !std::isfinite(hi)) hi = lo * 10;
  const int k0 = static_cast<int>(std::floor(std::log10(lo) + 1e-9));
  const int k1 = static_cast<int>(std::ceil(std::log10(hi) - 1e-9));
  // Decades alone when 1-2-5 would crowd the axis.
  const std::vector<double> mults = k1 - k0 > 3 ? std::vector<double>{1} : std::vector<double>{1, 2, 5};
  std::vector<std::pair<double, int>> all;  // value, its exponent
  for (int k = k0; k <= k1; ++k)
    for (double m : mults) all.push_back({m * std::pow(10.0, k), k});
  size_t first = 0, last = all.size() - 1;
  while (first + 1 < all.size() && all[first + 1].first <= lo * (1 + 1e-9)) ++first;
  while (last > first + 1 && all[last - 1].first >= hi * (1 - 1e-9)) --last;
  for (size_t i = first; i <= last; ++i) {
    t.values.push_back(all[i].first);
    t.labels.push_back(fixed(all[i].first, std::max(0, -all[i].second)));
  }
  t.lo = t.values.front();
  t.hi = t.values.back();
  t.step = 0;
  t.decimals = std::max(0, -k0);
  return t;
}

double Scale::operator()(double v) const {
  if (log) {
    const double l0 = std::log10(d0), l1 = std::log10(d1);
    const double lv = v > 0 ? std::log10(v) : l0;
    return l1 == l0 ? (r0 + r1) / 2 : r0 + (lv - l0) / (l1 - l0) * (r1 - r0);
  }
  return d1 == d0 ? (r0 + r1) / 2 : r0 + (v - d0) / (d1 - d0) * (r1 - r0);
}

Scale scale_for(const Ticks& ticks, double r0, double r1) { return {ticks.lo, ticks.hi, r0, r1, ticks.log}; }

namespace {
std::string tick_label(const Ticks& t, size_t i) {
  return i < t.labels.size() ? t.labels[i] : fixed(t.values[i], t.decimals);
}
}  // namespace

Svg::Svg(double width, double height, const std::string& css_class, const std::string& title) {
  out_ = "<svg class=\"chart " + escape_html(css_class) + "\" width=\"" +
         px(width) + "\" height=\"" + px(height) + "\" viewBox=\"0 0 " + px(width) + " " + px(height) +
         "\" role=\"img\" aria-label=\"" + escape_html(title) + "\">\n<title>" + escape_html(title) + "</title>\n";
}

void Svg::line(double x1, double y1, double x2, double y2, const std::string& attrs) {
  out_ += "<line x1=\"" + px(x1) + "\" y1=\"" + px(y1) + "\" x2=\"" + px(x2) + "\" y2=\"" + px(y2) + "\" " + attrs +
          "/>\n";
}

void Svg::rect(double x, double y, double w, double h, const std::string& attrs) {
  out_ += "<rect x=\"" + px(x) + "\" y=\"" + px(y) + "\" width=\"" + px(std::max(w, 0.0)) + "\" height=\"" +
          px(std::max(h, 0.0)) + "\" " + attrs + "/>\n";
}

void Svg::circle(double cx, double cy, double r, const std::string& attrs) {
  out_ += "<circle cx=\"" + px(cx) + "\" cy=\"" + px(cy) + "\" r=\"" + px(r) + "\" " + attrs + "/>\n";
}

void Svg::text(double x, double y, const std::string& content, const std::string& attrs) {
  out_ += "<text x=\"" + px(x) + "\" y=\"" + px(y) + "\" " + attrs + ">" + escape_html(content) + "</text>\n";
}

void Svg::x_axis(const PlotArea& a, const Scale& scale, const Ticks& ticks, const std::string& label) {
  out_ += "<g class=\"axis x-axis\">\n";
  for (size_t i = 0; i < ticks.values.size(); ++i) {
    const double x = scale(ticks.values[i]);
    line(x, a.top, x, a.bottom(), "class=\"grid\"");
    line(x, a.bottom(), x, a.bottom() + 5, "class=\"tick\"");
    text(x, a.bottom() + 18, tick_label(ticks, i), "class=\"tick-label\" text-anchor=\"middle\"");
  }
  line(a.left, a.bottom(), a.right(), a.bottom(), "class=\"axis-line\"");
  text(a.left + a.width / 2, a.bottom() + 38, label, "class=\"axis-label\" text-anchor=\"middle\"");
  out_ += "</g>\n";
}

void Svg::y_axis(const PlotArea& a, const Scale& scale, const Ticks& ticks, const std::string& label,
                 bool right) {
  out_ += right ? "<g class=\"axis y-axis y-right\">\n" : "<g class=\"axis y-axis\">\n";
  const double x0 = right ? a.right() : a.left;
  const double dir = right ? 1 : -1;
  for (size_t i = 0; i < ticks.values.size(); ++i) {
    const double y = scale(ticks.values[i]);
    if (!right) line(a.left, y, a.right(), y, "class=\"grid\"");
    line(x0, y, x0 + 5 * dir, y, "class=\"tick\"");
    text(x0 + 8 * dir, y + 4, tick_label(ticks, i),
         std::string("class=\"tick-label\" text-anchor=\"") + (right ? "start" : "end") + "\"");
  }
  line(x0, a.top, x0, a.bottom(), "class=\"axis-line\"");
  const double lx = right ? a.right() + 52 : a.left - 48;
  const double ly = a.top + a.height / 2;
  text(lx, ly, label,
       "class=\"axis-label\" text-anchor=\"middle\" transform=\"rotate(" + std::string(right ? "90 " : "-90 ") + px(lx) +
           " " + px(ly) + ")\"");
  out_ += "</g>\n";
}

double Svg::legend(double x, double y, double max_width, const std::vector<LegendEntry>& entries) {
  out_ += "<g class=\"legend\">\n";
  double cx = x, cy = y;
  for (const LegendEntry& e : entries) {
    // Width estimate for 12px sans-serif text: about 7 px per character.
    const double w = 34 + 7.0 * static_cast<double>(e.label.size()) + 18;
    if (cx > x && cx + w > x + max_width) {
      cx = x;
      cy += 20;
    }
    out_ += "<g class=\"legend-entry\">";
    if (e.marker)
      circle(cx + 12, cy, 5, "fill=\"" + e.color + "\"");
    else
      line(cx, cy, cx + 26, cy,
           "stroke=\"" + e.color + "\" stroke-width=\"3\"" + (e.dash.empty() ? "" : " stroke-dasharray=\"" + e.dash + "\""));
    text(cx + 32, cy + 4, e.label, "class=\"legend-label\"");
    out_ += "</g>\n";
    cx += w;
  }
  out_ += "</g>\n";
  return cy - y + 20;
}

std::string Svg::finish() { return out_ + "</svg>\n"; }

const std::string& palette_color(size_t index) {
  static const std::string kColors[] = {"#1f77b4", "#e8710a", "#2ca02c", "#d62728", "#9467bd",
                                        "#8c564b", "#e377c2", "#5f6b6d", "#bcbd22", "#17becf"};
  return kColors[index % std::size(kColors)];
}

const std::string& dash_pattern(size_t index) {
  static const std::string kDashes[] = {"", "7 4", "2 3", "10 3 2 3"};
  return kDashes[index % std::size(kDashes)];
}

}  // namespace eb::report
