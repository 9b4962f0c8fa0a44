// The float32 elementwise fast path (kernels/ops/elementwise/vbinary_f32*): ADD / SUB / MUL of same-size
// operands and of a single broadcast value (every other broadcast: elementwise_broadcast_fast_test.cc),
// and the RELU-style clamp, under every fast ISA this CPU has,
// with 1 to 3 threads, against the reference kernels: bit-identical (one rounding per element, no FMA;
// NaN passes through the clamp as in the reference). Sizes hit the vector tails (4 / 8 / 16 lanes) and
// the thread split. The prepare hooks are called directly (elementwise.cc / activations.cc wire them).
#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <memory>
#include <utility>
#include <random>
#include <string>
#include <vector>

#include "kernels/engine/cpu_features.h"
#include "tests/support/fast_isa.h"
#include "kernels/ops/activations/activations.h"
#include "kernels/ops/binary_math/binary_math.h"
#include "kernels/ops/elementwise/vbinary_f32.h"

using eb::Isa;

namespace {

eb::Tensor float_tensor(eb::Shape shape) {
  eb::Tensor t;
  t.dtype = eb::DType::kFloat32;
  t.shape = shape;
  return t;
}

class VBinaryF32Fast : public eb::testing::FastIsaTest {};

TEST_P(VBinaryF32Fast, MatchesReferenceOnEveryTailAndBroadcast) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> d(-4.0f, 4.0f);
  const char* names[] = {"add", "sub", "mul", "div", "maximum", "minimum"};
  void (*refs[])(const eb::BinaryFloatParams&, const float*, const float*, float*) = {
      eb::add_float_ref,
      eb::sub_float_ref,
      eb::mul_float_ref,
      eb::div_f32_ref,
      [](const eb::BinaryFloatParams& p, const float* a, const float* b, float* o) {
        eb::maximum_ref<float>(p.geom, a, b, o);
      },
      [](const eb::BinaryFloatParams& p, const float* a, const float* b, float* o) {
        eb::minimum_ref<float>(p.geom, a, b, o);
      }};
  for (int64_t n : {1, 3, 4, 7, 8, 15, 16, 17, 33, 100, 40000})
    for (int shape_case = 0; shape_case < 3; ++shape_case)  // full/full, full/scalar, scalar/full
      for (int op = 0; op < eb::kVBinaryOpCount; ++op) {
        const eb::Shape full = {1, static_cast<int32_t>(n)}, one = {1};
        const eb::Shape sa = shape_case == 2 ? one : full, sb = shape_case == 1 ? one : full;
        std::vector<float> a(static_cast<size_t>(shape_case == 2 ? 1 : n)), b(static_cast<size_t>(shape_case == 1 ? 1 : n));
        for (float& x : a) x = d(rng);
        for (float& x : b) x = d(rng);
        eb::BinaryFloatParams p;
        p.geom = eb::make_broadcast_geometry(sa, sb, full);
        p.act_min = op == 1 ? 0.0f : -1.5f;  // RELU for sub; a clamp that bites otherwise
        p.act_max = op == 1 ? 1e30f : 2.5f;
        if (op >= eb::kVBinaryMax) {  // MAXIMUM / MINIMUM have no activation; a NaN and a -0 pass through
          p.act_min = -std::numeric_limits<float>::infinity();
          p.act_max = std::numeric_limits<float>::infinity();
          a[0] = std::numeric_limits<float>::quiet_NaN();
          if (b.size() > 1) b[1] = -0.0f;
        }
        std::vector<float> want(static_cast<size_t>(n));
        refs[op](p, a.data(), b.data(), want.data());

        eb::Graph g;
        g.tensors = {float_tensor(sa), float_tensor(sb), float_tensor(full)};
        eb::Node node;
        node.inputs = {0, 1};
        node.outputs = {2};
        for (int threads = 1; threads <= 3; ++threads) {
          eb::PrepareContext ctx(g, node, GetParam(), threads);
          auto fast = eb::prepare_binary_float_fast(ctx, static_cast<eb::VBinaryF32Op>(op), p);
          ASSERT_TRUE(fast.ok()) << fast.status().message();
          ASSERT_TRUE(fast.value()) << "no fast kernel for n " << n << " case " << shape_case;
          EXPECT_EQ(std::string(fast.value()->kernel_name()),
                    std::string(names[op]) + "_f32_vbinary_" + eb::testing::plain_isa_suffix(GetParam()));
          std::vector<float> got(static_cast<size_t>(n), -99.0f);
          uint8_t* data[] = {reinterpret_cast<uint8_t*>(a.data()), reinterpret_cast<uint8_t*>(b.data()),
                             reinterpret_cast<uint8_t*>(got.data())};
          std::unique_ptr<eb::ThreadPool> pool = threads > 1 ? std::make_unique<eb::ThreadPool>(threads) : nullptr;
          eb::RunContext rc;
          rc.data = data;
          rc.pool = pool.get();
          fast.value()->run(rc);
          ASSERT_EQ(0, std::memcmp(got.data(), want.data(), got.size() * sizeof(float))) << names[op] << " n " << n << " case " << shape_case << " threads " << threads;
        }
      }
}

// RELU / RELU6 / RELU_N1_TO_1 through the same microkernel: exactly clamp_float_ref, NaN and -0 included.
TEST_P(VBinaryF32Fast, ClampMatchesReference) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> d(-8.0f, 8.0f);
  const float inf = std::numeric_limits<float>::infinity();
  for (int64_t n : {1, 5, 16, 31, 20000})
    for (auto range : {std::pair<float, float>{0.0f, inf}, {0.0f, 6.0f}, {-1.0f, 1.0f}}) {
      std::vector<float> x(static_cast<size_t>(n));
      for (float& v : x) v = d(rng);
      x[0] = std::numeric_limits<float>::quiet_NaN();
      if (n > 2) x[1] = -0.0f;
      std::vector<float> want(x.size());
      eb::clamp_float_ref(x.data(), want.data(), n, range.first, range.second);
      eb::Graph g;
      g.tensors = {float_tensor({static_cast<int32_t>(n)}), float_tensor({static_cast<int32_t>(n)})};
      eb::Node node;
      node.inputs = {0};
      node.outputs = {1};
      for (int threads = 1; threads <= 3; ++threads) {
        eb::PrepareContext ctx(g, node, GetParam(), threads);
        auto fast = eb::prepare_clamp_float_fast(ctx, range.first, range.second);
        ASSERT_TRUE(fast.ok() && fast.value());
        EXPECT_EQ(std::string(fast.value()->kernel_name()), "clamp_f32_vbinary_" + eb::testing::plain_isa_suffix(GetParam()));
        std::vector<float> got(x.size(), -99.0f);
        uint8_t* data[] = {reinterpret_cast<uint8_t*>(x.data()), reinterpret_cast<uint8_t*>(got.data())};
        std::unique_ptr<eb::ThreadPool> pool = threads > 1 ? std::make_unique<eb::ThreadPool>(threads) : nullptr;
        eb::RunContext rc;
        rc.data = data;
        rc.pool = pool.get();
        fast.value()->run(rc);
        ASSERT_EQ(0, std::memcmp(got.data(), want.data(), got.size() * sizeof(float)))
            << "n " << n << " range [" << range.first << ", " << range.second << "] threads " << threads;
      }
    }
}

INSTANTIATE_TEST_SUITE_P(Isas, VBinaryF32Fast, ::testing::ValuesIn(eb::testing::fast_isas()), eb::testing::isa_test_name);

}  // namespace
