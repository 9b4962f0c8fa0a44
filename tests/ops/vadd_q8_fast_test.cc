// The quantized ADD / SUB fast path (kernels/ops/elementwise/vadd_q8*): int8 and uint8, same-size
// operands and a single broadcast value on either side, under every fast ISA this CPU has, with 1 to 3
// threads, against the reference kernels (add_int8_xnnpack_ref / add_uint8_xnnpack_ref): bit for bit.
// Scale ratios span XNNPACK's range (shifts from 12 to 30, so multipliers up to 2^21), zero points at
// the type's ends, clamps that bite and none; sizes hit the 16-element steps, their tails and the
// thread split. The prepare hook is called directly (elementwise.cc wires it).
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "kernels/ops/elementwise/vadd_q8.h"
#include "tests/support/fast_isa.h"

using eb::Isa;

namespace {

class VAddQ8Fast : public eb::testing::FastIsaTest {};

eb::Tensor tensor(eb::DType dtype, eb::Shape shape) {
  eb::Tensor t;
  t.dtype = dtype;
  t.shape = shape;
  return t;
}

template <typename T>
void check(Isa isa, bool is_unsigned) {
  std::mt19937 rng(is_unsigned ? 21 : 12);
  const int32_t lo = is_unsigned ? 0 : -128, hi = is_unsigned ? 255 : 127;
  struct Scales {
    float a, b, out;
  };
  // Ratios near 2^-10 and near 2^8 (XNNPACK's limits) and ordinary ones.
  const Scales scales[] = {{0.02f, 0.03f, 0.05f}, {0.5f, 0.001f, 0.002f}, {0.001f, 0.9f, 0.9f}, {0.1f, 0.1f, 0.1f}};
  int tested = 0;
  for (int64_t n : {1, 15, 16, 17, 33, 64, 100, 200003})
    for (int shape_case = 0; shape_case < 3; ++shape_case)  // full/full, full/scalar, scalar/full
      for (const Scales& s : scales)
        for (bool subtract : {false, true}) {
          if (!eb::add_xnnpack_scales_ok(s.a, s.b, s.out)) continue;
          const eb::Shape full = {1, static_cast<int32_t>(n)}, one = {1};
          const eb::Shape sa = shape_case == 2 ? one : full, sb = shape_case == 1 ? one : full;
          std::vector<T> a(static_cast<size_t>(shape_case == 2 ? 1 : n)), b(static_cast<size_t>(shape_case == 1 ? 1 : n));
          for (T& x : a) x = static_cast<T>(std::uniform_int_distribution<int>(lo, hi)(rng));
          for (T& x : b) x = static_cast<T>(std::uniform_int_distribution<int>(lo, hi)(rng));
          a[0] = static_cast<T>(lo);  // the type's ends
          b[b.size() - 1] = static_cast<T>(hi);
          const int32_t azp = subtract ? hi : lo + 3, bzp = (lo + hi) / 2, ozp = subtract ? lo + 10 : hi - 7;
          const bool clamp = n % 2 == 1;
          const int32_t out_min = clamp ? lo + 20 : lo, out_max = clamp ? hi - 30 : hi;
          const eb::AddQuantXnnpackParams p =
              eb::make_add_xnnpack_params(s.a, azp, s.b, bzp, s.out, ozp, out_min, out_max, subtract);
          const eb::BroadcastGeometry geom = eb::make_broadcast_geometry(sa, sb, full);
          std::vector<T> want(static_cast<size_t>(n));
          if constexpr (sizeof(T) == 1 && static_cast<T>(-1) > 0)
            eb::add_uint8_xnnpack_ref(geom, p, a.data(), b.data(), want.data());
          else
            eb::add_int8_xnnpack_ref(geom, p, a.data(), b.data(), want.data());
          const eb::DType dt = is_unsigned ? eb::DType::kUInt8 : eb::DType::kInt8;
          eb::Graph g;
          g.tensors = {tensor(dt, sa), tensor(dt, sb), tensor(dt, full)};
          eb::Node node;
          node.inputs = {0, 1};
          node.outputs = {2};
          for (int threads = 1; threads <= 3; ++threads) {
            eb::PrepareContext ctx(g, node, isa, threads);
            auto fast = eb::prepare_add_quant_fast(ctx, geom, p, is_unsigned, subtract);
            ASSERT_TRUE(fast.ok()) << fast.status().message();
            ASSERT_TRUE(fast.value()) << "no fast kernel for n " << n << " case " << shape_case;
            const std::string name = fast.value()->kernel_name();
            EXPECT_EQ(name, std::string(subtract ? "sub_" : "add_") + (is_unsigned ? "qu8" : "qs8") + "_vadd_" +
                                eb::testing::plain_isa_suffix(isa));
            std::vector<T> got(static_cast<size_t>(n), static_cast<T>(lo + 1));
            uint8_t* data[] = {reinterpret_cast<uint8_t*>(a.data()), reinterpret_cast<uint8_t*>(b.data()),
                               reinterpret_cast<uint8_t*>(got.data())};
            std::unique_ptr<eb::ThreadPool> pool = threads > 1 ? std::make_unique<eb::ThreadPool>(threads) : nullptr;
            eb::RunContext rc;
            rc.data = data;
            rc.pool = pool.get();
            fast.value()->run(rc);
            ASSERT_EQ(got, want) << "n " << n << " case " << shape_case << " scales " << s.a << "/" << s.b << "/"
                                 << s.out << (subtract ? " sub" : " add") << " threads " << threads;
            ++tested;
          }
        }
  EXPECT_GT(tested, 100);
}

TEST_P(VAddQ8Fast, Int8MatchesReferenceBitForBit) { check<int8_t>(GetParam(), false); }
TEST_P(VAddQ8Fast, Uint8MatchesReferenceBitForBit) { check<uint8_t>(GetParam(), true); }

INSTANTIATE_TEST_SUITE_P(Isas, VAddQ8Fast, ::testing::ValuesIn(eb::testing::fast_isas()), eb::testing::isa_test_name);

}  // namespace
