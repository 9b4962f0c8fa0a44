// edgebench inspect MODEL [--json] [--input-shape I:D0,...] [--engine NAME]
// Variant kind, inputs/outputs, operator histogram, parameters, MACs, file size, arena and its bound.
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>

#include "daemon/accuracy/detection_decode.h"
#include "daemon/cli/args.h"
#include "daemon/store/stored_text.h"
#include "daemon/cli/commands.h"
#include "daemon/cli/json_writer.h"
#include "daemon/cli/model_loading.h"
#include "daemon/pipeline/model_source.h"
#include "kernels/engine/cpu_features.h"
#include "kernels/engine/model_stats.h"

namespace eb::cli {
namespace {

std::string quant_text(const Quantization& q) {
  if (!q.present()) return "";
  if (q.per_channel()) return strfmt(" per-channel(%zu, axis %d)", q.scale.size(), q.axis);
  return strfmt(" scale=%.9g zero_point=%d", static_cast<double>(q.scale0()), q.zp0());
}

std::string tensor_json(int index, const Tensor& t) {
  std::string s = "{\"index\": " + std::to_string(index) + ", \"name\": " + json_string(t.name) +
                  ", \"dtype\": " + json_string(dtype_name(t.dtype)) + ", \"shape\": [";
  for (size_t i = 0; i < t.shape.size(); ++i) s += (i ? ", " : "") + std::to_string(t.shape[i]);
  s += "], \"shape_signature\": [";
  for (size_t i = 0; i < t.signature.size(); ++i) s += (i ? ", " : "") + std::to_string(t.signature[i]);
  s += "], \"quantization\": ";
  if (!t.quant.present()) {
    s += "null";
  } else {
    s += "{\"scale\": [";
    for (size_t i = 0; i < t.quant.scale.size(); ++i) s += (i ? ", " : "") + json_number(t.quant.scale[i]);
    s += "], \"zero_point\": [";
    for (size_t i = 0; i < t.quant.zero_point.size(); ++i) s += (i ? ", " : "") + std::to_string(t.quant.zero_point[i]);
    s += "], \"axis\": " + std::to_string(t.quant.axis) + "}";
  }
  return s + "}";
}

// The detection layout `run --task detect` would decode, recognised from the output shapes alone
// (daemon/accuracy/detection_decode.h); "" when the outputs are not a detector's it knows.
std::string detection_layout(const Engine& it) {
  std::vector<accuracy::OutputTensor> outputs;
  for (int j = 0; j < it.num_outputs(); ++j) outputs.push_back({it.output(j).name, it.output(j).shape, {}});
  auto f = accuracy::recognise_detect_format(outputs);
  if (!f.ok()) return "";
  // A YOLO head is a model's only output; shapes alone would also take, say, BlazeFace's [1, 896, 16]
  // regressors (beside its scores) for a YOLOv5 head.
  if (*f != accuracy::DetectFormat::kSsd && it.num_outputs() != 1) return "";
  return accuracy::detect_format_name(*f);
}

Status inspect(const Args& args, const ModelCommandLine& c) {
  const std::string& path = c.model;
  const EngineOptions& opts = c.engine;
  auto loaded = load_engine(path, opts, c.input_shapes);
  if (!loaded.ok()) return loaded.status();
  const Engine& it = *loaded.value();
  ModelStats st = compute_model_stats(it);
  const Graph& g = it.graph();
  // A Keras original runs as its float32 lowering; its size is the Keras file's.
  size_t file_bytes = it.model().file_bytes();
  const bool keras = is_keras_path(path) && lowered_from_keras(it.model());
  if (keras) {
    st.variant = "keras";
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec) file_bytes = static_cast<size_t>(size);
  }

  if (args.has("--json")) {
    std::string s = "{\"model\": " + json_string(path) + ", \"file_bytes\": " + std::to_string(file_bytes) +
                    ", \"variant\": " + json_string(st.variant) + ", \"engine\": " + json_string(opts.engine) + ", \"isa\": " + json_string(it.isa()) +
                    ", \"cpu_features\": " + json_string(describe(detect_cpu_features())) + ", \"inputs\": [";
    for (int i = 0; i < it.num_inputs(); ++i) s += (i ? ", " : "") + tensor_json(g.inputs[static_cast<size_t>(i)], it.input(i));
    s += "], \"outputs\": [";
    for (int j = 0; j < it.num_outputs(); ++j) s += (j ? ", " : "") + tensor_json(g.outputs[static_cast<size_t>(j)], it.output(j));
    const std::string layout = detection_layout(it);
    s += "], \"detection_format\": " + (layout.empty() ? std::string("null") : json_string(layout));
    s += ", \"operators\": {";
    bool first = true;
    for (const auto& [name, count] : st.op_histogram) {
      s += (first ? "" : ", ") + json_string(name) + ": " + std::to_string(count);
      first = false;
    }
    s += "}, \"nodes\": " + std::to_string(g.nodes.size()) + ", \"folded_nodes\": " + std::to_string(it.folded_nodes()) +
         ", \"parameters\": " + std::to_string(st.parameters) + ", \"macs\": " + std::to_string(st.macs) +
         ", \"arena_bytes\": " + std::to_string(it.arena_bytes()) +
         ", \"arena_lower_bound_bytes\": " + std::to_string(it.arena_lower_bound_bytes()) + ", \"kernels\": [";
    first = true;
    for (const auto& [node, kernel] : it.kernels()) {
      s += (first ? "" : ", ") + std::string("{\"node\": ") + std::to_string(node) + ", \"kernel\": " + json_string(kernel) + "}";
      first = false;
    }
    s += "]}";
    std::printf("%s\n", s.c_str());
    return Status();
  }

  std::printf("model:        %s\n", path.c_str());
  std::printf("file size:    %zu bytes\n", file_bytes);
  if (keras)
    std::printf("variant:      keras (the original model, run as its float32 lowering of %zu bytes)\n", it.model().file_bytes());
  else
    std::printf("variant:      %s\n", st.variant.c_str());
  std::printf("engine:       %s (kernel path %s; CPU has: %s)\n", opts.engine.c_str(), it.isa().c_str(),
              describe(detect_cpu_features()).c_str());
  std::printf("inputs:\n");
  for (int i = 0; i < it.num_inputs(); ++i) {
    const Tensor& t = it.input(i);
    std::printf("  %d  %-8s %-18s %s%s\n", i, dtype_name(t.dtype), shape_str(t.shape).c_str(), store::stored_text(t.name).c_str(), quant_text(t.quant).c_str());
  }
  std::printf("outputs:\n");
  for (int j = 0; j < it.num_outputs(); ++j) {
    const Tensor& t = it.output(j);
    std::printf("  %d  %-8s %-18s %s%s\n", j, dtype_name(t.dtype), shape_str(t.shape).c_str(), store::stored_text(t.name).c_str(), quant_text(t.quant).c_str());
  }
  if (const std::string layout = detection_layout(it); !layout.empty())
    std::printf("detector:     %s outputs (run --task detect decodes them)\n", layout.c_str());
  std::printf("operators:    %zu nodes (%d folded at load time)\n", g.nodes.size(), it.folded_nodes());
  for (const auto& [name, count] : st.op_histogram) std::printf("  %-26s %d\n", store::stored_text(name).c_str(), count);
  std::printf("parameters:   %lld\n", static_cast<long long>(st.parameters));
  std::printf("MACs:         %lld (%.1f M per inference)\n", static_cast<long long>(st.macs), static_cast<double>(st.macs) / 1e6);
  if (it.arena_bytes() == 0 && std::string(it.engine_name()) == "xnnpack")
    std::printf("arena:        not reported by XNNPACK\n");
  else
    std::printf("arena:        %zu bytes (lower bound %zu bytes)\n", it.arena_bytes(), it.arena_lower_bound_bytes());
  std::map<std::string, int> kernel_counts;
  for (const auto& [node, kernel] : it.kernels()) ++kernel_counts[kernel];
  std::printf("kernels:\n");
  for (const auto& [kernel, count] : kernel_counts) std::printf("  %-40s %d\n", kernel.c_str(), count);
  return Status();
}

}  // namespace

int run_inspect(const std::vector<std::string>& argv) {
  auto args = parse_args(argv, {"--input-shape", "--engine", "--isa"}, {"--json"});
  if (!args.ok()) {
    print_error(args.status().message());
    return kExitUsage;
  }
  // Checked before any work: every error here is a usage error.
  auto command = parse_model_command(args.value(), "inspect", "auto");
  if (!command.ok()) {
    print_error(command.status().message());
    return kExitUsage;
  }
  Status s = inspect(args.value(), command.value());
  if (!s.ok()) {
    print_error(s.message());
    return kExitError;
  }
  return kExitOk;
}

}  // namespace eb::cli
