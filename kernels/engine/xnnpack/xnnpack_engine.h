// `--engine xnnpack`: the loaded model run by XNNPACK (Debian's libxnnpack-dev, git 2022-02-16), the
// engine inside TensorFlow Lite on ARM and x86, as a second opinion and as the yardstick edgebench's own
// kernels are measured against. The graph is translated once into an XNNPACK subgraph; anything that
// version cannot run is refused at load with an error naming the node and why.
#pragma once

#include <memory>

#include "kernels/engine/engine.h"

namespace eb {

Result<std::unique_ptr<Engine>> create_xnnpack_engine(std::unique_ptr<Model> model, const EngineOptions& options);

}  // namespace eb
