// TRANSPOSE on the fast paths (kernels/ops/data_movement/transpose_blocks*: SIMD 16x16 byte, 8x8
// halfword and 4x4 word blocks inside the tiled copy) against the reference, element for element:
// 1-, 2- and 4-byte elements, 2-d to 4-d permutations, sizes that leave remainders on both sides of a
// block and span several tiles, YOLOv8's head transposes; 1 to 3 threads, the fast kernel named.
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

namespace {

template <typename T>
DType dtype_of() {
  if constexpr (sizeof(T) == 1) return DType::kInt8;
  if constexpr (sizeof(T) == 2) return DType::kInt16;
  return DType::kInt32;
}

template <typename T>
std::vector<T> transpose(Isa isa, int threads, const Shape& shape, const std::vector<T>& x,
                         const std::vector<int32_t>& perm, std::string* name) {
  OpHarness h(OpCode::kTranspose);
  h.set_isa(isa);
  h.set_threads(threads);
  h.add_input(dtype_of<T>(), shape, x);
  h.add_constant(DType::kInt32, {static_cast<int32_t>(perm.size())}, perm);
  const int o = h.add_output(dtype_of<T>());
  const eb::Status st = h.prepare_and_run();
  EXPECT_TRUE(st.ok()) << st.message();
  if (!st.ok()) return {};
  if (name) *name = h.prepared()->kernel_name();
  return h.output<T>(o);
}

class TransposeFast : public eb::testing::FastIsaTest {};

template <typename T>
void check(Isa isa, const char* fast_name) {
  std::mt19937 rng(sizeof(T) * 31);
  struct Case {
    Shape shape;
    std::vector<int32_t> perm;
  };
  std::vector<Case> cases = {{{33, 47}, {1, 0}},           {{16, 16}, {1, 0}},          {{1, 17, 19, 16}, {0, 3, 1, 2}},
                             {{1, 48, 9, 7}, {0, 2, 3, 1}}, {{1, 4, 16, 210}, {0, 1, 3, 2}}, {{3, 5, 130, 9}, {0, 2, 1, 3}},
                             {{140, 131}, {1, 0}},         {{2, 3, 4, 5}, {3, 2, 1, 0}}, {{7, 300}, {1, 0}}};
  for (int i = 0; i < 12; ++i) {  // random 2-d sizes around the block edges
    cases.push_back({{1 + static_cast<int32_t>(rng() % 70), 1 + static_cast<int32_t>(rng() % 70)}, {1, 0}});
  }
  for (const Case& c : cases) {
    size_t n = 1;
    for (int32_t d : c.shape) n *= static_cast<size_t>(d);
    std::vector<T> x(n);
    for (auto& v : x) v = static_cast<T>(rng());
    const std::vector<T> want = transpose<T>(Isa::kReference, 1, c.shape, x, c.perm, nullptr);
    for (int threads = 1; threads <= 3; ++threads) {
      std::string name;
      ASSERT_EQ(transpose<T>(isa, threads, c.shape, x, c.perm, &name), want)
          << eb::shape_str(c.shape) << " threads " << threads;
      ASSERT_EQ(name, fast_name);
    }
  }
}

TEST_P(TransposeFast, BytesMatchReference) {
  check<int8_t>(GetParam(), eb::testing::plain_isa_suffix(GetParam()) == "neon" ? "transpose_x8_16x16_neon"
                                                                                 : "transpose_x8_16x16_avx2");
}
TEST_P(TransposeFast, HalfwordsMatchReference) {
  check<int16_t>(GetParam(), eb::testing::plain_isa_suffix(GetParam()) == "neon" ? "transpose_x16_8x8_neon"
                                                                                  : "transpose_x16_8x8_avx2");
}
TEST_P(TransposeFast, WordsMatchReference) {
  check<int32_t>(GetParam(), eb::testing::plain_isa_suffix(GetParam()) == "neon" ? "transpose_x32_4x4_neon"
                                                                                  : "transpose_x32_4x4_avx2");
}

INSTANTIATE_TEST_SUITE_P(Isas, TransposeFast, ::testing::ValuesIn(eb::testing::fast_isas()), eb::testing::isa_test_name);

}  // namespace
