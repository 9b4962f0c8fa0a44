// Where a command's model comes from: a .tflite file as it is, or a Keras original (.h5, .keras)
// lowered to float32 TFLite bytes by the Keras module (kernels/keras/keras_module.h), loaded with
// dlopen on first use so nothing of libhdf5 is mapped by commands that never read one.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernels/common/status.h"
#include "kernels/model/model.h"

namespace eb {

// True for a path ending in .h5, .hdf5 or .keras (any case): a Keras model.
bool is_keras_path(const std::string& path);

// The TFLite bytes of any model file: a .tflite file's own bytes, or a Keras model's lowering.
// Errors are one line naming the file.
// *file_size, when given: the size of the file read (a Keras file's, not its lowering's).
Result<std::vector<uint8_t>> read_model_bytes_any(const std::string& path, size_t* file_size = nullptr);

// True for a model lowered from a Keras file (the description the lowering writes): such a model is
// the original, not a TFLite variant, whatever operators it holds.
bool lowered_from_keras(const Model& model);

// Loads any model file (Model::load_file for .tflite, so it keeps its page-aligned reading).
Result<std::unique_ptr<Model>> load_model_any(const std::string& path);

}  // namespace eb
