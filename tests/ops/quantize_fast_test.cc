// The QUANTIZE / DEQUANTIZE fast path (kernels/ops/quantize/vcvt_*): float32 -> int8 / uint8 and
// per-tensor int8 / uint8 -> float32 under every fast ISA this CPU has, 1 to 3 threads, against the
// reference kernels through the same prepare: the same bytes on lengths that hit every tail (below, at
// and above 8 lanes, and the thread split), on values at and around rounding ties, out of range, NaN and
// infinities. Each case checks that the fast kernel really ran (its name); per-channel dequantization
// keeps the reference.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "kernels/engine/cpu_features.h"
#include "tests/support/fast_isa.h"
#include "tests/support/op_harness.h"

using eb::DType;
using eb::Isa;
using eb::OpCode;
using eb::testing::OpHarness;
using eb::testing::qparams;

namespace {

#if defined(__aarch64__)
constexpr const char* kSuffix = "_neon";
#else
constexpr const char* kSuffix = "_avx2";
#endif

class QuantizeFast : public eb::testing::FastIsaTest {};

struct Out {
  std::vector<uint8_t> bytes;
  std::string kernel;
};

template <typename T>
Out run(OpCode op, DType in_dt, DType out_dt, const std::vector<T>& x, eb::Quantization in_q,
        eb::Quantization out_q, Isa isa, int threads) {
  OpHarness h(op);
  h.add_input(in_dt, {1, static_cast<int32_t>(x.size())}, x, in_q);
  const int o = h.add_output(out_dt, out_q);
  h.set_isa(isa);
  h.set_threads(threads);
  const eb::Status s = h.prepare_and_run();
  EXPECT_TRUE(s.ok()) << s.message();
  Out r;
  r.bytes = h.output<uint8_t>(o);
  r.kernel = h.prepared() ? h.prepared()->kernel_name() : "";
  return r;
}

const int64_t kLengths[] = {1, 3, 7, 8, 9, 15, 16, 17, 63, 64, 65, 200, 70001};

TEST_P(QuantizeFast, FloatToInt8AndUint8MatchReference) {
  std::mt19937 rng(7);
  const float scale = 0.0625f;  // ties at x = (k + 0.5) * scale are exact in float
  for (DType out_dt : {DType::kInt8, DType::kUInt8}) {
    const int64_t zp = out_dt == DType::kInt8 ? -5 : 130;
    for (int64_t n : kLengths) {
      std::vector<float> x(static_cast<size_t>(n));
      for (size_t i = 0; i < x.size(); ++i) {
        switch (rng() % 6) {
          case 0: x[i] = (static_cast<float>(static_cast<int>(rng() % 300) - 150) + 0.5f) * scale; break;  // tie
          case 1: x[i] = std::uniform_real_distribution<float>(-40.0f, 40.0f)(rng); break;  // saturates
          case 2: x[i] = (i % 3 == 0) ? std::numeric_limits<float>::quiet_NaN()
                                      : (i % 3 == 1 ? std::numeric_limits<float>::infinity() : -0.0f); break;
          default: x[i] = std::uniform_real_distribution<float>(-8.0f, 8.0f)(rng);
        }
      }
      const Out want = run(OpCode::kQuantize, DType::kFloat32, out_dt, x, {}, qparams(scale, zp), Isa::kReference, 1);
      for (int threads = 1; threads <= 3; ++threads) {
        const Out got = run(OpCode::kQuantize, DType::kFloat32, out_dt, x, {}, qparams(scale, zp), GetParam(), threads);
        EXPECT_NE(got.kernel.find(std::string("quantize_f32_") + (out_dt == DType::kInt8 ? "qs8" : "qu8") + kSuffix),
                  std::string::npos) << got.kernel;
        EXPECT_EQ(got.bytes, want.bytes) << "n " << n << " threads " << threads;
      }
    }
  }
}

TEST_P(QuantizeFast, Int8AndUint8ToFloatMatchReferenceBitForBit) {
  std::mt19937 rng(9);
  for (DType in_dt : {DType::kInt8, DType::kUInt8}) {
    const int64_t zp = in_dt == DType::kInt8 ? 17 : 99;
    for (int64_t n : kLengths) {
      std::vector<uint8_t> x(static_cast<size_t>(n));
      for (uint8_t& v : x) v = static_cast<uint8_t>(rng());
      const eb::Quantization q = qparams(0.0370f, zp);
      const Out want = run(OpCode::kDequantize, in_dt, DType::kFloat32, x, q, {}, Isa::kReference, 1);
      for (int threads = 1; threads <= 3; ++threads) {
        const Out got = run(OpCode::kDequantize, in_dt, DType::kFloat32, x, q, {}, GetParam(), threads);
        EXPECT_NE(got.kernel.find(std::string("dequantize_") + (in_dt == DType::kInt8 ? "qs8" : "qu8") + "_f32" + kSuffix),
                  std::string::npos) << got.kernel;
        EXPECT_EQ(got.bytes, want.bytes) << "n " << n << " threads " << threads;
      }
    }
  }
}

TEST_P(QuantizeFast, PerChannelDequantizeKeepsTheReference) {
  OpHarness h(OpCode::kDequantize);
  eb::Quantization q;
  q.scale = {0.5f, 0.25f};
  q.zero_point = {0, 1};
  q.axis = 1;
  h.add_input(DType::kInt8, {1, 2}, std::vector<int8_t>{4, 5}, q);
  const int o = h.add_output(DType::kFloat32);
  h.set_isa(GetParam());
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_STREQ(h.prepared()->kernel_name(), "dequantize_int8_ref");
  EXPECT_EQ(h.output<float>(o), (std::vector<float>{2.0f, 1.0f}));
}

// 8-bit -> 8-bit QUANTIZE (requantization) runs as a table of the reference's 256 results on the
// lookup microkernel: every type pair, scale ratios inside XNNPACK's range (its vcvt) and outside it
// (TFLite's fixed-point path), random zero points, every byte value and every tail.
TEST_P(QuantizeFast, RequantizeMatchesReferenceOnEveryByte) {
  std::mt19937 rng(11);
  const float ratios[] = {1.0f, 0.37f, 3.1f, 1e-3f, 200.0f};
  for (DType in_dt : {DType::kInt8, DType::kUInt8}) {
    for (DType out_dt : {DType::kInt8, DType::kUInt8}) {
      for (float ratio : ratios) {
        const int64_t in_zp = static_cast<int64_t>(rng() % 256) - (in_dt == DType::kInt8 ? 128 : 0);
        const int64_t out_zp = static_cast<int64_t>(rng() % 256) - (out_dt == DType::kInt8 ? 128 : 0);
        const eb::Quantization in_q = qparams(0.02f * ratio, in_zp), out_q = qparams(0.02f, out_zp);
        for (int64_t n : kLengths) {
          std::vector<uint8_t> x(static_cast<size_t>(n));
          for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<uint8_t>(i < 256 ? i : rng());
          const Out want = run(OpCode::kQuantize, in_dt, out_dt, x, in_q, out_q, Isa::kReference, 1);
          for (int threads = 1; threads <= 3; threads += 2) {
            const Out got = run(OpCode::kQuantize, in_dt, out_dt, x, in_q, out_q, GetParam(), threads);
            const std::string name = std::string("requantize_") + (in_dt == DType::kInt8 ? "qs8_" : "qu8_") +
                                     (out_dt == DType::kInt8 ? "qs8" : "qu8") + "_lut_";
            EXPECT_EQ(got.kernel.rfind(name, 0), 0u) << got.kernel;
            EXPECT_EQ(got.bytes, want.bytes) << "ratio " << ratio << " n " << n << " threads " << threads;
          }
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Isas, QuantizeFast, ::testing::ValuesIn(eb::testing::fast_isas()), eb::testing::isa_test_name);

}  // namespace
