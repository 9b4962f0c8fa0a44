// The module side of keras_module.h. Built into edgebench-keras.so only.
#include <cstdlib>
#include <cstring>
#include <string>

#include "kernels/keras/keras_convert.h"
#include "kernels/keras/keras_module.h"

namespace {

char* copy_string(const std::string& s) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (p) std::memcpy(p, s.c_str(), s.size() + 1);
  return p;
}

int convert(const uint8_t* data, size_t size, const char* name, uint8_t** out, size_t* out_size, char** error) {
  *out = nullptr;
  *out_size = 0;
  *error = nullptr;
  auto bytes = eb::keras::keras_to_tflite(data, size, name ? name : "Keras model");
  if (!bytes.ok()) {
    *error = copy_string(bytes.status().message());
    return 1;
  }
  *out = static_cast<uint8_t*>(std::malloc(bytes->size()));
  if (!*out) {
    *error = copy_string("out of memory for the converted model");
    return 1;
  }
  std::memcpy(*out, bytes->data(), bytes->size());
  *out_size = bytes->size();
  return 0;
}

void release(void* p) { std::free(p); }

}  // namespace

extern "C" __attribute__((visibility("default"))) const EbKerasModule* edgebench_keras_module() {
  static const EbKerasModule api = {EDGEBENCH_VERSION " " EDGEBENCH_GIT_HASH, convert, release};
  return &api;
}
