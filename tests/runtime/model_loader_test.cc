#include "kernels/model/model.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

#include "kernels/engine/interpreter.h"

namespace eb {
namespace {

const std::string kModels = std::string(EDGEBENCH_SHARED_DIR) + "/models/";

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

#define REQUIRE_SHARED()                                                                 \
  if (!std::filesystem::exists(kModels)) GTEST_SKIP() << "../shared/models absent: " << kModels

TEST(ModelLoader, LoadsEverySharedModel) {
  REQUIRE_SHARED();
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(kModels)) {
    if (e.path().extension() != ".tflite") continue;
    auto m = Model::load_file(e.path().string());
    ASSERT_TRUE(m.ok()) << e.path() << ": " << m.status().message();
    EXPECT_FALSE(m.value()->graph().nodes.empty());
    ++n;
  }
  EXPECT_GE(n, 10);
}

TEST(ModelLoader, ReadsQuantizationAndShapes) {
  REQUIRE_SHARED();
  auto m = Model::load_file(kModels + "mobilenet-v2-1.0-224-int8-uint8io.tflite");
  ASSERT_TRUE(m.ok()) << m.status().message();
  const Graph& g = m.value()->graph();
  const Tensor& in = g.tensors[static_cast<size_t>(g.inputs[0])];
  EXPECT_EQ(in.dtype, DType::kUInt8);
  EXPECT_EQ(in.shape, (Shape{1, 224, 224, 3}));
  EXPECT_NEAR(in.quant.scale0(), 0.007843, 1e-5);
  EXPECT_EQ(in.quant.zp0(), 127);
  int per_channel = 0;
  for (const Tensor& t : g.tensors) per_channel += t.is_constant() && t.quant.per_channel();
  EXPECT_GT(per_channel, 50);  // conv/depthwise filters and biases
}

TEST(ModelLoader, RefusesUnsupportedCustomOpNamingIt) {
  REQUIRE_SHARED();
  auto m = Model::load_file(kModels + "selfie-segmentation-float16-customop.tflite");
  ASSERT_TRUE(m.ok());
  auto it = Interpreter::create(std::move(m.value()));
  ASSERT_FALSE(it.ok());
  EXPECT_NE(it.status().message().find("Convolution2DTransposeBias"), std::string::npos) << it.status().message();
  EXPECT_NE(it.status().message().find("node 244"), std::string::npos) << it.status().message();
}

TEST(ModelLoader, RefusesEveryTruncation) {
  REQUIRE_SHARED();
  const auto bytes = read_file(kModels + "kws-dscnn-int8.tflite");
  ASSERT_GT(bytes.size(), 1000u);
  for (size_t cut = 0; cut < bytes.size(); cut += 97) {
    auto m = Model::load_bytes(bytes.data(), cut);
    EXPECT_FALSE(m.ok()) << "truncated at " << cut << " was accepted";
  }
}

TEST(ModelLoader, BitFlipsNeverCrash) {
  REQUIRE_SHARED();
  const auto bytes = read_file(kModels + "fmnist-cnn-int8.tflite");
  std::mt19937 rng(7);
  int refused = 0;
  for (int trial = 0; trial < 300; ++trial) {
    auto copy = bytes;
    const int flips = 1 + static_cast<int>(rng() % 8);
    for (int f = 0; f < flips; ++f) {
      // The flatbuffer's tables sit mostly at the start and the end; aim there most of the time.
      size_t pos = rng() % 2 ? rng() % 2048 : copy.size() - 1 - rng() % 4096;
      copy[pos] ^= static_cast<uint8_t>(1u << (rng() % 8));
    }
    // Tight limits, as a service would set them: a flipped dimension must be refused, not allocated.
    LoadLimits limits;
    limits.max_tensor_bytes = 16u << 20;
    auto m = Model::load_bytes(copy.data(), copy.size(), limits);
    if (!m.ok()) {
      ++refused;
      EXPECT_FALSE(m.status().message().empty());
      continue;
    }
    EngineOptions options;
    options.max_arena_bytes = 16u << 20;
    auto it = Interpreter::create(std::move(m.value()), options);
    if (!it.ok()) {
      ++refused;
      continue;
    }
    EXPECT_TRUE(it.value()->invoke().ok());  // must not crash (ASan builds catch out-of-bounds)
  }
  EXPECT_GT(refused, 0);
}

// The model is read, not mapped: truncating or rewriting the file after loading (a user replacing a
// variant while `edgebench run` measures it) changes nothing and cannot raise SIGBUS. The reference
// engine reads the weights from the model's bytes on every invocation, so it would touch the file.
TEST(ModelLoader, FileTruncatedAfterLoadingChangesNothing) {
  REQUIRE_SHARED();
  const std::string path = ::testing::TempDir() + "eb_truncate_me.tflite";
  std::filesystem::copy_file(kModels + "fmnist-cnn-float32.tflite", path,
                             std::filesystem::copy_options::overwrite_existing);
  auto m = Model::load_file(path);
  ASSERT_TRUE(m.ok()) << m.status().message();
  auto it = Interpreter::create(std::move(m.value()));
  ASSERT_TRUE(it.ok()) << it.status().message();
  Interpreter& in = *it.value();
  const Tensor& x = in.graph().tensors[static_cast<size_t>(in.graph().inputs[0])];
  for (size_t k = 0; k < x.bytes() / sizeof(float); ++k) reinterpret_cast<float*>(in.input_data(0))[k] = 0.25f;
  const Tensor& y = in.graph().tensors[static_cast<size_t>(in.graph().outputs[0])];
  ASSERT_TRUE(in.invoke().ok());
  const std::vector<uint8_t> before(in.output_data(0), in.output_data(0) + y.bytes());
  std::filesystem::resize_file(path, 16);  // a mapped model would now fault on its weights
  { std::ofstream(path, std::ios::binary | std::ios::app) << std::string(64, 'x'); }
  ASSERT_TRUE(in.invoke().ok());
  EXPECT_EQ(std::vector<uint8_t>(in.output_data(0), in.output_data(0) + y.bytes()), before);
  std::filesystem::remove(path);
}

TEST(ModelLoader, MissingFileNamesThePath) {
  auto m = Model::load_file("/nonexistent/dir/model.tflite");
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("/nonexistent/dir/model.tflite"), std::string::npos);
}

TEST(ModelLoader, GarbageIsNotAModel) {
  std::vector<uint8_t> junk(4096, 0x41);
  auto m = Model::load_bytes(junk.data(), junk.size());
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("TFL3"), std::string::npos);
}

}  // namespace
}  // namespace eb
