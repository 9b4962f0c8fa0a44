// The Keras module's C interface: edgebench-keras.so holds the Keras reader (keras_convert.h) and its
// libraries (libhdf5 pulls in libcurl, libssl and more), loaded with dlopen the first time a command
// reads a .h5 or .keras file, so `--version`, the measuring worker and every TFLite-only command map
// none of them. Plain C types only across the boundary.
#pragma once

#include <cstddef>
#include <cstdint>

extern "C" {

struct EbKerasModule {
  // The build both sides must come from (version and git hash): the lowering must match the loader.
  const char* build_id;
  // Converts a whole .h5 / .keras file image. Returns 0 with *out / *out_size the TFLite bytes, or
  // nonzero with *error one line naming `name`. Both are released with release().
  int (*convert)(const uint8_t* data, size_t size, const char* name, uint8_t** out, size_t* out_size, char** error);
  void (*release)(void* p);
};

}  // extern "C"

#define EB_KERAS_MODULE_ENTRY "edgebench_keras_module"

// The description the lowering writes into the model: how `inspect` (and anything holding only the
// bytes) tells a Keras original from a TFLite variant.
#define EB_KERAS_DESCRIPTION "edgebench: lowered from a Keras model"
