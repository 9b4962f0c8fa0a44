// `--engine litert`: LiteRT itself (loaded with dlopen) gives the reference engine's outputs on the
// shared zoo's models (int8 within one quantized step, float within 1e-4 relative), on one and two
// threads, after a batch resize too; a library that cannot be loaded is one error line naming
// EDGEBENCH_LITERT_LIB, and --isa is refused. The cases that need LiteRT skip when it cannot be loaded:
// run with EDGEBENCH_LITERT_LIB=.../site-packages/ai_edge_litert/libLiteRt.so (pip's ai-edge-litert).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "kernels/engine/create_engine.h"
#include "kernels/engine/litert/litert_api.h"
#include "kernels/model/model.h"

namespace eb {
namespace {

const std::string kModels = std::string(EDGEBENCH_SHARED_DIR) + "/models/";

// Sets an environment variable for one scope and puts the old value back.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    const char* old = std::getenv(name);
    had_ = old != nullptr;
    if (had_) old_ = old;
    ::setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (had_) {
      ::setenv(name_.c_str(), old_.c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }

 private:
  std::string name_, old_;
  bool had_ = false;
};

// Empty when LiteRT loads, else why not (the skip message).
std::string litert_unavailable() {
  auto api = litert_c::load_api();
  return api.ok() ? "" : api.status().message();
}

#define SKIP_WITHOUT_LITERT()                                                                            \
  do {                                                                                                   \
    const std::string why = litert_unavailable();                                                        \
    if (!why.empty()) GTEST_SKIP() << "LiteRT cannot be loaded, skipped: " << why;                      \
  } while (0)

Result<std::unique_ptr<Engine>> make_engine(const std::string& file, const std::string& engine, int threads = 1,
                                            const std::string& isa = "") {
  EB_ASSIGN_OR_RETURN(std::unique_ptr<Model> model, Model::load_file(kModels + file));
  EngineOptions o;
  o.engine = engine;
  o.threads = threads;
  o.isa = isa;
  return create_engine(std::move(model), o);
}

void fill_random(Engine& e, uint32_t seed) {
  std::mt19937 rng(seed);
  for (int i = 0; i < e.num_inputs(); ++i) {
    const Tensor& t = e.input(i);
    uint8_t* p = e.input_data(i);
    if (t.dtype == DType::kFloat32) {
      std::uniform_real_distribution<float> d(0.0f, 1.0f);
      for (int64_t k = 0; k < t.elements(); ++k) {
        const float v = d(rng);
        std::memcpy(p + k * 4, &v, 4);
      }
    } else {
      for (size_t k = 0; k < t.bytes(); ++k) p[k] = static_cast<uint8_t>(rng());
    }
  }
}

// Runs both engines on the same random input; outputs agree within one step (integer) or 1e-4 relative
// (float).
void expect_same_outputs(Engine& lite, Engine& ref, uint32_t seed) {
  ASSERT_EQ(lite.num_inputs(), ref.num_inputs());
  ASSERT_EQ(lite.num_outputs(), ref.num_outputs());
  fill_random(ref, seed);
  for (int i = 0; i < ref.num_inputs(); ++i) {
    ASSERT_EQ(lite.input(i).bytes(), ref.input(i).bytes());
    std::memcpy(lite.input_data(i), ref.input_data(i), ref.input(i).bytes());
  }
  ASSERT_TRUE(ref.invoke().ok());
  auto s = lite.invoke();
  ASSERT_TRUE(s.ok()) << s.message();
  for (int j = 0; j < ref.num_outputs(); ++j) {
    const Tensor& t = ref.output(j);
    ASSERT_EQ(lite.output(j).shape, t.shape) << "output " << j;
    const uint8_t* a = lite.output_data(j);
    const uint8_t* b = ref.output_data(j);
    for (int64_t k = 0; k < t.elements(); ++k) {
      if (t.dtype == DType::kFloat32) {
        float x = 0, y = 0;
        std::memcpy(&x, a + k * 4, 4);
        std::memcpy(&y, b + k * 4, 4);
        ASSERT_LE(std::fabs(x - y), 1e-4f * std::max(1.0f, std::fabs(y))) << "output " << j << "[" << k << "]";
      } else if (t.dtype == DType::kInt8) {
        ASSERT_LE(std::abs(int(int8_t(a[k])) - int(int8_t(b[k]))), 1) << "output " << j << "[" << k << "]";
      } else if (t.dtype == DType::kUInt8) {
        ASSERT_LE(std::abs(int(a[k]) - int(b[k])), 1) << "output " << j << "[" << k << "]";
      } else {
        ASSERT_EQ(std::memcmp(a, b, t.bytes()), 0) << "output " << j;
        break;
      }
    }
  }
}

void compare_with_ref(const std::string& file, int threads) {
  if (!std::filesystem::exists(kModels + file)) GTEST_SKIP() << kModels + file << " is absent";
  auto lite = make_engine(file, "litert", threads);
  ASSERT_TRUE(lite.ok()) << lite.status().message();
  auto ref = make_engine(file, "ref");
  ASSERT_TRUE(ref.ok()) << ref.status().message();
  EXPECT_STREQ(lite.value()->engine_name(), "litert");
  EXPECT_EQ(lite.value()->isa().rfind("litert ", 0), 0u) << lite.value()->isa();
  EXPECT_EQ(lite.value()->effective_threads(), threads);
  EXPECT_EQ(lite.value()->kernels().size(), lite.value()->graph().nodes.size());
  for (uint32_t seed : {1u, 2u, 3u}) expect_same_outputs(*lite.value(), *ref.value(), seed);
}

TEST(LiteRtEngine, MissingLibraryIsOneLineNamingTheVariable) {
  ScopedEnv env("EDGEBENCH_LITERT_LIB", "/nonexistent/ai_edge_litert/libLiteRt.so");
  const std::string file = "fmnist-cnn-int8.tflite";
  if (!std::filesystem::exists(kModels + file)) GTEST_SKIP() << kModels + file << " is absent";
  auto e = make_engine(file, "litert");
  ASSERT_FALSE(e.ok());
  const std::string& m = e.status().message();
  EXPECT_NE(m.find("engine 'litert': cannot load /nonexistent/ai_edge_litert/libLiteRt.so"), std::string::npos) << m;
  EXPECT_NE(m.find("EDGEBENCH_LITERT_LIB"), std::string::npos) << m;
  EXPECT_EQ(m.find('\n'), std::string::npos) << m;
}

TEST(LiteRtEngine, IsaIsRefused) {
  const std::string file = "fmnist-cnn-int8.tflite";
  if (!std::filesystem::exists(kModels + file)) GTEST_SKIP() << kModels + file << " is absent";
  auto e = make_engine(file, "litert", 1, "avx2");
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("--isa avx2 does not apply"), std::string::npos) << e.status().message();
}

TEST(LiteRtEngine, IsListedAmongEngines) {
  const auto names = available_engines();
  EXPECT_NE(std::find(names.begin(), names.end(), "litert"), names.end());
}

TEST(LiteRtEngine, Int8ModelMatchesReference) {
  SKIP_WITHOUT_LITERT();
  compare_with_ref("fmnist-cnn-int8.tflite", 1);
}

TEST(LiteRtEngine, FloatModelMatchesReference) {
  SKIP_WITHOUT_LITERT();
  compare_with_ref("fmnist-cnn-float32.tflite", 1);
}

TEST(LiteRtEngine, TwoThreadsMatchReference) {
  SKIP_WITHOUT_LITERT();
  compare_with_ref("fmnist-cnn-int8.tflite", 2);
  compare_with_ref("fmnist-cnn-float32.tflite", 2);
}

// fmnist-cnn's input is [-1, 28, 28, 1]: a batch of 3 through LiteRT's resize, against ref resized alike.
TEST(LiteRtEngine, ResizedBatchMatchesReference) {
  SKIP_WITHOUT_LITERT();
  const std::string file = "fmnist-cnn-float32.tflite";
  if (!std::filesystem::exists(kModels + file)) GTEST_SKIP() << kModels + file << " is absent";
  auto lite = make_engine(file, "litert", 2);
  ASSERT_TRUE(lite.ok()) << lite.status().message();
  auto ref = make_engine(file, "ref");
  ASSERT_TRUE(ref.ok()) << ref.status().message();
  const Shape batch3 = {3, 28, 28, 1};
  auto s = lite.value()->resize_input(0, batch3);
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_TRUE(ref.value()->resize_input(0, batch3).ok());
  EXPECT_EQ(lite.value()->output(0).shape[0], 3);
  expect_same_outputs(*lite.value(), *ref.value(), 7);
}

}  // namespace
}  // namespace eb
