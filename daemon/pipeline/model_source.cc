#include "daemon/pipeline/model_source.h"

#include <algorithm>
#include <cctype>

#include "daemon/pipeline/installed_files.h"
#include "kernels/common/input_file.h"
#include "kernels/keras/keras_module.h"

namespace eb {
namespace {

constexpr size_t kMaxModelFileBytes = size_t{1} << 31;

Result<const EbKerasModule*> keras_module() {
  // Never unloaded: HDF5 keeps state for the life of the process.
  EB_ASSIGN_OR_RETURN(void* entry, load_module_entry("edgebench-keras.so", "EDGEBENCH_KERAS_MODULE", EB_KERAS_MODULE_ENTRY,
                                                     "the Keras module", "reading Keras models"));
  const EbKerasModule* got = reinterpret_cast<const EbKerasModule* (*)()>(entry)();
  if (!got) return error("the Keras module's %s returned nothing", EB_KERAS_MODULE_ENTRY);
  const std::string want = EDGEBENCH_VERSION " " EDGEBENCH_GIT_HASH;
  if (want != got->build_id)
    return error("the Keras module is from another build (%s, this edgebench is %s): reinstall edgebench",
                 got->build_id, want.c_str());
  return got;
}

bool ends_with(const std::string& s, const char* suffix) {
  const std::string x(suffix);
  return s.size() >= x.size() && s.compare(s.size() - x.size(), x.size(), x) == 0;
}

}  // namespace

bool is_keras_path(const std::string& path) {
  std::string lower = path;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ends_with(lower, ".h5") || ends_with(lower, ".hdf5") || ends_with(lower, ".keras");
}

Result<std::vector<uint8_t>> read_model_bytes_any(const std::string& path, size_t* file_size) {
  EB_ASSIGN_OR_RETURN(auto file, read_input_file(path, kMaxModelFileBytes, "model"));
  if (file_size) *file_size = file.size();
  if (!is_keras_path(path)) return std::vector<uint8_t>(file.begin(), file.end());
  EB_ASSIGN_OR_RETURN(const EbKerasModule* keras, keras_module());
  uint8_t* out = nullptr;
  size_t out_size = 0;
  char* message = nullptr;
  if (keras->convert(file.data(), file.size(), path.c_str(), &out, &out_size, &message) != 0) {
    Status s = Status::error(message ? message : path + ": the Keras module failed without a message");
    keras->release(message);
    return s;
  }
  std::vector<uint8_t> bytes(out, out + out_size);
  keras->release(out);
  return bytes;
}

bool lowered_from_keras(const Model& model) { return model.description() == EB_KERAS_DESCRIPTION; }

Result<std::unique_ptr<Model>> load_model_any(const std::string& path) {
  if (!is_keras_path(path)) return Model::load_file(path);
  EB_ASSIGN_OR_RETURN(auto bytes, read_model_bytes_any(path));
  auto model = Model::load_bytes(bytes.data(), bytes.size());
  if (!model.ok()) return model.status().with_context(path + " (lowered from Keras): ");
  return model;
}

}  // namespace eb
