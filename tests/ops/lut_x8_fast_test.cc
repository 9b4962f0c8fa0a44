// The 8-bit table-lookup microkernels (kernels/ops/lut/): under every fast ISA this CPU has, each byte
// value through random tables, every length from 0 to 300 (each vector tail: 16, 32, 64 lanes), in
// place, unaligned, never a byte written past the end; and through an int8/uint8 LOGISTIC as a model
// prepares it (kernel name asserted), on 1 to 3 threads, byte for byte the reference.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kernels/ops/lut/lut_x8.h"
#include "tests/support/fast_isa.h"
#include "tests/support/op_harness.h"

using eb::DType;
using eb::Isa;
using eb::OpCode;
using eb::testing::OpHarness;

namespace {

std::vector<uint8_t> random_bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> v(n);
  for (auto& b : v) b = static_cast<uint8_t>(rng());
  return v;
}

class LutX8Fast : public eb::testing::FastIsaTest {};

TEST_P(LutX8Fast, EveryByteEveryLengthEveryOffset) {
  const eb::LutX8Kernel* k = eb::lut_x8_kernel_for(GetParam());
  ASSERT_NE(k, nullptr);
  for (uint32_t seed = 1; seed <= 3; ++seed) {
    const std::vector<uint8_t> table = random_bytes(256, seed);
    std::vector<uint8_t> all(256);
    for (int i = 0; i < 256; ++i) all[static_cast<size_t>(i)] = static_cast<uint8_t>(i);
    std::vector<uint8_t> y(256);
    k->ukernel(256, all.data(), y.data(), table.data());
    EXPECT_EQ(y, table) << "seed " << seed;
    const std::vector<uint8_t> x = random_bytes(400, seed + 10);
    for (size_t offset = 0; offset < 3; ++offset) {
      for (size_t n = 0; n <= 300; ++n) {
        std::vector<uint8_t> out(n + 80, 0xA5), want(n + 80, 0xA5);
        eb::lut_x8_ref(n, x.data() + offset, want.data() + offset, table.data());
        k->ukernel(n, x.data() + offset, out.data() + offset, table.data());
        ASSERT_EQ(out, want) << "n=" << n << " offset=" << offset;  // the canary past n stays too
      }
    }
    std::vector<uint8_t> inplace(x.begin(), x.begin() + 211), want(211);
    eb::lut_x8_ref(211, inplace.data(), want.data(), table.data());
    k->ukernel(211, inplace.data(), inplace.data(), table.data());
    EXPECT_EQ(inplace, want);
  }
}

template <typename T>
std::vector<T> logistic(Isa isa, int threads, const std::vector<T>& x, std::string* name) {
  const DType dt = std::is_same_v<T, int8_t> ? DType::kInt8 : DType::kUInt8;
  OpHarness h(OpCode::kLogistic);
  h.add_input(dt, {1, static_cast<int32_t>(x.size())}, x, eb::testing::qparams(0.07f, std::is_same_v<T, int8_t> ? 3 : 131));
  const int out = h.add_output(dt, eb::testing::qparams(1.0f / 256, std::is_same_v<T, int8_t> ? -128 : 0));
  h.set_isa(isa);
  h.set_threads(threads);
  EXPECT_TRUE(h.prepare_and_run().ok());
  if (name) *name = h.prepared()->kernel_name();
  return h.output<T>(out);
}

TEST_P(LutX8Fast, QuantizedLogisticMatchesReferenceOnThreads) {
  const std::string suffix = eb::testing::plain_isa_suffix(GetParam());
  for (size_t n : {size_t{5}, size_t{100003}}) {
    const std::vector<uint8_t> raw = random_bytes(n, 7);
    const std::vector<int8_t> xs(raw.begin(), raw.end());
    const std::vector<int8_t> want_s = logistic<int8_t>(Isa::kReference, 1, xs, nullptr);
    const std::vector<uint8_t> want_u = logistic<uint8_t>(Isa::kReference, 1, raw, nullptr);
    for (int threads = 1; threads <= 3; ++threads) {
      std::string name;
      EXPECT_EQ(logistic<int8_t>(GetParam(), threads, xs, &name), want_s) << n << " x" << threads;
      EXPECT_EQ(name, "logistic_qs8_lut_" + suffix);
      EXPECT_EQ(logistic<uint8_t>(GetParam(), threads, raw, &name), want_u) << n << " x" << threads;
      EXPECT_EQ(name, "logistic_qu8_lut_" + suffix);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Isas, LutX8Fast, ::testing::ValuesIn(eb::testing::fast_isas()), eb::testing::isa_test_name);

}  // namespace
