#include "kernels/engine/create_engine.h"

#include "kernels/engine/interpreter.h"
#ifdef EDGEBENCH_HAVE_XNNPACK
#include "kernels/engine/xnnpack/xnnpack_engine.h"
#endif

namespace eb {

Result<std::unique_ptr<Engine>> create_engine(std::unique_ptr<Model> model, const EngineOptions& options) {
  if (options.engine == "xnnpack") {
#ifdef EDGEBENCH_HAVE_XNNPACK
    return create_xnnpack_engine(std::move(model), options);
#else
    return error("engine 'xnnpack' is not available: this edgebench was built without libxnnpack-dev");
#endif
  }
  auto it = Interpreter::create(std::move(model), options);
  if (!it.ok()) return it.status();
  return std::unique_ptr<Engine>(std::move(it.value()));
}

std::vector<std::string> available_engines() {
#ifdef EDGEBENCH_HAVE_XNNPACK
  return {"ref", "auto", "xnnpack"};
#else
  return {"ref", "auto"};
#endif
}

}  // namespace eb
