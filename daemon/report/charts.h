// The report's charts, each one inline <svg> drawn from the raw series (not from stored summaries, so
// the page shows what was measured): latency distribution per measurement, accuracy against latency per
// model group, and latency / CPU temperature / CPU frequency over time. Every chart has axes with ticks,
// units and a legend; each series keeps one style (colour per variant) across all charts.
#pragma once

#include <string>
#include <vector>

#include "daemon/report/report_data.h"

namespace eb::report {

// How one measurement is drawn everywhere: its name on the page, its colour (one per model group x
// variant) and dash (telling apart engines, thread counts, devices of the same variant).
struct SeriesStyle {
  std::string label;  // raw text: "int8", or "int8 · ref ×4" / "int8 @ pi5-a" when those vary
  std::string color;
  std::string dash;
};
// One style per data.measurements entry, index-aligned.
std::vector<SeriesStyle> series_styles(const ReportData& data);

// Box plots, one per measurement with samples: box p25-p75, bold line p50, whisker min-p99, tick p90,
// dot max. Empty string when no measurement has samples.
std::string latency_box_chart(const ReportData& data, const std::vector<SeriesStyle>& styles);

// Which accuracy the trade-off chart plots for a model group.
enum class AccuracyMetric { kTop1, kAgreement, kNone };
AccuracyMetric tradeoff_metric(const ReportData& data, const std::string& model_group);

// One labelled point per measurement of the group: accuracy (top-1 when labelled, else agreement with
// the reference) against p50 latency, with the Pareto frontier. Empty string when nothing to plot.
std::string tradeoff_chart(const ReportData& data, const std::vector<SeriesStyle>& styles,
                           const std::string& model_group);

// Latency of every timed inference against its index, one line per measurement (bucket means when there
// are more samples than pixels, with a faint min-max band so spikes stay visible).
std::string latency_timeline_chart(const ReportData& data, const std::vector<SeriesStyle>& styles);

// A device reading over time since each measurement started. Empty string when no sample has it.
enum class DeviceMetric { kTemperature, kFrequency };
std::string device_timeline_chart(const ReportData& data, const std::vector<SeriesStyle>& styles,
                                  DeviceMetric metric);

}  // namespace eb::report
