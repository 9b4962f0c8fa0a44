// The one place that maps an engine name to an engine: "ref" and "auto" are edgebench's own kernels
// (Interpreter), "xnnpack" the peer engine when this build has libXNNPACK.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "kernels/engine/engine.h"

namespace eb {

Result<std::unique_ptr<Engine>> create_engine(std::unique_ptr<Model> model, const EngineOptions& options);

// The engine names this build offers, in the order help texts list them.
std::vector<std::string> available_engines();

}  // namespace eb
