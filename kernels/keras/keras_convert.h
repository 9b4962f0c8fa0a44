// Keras models (.h5, .keras) to float32 TFLite bytes the ordinary loader runs: the architecture JSON is
// read as a graph of layer calls (Sequential, and Functional in the formats of Keras 2 and Keras 3),
// each call lowered onto TFLite builtin operators (keras_lower.h), BatchNormalization folded where it
// follows a convolution or Dense. Anything not lowered is refused in one line naming the file, the
// layer's class and its name. Thread-safe (HDF5 is not: calls are serialized).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/common/status.h"
#include "kernels/keras/keras_archive.h"
#include "kernels/keras/keras_module.h"

namespace eb::keras {

// `data` is the whole file; `name` names it in errors.
Result<std::vector<uint8_t>> keras_to_tflite(const uint8_t* data, size_t size, const std::string& name,
                                             const KerasLimits& limits = {});

}  // namespace eb::keras
