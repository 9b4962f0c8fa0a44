#include "kernels/engine/litert/litert_api.h"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <system_error>

namespace eb::litert_c {
namespace {

constexpr const char* kHint =
    "set EDGEBENCH_LITERT_LIB to the library of your LiteRT install, e.g. "
    ".../site-packages/ai_edge_litert/libLiteRt.so";

std::string last_dlerror() {
  const char* e = dlerror();
  return e ? e : "unknown error";
}

// Resolves every listed symbol or names the first one missing.
class Resolver {
 public:
  Resolver(void* handle, std::string lib) : handle_(handle), lib_(std::move(lib)) {}
  template <typename F>
  void need(F& fn, const char* name) {
    fn = reinterpret_cast<F>(dlsym(handle_, name));
    if (!fn && missing_.empty()) missing_ = name;
  }
  template <typename F>
  void want(F& fn, const char* name) {
    fn = reinterpret_cast<F>(dlsym(handle_, name));
  }
  Status status() const {
    if (missing_.empty()) return Status();
    return error("engine 'litert': %s does not export %s (not a LiteRT 2.x or TensorFlow Lite C library of a "
                 "supported version; %s)", lib_.c_str(), missing_.c_str(), kHint);
  }

 private:
  void* handle_;
  std::string lib_;
  std::string missing_;
};

void resolve_compiled_model(Resolver& r, Api& a) {
  r.need(a.CreateEnvironment, "LiteRtCreateEnvironment");
  r.need(a.DestroyEnvironment, "LiteRtDestroyEnvironment");
  r.need(a.CreateModelFromBuffer, "LiteRtCreateModelFromBuffer");
  r.need(a.DestroyModel, "LiteRtDestroyModel");
  r.need(a.GetNumModelSignatures, "LiteRtGetNumModelSignatures");
  r.need(a.GetModelSignature, "LiteRtGetModelSignature");
  r.need(a.GetNumSignatureInputs, "LiteRtGetNumSignatureInputs");
  r.need(a.GetNumSignatureOutputs, "LiteRtGetNumSignatureOutputs");
  r.need(a.GetSignatureInputTensorByIndex, "LiteRtGetSignatureInputTensorByIndex");
  r.need(a.GetSignatureOutputTensorByIndex, "LiteRtGetSignatureOutputTensorByIndex");
  r.need(a.GetTensorName, "LiteRtGetTensorName");
  r.need(a.GetRankedTensorType, "LiteRtGetRankedTensorType");
  r.need(a.CreateOptions, "LiteRtCreateOptions");
  r.need(a.DestroyOptions, "LiteRtDestroyOptions");
  r.need(a.SetOptionsHardwareAccelerators, "LiteRtSetOptionsHardwareAccelerators");
  r.need(a.CreateOpaqueOptions, "LiteRtCreateOpaqueOptions");
  r.need(a.DestroyOpaqueOptions, "LiteRtDestroyOpaqueOptions");
  r.need(a.AddOpaqueOptions, "LiteRtAddOpaqueOptions");
  r.need(a.CreateCompiledModel, "LiteRtCreateCompiledModel");
  r.need(a.DestroyCompiledModel, "LiteRtDestroyCompiledModel");
  r.need(a.GetInputBufferRequirements, "LiteRtGetCompiledModelInputBufferRequirements");
  r.need(a.GetOutputBufferRequirements, "LiteRtGetCompiledModelOutputBufferRequirements");
  r.need(a.CreateManagedTensorBufferFromRequirements, "LiteRtCreateManagedTensorBufferFromRequirements");
  r.need(a.GetRequirementsBufferSize, "LiteRtGetTensorBufferRequirementsBufferSize");
  r.need(a.CreateManagedTensorBuffer, "LiteRtCreateManagedTensorBuffer");
  r.need(a.GetTensorBufferPackedSize, "LiteRtGetTensorBufferPackedSize");
  r.need(a.LockTensorBuffer, "LiteRtLockTensorBuffer");
  r.need(a.UnlockTensorBuffer, "LiteRtUnlockTensorBuffer");
  r.need(a.DestroyTensorBuffer, "LiteRtDestroyTensorBuffer");
  r.need(a.RunCompiledModel, "LiteRtRunCompiledModel");
  r.want(a.GetInputTensorLayout, "LiteRtGetCompiledModelInputTensorLayout");
  r.want(a.GetOutputTensorLayouts, "LiteRtGetCompiledModelOutputTensorLayouts");
  r.want(a.ResizeInputTensorNonStrict, "LiteRtCompiledModelResizeInputTensorNonStrict");
}

void resolve_tflite_c(Resolver& r, Api& a) {
  r.want(a.TfLiteVersion, "TfLiteVersion");
  r.need(a.TfLiteModelCreate, "TfLiteModelCreate");
  r.need(a.TfLiteModelDelete, "TfLiteModelDelete");
  r.need(a.TfLiteInterpreterOptionsCreate, "TfLiteInterpreterOptionsCreate");
  r.need(a.TfLiteInterpreterOptionsDelete, "TfLiteInterpreterOptionsDelete");
  r.need(a.TfLiteInterpreterOptionsSetNumThreads, "TfLiteInterpreterOptionsSetNumThreads");
  r.need(a.TfLiteInterpreterCreate, "TfLiteInterpreterCreate");
  r.need(a.TfLiteInterpreterDelete, "TfLiteInterpreterDelete");
  r.need(a.TfLiteInterpreterGetInputTensorCount, "TfLiteInterpreterGetInputTensorCount");
  r.need(a.TfLiteInterpreterGetOutputTensorCount, "TfLiteInterpreterGetOutputTensorCount");
  r.need(a.TfLiteInterpreterGetInputTensor, "TfLiteInterpreterGetInputTensor");
  r.need(a.TfLiteInterpreterGetOutputTensor, "TfLiteInterpreterGetOutputTensor");
  r.need(a.TfLiteInterpreterResizeInputTensor, "TfLiteInterpreterResizeInputTensor");
  r.need(a.TfLiteInterpreterAllocateTensors, "TfLiteInterpreterAllocateTensors");
  r.need(a.TfLiteInterpreterInvoke, "TfLiteInterpreterInvoke");
  r.need(a.TfLiteTensorData, "TfLiteTensorData");
  r.need(a.TfLiteTensorByteSize, "TfLiteTensorByteSize");
  r.need(a.TfLiteTensorNumDims, "TfLiteTensorNumDims");
  r.need(a.TfLiteTensorDim, "TfLiteTensorDim");
  r.need(a.TfLiteTensorName, "TfLiteTensorName");
}

// The wheel's version from its dist-info folder beside the package (.../site-packages/ai_edge_litert/
// libLiteRt.so -> .../site-packages/ai_edge_litert-2.3.0.dist-info): LiteRT's C API reports none.
std::string wheel_version(const std::string& lib_path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path pkg = fs::path(lib_path).parent_path();
  const std::string prefix = pkg.filename().string() + "-";
  for (const auto& entry : fs::directory_iterator(pkg.parent_path(), ec)) {
    const std::string name = entry.path().filename().string();
    const std::string suffix = ".dist-info";
    if (name.size() > prefix.size() + suffix.size() && name.compare(0, prefix.size(), prefix) == 0 &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
      return name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
  }
  return "";
}

Result<const Api*> load_once() {
  const char* env = std::getenv("EDGEBENCH_LITERT_LIB");
  void* handle = nullptr;
  std::string tried;
  if (env && *env) {
    handle = dlopen(env, RTLD_NOW | RTLD_LOCAL);
    if (!handle) return error("engine 'litert': cannot load %s (EDGEBENCH_LITERT_LIB): %s", env, last_dlerror().c_str());
  } else {
    std::string first_error;
    for (const char* name : {"libLiteRt.so", "libtensorflowlite_c.so"}) {
      handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);
      if (handle) break;
      if (first_error.empty()) first_error = last_dlerror();
    }
    if (!handle)
      return error("engine 'litert': cannot load libLiteRt.so or libtensorflowlite_c.so (%s): %s", kHint,
                   first_error.c_str());
  }
  auto api = std::make_unique<Api>();
  Dl_info info{};
  void* probe = dlsym(handle, "LiteRtCreateCompiledModel");
  api->kind = probe ? Api::Kind::kCompiledModel : Api::Kind::kTfLiteC;
  if (!probe) probe = dlsym(handle, "TfLiteInterpreterCreate");
  if (!probe) {
    dlclose(handle);
    return error("engine 'litert': %s exports neither LiteRtCreateCompiledModel (LiteRT 2.x) nor "
                 "TfLiteInterpreterCreate (TensorFlow Lite C API) (%s)", env && *env ? env : "the library", kHint);
  }
  api->path = dladdr(probe, &info) && info.dli_fname ? info.dli_fname : (env && *env ? env : "the library");
  Resolver r(handle, api->path);
  if (api->kind == Api::Kind::kCompiledModel) {
    resolve_compiled_model(r, *api);
  } else {
    resolve_tflite_c(r, *api);
  }
  if (Status s = r.status(); !s.ok()) {
    dlclose(handle);
    return s;
  }
  api->version = api->kind == Api::Kind::kTfLiteC && api->TfLiteVersion ? api->TfLiteVersion() : wheel_version(api->path);
  // The CompiledModel C API's structures and options changed between LiteRT releases: LiteRT 2.1's
  // library, driven as 2.3's, read the model buffer from the wrong place. A wheel of another minor
  // version is refused rather than run wrongly; a library of unknown version (a user's build) is tried.
  if (api->kind == Api::Kind::kCompiledModel && !api->version.empty() && api->version.rfind("2.3.", 0) != 0) {
    dlclose(handle);
    return error("engine 'litert': %s is LiteRT %s; edgebench drives LiteRT 2.3's CompiledModel C API, whose "
                 "structures differ between releases (pip install ai-edge-litert==2.3.*)",
                 api->path.c_str(), api->version.c_str());
  }
  return static_cast<const Api*>(api.release());  // lives as long as the process, as the library does
}

}  // namespace

Result<const Api*> load_api() {
  // One load per library asked for: a test (or a user) naming another EDGEBENCH_LITERT_LIB later in the
  // same process gets that library, or its error, and not the one loaded first.
  static std::mutex mu;
  static std::map<std::string, const Api*> loaded;
  const char* env = std::getenv("EDGEBENCH_LITERT_LIB");
  const std::string key = env ? env : "";
  std::lock_guard<std::mutex> lock(mu);
  if (auto it = loaded.find(key); it != loaded.end()) return it->second;
  auto r = load_once();
  if (!r.ok()) return r.status();
  loaded[key] = r.value();
  return r.value();
}

std::string status_name(LiteRtStatus s) {
  const char* name = "unknown status";
  switch (s) {
    case 0: name = "kLiteRtStatusOk"; break;
    case 1: name = "kLiteRtStatusErrorInvalidArgument"; break;
    case 2: name = "kLiteRtStatusErrorMemoryAllocationFailure"; break;
    case 3: name = "kLiteRtStatusErrorRuntimeFailure"; break;
    case 4: name = "kLiteRtStatusErrorMissingInputTensor"; break;
    case 5: name = "kLiteRtStatusErrorUnsupported"; break;
    case 6: name = "kLiteRtStatusErrorNotFound"; break;
    case 7: name = "kLiteRtStatusErrorTimeoutExpired"; break;
    case 8: name = "kLiteRtStatusErrorWrongVersion"; break;
    case 9: name = "kLiteRtStatusErrorUnknown"; break;
    case 10: name = "kLiteRtStatusErrorAlreadyExists"; break;
    case 100: name = "kLiteRtStatusCancelled"; break;
    case 500: name = "kLiteRtStatusErrorFileIO"; break;
    case 501: name = "kLiteRtStatusErrorInvalidFlatbuffer"; break;
    case 502: name = "kLiteRtStatusErrorDynamicLoading"; break;
    case 503: name = "kLiteRtStatusErrorSerialization"; break;
    case 504: name = "kLiteRtStatusErrorCompilation"; break;
    default: break;
  }
  return strfmt("%s (%d)", name, s);
}

}  // namespace eb::litert_c
