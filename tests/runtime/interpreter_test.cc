#include "kernels/engine/interpreter.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <random>

namespace eb {
namespace {

const std::string kModels = std::string(EDGEBENCH_SHARED_DIR) + "/models/";

void fill_random_inputs(Interpreter& in, uint32_t seed) {
  std::mt19937 rng(seed);
  for (int i = 0; i < in.num_inputs(); ++i) {
    const Tensor& t = in.input(i);
    if (t.dtype == DType::kFloat32) {
      float* f = reinterpret_cast<float*>(in.input_data(i));
      for (int64_t k = 0; k < t.elements(); ++k) f[k] = std::uniform_real_distribution<float>(-1, 1)(rng);
    } else {
      for (size_t k = 0; k < t.bytes(); ++k) in.input_data(i)[k] = static_cast<uint8_t>(rng());
    }
  }
}

std::vector<std::vector<uint8_t>> outputs_of(const Interpreter& in) {
  std::vector<std::vector<uint8_t>> out;
  for (int j = 0; j < in.num_outputs(); ++j) out.emplace_back(in.output_data(j), in.output_data(j) + in.output(j).bytes());
  return out;
}

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
    fill_random_inputs(in, 3);
    ASSERT_TRUE(in.invoke().ok());
    const std::vector<std::vector<uint8_t>> first = outputs_of(in);
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

// EngineOptions::release_packed_weights (the measuring worker's setting) gives the model's bytes of
// packed weights and its flatbuffer tables back during prepare. The outputs must not change -- a kernel
// reading a given-back page would fault, not see zeros -- and resizing is refused afterwards.
TEST(Interpreter, ReleasingPackedWeightsKeepsOutputsAndRefusesResizing) {
  if (!std::filesystem::exists(kModels)) GTEST_SKIP() << "../shared/models absent: " << kModels;
  for (const char* engine : {"ref", "auto"}) {
    for (const char* name : {"fmnist-cnn-int8.tflite", "fmnist-cnn-float32.tflite", "kws-dscnn-int8.tflite",
                             "ic-resnet8-int8.tflite", "mobilenet-v1-0.25-128-uint8.tflite",
                             "face-detection-short-float16.tflite", "kws-dscnn-dynamic.tflite",
                             "zoo/zoo-lstm-mnist-int8.tflite", "zoo/zoo-movenet-lightning-int8.tflite",
                             "zoo/zoo-split-concat-uint8.tflite", "zoo/zoo-traffic-detector-uint8.tflite"}) {
      const bool zoo = std::string(name).rfind("zoo/", 0) == 0;
      if (zoo && std::string(engine) == "ref") continue;  // the reference kernels pack nothing; slow on these
      std::vector<std::vector<uint8_t>> outputs[2];
      size_t released[2] = {0, 0}, file = 0;
      for (int release = 0; release < 2; ++release) {
        auto m = Model::load_file(kModels + name);
        ASSERT_TRUE(m.ok()) << m.status().message();
        file = m.value()->file_bytes();
        EngineOptions o;
        o.engine = engine;
        o.release_packed_weights = release == 1;
        auto it = Interpreter::create(std::move(m.value()), o);
        ASSERT_TRUE(it.ok()) << it.status().message();
        Interpreter& in = *it.value();
        fill_random_inputs(in, 5);
        ASSERT_TRUE(in.invoke().ok());
        outputs[release] = outputs_of(in);
        released[release] = in.model().bytes().released_bytes();
        EXPECT_LE(released[release], file + 4096) << name;
        if (release == 1) {
          const Status s = in.resize_input(0, in.input(0).shape);
          EXPECT_FALSE(s.ok()) << name;
          EXPECT_NE(s.message().find("cannot be resized"), std::string::npos) << s.message();
        }
      }
      EXPECT_EQ(outputs[0], outputs[1]) << engine << " " << name;
      EXPECT_EQ(released[0], 0u) << name;
      // The tables always go (a model of a page or two may keep all of its pages for its constants).
      if (file > (64u << 10)) {
        EXPECT_GT(released[1], 0u) << engine << " " << name;
      }
    }
  }
  // fmnist-cnn-int8: the fast kernels pack all but a few hundred bytes of its 235 kB.
  auto m = Model::load_file(kModels + "fmnist-cnn-int8.tflite");
  ASSERT_TRUE(m.ok());
  EngineOptions o;
  o.engine = "auto";
  o.release_packed_weights = true;
  auto it = Interpreter::create(std::move(m.value()), o);
  ASSERT_TRUE(it.ok());
  EXPECT_GT(it.value()->model().bytes().released_bytes(), size_t{200} << 10);
}

}  // namespace
}  // namespace eb
