// fuzz_config: text -> load_config_text (YAML parse, schema checks, path resolution). Errors must come
// back as values: an exception escaping the loader (yaml-cpp throws on malformed input) aborts the
// process, which libFuzzer reports as a crash.
//
// Relative paths in the text resolve against a temporary directory holding the few files the seeds
// (tests/fuzz/seeds/config/) name -- empty model files, an image folder, label files, a clip -- so the
// checks past "file exists" run too; every other path does not exist. Nothing outside it is touched.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "daemon/config/config.h"
#include "tests/fuzz/fuzz_harness.h"

namespace {
std::string g_base_dir;
}

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  (void)argc;
  (void)argv;
  const char* tmp = std::getenv("TMPDIR");
  std::string dir = std::string(tmp && *tmp ? tmp : "/tmp") + "/fuzz_config.XXXXXX";
  FUZZ_CHECK(mkdtemp(dir.data()) != nullptr, "cannot create the temporary base directory");
  g_base_dir = dir;
  namespace fs = std::filesystem;
  std::error_code ec;
  std::atexit([] {
    std::error_code ignored;
    std::filesystem::remove_all(g_base_dir, ignored);
  });
  fs::create_directories(dir + "/models", ec);
  fs::create_directories(dir + "/images/fmnist/0", ec);
  fs::create_directories(dir + "/results", ec);
  for (const char* f : {"/models/a.tflite", "/models/b.tflite", "/images/fmnist/0/x.png", "/clip.mp4"})
    std::ofstream(dir + f) << "";
  std::ofstream(dir + "/images/fmnist-labels.csv") << "0/x.png,0\n";
  std::ofstream(dir + "/images/fmnist-classes.txt") << "zero\none\n";
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto config = eb::config::load_config_text(text, "fuzz.yaml", g_base_dir);
  if (!config.ok())
    FUZZ_CHECK(config.status().message().find("fuzz.yaml") != std::string::npos, "the error must name the file");
  return 0;
}
