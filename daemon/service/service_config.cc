#include "daemon/service/service_config.h"

#include <exception>
#include <filesystem>

#include "daemon/config/yaml_fields.h"

namespace eb::service {

namespace fs = std::filesystem;
using config::PathKind;
using config::YamlReader;

namespace {

std::string resolve(const std::string& base_dir, const std::string& p) {
  const fs::path path(p);
  return (path.is_relative() ? fs::path(base_dir) / path : path).lexically_normal().string();
}

// Unwraps a Result into `var` or returns its error (the style of daemon/config).
#define EB_SERVICE_TRY(var, expr)         \
  auto var##_result = (expr);             \
  if (!var##_result.ok()) return var##_result.status(); \
  auto& var = var##_result.value()

Status read_schedule(const YamlReader& service, ServiceConfig& c) {
  EB_SERVICE_TRY(schedule, service.map("schedule"));
  if (!schedule) return Status();
  EB_RETURN_IF_ERROR(schedule->check_keys({"every_hours", "at"}));
  EB_SERVICE_TRY(every, schedule->number("every_hours", 1.0 / 60.0, 24.0 * 366));
  c.schedule.every_hours = every;
  EB_SERVICE_TRY(at, schedule->strings("at"));
  if (at.empty()) return Status();
  // Each time is checked at its own position in the list, so the error points at the bad entry.
  const YAML::Node list = schedule->value("at");
  for (size_t i = 0; i < at.size(); ++i) {
    auto t = parse_time_of_day(at[i]);
    if (!t.ok()) {
      const YAML::Node item = list.IsSequence() ? list[i] : list;
      return config::yaml_error(schedule->file(), item, schedule->child_path("at") + strfmt("[%zu]", i),
                                t.status().message());
    }
    c.schedule.at.push_back(*t);
  }
  return Status();
}

Status read_default_source(const YamlReader& service, const std::string& base_dir, ServiceConfig& c) {
  EB_SERVICE_TRY(src, service.map("default_source"));
  if (!src) return Status();
  EB_RETURN_IF_ERROR(src->check_keys({"images", "labels", "label_names", "limit"}));
  if (!src->has("images")) return src->error_at("images", "missing: give default_source: {images: DIR}");
  EB_SERVICE_TRY(images, src->path("images", base_dir, PathKind::kAny));
  c.default_source.kind = config::SourceConfig::Kind::kImages;
  c.default_source.images = *images;
  EB_SERVICE_TRY(labels, src->path("labels", base_dir, PathKind::kFile));
  if (labels) c.default_source.labels = *labels;
  EB_SERVICE_TRY(names, src->path("label_names", base_dir, PathKind::kFile));
  if (names) c.default_source.label_names = *names;
  EB_SERVICE_TRY(limit, src->integer("limit", 0, int64_t{1} << 40));
  if (limit) c.default_source.limit = *limit;
  c.has_default_source = true;
  return Status();
}

Result<ServiceConfig> parse(const YAML::Node& node, const std::string& file, const std::string& base_dir) {
  ServiceConfig c;
  EB_SERVICE_TRY(service, YamlReader::open(node, file, "service", true));
  EB_RETURN_IF_ERROR(service.check_keys(
      {"models_dir", "watch_debounce_s", "max_model_mb", "default_source", "schedule", "cooldown_s", "exporter"}));
  EB_SERVICE_TRY(models_dir, service.string("models_dir"));
  if (models_dir) {
    if (models_dir->empty()) return service.error_at("models_dir", "empty path");
    c.models_dir = resolve(base_dir, *models_dir);
  }
  EB_SERVICE_TRY(debounce, service.number("watch_debounce_s", 0.05, 3600));
  if (debounce) c.watch_debounce_s = *debounce;
  EB_SERVICE_TRY(max_mb, service.number("max_model_mb", 0.001, 1024 * 1024));
  if (max_mb) c.max_model_mb = *max_mb;
  EB_SERVICE_TRY(cooldown, service.number("cooldown_s", 0, 24 * 3600));
  if (cooldown) c.cooldown_s = *cooldown;
  EB_RETURN_IF_ERROR(read_default_source(service, base_dir, c));
  EB_RETURN_IF_ERROR(read_schedule(service, c));
  EB_SERVICE_TRY(exporter, service.map("exporter"));
  if (exporter) {
    EB_RETURN_IF_ERROR(exporter->check_keys({"textfile"}));
    EB_SERVICE_TRY(textfile, exporter->string("textfile"));
    if (textfile) {
      if (textfile->empty()) return exporter->error_at("textfile", "empty path");
      c.exporter_textfile = resolve(base_dir, *textfile);
      const fs::path parent = fs::path(c.exporter_textfile).parent_path();
      std::error_code ec;
      if (!fs::is_directory(parent, ec))
        return exporter->error_at("textfile", "directory '" + parent.string() + "' does not exist");
    }
  }
  return c;
}

#undef EB_SERVICE_TRY

}  // namespace

Result<ServiceConfig> parse_service_config(const YAML::Node& service, const std::string& file,
                                           const std::string& base_dir) {
  try {
    return parse(service, file, base_dir);
  } catch (const std::exception& e) {  // yaml-cpp corner cases: an error, never an exception out
    return Status::error(file + ": service: " + e.what());
  }
}

Result<ServiceConfig> parse_service_config(const config::Config& config) {
  std::error_code ec;
  const fs::path abs = config.path.empty() ? fs::current_path(ec) : fs::absolute(config.path, ec).parent_path();
  return parse_service_config(config.service, config.path.empty() ? "configuration" : config.path, abs.string());
}

}  // namespace eb::service
