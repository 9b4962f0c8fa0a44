#include "daemon/config/config.h"

#include <algorithm>
#include <exception>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "daemon/config/yaml_fields.h"
#include "daemon/pipeline/model_source.h"
#include "daemon/measure/cpu_list.h"
#include "daemon/store/stored_text.h"
#include "kernels/common/input_file.h"
#include "daemon/pipeline/image_source.h"

namespace eb::config {
namespace {

namespace fs = std::filesystem;

// The values a group inherits from `defaults:` unless it sets its own.
const std::vector<std::string> kMatrixKeys = {"engines",     "threads",     "warmup",         "iterations",      "cooldown_s",
                                              "profile_ops", "max_memory_mb", "cpu_affinity", "worker_timeout_s"};


Status read_matrix(const YamlReader& r, GroupConfig& g) {
  EB_ASSIGN_OR_RETURN(auto engines, r.strings("engines"));
  for (size_t i = 0; i < engines.size(); ++i) {
    const auto& known = known_engines();
    if (std::find(known.begin(), known.end(), engines[i]) != known.end()) continue;
    const std::string hint = closest_name(engines[i], known);
    const YAML::Node v = r.value("engines");
    const YAML::Node at = v.IsSequence() ? v[i] : v;
    return yaml_error(r.file(), at, r.child_path("engines") + (v.IsSequence() ? strfmt("[%zu]", i) : ""),
                      "unknown engine '" + engines[i] + "'" +
                          (hint.empty() ? " (ref, auto, xnnpack or litert)" : " (did you mean '" + hint + "'?)"));
  }
  if (!engines.empty()) g.engines = engines;
  EB_ASSIGN_OR_RETURN(auto threads, r.integers("threads", 1, 256));
  if (!threads.empty()) g.threads.assign(threads.begin(), threads.end());
  EB_ASSIGN_OR_RETURN(auto warmup, r.integer("warmup", 0, 100000));
  if (warmup) g.warmup = static_cast<int>(*warmup);
  EB_ASSIGN_OR_RETURN(auto iterations, r.integer("iterations", 0, int64_t{1} << 40));
  if (iterations) g.iterations = *iterations;
  EB_ASSIGN_OR_RETURN(auto cooldown, r.number("cooldown_s", 0, 3600));
  if (cooldown) g.cooldown_s = *cooldown;
  EB_ASSIGN_OR_RETURN(auto profile, r.boolean("profile_ops"));
  if (profile) g.profile_ops = *profile;
  EB_ASSIGN_OR_RETURN(auto max_memory, r.integer("max_memory_mb", 0, int64_t{1} << 20));
  if (max_memory) g.max_memory_mb = *max_memory;
  EB_ASSIGN_OR_RETURN(auto cpus, r.string("cpu_affinity"));
  if (cpus && !cpus->empty()) {
    auto parsed = parse_cpu_list(*cpus);
    if (!parsed.ok()) return r.error_at("cpu_affinity", parsed.status().message());
    g.cpu_affinity = *cpus;
  }
  EB_ASSIGN_OR_RETURN(auto timeout, r.number("worker_timeout_s", 1, 86400));
  if (timeout) g.worker_timeout_s = *timeout;
  return Status();
}

Status read_source(const YamlReader& group, const std::string& base_dir, SourceConfig& s) {
  EB_ASSIGN_OR_RETURN(auto src, group.map("source"));
  if (!src) return group.error_at("source", "missing: give source: {images: DIR} or source: {camera: SPEC}");
  EB_RETURN_IF_ERROR(src->check_keys({"images", "labels", "label_names", "limit", "camera", "frames", "duration_s"}));
  const bool images = src->has("images"), camera = src->has("camera");
  if (images == camera)
    return yaml_error(src->file(), src->node(), src->key_path(),
                      images ? "give exactly one of images or camera, not both" : "give one of images or camera");
  if (images) {
    s.kind = SourceConfig::Kind::kImages;
    for (const char* k : {"frames", "duration_s"})
      if (src->has(k)) return src->error_at(k, "applies to camera sources only");
    EB_ASSIGN_OR_RETURN(auto dir, src->path("images", base_dir, PathKind::kAny));
    s.images = *dir;
    EB_ASSIGN_OR_RETURN(auto labels, src->path("labels", base_dir, PathKind::kFile));
    if (labels) s.labels = *labels;
    EB_ASSIGN_OR_RETURN(auto names, src->path("label_names", base_dir, PathKind::kFile));
    if (names) s.label_names = *names;
    EB_ASSIGN_OR_RETURN(auto limit, src->integer("limit", 0, int64_t{1} << 40));
    if (limit) s.limit = *limit;
    return Status();
  }
  s.kind = SourceConfig::Kind::kCamera;
  for (const char* k : {"labels", "label_names", "limit"})
    if (src->has(k)) return src->error_at(k, "applies to image sources only");
  EB_ASSIGN_OR_RETURN(auto spec, src->string("camera"));
  s.camera = *spec;
  // A relative video file is relative to the configuration, like every other path; devices, indices
  // and URLs are passed as they are.
  const bool device = !s.camera.empty() && s.camera.find_first_not_of("0123456789") == std::string::npos;
  const bool device_or_url = device || s.camera.rfind("/dev/", 0) == 0 || s.camera.find("://") != std::string::npos;
  if (!device_or_url) {  // a video file: checked now, like every other file of the configuration
    EB_ASSIGN_OR_RETURN(auto file, src->path("camera", base_dir, PathKind::kFile));
    if (!looks_like_capture(*file) && !looks_like_capture(s.camera))
      return src->error_at("camera", "'" + s.camera + "' is not a camera, a URL or a video file (.mp4, .avi, ...)");
    s.camera = *file;
  }
  EB_ASSIGN_OR_RETURN(auto frames, src->integer("frames", 0, int64_t{1} << 40));
  if (frames) s.frames = *frames;
  EB_ASSIGN_OR_RETURN(auto duration, src->number("duration_s", 0, 86400.0 * 7));
  if (duration) s.duration_s = *duration;
  if (s.frames == 0 && s.duration_s == 0) s.frames = 100;
  return Status();
}

Status read_preprocess(const YamlReader& group, PreprocessConfig& p) {
  EB_ASSIGN_OR_RETURN(auto pre, group.map("preprocess"));
  if (!pre) return Status();
  EB_RETURN_IF_ERROR(pre->check_keys({"resize", "color", "layout", "input_range", "mean", "std"}));
  EB_ASSIGN_OR_RETURN(auto resize, pre->map("resize"));
  if (resize) {
    EB_RETURN_IF_ERROR(resize->check_keys({"width", "height", "interpolation"}));
    EB_ASSIGN_OR_RETURN(auto w, resize->integer("width", 1, 16384));
    EB_ASSIGN_OR_RETURN(auto h, resize->integer("height", 1, 16384));
    if (w) p.width = static_cast<int>(*w);
    if (h) p.height = static_cast<int>(*h);
    EB_ASSIGN_OR_RETURN(auto interp, resize->string("interpolation"));
    if (interp) {
      auto i = parse_interpolation(*interp);
      if (!i.ok()) return resize->error_at("interpolation", i.status().message());
      p.interpolation = *i;
    }
  }
  EB_ASSIGN_OR_RETURN(auto color, pre->string("color"));
  if (color) {
    if (*color == "gray" || *color == "grey") p.color = ColorMode::kGray;
    else if (*color == "rgb") p.color = ColorMode::kRGB;
    else if (*color == "bgr") p.color = ColorMode::kBGR;
    else return pre->error_at("color", "'" + *color + "': expected gray, rgb or bgr");
  }
  EB_ASSIGN_OR_RETURN(auto layout, pre->string("layout"));
  if (layout) {
    auto l = parse_image_layout(*layout);
    if (!l.ok()) return pre->error_at("layout", l.status().message());
    p.layout = *l;
  }
  const float kBig = 1e6f;
  EB_ASSIGN_OR_RETURN(auto range, pre->numbers("input_range", -kBig, kBig));
  EB_ASSIGN_OR_RETURN(auto mean, pre->numbers("mean", -kBig, kBig));
  EB_ASSIGN_OR_RETURN(auto stdev, pre->numbers("std", -kBig, kBig));
  if (!range.empty()) {
    if (!mean.empty() || !stdev.empty())
      return pre->error_at("input_range", "give either input_range or mean/std, not both");
    if (range.size() != 2 || !(range[0] < range[1]))
      return pre->error_at("input_range", "expected [LO, HI] with LO < HI (e.g. [0, 1] or [-1, 1])");
    p.range_lo = static_cast<float>(range[0]);
    p.range_hi = static_cast<float>(range[1]);
  }
  if (mean.empty() != stdev.empty()) return pre->error_at(mean.empty() ? "std" : "mean", "mean and std go together");
  for (size_t i = 0; i < stdev.size(); ++i)
    if (stdev[i] == 0) return pre->error_at("std", "std values must be non-zero");
  for (const auto* v : {&mean, &stdev})
    if (v->size() != 1 && v->size() != 3 && !v->empty())
      return pre->error_at(v == &mean ? "mean" : "std", strfmt("%zu values: give 1, or 3 (one per channel)", v->size()));
  p.mean.assign(mean.begin(), mean.end());
  p.std.assign(stdev.begin(), stdev.end());
  return Status();
}

Status read_task(const YamlReader& group, const std::string& base_dir, TaskConfig& t) {
  if (!group.has("task")) return Status();
  if (group.value("task").IsScalar()) {  // "task: detect" is short for "task: {kind: detect}"
    EB_ASSIGN_OR_RETURN(auto kind, group.string("task"));
    if (*kind == "classify") return Status();
    if (*kind != "detect") return group.error_at("task", "'" + *kind + "': expected classify or detect");
    t.kind = TaskConfig::Kind::kDetect;
    return Status();
  }
  EB_ASSIGN_OR_RETURN(auto task, group.map("task"));
  if (!task) return Status();
  EB_RETURN_IF_ERROR(
      task->check_keys({"kind", "labels", "names", "format", "conf", "iou", "max_det", "score_threshold"}));
  EB_ASSIGN_OR_RETURN(auto kind, task->string("kind"));
  if (!kind || (*kind != "classify" && *kind != "detect"))
    return task->error_at("kind", kind ? "'" + *kind + "': expected classify or detect" : "missing: classify or detect");
  if (*kind == "classify") {
    for (const char* k : {"labels", "names", "format", "conf", "iou", "max_det", "score_threshold"})
      if (task->has(k)) return task->error_at(k, "applies to kind: detect only");
    return Status();
  }
  t.kind = TaskConfig::Kind::kDetect;
  EB_ASSIGN_OR_RETURN(auto labels, task->path("labels", base_dir, PathKind::kAny));
  if (labels) t.labels = *labels;
  EB_ASSIGN_OR_RETURN(auto names, task->path("names", base_dir, PathKind::kFile));
  if (names) t.names = *names;
  EB_ASSIGN_OR_RETURN(auto format, task->string("format"));
  if (format) {
    auto f = accuracy::parse_detect_format(*format);
    if (!f.ok()) return task->error_at("format", f.status().message());
    t.format = *f;
  }
  EB_ASSIGN_OR_RETURN(auto conf, task->number("conf", 0, 1));
  if (conf) t.conf = static_cast<float>(*conf);
  EB_ASSIGN_OR_RETURN(auto iou, task->number("iou", 0, 1));
  if (iou) t.iou = static_cast<float>(*iou);
  EB_ASSIGN_OR_RETURN(auto max_det, task->integer("max_det", 1, 100000));
  if (max_det) t.max_det = static_cast<int>(*max_det);
  EB_ASSIGN_OR_RETURN(auto threshold, task->number("score_threshold", 0, 1));
  if (threshold) t.score_threshold = static_cast<float>(*threshold);
  return Status();
}

Status read_variants(const YamlReader& group, const std::string& base_dir, std::vector<VariantConfig>& out) {
  EB_ASSIGN_OR_RETURN(auto items, group.sequence("variants"));
  if (items.empty()) return group.error_at("variants", "no variants: list at least one {path: MODEL.tflite}");
  int references = 0;
  std::vector<bool> labelled;
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string where = group.child_path("variants") + strfmt("[%zu]", i);
    YAML::Node item = items[i];
    if (item.IsScalar()) {  // "- m.tflite" is short for "- {path: m.tflite}"
      YAML::Node m(YAML::NodeType::Map);
      m["path"] = item;
      item = m;
    }
    EB_ASSIGN_OR_RETURN(auto v, YamlReader::open(item, group.file(), where, false));
    EB_RETURN_IF_ERROR(v.check_keys({"path", "label", "reference"}));
    VariantConfig vc;
    EB_ASSIGN_OR_RETURN(auto path, v.path("path", base_dir, PathKind::kFile));
    if (!path) return yaml_error(group.file(), items[i], where + ".path", "missing: the model file of this variant");
    vc.path = *path;
    EB_ASSIGN_OR_RETURN(auto label, v.string("label"));
    if (label) vc.label = store::stored_text(*label);  // names are shown and stored: store/stored_text.h
    labelled.push_back(label.has_value());
    EB_ASSIGN_OR_RETURN(auto ref, v.boolean("reference"));
    vc.reference = ref.value_or(false);
    if (vc.reference && ++references > 1)
      return v.error_at("reference", "a second reference (one variant per group is the reference)");
    out.push_back(vc);
  }
  if (references == 0) {
    // As in the quick form: the Keras original when the group holds one (what the variants were
    // converted from), else the first variant.
    auto keras = std::find_if(out.begin(), out.end(), [](const VariantConfig& c) { return is_keras_path(c.path); });
    (keras != out.end() ? *keras : out[0]).reference = true;
  }
  std::vector<VariantConfig> derived = out;
  label_variants_from_paths(derived);
  std::set<std::string> seen;
  for (size_t i = 0; i < out.size(); ++i) {
    if (!labelled[i]) out[i].label = derived[i].label;
    if (!seen.insert(out[i].label).second)
      return yaml_error(group.file(), items[i], group.child_path("variants") + strfmt("[%zu]", i),
                        "two variants labelled '" + out[i].label + "' (give each a distinct label:)");
  }
  return Status();
}

Status read_group(const YAML::Node& node, size_t index, const YamlReader& root, const GroupConfig& defaults,
                  const std::string& base_dir, GroupConfig& g) {
  EB_ASSIGN_OR_RETURN(auto r, YamlReader::open(node, root.file(), strfmt("groups[%zu]", index), false));
  std::vector<std::string> keys = {"name", "source", "preprocess", "task", "variants"};
  keys.insert(keys.end(), kMatrixKeys.begin(), kMatrixKeys.end());
  EB_RETURN_IF_ERROR(r.check_keys(keys));
  g = defaults;
  EB_ASSIGN_OR_RETURN(auto name, r.string("name"));
  if (!name || name->empty()) return r.error_at("name", "missing: every group needs a name (stored as the model group)");
  g.name = store::stored_text(*name);
  EB_RETURN_IF_ERROR(read_source(r, base_dir, g.source));
  EB_RETURN_IF_ERROR(read_preprocess(r, g.preprocess));
  EB_RETURN_IF_ERROR(read_task(r, base_dir, g.task));
  EB_RETURN_IF_ERROR(read_variants(r, base_dir, g.variants));
  return read_matrix(r, g);
}

Result<Config> load(const std::string& text, const std::string& file, const std::string& base_dir) {
  YAML::Node doc;
  try {
    doc = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return Status::error(strfmt("%s:%d:%d: YAML syntax error: %s", file.c_str(), e.mark.line + 1, e.mark.column + 1,
                                e.msg.c_str()));
  }
  EB_ASSIGN_OR_RETURN(auto root, YamlReader::open(doc, file, "", true));
  EB_RETURN_IF_ERROR(root.check_keys({"device_name", "database", "defaults", "groups", "service"}));
  Config c;
  c.text = text;
  EB_ASSIGN_OR_RETURN(auto device, root.string("device_name"));
  if (device) c.device_name = *device;
  EB_ASSIGN_OR_RETURN(auto db, root.string("database"));
  if (db) {
    if (db->empty()) return root.error_at("database", "empty path");
    fs::path p(*db);
    c.database = (p.is_relative() ? fs::path(base_dir) / p : p).lexically_normal().string();
  }
  GroupConfig defaults;
  EB_ASSIGN_OR_RETURN(auto dflt, root.map("defaults"));
  if (dflt) {
    EB_RETURN_IF_ERROR(dflt->check_keys(kMatrixKeys));
    EB_RETURN_IF_ERROR(read_matrix(*dflt, defaults));
  }
  EB_ASSIGN_OR_RETURN(auto groups, root.sequence("groups"));
  // A daemon may only watch a models folder (service:), so groups are optional when service: is there.
  if (groups.empty() && !root.has("service"))
    return root.error_at("groups", "no groups: list at least one model group (or a service: section)");
  std::set<std::string> names;
  for (size_t i = 0; i < groups.size(); ++i) {
    GroupConfig g;
    EB_RETURN_IF_ERROR(read_group(groups[i], i, root, defaults, base_dir, g));
    if (!names.insert(g.name).second)
      return yaml_error(file, groups[i], strfmt("groups[%zu].name", i), "a second group named '" + g.name + "'");
    c.groups.push_back(std::move(g));
  }
  const YAML::Node service = root.value("service");
  if (service.IsDefined() && !service.IsNull()) {
    if (!service.IsMap()) return root.error_at("service", "expected a map of keys");
    c.service = service;
  }
  return c;
}

}  // namespace

const std::vector<std::string>& known_engines() {
  static const std::vector<std::string> kEngines = {"ref", "auto", "xnnpack", "litert"};
  return kEngines;
}

PreprocessOptions to_preprocess_options(const PreprocessConfig& c) {
  PreprocessOptions o = range_options(c.range_lo, c.range_hi);
  if (!c.mean.empty()) {
    o.scale = 1.0f / 255.0f;
    o.mean = c.mean;
    o.std = c.std;
  }
  o.interpolation = c.interpolation;
  o.layout = c.layout;
  o.width = c.width;
  o.height = c.height;
  o.channels = c.color == ColorMode::kAuto ? 0 : c.color == ColorMode::kGray ? 1 : 3;
  o.channel_order = c.color == ColorMode::kBGR ? ChannelOrder::kBGR : ChannelOrder::kRGB;
  return o;
}

std::string label_variants_from_paths(std::vector<VariantConfig>& vs) {
  if (vs.empty()) return "";
  // Names made from file names are text from now on (logs, terminal, database): made valid UTF-8 with
  // control characters escaped, by the one rule of daemon/store/stored_text.h. The paths stay as they are.
  std::vector<std::string> stems;
  for (auto& v : vs) stems.push_back(store::stored_text(fs::path(v.path).stem().string()));
  size_t common = stems[0].size();
  for (const auto& s : stems) {
    size_t k = 0;
    while (k < common && k < s.size() && s[k] == stems[0][k]) ++k;
    common = k;
  }
  while (common > 0 && stems[0][common - 1] != '-' && stems[0][common - 1] != '_') --common;
  for (size_t i = 0; i < vs.size(); ++i) {
    const std::string rest = stems[i].substr(common);
    vs[i].label = rest.empty() || vs.size() == 1 ? stems[i] : rest;
  }
  return common > 1 ? stems[0].substr(0, common - 1) : stems[0];
}

Result<Config> load_config_text(const std::string& text, const std::string& name_for_errors, const std::string& base_dir) {
  try {
    return load(text, name_for_errors, base_dir);
  } catch (const std::exception& e) {  // yaml-cpp may still throw on a corner we did not foresee
    return Status::error(name_for_errors + ": " + e.what());
  }
}

Result<Config> load_config_file(const std::string& path) {
  constexpr size_t kMaxConfigBytes = size_t{16} << 20;
  EB_ASSIGN_OR_RETURN(const std::vector<unsigned char> bytes, read_input_file(path, kMaxConfigBytes, "configuration"));
  std::error_code ec;
  const fs::path abs = fs::absolute(path, ec);
  auto c = load_config_text(std::string(bytes.begin(), bytes.end()), path, abs.parent_path().string());
  if (c.ok()) c->path = path;
  return c;
}

}  // namespace eb::config
