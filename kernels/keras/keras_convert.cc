#include "kernels/keras/keras_convert.h"

#include <cctype>
#include <map>
#include <mutex>
#include <new>

#include "kernels/keras/keras_lower.h"

namespace eb::keras {
namespace {

// Names one output of one call of a layer: (layer, node index, tensor index), as Keras refers to it.
std::string key(const json& layer, const json& node, const json& tensor) {
  return layer.get<std::string>() + "#" + std::to_string(as_int(node)) + "#" + std::to_string(as_int(tensor));
}

// [name, node, tensor] or a list of them (Keras 3 writes one model input/output without the outer list).
std::vector<std::string> ref_list(const json& v) {
  std::vector<std::string> out;
  if (v.is_array() && !v.empty() && v[0].is_string()) return {key(v[0], v[1], v[2])};
  for (const auto& e : v) out.push_back(key(e.at(0), e.at(1), e.at(2)));
  return out;
}

// Keras 3 inbound node: the tensors among its call arguments, in order.
void collect_tensors(const json& v, std::vector<std::string>& out, int depth) {
  if (depth > 8) return;
  if (v.is_object()) {
    if (v.value("class_name", std::string()) == "__keras_tensor__") {
      const json& h = v.at("config").at("keras_history");
      out.push_back(key(h.at(0), h.at(1), h.at(2)));
    }
    return;
  }
  if (v.is_array())
    for (const auto& e : v) collect_tensors(e, out, depth + 1);
}

// Keras 3's naming of a class in the weights file (keras.src.utils.naming.to_snake_case):
// "BatchNormalization" -> "batch_normalization", "PReLU" -> "p_re_lu", "Conv2D" -> "conv2d".
std::string snake_case(const std::string& cls) {
  std::string name;
  for (char c : cls)
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') name += c;
  // (.)([A-Z][a-z]+) -> \1_\2, matches scanned left to right without overlap; then ([a-z])([A-Z]) -> \1_\2.
  const auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  const auto lower = [](char c) { return c >= 'a' && c <= 'z'; };
  std::string a;
  for (size_t i = 0; i < name.size();) {
    if (i + 2 < name.size() && upper(name[i + 1]) && lower(name[i + 2])) {
      size_t e = i + 2;
      while (e < name.size() && lower(name[e])) ++e;
      a += name[i];
      a += '_';
      a.append(name, i + 1, e - i - 1);
      i = e;
    } else {
      a += name[i++];
    }
  }
  std::string b;
  for (size_t i = 0; i < a.size(); ++i) {
    b += a[i];
    if (i + 1 < a.size() && lower(a[i]) && upper(a[i + 1])) b += '_';
  }
  for (char& c : b) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return b;
}

struct Call {
  std::string cls, name;
  const json* cfg;
  std::vector<std::string> inputs;
  std::string output;
};

struct InputSpec {
  std::string name, key;
  Shape shape;
};

Result<Shape> input_shape(const json& cfg, const std::string& name) {
  const json* s = nullptr;
  for (const char* k : {"batch_shape", "batch_input_shape"})
    if (cfg.contains(k) && cfg[k].is_array()) s = &cfg[k];
  if (!s) return error("input '%s' has no batch_shape", name.c_str());
  if (cfg.contains("dtype") && cfg["dtype"].is_string() && cfg["dtype"] != "float32")
    return error("input '%s' is %s: only float32 inputs are supported", name.c_str(), cfg["dtype"].get<std::string>().c_str());
  Shape shape;
  int64_t total = 1;
  for (size_t i = 0; i < s->size(); ++i) {
    const json& d = (*s)[i];
    if (d.is_null() && i == 0) {
      shape.push_back(1);  // the batch: one sample, as the TFLite variants run
      continue;
    }
    if (!d.is_number_integer()) return error("input '%s' has an unknown dimension %zu: give every dimension but the batch", name.c_str(), i);
    const int64_t v = d.get<int64_t>();
    if (v < 1 || v > (1 << 24)) return error("input '%s' has dimension %zu = %lld, out of range", name.c_str(), i, static_cast<long long>(v));
    total *= v;
    if (total > (int64_t{1} << 28)) return error("input '%s' is too large", name.c_str());
    shape.push_back(static_cast<int32_t>(v));
  }
  if (shape.size() < 2 || shape.size() > 6) return error("input '%s' has rank %zu", name.c_str(), shape.size());
  return shape;
}

Result<std::vector<uint8_t>> convert(KerasArchive& archive, const std::string& file, const KerasLimits& limits) {
  const std::string& text = archive.config_json();
  if (json_depth(text) > limits.max_json_depth) return error("%s: the model config nests deeper than %zu levels", file.c_str(), limits.max_json_depth);
  const json top = json::parse(text, nullptr, false);
  if (top.is_discarded() || !top.is_object()) return error("%s: the model config is not valid JSON", file.c_str());
  const std::string model_cls = top.value("class_name", std::string());
  if (model_cls != "Sequential" && model_cls != "Functional" && model_cls != "Model")
    return error("%s: the model is a '%s', not a Sequential or Functional model", file.c_str(), model_cls.c_str());
  const json& cfg = top.at("config");
  const json& layers = cfg.at("layers");
  if (!layers.is_array() || layers.size() > limits.max_layers) return error("%s: the config's layer list is missing or too long", file.c_str());
  const std::string& version = archive.keras_version();
  const bool keras2 = version.rfind("2.", 0) == 0 || version.rfind("1.", 0) == 0 || (version.empty() && !top.contains("module"));

  std::vector<InputSpec> inputs;
  std::vector<Call> calls;
  std::vector<std::string> outputs;
  if (model_cls == "Sequential") {
    std::string prev;
    for (size_t i = 0; i < layers.size(); ++i) {
      const json& l = layers[i];
      const std::string cls = l.at("class_name").get<std::string>();
      const json& lc = l.at("config");
      const std::string name = lc.value("name", "layer_" + std::to_string(i));
      if (i == 0) {
        // The input shape: an InputLayer's, the first layer's batch_input_shape, or the model's build shape.
        json shape_cfg = lc;
        if (cls != "InputLayer" && !lc.contains("batch_input_shape") && !lc.contains("batch_shape")) {
          shape_cfg = json::object();
          for (const char* k : {"build_input_shape"})
            if (cfg.contains(k)) shape_cfg["batch_shape"] = cfg[k];
          if (top.contains("build_config") && top["build_config"].is_object() && top["build_config"].contains("input_shape"))
            shape_cfg["batch_shape"] = top["build_config"]["input_shape"];
        }
        auto shape = input_shape(shape_cfg, name);
        if (!shape.ok()) return shape.status().with_context(file + ": ");
        inputs.push_back({name, "input#0#0", *shape});
        prev = "input#0#0";
        if (cls == "InputLayer") continue;
      }
      if (cls == "InputLayer") return error("%s: InputLayer '%s' in the middle of a Sequential model", file.c_str(), name.c_str());
      calls.push_back({cls, name, &lc, {prev}, name + "#0#0"});
      prev = calls.back().output;
    }
    if (inputs.empty()) return error("%s: the Sequential model has no layers", file.c_str());
    outputs.push_back(prev);
  } else {
    for (const json& l : layers) {
      const std::string cls = l.at("class_name").get<std::string>();
      const json& lc = l.at("config");
      const std::string name = l.contains("name") ? l["name"].get<std::string>() : lc.at("name").get<std::string>();
      if (cls == "InputLayer") {
        auto shape = input_shape(lc, name);
        if (!shape.ok()) return shape.status().with_context(file + ": ");
        inputs.push_back({name, name + "#0#0", *shape});
        continue;
      }
      const json& nodes = l.at("inbound_nodes");
      if (nodes.size() > 1024) return error("%s: layer '%s' is called %zu times", file.c_str(), name.c_str(), nodes.size());
      for (size_t k = 0; k < nodes.size(); ++k) {
        Call c{cls, name, &lc, {}, name + "#" + std::to_string(k) + "#0"};
        const json& node = nodes[k];
        if (node.is_object()) {
          collect_tensors(node.value("args", json::array()), c.inputs, 0);
        } else {
          for (const auto& e : node) c.inputs.push_back(key(e.at(0), e.at(1), e.at(2)));
        }
        calls.push_back(std::move(c));
      }
    }
    // Graph inputs in the model's own order.
    std::vector<InputSpec> ordered;
    for (const std::string& k : ref_list(cfg.at("input_layers"))) {
      auto it = std::find_if(inputs.begin(), inputs.end(), [&](const InputSpec& s) { return s.key == k; });
      if (it == inputs.end()) return error("%s: model input '%s' is not an InputLayer", file.c_str(), k.c_str());
      ordered.push_back(*it);
    }
    inputs = ordered;
    outputs = ref_list(cfg.at("output_layers"));
  }
  if (inputs.empty() || outputs.empty()) return error("%s: the model has no inputs or no outputs", file.c_str());
  for (const Call& c : calls)
    if (c.cls != "InputLayer" && !Lowering::supported(c.cls))
      return error("%s: layer %s '%s' is not supported by edgebench's Keras reader",
                   file.c_str(), c.cls.c_str(), c.name.c_str());

  Lowering low(archive, keras2);
  TfliteBuilder& b = low.builder();
  if (archive.is_keras_zip()) {
    // .keras weights sit under the class's snake-case name, numbered per class in the order of
    // model.layers (which holds a Functional model's InputLayers, not a Sequential's).
    std::map<std::string, int> used;
    for (const json& l : layers) {
      const std::string cls = l.at("class_name").get<std::string>();
      if (cls == "InputLayer" && model_cls == "Sequential") continue;
      const json& lc = l.at("config");
      const std::string name = l.contains("name") ? l["name"].get<std::string>() : lc.value("name", std::string());
      std::string stored = snake_case(cls);
      auto it = used.find(stored);
      if (it == used.end()) used[stored] = 0;
      else stored += "_" + std::to_string(++it->second);
      low.storage_names()[name] = stored;
    }
  }
  std::map<std::string, int> consumers, tensors;
  for (const Call& c : calls)
    for (const std::string& k : c.inputs) ++consumers[k];
  for (const std::string& k : outputs) ++consumers[k];
  std::vector<int> graph_in, graph_out;
  for (const InputSpec& in : inputs) {
    const int t = b.activation(in.name, in.shape);
    tensors[in.key] = t;
    low.uses()[t] = consumers[in.key];
    graph_in.push_back(t);
  }
  // Calls in an order where every input exists (the config's order, but for calls of shared layers).
  std::vector<bool> done(calls.size(), false);
  size_t remaining = calls.size();
  while (remaining > 0) {
    bool progress = false;
    for (size_t i = 0; i < calls.size(); ++i) {
      if (done[i]) continue;
      const Call& c = calls[i];
      std::vector<int> xs;
      for (const std::string& k : c.inputs) {
        auto it = tensors.find(k);
        if (it == tensors.end()) break;
        xs.push_back(it->second);
      }
      if (xs.size() != c.inputs.size()) continue;
      Result<std::vector<int>> ys = error("no result");
      try {
        ys = low.lower(c.cls, c.name, *c.cfg, xs);
      } catch (const std::exception& e) {
        ys = error("bad config: %s", e.what());
      }
      if (!ys.ok()) return error("%s: layer %s '%s': %s", file.c_str(), c.cls.c_str(), c.name.c_str(), ys.status().message().c_str());
      const int y = ys->at(0);
      const bool passthrough = std::find(xs.begin(), xs.end(), y) != xs.end();
      // A layer that handed back its input (identity, or folded into the node before) stops being one of
      // that tensor's readers; its own readers take its place.
      if (passthrough) low.uses()[y] += consumers[c.output] - 1;
      else low.uses()[y] = consumers[c.output];
      tensors[c.output] = y;
      done[i] = true;
      --remaining;
      progress = true;
    }
    if (!progress) {
      for (size_t i = 0; i < calls.size(); ++i)
        if (!done[i]) return error("%s: layer '%s' reads a tensor no layer makes (or the graph has a cycle)", file.c_str(), calls[i].name.c_str());
    }
  }
  for (const std::string& k : outputs) {
    auto it = tensors.find(k);
    if (it == tensors.end()) return error("%s: model output '%s' is made by no layer", file.c_str(), k.c_str());
    graph_out.push_back(it->second);
  }
  auto bytes = b.finish(graph_in, graph_out, EB_KERAS_DESCRIPTION);
  if (!bytes.ok()) return bytes.status().with_context(file + ": ");
  return bytes;
}

}  // namespace

namespace {

// Layer and class names come from the file: an error stays one printable line whatever they hold.
Status one_line(const Status& s) {
  std::string m = s.message();
  if (m.size() > 1000) m = m.substr(0, 1000) + "...";
  for (char& c : m)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return Status::error(m);
}

Result<std::vector<uint8_t>> keras_to_tflite_unlocked(const uint8_t* data, size_t size, const std::string& name,
                                                      const KerasLimits& limits) {
  try {
    auto archive = KerasArchive::open(data, size, limits);
    if (!archive.ok()) return archive.status().with_context(name + ": ");
    return convert(**archive, name, limits);
  } catch (const std::bad_alloc&) {
    return error("%s: out of memory while reading the Keras model", name.c_str());
  } catch (const std::exception& e) {
    return error("%s: malformed Keras model config: %s", name.c_str(), e.what());
  }
}

}  // namespace

Result<std::vector<uint8_t>> keras_to_tflite(const uint8_t* data, size_t size, const std::string& name,
                                             const KerasLimits& limits) {
  static std::mutex mu;  // HDF5 (serial build) is not thread-safe
  std::lock_guard<std::mutex> lock(mu);
  auto result = keras_to_tflite_unlocked(data, size, name, limits);
  if (!result.ok()) return one_line(result.status());
  return result;
}

}  // namespace eb::keras
