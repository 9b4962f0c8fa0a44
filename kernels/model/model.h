// A .tflite file, read into memory (never mapped: see load_file), verified and turned into a Graph. Every index, shape, type, buffer size
// and quantization array is checked here, so later stages can trust the Graph.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernels/common/status.h"
#include "kernels/graph/graph.h"
#include "kernels/model/model_bytes.h"

namespace eb {

// Limits a hostile file cannot push past; each violation is a clear error naming the limit. The
// defaults fit every real edge model with a wide margin; services and the fuzzers set tighter ones.
// Everything the loader copies out of the file is bounded by one of these, so a small file cannot make
// the loader allocate much more than its own size (tensor data is never copied: it stays in the mapping).
struct LoadLimits {
  size_t max_file_bytes = size_t{1} << 31;  // 2 GiB: the flatbuffer format's own ceiling
  size_t max_tensors = 1u << 20;
  size_t max_nodes = 1u << 20;              // operators
  size_t max_node_inputs = 1024;            // per operator (CONCATENATION is the only wide one)
  size_t max_node_outputs = 1024;           // SPLIT / UNPACK may be as wide as CONCATENATION
  size_t max_custom_options_bytes = size_t{1} << 20;  // a custom operator's flexbuffer options
  size_t max_graph_io = 1024;               // subgraph inputs, and outputs, each
  size_t max_rank = 8;                      // tensor shapes and shape-like options (RESHAPE, SQUEEZE)
  size_t max_tensor_bytes = size_t{1} << 30;  // 1 GiB per tensor; also caps any tensor's element count
  size_t max_name_length = 1u << 16;        // tensor names, custom operator codes, the description
  size_t max_quant_params = 1u << 16;       // scales (and zero points) per tensor
};

class Model {
 public:
  ~Model();
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  // Maps and verifies `path`. Errors name the file and what is wrong with it.
  static Result<std::unique_ptr<Model>> load_file(const std::string& path, const LoadLimits& limits = {});
  // Reads and verifies the regular file open on `fd` (from offset 0; the descriptor stays open and is the
  // caller's), named `path` in errors: the measuring worker loads the bytes its parent read once
  // (daemon/pipeline/model_content.h) this way.
  static Result<std::unique_ptr<Model>> load_fd(int fd, const std::string& path, const LoadLimits& limits = {});
  // Verifies a copy of an in-memory buffer (tests, fuzzing).
  static Result<std::unique_ptr<Model>> load_bytes(const uint8_t* data, size_t size,
                                                   const LoadLimits& limits = {});

  const Graph& graph() const { return graph_; }
  Graph& graph() { return graph_; }
  size_t file_bytes() const { return size_; }
  const std::string& path() const { return path_; }
  const std::string& description() const { return description_; }

  // Gives graph input i the shape `shape` before an engine prepares the graph (TFLite's
  // ResizeInputTensor before AllocateTensors): the rank must match and every dimension the
  // shape_signature fixes must stay as it is. The one check of a requested input shape; engines
  // resizing later call it too.
  Status set_input_shape(int i, const Shape& shape);

  // The model's bytes, whose pages an engine may give back once its kernels hold what they need
  // (ModelBytes; Interpreter with EngineOptions::release_packed_weights).
  ModelBytes& bytes() { return owned_; }
  const ModelBytes& bytes() const { return owned_; }

 private:
  Model() = default;
  Status parse(const LoadLimits& limits);

  std::string path_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  ModelBytes owned_;  // the model's bytes (read from the file or copied), page-aligned
  std::string description_;
  Graph graph_;
};

}  // namespace eb
