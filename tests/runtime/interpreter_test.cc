#include "kernels/engine/interpreter.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <random>

namespace eb {
namespace {

const std::string kModels = std::string(EDGEBENCH_SHARED_DIR) + "/models/";

// Callers set the inputs once and invoke many times (warm-ups, benchmarks): a second invocation must
// see the same inputs and give the same outputs, so the planner may not reuse input memory.
TEST(Interpreter, RepeatedInvocationsGiveIdenticalOutputs) {
  if (!std::filesystem::exists(kModels)) GTEST_SKIP() << "../shared/models absent: " << kModels;
  for (const char* name : {"fmnist-cnn-int8.tflite", "fmnist-cnn-float32.tflite", "kws-dscnn-int8.tflite",
                           "ic-resnet8-int8.tflite", "face-detection-short-float16.tflite"}) {
    auto m = Model::load_file(kModels + name);
    ASSERT_TRUE(m.ok()) << m.status().message();
    auto it = Interpreter::create(std::move(m.value()));
    ASSERT_TRUE(it.ok()) << it.status().message();
    Interpreter& in = *it.value();
    std::mt19937 rng(3);
    for (int i = 0; i < in.num_inputs(); ++i) {
      const Tensor& t = in.input(i);
      if (t.dtype == DType::kFloat32) {
        float* f = reinterpret_cast<float*>(in.input_data(i));
        for (int64_t k = 0; k < t.elements(); ++k) f[k] = std::uniform_real_distribution<float>(-1, 1)(rng);
      } else {
        for (size_t k = 0; k < t.bytes(); ++k) in.input_data(i)[k] = static_cast<uint8_t>(rng());
      }
    }
    ASSERT_TRUE(in.invoke().ok());
    std::vector<std::vector<uint8_t>> first;
    for (int j = 0; j < in.num_outputs(); ++j)
      first.emplace_back(in.output_data(j), in.output_data(j) + in.output(j).bytes());
    for (int rep = 0; rep < 2; ++rep) {
      ASSERT_TRUE(in.invoke().ok());
      for (int j = 0; j < in.num_outputs(); ++j)
        EXPECT_EQ(std::memcmp(first[static_cast<size_t>(j)].data(), in.output_data(j), in.output(j).bytes()), 0)
            << name << " output " << j << " changed on invocation " << rep + 2;
    }
  }
}

// The reference engine runs on one thread whatever is asked; "auto" on all requested. The interpreter
// reports what it really uses, and `run` / the daemon plan their matrix by the same rule.
TEST(Interpreter, ReferenceEngineUsesOneThreadAutoUsesTheRequested) {
  EXPECT_EQ(engine_threads_used("ref", 4), 1);
  EXPECT_EQ(engine_threads_used("auto", 4), 4);
  EXPECT_EQ(engine_threads_used("xnnpack", 2), 2);
  if (!std::filesystem::exists(kModels)) GTEST_SKIP() << "../shared/models absent: " << kModels;
  for (const char* engine : {"ref", "auto"}) {
    auto m = Model::load_file(kModels + "fmnist-cnn-int8.tflite");
    ASSERT_TRUE(m.ok()) << m.status().message();
    EngineOptions o;
    o.engine = engine;
    o.threads = 3;
    auto it = Interpreter::create(std::move(m.value()), o);
    ASSERT_TRUE(it.ok()) << it.status().message();
    EXPECT_EQ(it.value()->effective_threads(), engine_threads_used(engine, 3)) << engine;
    EXPECT_EQ(it.value()->effective_threads(), std::string(engine) == "ref" ? 1 : 3) << engine;
  }
}

}  // namespace
}  // namespace eb
