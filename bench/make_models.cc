// eb_make_models OUT_DIR: writes the synthetic models of tests/support/synthetic_models.h as .tflite
// files, to benchmark and cross-check layouts that the models in ../shared do not have:
//   broadcast-ops-{float32,int8,uint8}.tflite   MUL [1,1,1,C], ADD [C], MUL [1,H,W,1], SUB [1] on 28x28x96
//   broadcast-ops-{int8,uint8}-c24.tflite       the same on 28x28x24: rows of 24 elements, a third of each
//                                                 in a microkernel's tail (16 per step)
//   activations-float32.tflite                   LOGISTIC, swish MUL, HARD_SWISH on 56x56x64
// Used by bench/RESULTS.md (edgebench vs XNNPACK with bench/bench_models.py --models OUT_DIR, and real
// TFLite through ../shared/tools/tflite-oracle/ref_infer.py).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/synthetic_models.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: eb_make_models OUT_DIR\n");
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    std::fprintf(stderr, "eb_make_models: cannot create %s: %s\n", dir.c_str(), ec.message().c_str());
    return 1;
  }
  const struct {
    const char* name;
    eb::DType dtype;
  } models[] = {{"broadcast-ops-float32", eb::DType::kFloat32},
                {"broadcast-ops-int8", eb::DType::kInt8},
                {"broadcast-ops-uint8", eb::DType::kUInt8}};
  std::vector<std::pair<std::string, eb::ModelSpec>> specs;
  for (const auto& m : models) specs.emplace_back(m.name, eb::testing::broadcast_ops_model(m.dtype, 28, 28, 96));
  specs.emplace_back("broadcast-ops-int8-c24", eb::testing::broadcast_ops_model(eb::DType::kInt8, 28, 28, 24));
  specs.emplace_back("broadcast-ops-uint8-c24", eb::testing::broadcast_ops_model(eb::DType::kUInt8, 28, 28, 24));
  specs.emplace_back("activations-float32", eb::testing::activations_model(56, 56, 64));
  for (const auto& [name, spec] : specs) {
    const std::vector<uint8_t> bytes = eb::write_model(spec);
    const std::filesystem::path path = dir / (name + ".tflite");
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!f.flush()) {
      std::fprintf(stderr, "eb_make_models: cannot write %s\n", path.c_str());
      return 1;
    }
    std::printf("%s\n", path.c_str());
  }
  return 0;
}
