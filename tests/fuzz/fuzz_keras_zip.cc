// fuzz_keras_zip: bytes -> the Keras reader as a Keras 3 .keras zip (libzip from memory, config.json,
// model.weights.h5 through libhdf5). Beyond "never crashes": every error names the file, and whatever
// converts is a model the TFLite loader accepts. Seeds: tests/keras/models/*.keras.
#include "kernels/keras/keras_convert.h"
#include "kernels/model/model.h"
#include "tests/fuzz/fuzz_harness.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  eb::keras::KerasLimits limits;
  limits.max_file_bytes = 4u << 20;
  limits.max_weight_bytes = 64u << 20;
  limits.max_layers = 4096;
  auto bytes = eb::keras::keras_to_tflite(data, size, "fuzz.keras", limits);
  if (!bytes.ok()) {
    FUZZ_CHECK(bytes.status().message().find("fuzz.keras") != std::string::npos, "the error must name the file");
    return 0;
  }
  auto model = eb::Model::load_bytes(bytes->data(), bytes->size());
  FUZZ_CHECK(model.ok(), model.ok() ? "" : model.status().message().c_str());
  return 0;
}
