// A .tflite model opened for rewriting: the flatbuffer unpacked into the schema's object API (every
// table, option and signature as it was), with the few edits the quantizers make -- new tensors,
// buffers and operators, operator codes and versions -- and the way back to bytes. Private to
// kernels/quantize/ (it exposes the generated schema types).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernels/common/status.h"
#include "kernels/graph/graph.h"
#include "tflite_schema_generated.h"

namespace eb {

class ModelEditor {
 public:
  // Verifies `bytes` with edgebench's loader first (one subgraph, indices, types, buffer sizes), so
  // every edit below can trust what it reads.
  static Result<ModelEditor> open(const std::vector<uint8_t>& bytes);

  tflite::ModelT& model() { return *model_; }
  tflite::SubGraphT& subgraph() { return *model_->subgraphs[0]; }
  tflite::TensorT& tensor(int t) { return *subgraph().tensors[static_cast<size_t>(t)]; }
  int num_tensors() { return static_cast<int>(subgraph().tensors.size()); }
  int32_t builtin(const tflite::OperatorT& op) const;

  // The constant data of tensor t (empty when it has none).
  std::vector<uint8_t>& data(int t);
  bool is_constant(int t) { return !data(t).empty(); }
  template <typename T>
  const T* data_as(int t) { return reinterpret_cast<const T*>(data(t).data()); }
  int64_t elements(int t);

  // A new tensor (no quantization); `data` non-empty gives it a new buffer. Returns its index.
  int add_tensor(const std::string& name, tflite::TensorType type, const std::vector<int32_t>& shape,
                 std::vector<uint8_t> data = {});
  // Replaces tensor t's data with `data` in its own buffer (never one another tensor shares).
  void set_data(int t, std::vector<uint8_t> data);
  // Sets per-tensor (one scale) or per-channel (axis) parameters.
  static void set_quant(tflite::TensorT& t, const std::vector<float>& scales, const std::vector<int64_t>& zero_points,
                        int axis = 0);

  // A new operator of builtin `code` (version at least `version`), not yet in the operator list.
  std::unique_ptr<tflite::OperatorT> make_op(int32_t code, int version, std::vector<int32_t> inputs,
                                             std::vector<int32_t> outputs);
  // Raises the version of operator `op`'s code to at least `version` (a code shared by operators that
  // need different versions gets its own copy: the version is per code, so both must stay right).
  void require_version(tflite::OperatorT& op, int version);

  // Tensors nothing refers to any more leave the table (the rest renumbered) and buffers no tensor or
  // metadata uses are emptied, so a rewritten model does not carry the float weights it replaced.
  // Tensor indices taken before are invalid after.
  void drop_unused_data();
  // The model as .tflite bytes; constant buffers 16-byte aligned as TFLite's converter writes them.
  std::vector<uint8_t> finish();

 private:
  std::unique_ptr<tflite::ModelT> model_;
  std::vector<uint8_t> empty_;
};

// TFLite type name for messages.
const char* tflite_type_name(tflite::TensorType t);

}  // namespace eb
