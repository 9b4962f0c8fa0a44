// The two containers a Keras model comes in, read from memory: a legacy HDF5 `.h5` (tf.keras / Keras 2,
// and Keras 3's model.save('x.h5')): the `model_config` JSON attribute and the `model_weights` group;
// and a Keras 3 `.keras` zip holding `config.json` and `model.weights.h5` (weights under
// layers/<name>/vars/<i>). Every size read from the file is checked against KerasLimits before
// anything is allocated for it. HDF5 is not thread-safe: callers serialize (keras_convert.cc does).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernels/common/status.h"
#include "kernels/graph/tensor.h"

namespace eb::keras {

struct KerasLimits {
  size_t max_file_bytes = size_t{1} << 31;
  size_t max_config_bytes = size_t{16} << 20;   // the architecture JSON (attribute or zip member)
  size_t max_json_depth = 64;
  size_t max_layers = 100000;
  size_t max_layer_weights = 64;                // arrays per layer
  size_t max_rank = 8;
  size_t max_weight_bytes = size_t{1} << 30;    // one array, and all of them together
  size_t max_string_list = 1u << 20;            // layer_names / weight_names entries
};

struct WeightArray {
  std::string name;
  Shape shape;
  std::vector<float> data;
};

class KerasArchive {
 public:
  ~KerasArchive();
  KerasArchive(const KerasArchive&) = delete;
  KerasArchive& operator=(const KerasArchive&) = delete;

  // Opens an .h5 or .keras image (told apart by its first bytes). Errors are one line, without the
  // file name (the caller prefixes it).
  static Result<std::unique_ptr<KerasArchive>> open(const uint8_t* data, size_t size, const KerasLimits& limits);

  const std::string& config_json() const { return config_; }
  const std::string& keras_version() const { return keras_version_; }  // "" when the file does not say
  bool is_keras_zip() const { return zip_; }
  // The weights of layer `name` in the order Keras lists them (kernel, bias; gamma, beta, mean,
  // variance; ...). An empty list when the file holds none for it.
  Result<std::vector<WeightArray>> layer_weights(const std::string& name);

 private:
  KerasArchive() = default;
  Status open_h5_image(const uint8_t* data, size_t size);
  Status read_legacy_h5();

  KerasLimits limits_;
  bool zip_ = false;
  int64_t file_ = -1;         // hid_t of the weights file
  int64_t weights_root_ = -1; // hid_t: model_weights (legacy) or layers (.keras)
  std::string config_;
  std::string keras_version_;
  size_t weight_bytes_read_ = 0;
};

// Deepest nesting of JSON arrays/objects in `text` (strings skipped), for the depth limit before parsing.
size_t json_depth(const std::string& text);

}  // namespace eb::keras
