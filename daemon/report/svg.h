// The drawing primitives of the report's charts: HTML escaping, "nice" axis ticks, linear scales and a
// small SVG writer with axes and legends. Charts are plain inline SVG so the page needs no script, no
// font and no network to render (a Pi's report is often opened offline, copied to a laptop).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace eb::report {

// & < > " ' escaped: safe in element text and in double- or single-quoted attributes. Every string that
// comes from a database (model, variant, device, paths, errors) goes through this.
std::string escape_html(std::string_view text);

// A number for SVG coordinates: fixed, two decimals, never "nan"/"inf" (they become 0).
std::string px(double v);
// A number for people: `decimals` after the point, no "-0".
std::string fixed(double v, int decimals);

// Axis ticks at 1, 2 or 5 x 10^k steps covering [lo, hi]; lo and hi widen to whole steps.
struct Ticks {
  double lo = 0, hi = 1, step = 1;
  int decimals = 0;  // enough to tell neighbouring ticks apart
  std::vector<double> values;
  std::vector<std::string> labels;  // one per value when decimals differ (log axes); else empty
  bool log = false;                 // the axis is logarithmic (see log_ticks)
};
Ticks nice_ticks(double lo, double hi, int target_count = 6);
// Ticks of a logarithmic axis over [lo, hi] (both > 0): 1, 2, 5 x 10^k (decades only when that gives
// too many); lo and hi widen to ticks. For heavy-tailed latencies, where a linear axis spends the whole
// plot on a few outliers and squashes every box into a line.
Ticks log_ticks(double lo, double hi);

// Maps the domain [d0, d1] onto pixels [r0, r1] (r1 < r0 for a y axis, which grows downwards), linearly
// or, when `log`, by log10 (the domain must then be > 0; smaller values map to d0).
struct Scale {
  double d0 = 0, d1 = 1, r0 = 0, r1 = 1;
  bool log = false;
  double operator()(double v) const;
};
// The scale for an axis with these ticks, onto pixels [r0, r1].
Scale scale_for(const Ticks& ticks, double r0, double r1);

// The plotting rectangle inside an SVG, in pixels.
struct PlotArea {
  double left = 0, top = 0, width = 0, height = 0;
  double right() const { return left + width; }
  double bottom() const { return top + height; }
};

// One entry of a legend: a coloured line (optionally dashed) or a marker, and its text.
struct LegendEntry {
  std::string label;  // raw text (escaped when drawn)
  std::string color;
  std::string dash;     // SVG stroke-dasharray, empty: solid
  bool marker = false;  // a dot instead of a line
};

// Builds one <svg> element as text.
class Svg {
 public:
  // `css_class` names the chart for styling and tests; `title` becomes the accessible name.
  Svg(double width, double height, const std::string& css_class, const std::string& title);

  void raw(const std::string& markup) { out_ += markup; }
  void line(double x1, double y1, double x2, double y2, const std::string& attrs);
  void rect(double x, double y, double w, double h, const std::string& attrs);
  void circle(double cx, double cy, double r, const std::string& attrs);
  // `content` is raw text (escaped here).
  void text(double x, double y, const std::string& content, const std::string& attrs);

  // Bottom axis with ticks, grid lines across the plot and a centred label (label text raw).
  void x_axis(const PlotArea& area, const Scale& scale, const Ticks& ticks, const std::string& label);
  // Left axis, or right when `right` (then without grid lines).
  void y_axis(const PlotArea& area, const Scale& scale, const Ticks& ticks, const std::string& label,
              bool right = false);
  // A legend laid out left to right from (x, y), wrapping at max_width; returns the height used.
  double legend(double x, double y, double max_width, const std::vector<LegendEntry>& entries);

  std::string finish();

 private:
  std::string out_;
};

// Consistent colours: the i-th colour of a palette readable on white and by most colour-blind readers.
const std::string& palette_color(size_t index);
// Dash patterns telling apart series that share a colour (same variant, other engine/threads/device).
const std::string& dash_pattern(size_t index);

}  // namespace eb::report
