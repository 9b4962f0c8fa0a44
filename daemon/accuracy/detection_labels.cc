#include "daemon/accuracy/detection_labels.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "daemon/pipeline/labels.h"
#include "kernels/common/input_file.h"

namespace eb::accuracy {
namespace {

namespace fs = std::filesystem;

Result<double> number_member(const JsonValue& obj, const char* key, const std::string& where) {
  const JsonValue* v = obj.find(key);
  if (v == nullptr || !v->is_number() || !std::isfinite(v->number))
    return error("%s: '%s' is missing or not a finite number", where.c_str(), key);
  return v->number;
}

Result<int64_t> id_member(const JsonValue& obj, const char* key, const std::string& where) {
  EB_ASSIGN_OR_RETURN(const double v, number_member(obj, key, where));
  if (v != std::floor(v) || std::fabs(v) > 9e15) return error("%s: '%s' %g is not a whole number", where.c_str(), key, v);
  return static_cast<int64_t>(v);
}

Result<Box> bbox_member(const JsonValue& obj, const std::string& where) {
  const JsonValue* b = obj.find("bbox");
  if (b == nullptr || !b->is_array() || b->array.size() != 4)
    return error("%s: 'bbox' is missing or not [x, y, width, height]", where.c_str());
  double v[4];
  for (size_t i = 0; i < 4; ++i) {
    if (!b->array[i].is_number() || !std::isfinite(b->array[i].number))
      return error("%s: 'bbox' value %zu is not a finite number", where.c_str(), i);
    v[i] = b->array[i].number;
  }
  if (v[2] < 0 || v[3] < 0) return error("%s: 'bbox' has a negative width or height", where.c_str());
  return Box{v[0], v[1], v[0] + v[2], v[1] + v[3]};
}

const JsonValue* array_member(const JsonValue& root, const char* key) {
  const JsonValue* v = root.find(key);
  return v != nullptr && v->is_array() ? v : nullptr;
}

}  // namespace

Result<std::vector<GroundTruth>> parse_yolo_labels(const std::string& text, int image_width, int image_height,
                                                   const std::string& name) {
  std::vector<GroundTruth> out;
  std::istringstream in(text);
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    std::istringstream fields(line);
    std::vector<std::string> f;
    for (std::string x; fields >> x;) f.push_back(x);
    if (f.empty()) continue;
    if (f.size() != 5)
      return error("%s:%d: expected 'class cx cy w h' (5 values), found %zu", name.c_str(), line_no, f.size());
    const std::optional<int> cls = parse_class_index(f[0]);
    if (!cls) return error("%s:%d: class '%s' is not a class index", name.c_str(), line_no, f[0].c_str());
    double v[4];
    for (int i = 0; i < 4; ++i) {
      char* end = nullptr;
      v[i] = std::strtod(f[static_cast<size_t>(i + 1)].c_str(), &end);
      if (*end != 0 || !std::isfinite(v[i]))
        return error("%s:%d: '%s' is not a number", name.c_str(), line_no, f[static_cast<size_t>(i + 1)].c_str());
    }
    // Normalised values sit in [0, 1]; pixels here would make every box miss, silently.
    for (int i = 0; i < 4; ++i)
      if (v[i] < -0.01 || v[i] > 1.01)
        return error("%s:%d: %s is not normalised to [0, 1] (YOLO labels are fractions of the image)", name.c_str(),
                     line_no, f[static_cast<size_t>(i + 1)].c_str());
    const double w = image_width, h = image_height;
    GroundTruth g;
    g.class_id = *cls;
    g.box = {(v[0] - v[2] / 2) * w, (v[1] - v[3] / 2) * h, (v[0] + v[2] / 2) * w, (v[1] + v[3] / 2) * h};
    out.push_back(g);
  }
  return out;
}

int CocoDataset::class_of(int64_t category_id) const {
  const auto it = std::lower_bound(category_ids.begin(), category_ids.end(), category_id);
  return it != category_ids.end() && *it == category_id ? static_cast<int>(it - category_ids.begin()) : -1;
}

Result<CocoDataset> parse_coco_dataset(const JsonValue& root, const std::string& name) {
  const JsonValue* images = array_member(root, "images");
  const JsonValue* annotations = array_member(root, "annotations");
  const JsonValue* categories = array_member(root, "categories");
  if (!images || !annotations || !categories)
    return error("%s: not a COCO annotation file (needs 'images', 'annotations' and 'categories' arrays)", name.c_str());
  CocoDataset d;
  std::vector<std::pair<int64_t, std::string>> cats;
  for (size_t i = 0; i < categories->array.size(); ++i) {
    const std::string where = strfmt("%s: categories[%zu]", name.c_str(), i);
    EB_ASSIGN_OR_RETURN(const int64_t id, id_member(categories->array[i], "id", where));
    const JsonValue* n = categories->array[i].find("name");
    cats.emplace_back(id, n != nullptr && n->is_string() ? n->string : "");
  }
  std::sort(cats.begin(), cats.end());
  for (size_t i = 0; i < cats.size(); ++i) {
    if (i > 0 && cats[i].first == cats[i - 1].first)
      return error("%s: category id %lld is listed twice", name.c_str(), static_cast<long long>(cats[i].first));
    d.category_ids.push_back(cats[i].first);
    d.names.push_back(cats[i].second);
  }
  std::map<int64_t, size_t> image_index;
  for (size_t i = 0; i < images->array.size(); ++i) {
    const JsonValue& im = images->array[i];
    const std::string where = strfmt("%s: images[%zu]", name.c_str(), i);
    CocoImage ci;
    EB_ASSIGN_OR_RETURN(ci.id, id_member(im, "id", where));
    const JsonValue* fn = im.find("file_name");
    if (fn != nullptr && fn->is_string()) ci.file_name = fn->string;
    if (im.find("width") != nullptr) {
      EB_ASSIGN_OR_RETURN(const int64_t w, id_member(im, "width", where));
      EB_ASSIGN_OR_RETURN(const int64_t h, id_member(im, "height", where));
      ci.width = static_cast<int>(std::clamp<int64_t>(w, 0, 1 << 30));
      ci.height = static_cast<int>(std::clamp<int64_t>(h, 0, 1 << 30));
    }
    if (!image_index.emplace(ci.id, d.images.size()).second)
      return error("%s: image id %lld is listed twice", where.c_str(), static_cast<long long>(ci.id));
    d.truth[ci.id];  // an image without annotations has no objects, and is still scored
    d.images.push_back(std::move(ci));
  }
  for (size_t i = 0; i < annotations->array.size(); ++i) {
    const JsonValue& a = annotations->array[i];
    const std::string where = strfmt("%s: annotations[%zu]", name.c_str(), i);
    EB_ASSIGN_OR_RETURN(const int64_t image_id, id_member(a, "image_id", where));
    EB_ASSIGN_OR_RETURN(const int64_t category_id, id_member(a, "category_id", where));
    if (!image_index.count(image_id))
      return error("%s: image_id %lld is not in 'images'", where.c_str(), static_cast<long long>(image_id));
    GroundTruth g;
    g.class_id = d.class_of(category_id);
    if (g.class_id < 0)
      return error("%s: category_id %lld is not in 'categories'", where.c_str(), static_cast<long long>(category_id));
    EB_ASSIGN_OR_RETURN(g.box, bbox_member(a, where));
    const JsonValue* crowd = a.find("iscrowd");
    g.crowd = crowd != nullptr && ((crowd->is_number() && crowd->number != 0) ||
                                   (crowd->kind == JsonValue::Kind::kBool && crowd->boolean));
    if (a.find("area") != nullptr) {
      EB_ASSIGN_OR_RETURN(g.area, number_member(a, "area", where));
    }
    d.truth[image_id].push_back(g);
  }
  return d;
}

Result<std::map<int64_t, std::vector<Detection>>> parse_coco_results(const JsonValue& root, const CocoDataset& dataset,
                                                                    const std::string& name) {
  if (!root.is_array()) return error("%s: a COCO result file is an array of detections", name.c_str());
  std::map<int64_t, std::vector<Detection>> out;
  for (size_t i = 0; i < root.array.size(); ++i) {
    const JsonValue& r = root.array[i];
    const std::string where = strfmt("%s: [%zu]", name.c_str(), i);
    EB_ASSIGN_OR_RETURN(const int64_t image_id, id_member(r, "image_id", where));
    EB_ASSIGN_OR_RETURN(const int64_t category_id, id_member(r, "category_id", where));
    if (!dataset.truth.count(image_id))
      return error("%s: image_id %lld is not in the annotations", where.c_str(), static_cast<long long>(image_id));
    Detection d;
    d.class_id = dataset.class_of(category_id);
    if (d.class_id < 0)
      return error("%s: category_id %lld is not in the annotations", where.c_str(), static_cast<long long>(category_id));
    EB_ASSIGN_OR_RETURN(d.box, bbox_member(r, where));
    EB_ASSIGN_OR_RETURN(d.score, number_member(r, "score", where));
    out[image_id].push_back(d);
  }
  return out;
}

Result<DetectionLabels> DetectionLabels::open(const std::string& path) {
  DetectionLabels l;
  l.path_ = path;
  std::error_code ec;
  if (fs::is_directory(path, ec)) return l;
  if (!fs::exists(path, ec))
    return error("detection labels %s: no such file or folder (a YOLO labels folder or a COCO JSON file)",
                 path.c_str());
  EB_ASSIGN_OR_RETURN(const JsonValue root, read_json_file(path, "detection labels"));
  EB_ASSIGN_OR_RETURN(l.coco_, parse_coco_dataset(root, "detection labels " + path));
  l.coco_loaded_ = true;
  for (size_t i = 0; i < l.coco_.images.size(); ++i) {
    const std::string base = fs::path(l.coco_.images[i].file_name).filename().string();
    if (!l.coco_by_name_.emplace(base, i).second)
      return error("detection labels %s: two images are named '%s'", path.c_str(), base.c_str());
  }
  return l;
}

Result<std::vector<GroundTruth>> DetectionLabels::for_image(const std::string& image_path, int image_width,
                                                            int image_height) const {
  const fs::path p(image_path);
  if (coco_loaded_) {
    const auto it = coco_by_name_.find(p.filename().string());
    if (it == coco_by_name_.end())
      return error("detection labels %s: image '%s' is not listed in 'images'", path_.c_str(),
                   p.filename().string().c_str());
    const CocoImage& im = coco_.images[it->second];
    if (im.width > 0 && (im.width != image_width || im.height != image_height))
      return error("detection labels %s: image '%s' is %dx%d, the file says %dx%d", path_.c_str(), im.file_name.c_str(),
                   image_width, image_height, im.width, im.height);
    return coco_.truth.at(im.id);
  }
  const std::string txt = (fs::path(path_) / p.stem()).string() + ".txt";
  std::error_code ec;
  if (!fs::exists(txt, ec)) return std::vector<GroundTruth>{};
  EB_ASSIGN_OR_RETURN(const std::vector<unsigned char> bytes, read_input_file(txt, kMaxTextFileBytes, "YOLO labels"));
  return parse_yolo_labels(std::string(bytes.begin(), bytes.end()), image_width, image_height, "YOLO labels " + txt);
}

}  // namespace eb::accuracy
