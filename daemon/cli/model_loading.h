// Shared by the commands that run a model: load + create the engine + apply --input-shape.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "kernels/engine/engine.h"

namespace eb::cli {

// Parses "I:D0,D1,..." (input index, new shape).
Result<std::pair<int, Shape>> parse_input_shape(const std::string& text);

// Loads the model, gives its inputs their shapes, then creates the engine (which prepares once, at those
// shapes). input_shapes are --input-shape specs; data_shapes[i], when given, is the shape of the data
// that will be fed to input i: it applies where the input has dynamic (-1) dimensions and no
// --input-shape names it.
Result<std::unique_ptr<Engine>> load_engine(const std::string& model_path, const EngineOptions& options,
                                            const std::vector<std::string>& input_shapes,
                                            const std::vector<Shape>& data_shapes = {});

struct Args;

// The command line of the in-process commands that run one model (inspect, infer, bench): MODEL, --engine,
// --threads, --isa, --input-shape. Checked before any work is done, so every error is a usage error
// (exit 2): an unknown engine, a thread count out of range, --isa with an engine other than auto or an
// unknown path, a malformed --input-shape.
struct ModelCommandLine {
  std::string model;
  EngineOptions engine;
  std::vector<std::string> input_shapes;
};
Result<ModelCommandLine> parse_model_command(const Args& args, const std::string& command, const std::string& default_engine);

}  // namespace eb::cli
