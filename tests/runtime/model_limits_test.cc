// LoadLimits and EngineOptions::max_arena_bytes: every limit a hostile .tflite file could push past is
// refused with a one-line error naming the limit and what broke it. Models are written by
// eb::write_model, which writes exactly what it is given (out-of-range values included); each test first
// shows the same model loads when just inside the limit, so a refusal is the limit's doing.
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "kernels/engine/interpreter.h"
#include "kernels/model/model.h"
#include "kernels/model/model_writer.h"

namespace eb {
namespace {

constexpr int32_t kAdd = static_cast<int32_t>(OpCode::kAdd);

// y = a + b on float [1, 4]: the smallest model that runs.
ModelSpec add_model() {
  ModelSpec m;
  m.tensors = {{"a", DType::kFloat32, {1, 4}}, {"b", DType::kFloat32, {1, 4}}, {"y", DType::kFloat32, {1, 4}}};
  m.ops = {{kAdd, "", {0, 1}, {2}}};
  m.inputs = {0, 1};
  m.outputs = {2};
  return m;
}

Result<std::unique_ptr<Model>> load(const ModelSpec& spec, const LoadLimits& limits = {}) {
  const std::vector<uint8_t> bytes = write_model(spec);
  return Model::load_bytes(bytes.data(), bytes.size(), limits);
}

// Refused, with one line containing every fragment.
void expect_refused(const Result<std::unique_ptr<Model>>& r, std::initializer_list<const char*> fragments) {
  ASSERT_FALSE(r.ok()) << "accepted; expected an error with '" << *fragments.begin() << "'";
  const std::string& msg = r.status().message();
  EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  for (const char* f : fragments) EXPECT_NE(msg.find(f), std::string::npos) << "'" << f << "' not in: " << msg;
}

TEST(ModelLimits, WrittenModelLoadsAndRuns) {
  auto m = load(add_model());
  ASSERT_TRUE(m.ok()) << m.status().message();
  auto it = Interpreter::create(std::move(m.value()));
  ASSERT_TRUE(it.ok()) << it.status().message();
  Interpreter& in = *it.value();
  float* a = reinterpret_cast<float*>(in.input_data(0));
  float* b = reinterpret_cast<float*>(in.input_data(1));
  for (int k = 0; k < 4; ++k) a[k] = static_cast<float>(k), b[k] = 10.0f * static_cast<float>(k);
  ASSERT_TRUE(in.invoke().ok());
  const float* y = reinterpret_cast<const float*>(in.output_data(0));
  for (int k = 0; k < 4; ++k) EXPECT_EQ(y[k], 11.0f * static_cast<float>(k));
}

TEST(ModelLimits, TensorCount) {
  ModelSpec spec = add_model();
  for (int i = 0; i < 8; ++i) spec.tensors.push_back({"unused" + std::to_string(i), DType::kFloat32, {1}});
  LoadLimits limits;
  limits.max_tensors = 11;
  EXPECT_TRUE(load(spec, limits).ok());
  limits.max_tensors = 10;
  expect_refused(load(spec, limits), {"11 tensors", "limit of 10"});
}

TEST(ModelLimits, Rank) {
  ModelSpec spec = add_model();
  spec.tensors.push_back({"deep", DType::kFloat32, {1, 1, 1, 1, 1, 1, 1, 1}});
  EXPECT_TRUE(load(spec).ok());
  spec.tensors.back().shape.push_back(1);
  expect_refused(load(spec), {"tensor 3 'deep'", "rank 9", "limit of 8"});
}

TEST(ModelLimits, DimensionProductOfSupportedAndUnsupportedTypes) {
  LoadLimits limits;
  limits.max_tensor_bytes = 1u << 20;
  ModelSpec spec = add_model();
  spec.tensors.push_back({"big", DType::kInt8, {1024, 1024}});
  EXPECT_TRUE(load(spec, limits).ok());
  spec.tensors.back().shape = {1024, 1025};
  expect_refused(load(spec, limits), {"tensor 3 'big'", "[1024, 1025]", "tensor size limit"});
  // A product that overflows 64 bits, in a type with no size (STRING): still refused by element count.
  spec.tensors.back() = {"huge", DType::kUnsupported, {65536, 65536, 65536, 65536, 65536}};
  expect_refused(load(spec, limits), {"tensor 3 'huge'", "more elements"});
  // Negative dimensions.
  spec.tensors.back() = {"negative", DType::kFloat32, {2, -3}};
  expect_refused(load(spec, limits), {"tensor 3 'negative'", "negative dimension"});
}

TEST(ModelLimits, ConstantBufferLengthMustMatchTheShape) {
  ModelSpec spec = add_model();
  spec.tensors[1].data = bytes_of(std::vector<float>{1, 2, 3, 4});
  spec.inputs = {0};
  EXPECT_TRUE(load(spec).ok());
  spec.tensors[1].data.pop_back();
  expect_refused(load(spec), {"tensor 1 'b'", "holds 15 bytes", "needs 16"});
}

TEST(ModelLimits, OperatorCount) {
  ModelSpec spec = add_model();
  spec.tensors.push_back({"y2", DType::kFloat32, {1, 4}});
  spec.ops.push_back({kAdd, "", {2, 1}, {3}});
  spec.outputs = {3};
  LoadLimits limits;
  limits.max_nodes = 2;
  EXPECT_TRUE(load(spec, limits).ok());
  limits.max_nodes = 1;
  expect_refused(load(spec, limits), {"2 operators", "limit of 1"});
}

TEST(ModelLimits, SubgraphCount) {
  ModelSpec spec = add_model();
  spec.extra_subgraphs = 1;
  expect_refused(load(spec), {"2 subgraphs", "not supported"});
}

TEST(ModelLimits, NameAndDescriptionLengths) {
  LoadLimits limits;
  limits.max_name_length = 256;
  ModelSpec spec = add_model();
  spec.tensors[0].name = std::string(256, 'n');
  spec.description = std::string(256, 'd');
  EXPECT_TRUE(load(spec, limits).ok());
  spec.tensors[0].name += "n";
  expect_refused(load(spec, limits), {"tensor 0", "257 bytes", "limit of 256"});
  spec.tensors[0].name = "a";
  spec.description += "d";
  expect_refused(load(spec, limits), {"description", "257 bytes", "limit of 256"});
}

TEST(ModelLimits, LongCustomOperatorNameIsCutInErrors) {
  LoadLimits limits;
  limits.max_name_length = 256;
  ModelSpec spec = add_model();
  spec.ops[0] = {static_cast<int32_t>(OpCode::kCustom), std::string(100000, 'c'), {0, 1}, {2}};
  auto m = load(spec, limits);
  ASSERT_TRUE(m.ok()) << m.status().message();  // custom ops load; the interpreter refuses them
  EXPECT_LE(m.value()->graph().nodes[0].op_name.size(), 256u);
  auto it = Interpreter::create(std::move(m.value()));
  ASSERT_FALSE(it.ok());
  EXPECT_LT(it.status().message().size(), 400u);
  EXPECT_NE(it.status().message().find("custom operator 'ccc"), std::string::npos) << it.status().message();
}

TEST(ModelLimits, NodeInputAndOutputCounts) {
  LoadLimits limits;
  limits.max_node_inputs = 3;
  limits.max_node_outputs = 1;
  ModelSpec spec = add_model();
  spec.ops[0].inputs = {0, 1, 0};
  EXPECT_TRUE(load(spec, limits).ok());  // the loader counts; ADD's own check is the interpreter's
  spec.ops[0].inputs = {0, 1, 0, 1};
  expect_refused(load(spec, limits), {"node 0 (ADD)", "4 inputs", "limit of 3"});
  spec.ops[0].inputs = {0, 1};
  spec.ops[0].outputs = {2, 2};
  expect_refused(load(spec, limits), {"node 0 (ADD)", "2 outputs", "limit of 1"});
  // Out-of-range indices and the optional-input marker where it is not allowed.
  spec.ops[0].outputs = {2};
  spec.ops[0].inputs = {0, 7};
  expect_refused(load(spec), {"node 0 (ADD)", "index 7 outside 3 tensors"});
  spec.ops[0].inputs = {0, 1};
  spec.ops[0].outputs = {-1};
  expect_refused(load(spec), {"node 0 (ADD)", "index -1"});
}

// Found by fuzz_model (regressions/model/crash-0b1784321c7c421e625c00eb8fb22897538ac798): a node reading
// a tensor nothing writes got no memory, and the kernel read through a null pointer.
TEST(ModelLimits, NodeInputsMustBeWrittenBeforeUse) {
  ModelSpec spec = add_model();
  spec.tensors.push_back({"z", DType::kFloat32, {1, 4}});
  spec.ops.push_back({kAdd, "", {2, 1}, {3}});
  spec.outputs = {3};
  EXPECT_TRUE(load(spec).ok());  // y is written by node 0 before node 1 reads it
  std::swap(spec.ops[0], spec.ops[1]);
  expect_refused(load(spec), {"node 0 (ADD)", "input tensor 2 'y'", "never written"});
  spec = add_model();
  spec.inputs = {0};  // b: neither a graph input nor a constant
  expect_refused(load(spec), {"node 0 (ADD)", "input tensor 1 'b'", "never written"});
  spec.tensors[1].data = bytes_of(std::vector<float>{1, 2, 3, 4});  // a constant is fine
  EXPECT_TRUE(load(spec).ok());
}

TEST(ModelLimits, GraphInputAndOutputCounts) {
  LoadLimits limits;
  limits.max_graph_io = 2;
  ModelSpec spec = add_model();
  EXPECT_TRUE(load(spec, limits).ok());
  spec.inputs = {0, 1, 0};
  expect_refused(load(spec, limits), {"3 subgraph inputs", "limit of 2"});
  spec.inputs = {0, 1};
  spec.outputs = {2, 2, 2};
  expect_refused(load(spec, limits), {"3 subgraph outputs", "limit of 2"});
}

TEST(ModelLimits, ShapeLikeOptionsAreBoundedByRank) {
  ModelSpec spec;
  spec.tensors = {{"x", DType::kFloat32, {1, 4}}, {"y", DType::kFloat32, {4}}};
  spec.inputs = {0};
  spec.outputs = {1};
  OpSpec reshape{static_cast<int32_t>(OpCode::kReshape), "", {0}, {1}};
  reshape.has_reshape_options = true;
  reshape.new_shape = {1, 1, 1, 1, 1, 1, 1, 4};
  spec.ops = {reshape};
  EXPECT_TRUE(load(spec).ok());
  spec.ops[0].new_shape.push_back(1);
  expect_refused(load(spec), {"node 0 (RESHAPE)", "new_shape", "9 dimensions", "limit of 8"});
  OpSpec squeeze{static_cast<int32_t>(OpCode::kSqueeze), "", {0}, {1}};
  squeeze.has_squeeze_options = true;
  squeeze.squeeze_dims = std::vector<int32_t>(9, 0);
  spec.ops = {squeeze};
  expect_refused(load(spec), {"node 0 (SQUEEZE)", "squeeze_dims", "9 dimensions"});
}

TEST(ModelLimits, QuantizationParameterCount) {
  LoadLimits limits;
  limits.max_quant_params = 4;
  ModelSpec spec = add_model();
  spec.tensors.push_back({"w", DType::kInt8, {4, 1}, {}, std::vector<uint8_t>(4, 1), {1, 1, 1, 1}, {0, 0, 0, 0}, 0});
  EXPECT_TRUE(load(spec, limits).ok());
  spec.tensors.back() = {"w", DType::kInt8, {5, 1}, {}, std::vector<uint8_t>(5, 1), std::vector<float>(5, 1.0f),
                         std::vector<int64_t>(5, 0), 0};
  expect_refused(load(spec, limits), {"tensor 3 'w'", "more than 4 quantization parameters"});
  // Per-channel parameters must match the quantized dimension.
  spec.tensors.back().shape = {6, 1};
  spec.tensors.back().data.assign(6, 1);
  limits.max_quant_params = 16;
  expect_refused(load(spec, limits), {"tensor 3 'w'", "5 per-channel scales", "size 6"});
}

TEST(ModelLimits, FileSizeIsCheckedBeforeCopying) {
  const std::vector<uint8_t> bytes = write_model(add_model());
  LoadLimits limits;
  limits.max_file_bytes = bytes.size();
  EXPECT_TRUE(Model::load_bytes(bytes.data(), bytes.size(), limits).ok());
  limits.max_file_bytes = bytes.size() - 1;
  expect_refused(Model::load_bytes(bytes.data(), bytes.size(), limits), {"above the limit"});
}

TEST(ModelLimits, ArenaCap) {
  ModelSpec spec = add_model();
  for (TensorSpec& t : spec.tensors) t.shape = {1, 256, 256};  // 256 KiB each, 768 KiB for the three
  EngineOptions options;
  options.max_arena_bytes = 1u << 20;
  auto m = load(spec);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_TRUE(Interpreter::create(std::move(m.value()), options).ok());
  options.max_arena_bytes = 512u << 10;
  m = load(spec);
  ASSERT_TRUE(m.ok());
  auto it = Interpreter::create(std::move(m.value()), options);
  ASSERT_FALSE(it.ok());
  EXPECT_NE(it.status().message().find("arena"), std::string::npos) << it.status().message();
  EXPECT_NE(it.status().message().find("524288"), std::string::npos) << it.status().message();
}

}  // namespace
}  // namespace eb
