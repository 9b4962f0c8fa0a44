// The float32 LOGISTIC / TANH / HARD_SWISH fast path (kernels/ops/activations/vunary_f32*), under every fast
// ISA this CPU has, with 1 to 3 threads, through the op as a model prepares it (kernel name asserted):
//  - LOGISTIC and TANH within 4 ULP of the double-precision function, on random inputs, tiny ones (where
//    tanh's relative precision is at stake), the saturation region, the exp clamp edges, +-0, +-inf, NaN;
//    and within the same bound of the reference kernels;
//  - HARD_SWISH bit for bit with the reference, -3 (whose -0 the reference turns into +0) included;
//  - sizes on every vector tail (4, 8, 16 lanes) and the thread split; threads never change a byte.
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
  std::uniform_real_distribution<float> wide(-20.0f, 20.0f);
  std::uniform_real_distribution<float> expo(-30.0f, 7.0f);  // |x| from 1e-9 to 1000
  const float inf = std::numeric_limits<float>::infinity();
  const float special[] = {0.0f,    -0.0f,    inf,    -inf,   std::numeric_limits<float>::quiet_NaN(),
                           -3.0f,   3.0f,     87.0f,  -87.0f, 88.5f,
                           -88.5f,  43.0f,    -43.0f, 1e-30f, -1e-30f,
                           0.3466f, -0.3466f, 1e10f,  -1e10f, std::numeric_limits<float>::denorm_min()};
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) {
    if (i < sizeof special / sizeof special[0] && n >= 40)
      v[i] = special[i];
    else if (i % 3 == 0)
      v[i] = (i % 2 ? -1.0f : 1.0f) * std::exp2(expo(rng));
    else
      v[i] = wide(rng);
  }
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

// 4 ULP of the true value (its float spacing), and the smallest normal for results that underflow.
bool close(float got, double truth) {
  if (std::isnan(truth)) return std::isnan(got);
  const double ulp = std::ldexp(1.0, std::ilogb(std::max(std::fabs(truth), 1e-37)) - 23);
  return std::fabs(static_cast<double>(got) - truth) <= 4 * ulp + 1.2e-38;
}

class VUnaryF32Fast : public eb::testing::FastIsaTest {};

void check_transcendental(Isa isa, OpCode op, const char* prefix, double (*f)(double)) {
  for (size_t n : {1, 3, 4, 7, 8, 9, 15, 16, 17, 33, 1000, 50001}) {
    const std::vector<float> x = inputs(n, static_cast<uint32_t>(n));
    const std::vector<float> ref = run(op, Isa::kReference, 1, x, nullptr);
    std::vector<float> first;
    for (int threads = 1; threads <= 3; ++threads) {
      std::string name;
      const std::vector<float> y = run(op, isa, threads, x, &name);
      EXPECT_EQ(name, std::string(prefix) + eb::testing::plain_isa_suffix(isa));
      ASSERT_EQ(y.size(), n);
      for (size_t i = 0; i < n; ++i) {
        ASSERT_TRUE(close(y[i], f(static_cast<double>(x[i]))))
            << name << " x " << x[i] << ": got " << y[i] << ", exact " << f(static_cast<double>(x[i]));
        ASSERT_TRUE(close(y[i], static_cast<double>(ref[i])))
            << name << " x " << x[i] << ": got " << y[i] << ", reference " << ref[i];
      }
      if (threads == 1) first = y;
      ASSERT_EQ(0, std::memcmp(y.data(), first.data(), n * sizeof(float))) << name << " threads " << threads;
    }
  }
}

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double tanh_d(double x) { return std::tanh(x); }

TEST_P(VUnaryF32Fast, LogisticWithinFourUlp) {
  check_transcendental(GetParam(), OpCode::kLogistic, "logistic_f32_vsigmoid_", sigmoid);
}

TEST_P(VUnaryF32Fast, TanhWithinFourUlp) { check_transcendental(GetParam(), OpCode::kTanh, "tanh_f32_vtanh_", tanh_d); }

TEST_P(VUnaryF32Fast, HardSwishBitForBit) {
  for (size_t n : {1, 5, 8, 16, 17, 40, 20001}) {
    std::vector<float> x = inputs(n, 7 + static_cast<uint32_t>(n));
    for (size_t i = 0; i < n; i += 5) x[i] = -3.0f;  // x + 3 = +0: the product is -0 * 0 = -0 only if ordered wrongly
    const std::vector<float> ref = run(OpCode::kHardSwish, Isa::kReference, 1, x, nullptr);
    for (int threads = 1; threads <= 3; ++threads) {
      std::string name;
      const std::vector<float> y = run(OpCode::kHardSwish, GetParam(), threads, x, &name);
      EXPECT_EQ(name, "hard_swish_f32_vhswish_" + eb::testing::plain_isa_suffix(GetParam()));
      for (size_t i = 0; i < n; ++i) {
        if (std::isnan(ref[i])) {
          EXPECT_TRUE(std::isnan(y[i])) << "x " << x[i];
          continue;
        }
        uint32_t a, b;
        std::memcpy(&a, &y[i], 4);
        std::memcpy(&b, &ref[i], 4);
        ASSERT_EQ(a, b) << name << " x " << x[i] << ": got " << y[i] << ", reference " << ref[i] << " threads "
                        << threads;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Isas, VUnaryF32Fast, ::testing::ValuesIn(eb::testing::fast_isas()),
                         eb::testing::isa_test_name);

}  // namespace
