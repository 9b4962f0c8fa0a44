// One model file, read once per run. `run` measures a variant several times (each engine x thread count,
// each in a fresh worker); were each worker to open the path itself, a file replaced during the run
// would be measured as two different models under one variant name, and its size read after the
// benchmark would describe neither. So the parent reads the file once, here, into a sealed memory file
// that every worker of the run loads (worker_protocol.h, kModelFd), and the size and content hash come
// from those same bytes.
//
// A Keras original (.h5, .keras) is read the same way and lowered once to float32 TFLite bytes
// (model_source.h), which the workers load; its size is the Keras file's.
//
// The file is opened as every input is (kernels/common/input_file.h: no blocking on a FIFO, regular files
// only), its size is checked against the loader's limit and its TFLite identifier from the first bytes,
// before the rest is copied.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "kernels/common/status.h"

namespace eb {

// 64-bit FNV-1a of a byte string, continued from `seed`: change detection, not security.
uint64_t fnv1a64(const void* data, size_t size, uint64_t seed = 0xcbf29ce484222325ULL);

class ModelContent {
 public:
  ~ModelContent();
  ModelContent(const ModelContent&) = delete;
  ModelContent& operator=(const ModelContent&) = delete;

  // Reads `path`. max_bytes: the largest file accepted (LoadLimits::max_file_bytes by default).
  static Result<std::unique_ptr<ModelContent>> read(const std::string& path, size_t max_bytes = 0);

  const std::string& path() const { return path_; }
  size_t size() const { return size_; }      // bytes of the file as read (a Keras file's own size)
  uint64_t hash() const { return hash_; }    // FNV-1a 64 of those bytes (identity, not security)
  // A read-only descriptor of the sealed copy (close-on-exec; the worker gets it as kModelFd). Readable
  // with pread from offset 0; its contents cannot change.
  int fd() const { return fd_; }

 private:
  ModelContent() = default;
  static Result<std::unique_ptr<ModelContent>> read_keras(const std::string& path);
  std::string path_;
  size_t size_ = 0;
  uint64_t hash_ = 0;
  int fd_ = -1;
};

}  // namespace eb
