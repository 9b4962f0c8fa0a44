// PAD on the fast paths (kernels/ops/pad/pad_fast.cc: trailing unpadded dimensions folded into longer
// rows, rows split over threads) against the reference kernel, element for element: every dtype, ranks
// 1 to 5, random paddings in which each dimension may or may not be padded (so every depth of folding
// occurs), YOLOv8n's first PAD, an empty dimension; 1 to 3 threads, the fast kernel named.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "tests/support/fast_isa.h"
#include "tests/support/op_harness.h"

using eb::DType;
using eb::Isa;
using eb::OpCode;
using eb::Shape;
using eb::testing::OpHarness;
using eb::testing::qparams;

namespace {

template <typename T>
DType dtype_of() {
  if constexpr (std::is_same_v<T, int8_t>) return DType::kInt8;
  if constexpr (std::is_same_v<T, uint8_t>) return DType::kUInt8;
  if constexpr (std::is_same_v<T, int16_t>) return DType::kInt16;
  if constexpr (std::is_same_v<T, float>) return DType::kFloat32;
  return DType::kInt32;
}

template <typename T>
std::vector<T> pad(Isa isa, int threads, const Shape& shape, const std::vector<T>& x, const std::vector<int32_t>& pads,
                   std::string* name) {
  // Quantized types pad with their zero point: nonzero where the type allows one (int16's is 0 in TFLite).
  const bool quantized = sizeof(T) <= 2;
  const int32_t zp = std::is_same_v<T, int8_t> ? -7 : std::is_same_v<T, uint8_t> ? 131 : 0;
  OpHarness h(OpCode::kPad);
  h.add_input(dtype_of<T>(), shape, x, quantized ? qparams(0.5f, zp) : eb::Quantization{});
  h.add_constant(DType::kInt32, {static_cast<int32_t>(shape.size()), 2}, pads);
  const int o = h.add_output(dtype_of<T>(), quantized ? qparams(0.5f, zp) : eb::Quantization{});
  h.set_isa(isa);
  h.set_threads(threads);
  const eb::Status st = h.prepare_and_run();
  EXPECT_TRUE(st.ok()) << st.message();
  if (!st.ok()) return {};
  if (name) *name = h.prepared()->kernel_name();
  return h.output<T>(o);
}

template <typename T>
std::vector<T> values(size_t n, std::mt19937& rng) {
  std::vector<T> v(n);
  for (auto& e : v) e = static_cast<T>(static_cast<int>(rng() % 200) - 90);
  return v;
}

class PadFast : public eb::testing::FastIsaTest {};

template <typename T>
void check_random_shapes(Isa isa, const char* fast_name) {
  std::mt19937 rng(sizeof(T) * 17);
  for (int iter = 0; iter < 120; ++iter) {
    const int rank = 1 + iter % 5;
    Shape shape;
    std::vector<int32_t> pads;
    size_t n = 1;
    for (int d = 0; d < rank; ++d) {
      shape.push_back(1 + static_cast<int32_t>(rng() % 6));
      n *= static_cast<size_t>(shape.back());
      const bool padded = rng() % 2 == 0;  // about half the dimensions unpadded: folding varies
      pads.push_back(padded ? static_cast<int32_t>(rng() % 3) : 0);
      pads.push_back(padded ? static_cast<int32_t>(rng() % 3) : 0);
    }
    const std::vector<T> x = values<T>(n, rng);
    const std::vector<T> want = pad<T>(Isa::kReference, 1, shape, x, pads, nullptr);
    for (int threads = 1; threads <= 3; ++threads) {
      std::string name;
      ASSERT_EQ(pad<T>(isa, threads, shape, x, pads, &name), want) << "iteration " << iter << " threads " << threads;
      ASSERT_EQ(name, fast_name);
    }
  }
}

TEST_P(PadFast, Int8RandomShapesMatchReference) { check_random_shapes<int8_t>(GetParam(), "pad_x8_rows"); }
TEST_P(PadFast, Uint8RandomShapesMatchReference) { check_random_shapes<uint8_t>(GetParam(), "pad_x8_rows"); }
TEST_P(PadFast, Int16RandomShapesMatchReference) { check_random_shapes<int16_t>(GetParam(), "pad_x16_rows"); }
TEST_P(PadFast, Float32RandomShapesMatchReference) { check_random_shapes<float>(GetParam(), "pad_x32_rows"); }
TEST_P(PadFast, Int32RandomShapesMatchReference) { check_random_shapes<int32_t>(GetParam(), "pad_x32_rows"); }

// YOLOv8n's stride-2 padding at full size: H and W by one on each side, channels untouched.
TEST_P(PadFast, YoloFirstLayerOnThreads) {
  std::mt19937 rng(3);
  const Shape shape = {1, 640, 640, 3};
  const std::vector<int8_t> x = values<int8_t>(640 * 640 * 3, rng);
  const std::vector<int32_t> pads = {0, 0, 1, 1, 1, 1, 0, 0};
  const std::vector<int8_t> want = pad<int8_t>(Isa::kReference, 1, shape, x, pads, nullptr);
  ASSERT_EQ(want.size(), size_t{642} * 642 * 3);
  EXPECT_EQ(want[0], -7);  // the zero point
  EXPECT_EQ(pad<int8_t>(GetParam(), 2, shape, x, pads, nullptr), want);
}

// Nothing to copy (an empty dimension padded) and nothing to pad (all paddings zero).
TEST_P(PadFast, EmptyInputAndNoPadding) {
  const std::vector<int32_t> pads = {1, 2, 0, 0};
  const std::vector<float> empty;
  const auto want = pad<float>(Isa::kReference, 1, {0, 3}, empty, pads, nullptr);
  EXPECT_EQ(want, std::vector<float>(9, 0.0f));
  EXPECT_EQ(pad<float>(GetParam(), 2, {0, 3}, empty, pads, nullptr), want);
  const std::vector<int8_t> x = {1, 2, 3, 4, 5, 6};
  EXPECT_EQ(pad<int8_t>(GetParam(), 3, {1, 2, 3}, x, {0, 0, 0, 0, 0, 0}, nullptr), x);
}

INSTANTIATE_TEST_SUITE_P(Isas, PadFast, ::testing::ValuesIn(eb::testing::fast_isas()), eb::testing::isa_test_name);

}  // namespace
