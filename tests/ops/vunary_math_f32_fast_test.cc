// The float32 ABS / NEG / SQUARE / SQRT fast path (kernels/ops/unary_math/vunary_math_f32*), under every fast
// ISA this CPU has, with 1 to 3 threads, through the op as a model prepares it (kernel name asserted):
// bit for bit with the reference kernel on random values, +-0, +-inf, negatives under SQRT (NaN), NaN,
// denormals, on sizes around every vector tail and the thread split.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "tests/support/fast_isa.h"
#include "tests/support/op_harness.h"

using eb::DType;
using eb::Isa;
using eb::OpCode;
using eb::testing::OpHarness;

namespace {

std::vector<float> inputs(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> wide(-50.0f, 50.0f);
  const float inf = std::numeric_limits<float>::infinity();
  const float special[] = {0.0f, -0.0f, inf, -inf, std::numeric_limits<float>::quiet_NaN(),
                           std::numeric_limits<float>::denorm_min(), -1e-30f, 3e38f, -3e38f, 2.0f};
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = i < 10 ? special[i] : wide(rng);
  return v;
}

std::vector<float> run(OpCode op, Isa isa, int threads, const std::vector<float>& x, std::string* name) {
  OpHarness h(op);
  h.add_input(DType::kFloat32, {1, static_cast<int32_t>(x.size())}, x);
  const int out = h.add_output(DType::kFloat32);
  h.set_isa(isa);
  h.set_threads(threads);
  EXPECT_TRUE(h.prepare_and_run().ok());
  if (name) *name = h.prepared()->kernel_name();
  return h.output<float>(out);
}

// Equal bits, or both NaN (the NaN payload is the hardware's choice on both paths).
bool same(float a, float b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  uint32_t ua, ub;
  std::memcpy(&ua, &a, 4);
  std::memcpy(&ub, &b, 4);
  return ua == ub;
}

class VUnaryMathF32Fast : public eb::testing::FastIsaTest {};

TEST_P(VUnaryMathF32Fast, BitForBitWithTheReference) {
  const Isa isa = GetParam();
  const struct {
    OpCode op;
    const char* prefix;
  } ops[] = {{OpCode::kAbs, "abs_f32_"}, {OpCode::kNeg, "neg_f32_"}, {OpCode::kSquare, "square_f32_"},
             {OpCode::kSqrt, "sqrt_f32_"}};
  for (size_t n : {1, 3, 4, 7, 8, 9, 15, 16, 17, 33, 40001}) {
    const auto x = inputs(n, static_cast<uint32_t>(n));
    for (const auto& o : ops) {
      const auto want = run(o.op, Isa::kReference, 1, x, nullptr);
      for (int threads = 1; threads <= 3; ++threads) {
        std::string name;
        const auto got = run(o.op, isa, threads, x, &name);
        EXPECT_EQ(name, o.prefix + eb::testing::plain_isa_suffix(isa));
        ASSERT_EQ(got.size(), n);
        for (size_t i = 0; i < n; ++i) ASSERT_TRUE(same(got[i], want[i])) << name << " x=" << x[i] << " i=" << i;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Isas, VUnaryMathF32Fast, ::testing::ValuesIn(eb::testing::fast_isas()),
                         eb::testing::isa_test_name);

}  // namespace
