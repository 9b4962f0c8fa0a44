#include "daemon/pipeline/image_module.h"

#include "daemon/build_info.h"
#include "daemon/pipeline/installed_files.h"

namespace eb {

std::string image_module_build_id() {
  return strfmt("%s %s %zu %zu %zu %zu %zu", EDGEBENCH_VERSION, EDGEBENCH_GIT_HASH, sizeof(ImageModuleApi),
                sizeof(SourceItem), sizeof(ImageDirOptions), sizeof(CaptureOptions), sizeof(PreprocessOptions));
}

Result<const ImageModuleApi*> image_module() {
  EB_ASSIGN_OR_RETURN(void* entry, load_module_entry("edgebench-images.so", "EDGEBENCH_IMAGE_MODULE", EB_IMAGE_MODULE_ENTRY,
                                                     "the image module", "reading images"));
  const ImageModuleApi* got = reinterpret_cast<const ImageModuleApi* (*)()>(entry)();
  if (!got) return error("the image module's %s returned nothing", EB_IMAGE_MODULE_ENTRY);
  if (image_module_build_id() != got->build_id)
    return error("the image module is from another build (%s, this edgebench is %s): reinstall edgebench",
                 got->build_id, image_module_build_id().c_str());
  return got;
}

}  // namespace eb
