// Shared by the commands that run a model: load + create the engine + apply --input-shape.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "kernels/engine/engine.h"

namespace eb::cli {

// Parses "I:D0,D1,..." (input index, new shape).
Result<std::pair<int, Shape>> parse_input_shape(const std::string& text);

Result<std::unique_ptr<Engine>> load_engine(const std::string& model_path, const EngineOptions& options,
                                            const std::vector<std::string>& input_shapes);

}  // namespace eb::cli
