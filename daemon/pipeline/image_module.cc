#include "daemon/pipeline/image_module.h"


#include <dlfcn.h>

#include <mutex>

#include "daemon/build_info.h"
#include "daemon/pipeline/installed_files.h"

namespace eb {

std::string image_module_build_id() {
  return strfmt("%s %s %zu %zu %zu %zu %zu", EDGEBENCH_VERSION, EDGEBENCH_GIT_HASH, sizeof(ImageModuleApi),
                sizeof(SourceItem), sizeof(ImageDirOptions), sizeof(CaptureOptions), sizeof(PreprocessOptions));
}

Result<const ImageModuleApi*> image_module() {
  static std::mutex mu;
  static const ImageModuleApi* api = nullptr;
  static Status failure;
  std::lock_guard<std::mutex> lock(mu);
  if (api) return api;
  if (!failure.ok()) return failure;
  auto path = find_installed_file("edgebench-images.so", "EDGEBENCH_IMAGE_MODULE");
  if (!path.ok()) {
    failure = path.status().with_context("reading images needs the image module: ");
    return failure;
  }
  // Never unloaded: sources and frames it made may live until the process ends.
  void* handle = dlopen(path->c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    failure = error("cannot load the image module %s: %s", path->c_str(), dlerror());
    return failure;
  }
  using Entry = const ImageModuleApi* (*)();
  auto entry = reinterpret_cast<Entry>(dlsym(handle, EB_IMAGE_MODULE_ENTRY));
  const ImageModuleApi* got = entry ? entry() : nullptr;
  if (!got) {
    failure = error("%s is not an edgebench image module (no %s)", path->c_str(), EB_IMAGE_MODULE_ENTRY);
    return failure;
  }
  if (image_module_build_id() != got->build_id) {
    failure = error("the image module %s is from another build (%s, this edgebench is %s): reinstall edgebench",
                    path->c_str(), got->build_id, image_module_build_id().c_str());
    return failure;
  }
  api = got;
  return api;
}

}  // namespace eb
