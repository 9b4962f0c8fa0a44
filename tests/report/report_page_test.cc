// The HTML page from hand-built data: escaping, one chart element per series, the empty, unlabelled,
// failed and no-temperature cases. The browser-rendered page is checked by test_report.py.
#include "daemon/report/html_page.h"

#include <gtest/gtest.h>

#include <string>

namespace eb::report {
namespace {

size_t count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + 1)) ++n;
  return n;
}

ReportMeasurement measurement(int64_t id, const std::string& variant, bool reference, std::optional<double> top1,
                              double base_ms) {
  ReportMeasurement m;
  m.row.device = "pi5-lab";
  m.row.run_id = 1;
  m.row.measurement_id = id;
  m.row.model_group = "fmnist-cnn";
  m.row.variant = variant;
  m.row.engine = "ref";
  m.row.threads = 1;
  m.row.is_reference = reference;
  m.row.size_bytes = reference ? 903500 : 235200;
  m.row.p50_ms = base_ms;
  m.row.p90_ms = base_ms * 1.2;
  m.row.p99_ms = base_ms * 1.5;
  m.row.top1 = top1;
  if (!reference) m.row.agreement_top1 = 0.9944;
  m.series.measurement_id = id;
  for (int i = 0; i < 2000; ++i) m.series.samples_ms.push_back(base_ms + 0.001 * (i % 97) + (i == 1500 ? 40 : 0));
  for (int i = 0; i < 5; ++i) m.series.device_samples.push_back({i * 1000.0, "2024-05-01T12:00:0" + std::to_string(i) + "Z", std::nullopt, std::nullopt});
  return m;
}

ReportData two_variants() {
  ReportData d;
  d.db_paths = {"/var/lib/edgebench/results.db"};
  store::RunRecord run;
  run.id = 1;
  run.status = store::RunStatus::kComplete;
  run.started_utc = "2024-05-01T12:00:00.000Z";
  run.info.model_group = "fmnist-cnn";
  run.info.edgebench_version = "0.1.0";
  run.info.device.device_name = "pi5-lab";
  run.info.device.cpu_model = "Cortex-A76";
  d.runs.push_back({d.db_paths[0], run});
  d.measurements.push_back(measurement(1, "float32", true, 0.9060, 3.35));
  d.measurements.push_back(measurement(2, "<script>alert(1)</script>", false, 0.9059, 4.05));
  d.generated_utc = "2024-05-01T13:00:00.000Z";
  d.edgebench_version = "0.1.0";
  return d;
}

TEST(ReportPage, DatabaseStringsAreEscaped) {
  const std::string html = render_report_html(two_variants());
  EXPECT_EQ(count(html, "<script"), 0u);
  EXPECT_GT(count(html, "&lt;script&gt;alert(1)&lt;/script&gt;"), 3u);  // table, box, point, legends
}

TEST(ReportPage, OneChartElementPerSeries) {
  const std::string html = render_report_html(two_variants());
  EXPECT_EQ(count(html, "<g class=\"box\""), 2u);
  EXPECT_EQ(count(html, "<g class=\"point\""), 2u);
  EXPECT_EQ(count(html, "class=\"series\""), 2u);     // latency over time; no device readings
  EXPECT_EQ(count(html, "class=\"band\""), 2u);       // 2000 samples > 480 buckets: min-max bands
  EXPECT_NE(html.find("top-1 accuracy (%)"), std::string::npos);
  EXPECT_NE(html.find("latency per inference (ms)"), std::string::npos);
  EXPECT_NE(html.find("CPU temperature: not available"), std::string::npos);
  EXPECT_EQ(html.find("temperature-timeline"), std::string::npos);
  // The 40 ms spike is far beyond 1.5 x p99: the box axis is capped and the max marked beyond it.
  EXPECT_EQ(count(html, "class=\"max beyond\""), 2u);
  EXPECT_EQ(html.find("http:"), std::string::npos);
  EXPECT_EQ(html.find("https:"), std::string::npos);
}

TEST(ReportPage, HeavyTailsGetALogAxis) {
  ReportData d = two_variants();
  for (ReportMeasurement& m : d.measurements)
    for (size_t i = 0; i < m.series.samples_ms.size(); ++i) m.series.samples_ms[i] = i % 40 == 0 ? 4.0 : 0.16;
  const std::string html = render_report_html(d);
  EXPECT_NE(html.find("latency per inference (ms, log scale)"), std::string::npos);
  EXPECT_NE(html.find("latency (ms, log scale)"), std::string::npos);
  EXPECT_EQ(count(html, "class=\"max beyond\""), 0u);  // a log axis has room for the maxima
  EXPECT_EQ(count(html, "<g class=\"box\""), 2u);
  // The steady two-variant data keeps linear axes.
  EXPECT_EQ(render_report_html(two_variants()).find("log scale"), std::string::npos);
}

TEST(ReportPage, TemperatureChartWhenSampled) {
  ReportData d = two_variants();
  for (ReportMeasurement& m : d.measurements)
    for (size_t i = 0; i < m.series.device_samples.size(); ++i) m.series.device_samples[i].cpu_temp_c = 50.0 + i;
  const std::string html = render_report_html(d);
  EXPECT_NE(html.find("class=\"chart temperature-timeline\""), std::string::npos);
  EXPECT_EQ(html.find("CPU temperature: not available"), std::string::npos);
  EXPECT_NE(html.find("CPU temperature (\xC2\xB0" "C)"), std::string::npos);
  EXPECT_EQ(count(html, "class=\"series\""), 4u);  // 2 latency + 2 temperature
  EXPECT_EQ(count(html, "class=\"sample\""), 10u);  // few samples: each one marked
}

TEST(ReportPage, UnlabelledRunsPlotAgreement) {
  ReportData d = two_variants();
  for (ReportMeasurement& m : d.measurements) m.row.top1.reset();
  const std::string html = render_report_html(d);
  EXPECT_NE(html.find("top-1 agreement with the reference (%)"), std::string::npos);
  EXPECT_EQ(count(html, "<g class=\"point\""), 2u);  // the reference at 100 % by definition
  EXPECT_NE(html.find("float32 100.00 %"), std::string::npos);
  EXPECT_NE(html.find("99.44 %"), std::string::npos);
}

TEST(ReportPage, FailedVariantInTableNotInCharts) {
  ReportData d = two_variants();
  ReportMeasurement failed;
  failed.row.model_group = "fmnist-cnn";
  failed.row.variant = "broken";
  failed.row.engine = "ref";
  failed.row.measurement_id = 3;
  failed.row.error = "cannot load broken.tflite: truncated <file>";
  d.measurements.push_back(failed);
  const std::string html = render_report_html(d);
  EXPECT_NE(html.find("failed: cannot load broken.tflite: truncated &lt;file&gt;"), std::string::npos);
  EXPECT_NE(html.find("Failed variants (not in the charts): broken."), std::string::npos);
  EXPECT_EQ(count(html, "<g class=\"box\""), 2u);
  EXPECT_EQ(count(html, "<g class=\"point\""), 2u);
}

// Model memory sits right after peak RSS, in both the header and the rows; a measurement stored before the
// worker (no model figure) shows "-", not 0.
TEST(ReportPage, ModelMemoryNextToPeakRss) {
  ReportData d = two_variants();
  d.measurements[0].row.peak_rss_bytes = 80 * 1048576;  // before the worker: edgebench's own peak, no model figure
  d.measurements[1].row.peak_rss_bytes = 3670016;       // 3.5 MiB
  d.measurements[1].row.model_memory_bytes = 958464;    // 0.914 MiB
  const std::string html = render_report_html(d);
  EXPECT_NE(html.find("<th class=\"num\">peak<br>MiB</th><th class=\"num\">model<br>MiB</th>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"num\">80.0</td><td class=\"num\">-</td>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"num\">3.5</td><td class=\"num\">0.91</td>"), std::string::npos);
}

// Detectors: mAP against labels and against the reference, boxes gained and lost, in columns shown only
// when a row has them (a classifier's table keeps its width).
TEST(ReportPage, DetectionColumnsWhenARowHasThem) {
  ReportData d = two_variants();
  EXPECT_EQ(render_report_html(d).find("mAP50"), std::string::npos);
  d.measurements[0].row.map50 = 0.5212;
  d.measurements[0].row.map50_95 = 0.3701;
  d.measurements[1].row.map50 = 0.5003;
  d.measurements[1].row.map50_95 = 0.3502;
  d.measurements[1].row.map50_vs_ref = 0.91;
  d.measurements[1].row.map50_95_vs_ref = 0.77;
  d.measurements[1].row.boxes_gained = 12;
  d.measurements[1].row.boxes_lost = 30;
  const std::string html = render_report_html(d);
  EXPECT_NE(html.find("<th class=\"num\">mAP50<br>%</th>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"num\">52.12</td><td class=\"num\">37.01</td><td class=\"num\">ref</td>"),
            std::string::npos);
  EXPECT_NE(html.find("<td class=\"num\">50.03</td><td class=\"num\">35.02</td><td class=\"num\">91.00</td>"
                      "<td class=\"num\">77.00</td><td class=\"num\">12</td><td class=\"num\">30</td>"),
            std::string::npos);
}

TEST(ReportPage, SingleVariantWithoutAccuracy) {
  ReportData d = two_variants();
  d.measurements.resize(1);
  d.measurements[0].row.top1.reset();
  const std::string html = render_report_html(d);
  EXPECT_EQ(count(html, "<g class=\"box\""), 1u);
  EXPECT_NE(html.find("Accuracy of fmnist-cnn: not available"), std::string::npos);
}

TEST(ReportPage, EmptyDataSaysSo) {
  ReportData d;
  d.db_paths = {"/tmp/<empty>.db"};
  d.generated_utc = "2024-05-01T13:00:00.000Z";
  const std::string html = render_report_html(d);
  EXPECT_NE(html.find("No measurements match in /tmp/&lt;empty&gt;.db"), std::string::npos);
  EXPECT_EQ(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("</html>"), std::string::npos);
}

}  // namespace
}  // namespace eb::report
