#include "daemon/cli/model_loading.h"

#include <algorithm>

#include "daemon/cli/args.h"
#include "daemon/pipeline/model_source.h"
#include "daemon/config/config.h"
#include "kernels/common/isa.h"
#include "kernels/engine/create_engine.h"

namespace eb::cli {

Result<std::pair<int, Shape>> parse_input_shape(const std::string& text) {
  const auto colon = text.find(':');
  if (colon == std::string::npos) return error("--input-shape '%s': expected INDEX:D0,D1,... (e.g. 0:1,224,224,3)", text.c_str());
  auto index = parse_int("--input-shape index", text.substr(0, colon), 0, 1 << 20);
  if (!index.ok()) return index.status();
  Shape shape;
  std::string dims = text.substr(colon + 1);
  size_t start = 0;
  while (start <= dims.size()) {
    size_t comma = dims.find(',', start);
    if (comma == std::string::npos) comma = dims.size();
    auto d = parse_int("--input-shape dimension", dims.substr(start, comma - start), 1, 1 << 30);
    if (!d.ok()) return d.status();
    shape.push_back(*d);
    start = comma + 1;
  }
  return std::make_pair(*index, shape);
}

Result<std::unique_ptr<Engine>> load_engine(const std::string& model_path, const EngineOptions& options,
                                            const std::vector<std::string>& input_shapes,
                                            const std::vector<Shape>& data_shapes) {
  EB_ASSIGN_OR_RETURN(std::unique_ptr<Model> model, load_model_any(model_path));
  std::vector<bool> named(model->graph().inputs.size(), false);
  for (const std::string& spec : input_shapes) {
    auto parsed = parse_input_shape(spec);
    if (parsed.ok() && parsed->first >= 0 && static_cast<size_t>(parsed->first) < named.size()) named[static_cast<size_t>(parsed->first)] = true;
  }
  for (size_t i = 0; i < data_shapes.size() && i < named.size(); ++i) {
    const Tensor& t = model->graph().tensors[static_cast<size_t>(model->graph().inputs[i])];
    const bool dynamic = std::find(t.signature.begin(), t.signature.end(), -1) != t.signature.end();
    if (!dynamic || named[i] || data_shapes[i] == t.shape || data_shapes[i].size() != t.signature.size()) continue;
    Status s = model->set_input_shape(static_cast<int>(i), data_shapes[i]);
    if (!s.ok()) return s.with_context("model '" + model_path + "': ");
  }
  // Shapes are given before the engine first prepares the graph, as TFLite resizes before it
  // allocates: a model stored with placeholder dimensions ([1, 1, 1, 3] for a [-1, -1, -1, 3]
  // signature) would not prepare at its stored shape.
  for (const std::string& spec : input_shapes) {
    EB_ASSIGN_OR_RETURN(auto parsed, parse_input_shape(spec));
    Status s = model->set_input_shape(parsed.first, parsed.second);
    if (!s.ok()) return s.with_context("model '" + model_path + "': --input-shape " + spec + ": ");
  }
  // Which dynamic input is still at its stored placeholder shape: named in the error if preparing fails.
  std::string hint;
  for (size_t i = 0; i < named.size(); ++i) {
    const Tensor& t = model->graph().tensors[static_cast<size_t>(model->graph().inputs[i])];
    const bool dynamic = std::find(t.signature.begin(), t.signature.end(), -1) != t.signature.end();
    const bool given = named[i] || (i < data_shapes.size() && data_shapes[i].size() == t.signature.size());
    if (dynamic && !given && hint.empty())
      hint = strfmt(" (input %zu '%s' has dynamic dimensions %s and was prepared at its stored shape %s: give its "
                    "shape with --input-shape %zu:D0,D1,...)", i, t.name.c_str(), shape_str(t.signature).c_str(),
                    shape_str(t.shape).c_str(), i);
  }
  auto it = create_engine(std::move(model), options);
  if (!it.ok()) {
    // The hint is for a graph that failed to prepare (those errors name the node), not for an engine that
    // could not start (a missing LiteRT library, a forced ISA the CPU lacks).
    const std::string& why = it.status().message();
    return Status::error("model '" + model_path + "': " + why + (why.find("node ") != std::string::npos ? hint : ""));
  }
  return std::move(it.value());
}

Result<ModelCommandLine> parse_model_command(const Args& args, const std::string& command, const std::string& default_engine) {
  if (args.positional.size() != 1)
    return error("%s takes exactly one MODEL argument (got %zu)", command.c_str(), args.positional.size());
  ModelCommandLine c;
  c.model = args.positional[0];
  c.engine.engine = args.get("--engine", default_engine);
  const auto& known = config::known_engines();
  if (std::find(known.begin(), known.end(), c.engine.engine) == known.end())
    return error("--engine '%s': expected ref, auto, xnnpack or litert", c.engine.engine.c_str());
  EB_ASSIGN_OR_RETURN(c.engine.threads, parse_int("--threads", args.get("--threads", "1"), 1, 256));
  c.engine.isa = args.get("--isa", "");
  if (!c.engine.isa.empty()) {
    // Only auto chooses among edgebench's kernel paths; the others would silently ignore the flag.
    if (c.engine.engine != "auto")
      return error("--isa %s: only the auto engine has kernel paths to force (--engine %s runs its own kernels)",
                   c.engine.isa.c_str(), c.engine.engine.c_str());
    if (!is_isa_name(c.engine.isa))
      return error("--isa '%s': expected ref, avx2, avx512, avx512vnni, neon or neon-dotprod", c.engine.isa.c_str());
  }
  c.input_shapes = args.all("--input-shape");
  for (const std::string& spec : c.input_shapes) {
    auto parsed = parse_input_shape(spec);
    if (!parsed.ok()) return parsed.status();
  }
  return c;
}

}  // namespace eb::cli
