#include "kernels/engine/create_engine.h"

#include "kernels/engine/interpreter.h"
#include "kernels/engine/litert/litert_engine.h"
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
  // Always compiled in: whether LiteRT is installed is found out here, at run time (litert_engine.h).
  if (options.engine == "litert") return create_litert_engine(std::move(model), options);
  auto it = Interpreter::create(std::move(model), options);
  if (!it.ok()) return it.status();
  return std::unique_ptr<Engine>(std::move(it.value()));
}

std::vector<std::string> available_engines() {
#ifdef EDGEBENCH_HAVE_XNNPACK
  return {"ref", "auto", "xnnpack", "litert"};
#else
  return {"ref", "auto", "litert"};
#endif
}

}  // namespace eb
