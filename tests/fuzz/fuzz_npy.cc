// fuzz_npy: bytes -> parse_npy. Beyond "never crashes", checks a property: whatever parses re-encodes
// (encode_npy) to bytes that parse back to the same dtype, shape and data.
#include "daemon/pipeline/npy.h"
#include "tests/fuzz/fuzz_harness.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto a = eb::parse_npy(data, size, "fuzz.npy");
  if (!a.ok()) {
    FUZZ_CHECK(a.status().message().find("fuzz.npy") != std::string::npos, "the error must name the file");
    return 0;
  }
  const eb::NpyArray& arr = a.value();
  const std::vector<uint8_t> again = eb::encode_npy(arr.dtype, arr.shape, arr.data.data(), arr.data.size());
  auto b = eb::parse_npy(again.data(), again.size(), "re-encoded.npy");
  FUZZ_CHECK(b.ok(), b.ok() ? "" : b.status().message().c_str());
  FUZZ_CHECK(b.value().dtype == arr.dtype, "dtype changed in a round trip");
  FUZZ_CHECK(b.value().shape == arr.shape, "shape changed in a round trip");
  FUZZ_CHECK(b.value().data == arr.data, "data changed in a round trip");
  return 0;
}
