// Binary elementwise ops (ADD, SUB, MUL) on the fast path for every broadcast (broadcast_rows.h): float32,
// int8 and uint8, random shape pairs of rank 1 to 5 in which each dimension is full or 1 on either side
// (per-channel constants, squeeze-and-excitation scaling, outer products, scalars, lower ranks), under
// every fast ISA this CPU has with 1 to 3 threads, against the same op prepared for the reference: bit for
// bit, with the fast kernel named (the forced path really ran). Also the row form itself: the merges the
// header promises.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kernels/ops/elementwise/broadcast_rows.h"
#include "tests/support/fast_isa.h"
#include "tests/support/op_harness.h"

using eb::DType;
using eb::Isa;
using eb::OpCode;
using eb::Shape;
using eb::testing::OpHarness;
using eb::testing::qparams;

namespace {

eb::BroadcastRows rows_of(const Shape& a, const Shape& b) {
  Shape out;
  EXPECT_TRUE(eb::broadcast_shapes(a, b, &out));
  return eb::make_broadcast_rows(eb::make_broadcast_geometry(a, b, out));
}

TEST(BroadcastRows, MergesWhereBothOperandsWalkAlike) {
  eb::BroadcastRows r = rows_of({1, 4, 5, 3}, {1, 4, 5, 3});
  EXPECT_EQ(r.rows, 1);
  EXPECT_EQ(r.n, 60);
  EXPECT_EQ(r.a_inc, 1u);
  EXPECT_EQ(r.b_inc, 1u);

  r = rows_of({1, 4, 5, 3}, {1});  // scalar
  EXPECT_EQ(r.rows, 1);
  EXPECT_EQ(r.n, 60);
  EXPECT_EQ(r.b_inc, 0u);

  r = rows_of({1, 4, 5, 3}, {3});  // per-channel constant: H*W rows, b restarts on each
  EXPECT_EQ(r.rows, 20);
  EXPECT_EQ(r.n, 3);
  EXPECT_EQ(r.outer, 1);
  EXPECT_EQ(r.a_strides[0], 3);
  EXPECT_EQ(r.b_strides[0], 0);

  r = rows_of({2, 4, 5, 3}, {2, 1, 1, 3});  // squeeze-and-excitation: N, then H*W merged
  EXPECT_EQ(r.rows, 40);
  EXPECT_EQ(r.n, 3);
  ASSERT_EQ(r.outer, 2);
  EXPECT_EQ(r.dims[0], 2);
  EXPECT_EQ(r.dims[1], 20);
  EXPECT_EQ(r.b_strides[0], 3);
  EXPECT_EQ(r.b_strides[1], 0);

  r = rows_of({1, 4, 5, 3}, {1, 4, 5, 1});  // one value per pixel
  EXPECT_EQ(r.rows, 20);
  EXPECT_EQ(r.n, 3);
  EXPECT_EQ(r.a_inc, 1u);
  EXPECT_EQ(r.b_inc, 0u);
  EXPECT_EQ(r.b_strides[0], 1);

  r = rows_of({4, 1}, {1, 4});  // outer product
  EXPECT_EQ(r.rows, 4);
  EXPECT_EQ(r.n, 4);
  EXPECT_EQ(r.a_inc, 0u);
  EXPECT_EQ(r.b_inc, 1u);

  r = rows_of({1, 1}, {1});  // one element
  EXPECT_EQ(r.rows, 1);
  EXPECT_EQ(r.n, 1);
}

struct Case {
  Shape a, b;
};

// Random shape pairs (at most ~40K output elements) plus the layouts real models have, some large
// enough to split over threads by rows and inside a row.
std::vector<Case> shape_cases() {
  std::vector<Case> cases = {
      {{1, 64, 64, 32}, {32}},
      {{1, 32, 32, 72}, {1, 1, 1, 72}},
      {{2, 16, 16, 24}, {2, 1, 1, 24}},
      {{1, 48, 48, 40}, {1, 48, 48, 1}},
      {{1, 300000}, {1}},
      {{1}, {1, 70001}},
      {{17, 1}, {1, 33}},
      {{1, 7, 7, 1}, {1, 7, 7, 1}},
      {{3}, {3}},
  };
  std::mt19937 rng(41);
  const int32_t sizes[] = {1, 2, 3, 5, 8, 15, 16, 17, 33};
  while (cases.size() < 60) {
    const int rank = std::uniform_int_distribution<int>(1, 5)(rng);
    Shape a, b;
    int64_t elements = 1;
    for (int k = 0; k < rank; ++k) {
      const int32_t d = sizes[std::uniform_int_distribution<int>(0, 8)(rng)];
      const int side = std::uniform_int_distribution<int>(0, 3)(rng);  // 0: both full, 1: a only, 2: b only, 3: both 1
      a.push_back(side <= 1 ? d : 1);
      b.push_back(side == 0 || side == 2 ? d : 1);
      elements *= side == 3 ? 1 : d;
    }
    if (elements > 40000) continue;
    // Lower ranks: drop leading dimensions of one operand (NumPy pads them with 1s).
    const int drop = std::uniform_int_distribution<int>(0, rank - 1)(rng);
    if (std::uniform_int_distribution<int>(0, 1)(rng)) {
      a.erase(a.begin(), a.begin() + drop);
    } else {
      b.erase(b.begin(), b.begin() + drop);
    }
    cases.push_back({a, b});
  }
  return cases;
}

std::string str(const Shape& s) {
  std::string r = "[";
  for (size_t i = 0; i < s.size(); ++i) r += (i ? "," : "") + std::to_string(s[i]);
  return r + "]";
}

int64_t elements(const Shape& s) {
  int64_t n = 1;
  for (int32_t d : s) n *= d;
  return n;
}

const char* op_prefix(OpCode op) { return op == OpCode::kAdd ? "add_" : op == OpCode::kSub ? "sub_" : "mul_"; }

class ElementwiseBroadcastFast : public eb::testing::FastIsaTest {};

TEST_P(ElementwiseBroadcastFast, FloatMatchesReferenceOnEveryBroadcast) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> d(-4.0f, 4.0f);
  int tested = 0;
  for (const Case& c : shape_cases())
    for (OpCode op : {OpCode::kAdd, OpCode::kSub, OpCode::kMul}) {
      std::vector<float> a(static_cast<size_t>(elements(c.a))), b(static_cast<size_t>(elements(c.b)));
      for (float& x : a) x = d(rng);
      for (float& x : b) x = d(rng);
      const eb::Activation act = tested % 3 == 0 ? eb::Activation::kRelu6 : eb::Activation::kNone;
      auto build = [&](OpHarness& h) {
        h.add_input(DType::kFloat32, c.a, a);
        h.add_input(DType::kFloat32, c.b, b);
        h.node().options.activation = act;
        return h.add_output(DType::kFloat32);
      };
      OpHarness ref(op);
      const int ro = build(ref);
      ref.set_isa(Isa::kReference);
      ASSERT_TRUE(ref.prepare_and_run().ok());
      for (int threads = 1; threads <= 3; ++threads) {
        OpHarness fast(op);
        const int fo = build(fast);
        fast.set_isa(GetParam());
        fast.set_threads(threads);
        ASSERT_TRUE(fast.prepare_and_run().ok());
        const std::string name = fast.prepared()->kernel_name();
        EXPECT_EQ(name, std::string(op_prefix(op)) + "f32_vbinary_" + eb::testing::plain_isa_suffix(GetParam()));
        ASSERT_EQ(fast.output<float>(fo), ref.output<float>(ro))
            << name << " " << str(c.a) << " x " << str(c.b) << " threads " << threads;
        ++tested;
      }
    }
  EXPECT_GE(tested, 500);
}

template <typename T>
void check_quantized(Isa isa, DType dt) {
  constexpr bool kUnsigned = static_cast<T>(-1) > 0;
  const int lo = kUnsigned ? 0 : -128, hi = kUnsigned ? 255 : 127;
  std::mt19937 rng(kUnsigned ? 9 : 8);
  std::uniform_int_distribution<int> value(lo, hi);
  std::uniform_real_distribution<float> scale(0.004f, 0.08f);
  int tested = 0;
  for (const Case& c : shape_cases())
    for (OpCode op : {OpCode::kAdd, OpCode::kSub, OpCode::kMul}) {
      std::vector<T> a(static_cast<size_t>(elements(c.a))), b(static_cast<size_t>(elements(c.b)));
      for (T& x : a) x = static_cast<T>(value(rng));
      for (T& x : b) x = static_cast<T>(value(rng));
      a[0] = static_cast<T>(lo), b[b.size() - 1] = static_cast<T>(hi);  // the type's ends
      // Zero points anywhere in the type (the ends included), scales whose ratios XNNPACK takes; an output
      // scale for MUL near a*b so results span the range and saturate at times.
      const float sa = scale(rng), sb = scale(rng);
      const float so = op == OpCode::kMul ? sa * sb * std::uniform_real_distribution<float>(20.0f, 400.0f)(rng)
                                          : (sa + sb) * std::uniform_real_distribution<float>(0.3f, 1.2f)(rng);
      const eb::Quantization qa = qparams(sa, tested % 5 == 0 ? lo : value(rng));
      const eb::Quantization qb = qparams(sb, tested % 7 == 0 ? hi : value(rng));
      const eb::Quantization qo = qparams(so, value(rng));
      const eb::Activation act = tested % 4 == 0 ? eb::Activation::kRelu : eb::Activation::kNone;
      auto build = [&](OpHarness& h) {
        h.add_input(dt, c.a, a, qa);
        h.add_input(dt, c.b, b, qb);
        h.node().options.activation = act;
        return h.add_output(dt, qo);
      };
      OpHarness ref(op);
      const int ro = build(ref);
      ref.set_isa(Isa::kReference);
      ASSERT_TRUE(ref.prepare_and_run().ok());
      const std::string ref_name = ref.prepared()->kernel_name();
      ASSERT_NE(ref_name.find("xnnpack_ref"), ref_name.find("fp32_ref")) << ref_name;  // the scheme with a fast kernel
      for (int threads = 1; threads <= 3; ++threads) {
        OpHarness fast(op);
        const int fo = build(fast);
        fast.set_isa(isa);
        fast.set_threads(threads);
        ASSERT_TRUE(fast.prepare_and_run().ok());
        const std::string name = fast.prepared()->kernel_name();
        const std::string want = std::string(op_prefix(op)) + (kUnsigned ? "qu8_" : "qs8_") +
                                 (op == OpCode::kMul ? "vmul_" : "vadd_") + eb::testing::plain_isa_suffix(isa);
        EXPECT_EQ(name, want);
        ASSERT_EQ(fast.output<T>(fo), ref.output<T>(ro)) << name << " " << str(c.a) << " x " << str(c.b) << " threads "
                                                         << threads << " scales " << sa << "/" << sb << "/" << so;
        ++tested;
      }
    }
  EXPECT_GE(tested, 500);
}

// ADD and SUB whose scales XNNPACK does not take run TFLite's fixed-point arithmetic; the fast path looks
// the results up in a table the reference kernel filled (add_q8_lut.cc): the same bytes on every broadcast.
template <typename T>
void check_tflite_scheme(Isa isa, DType dt) {
  constexpr bool kUnsigned = static_cast<T>(-1) > 0;
  const int lo = kUnsigned ? 0 : -128, hi = kUnsigned ? 255 : 127;
  std::mt19937 rng(kUnsigned ? 19 : 18);
  std::uniform_int_distribution<int> value(lo, hi);
  int tested = 0, cyclic = 0, with_table = 0;
  std::vector<Case> cases = shape_cases();
  cases.push_back({{1, 192, 192, 3}, {1, 1, 1, 3}});  // MoveNet's input SUB
  cases.push_back({{5}, {2, 3, 5}});                 // the cyclic operand first
  // The table is built from kAddQ8LutMinElements outputs (smaller ones keep the reference): large
  // cases of each walk -- same shapes, a per-channel constant either side, rows, a scalar, both broadcast.
  cases.push_back({{1, 64, 64, 8}, {1, 64, 64, 8}});
  cases.push_back({{1, 64, 64, 8}, {1, 1, 1, 8}});
  cases.push_back({{8}, {4, 32, 32, 8}});
  cases.push_back({{2, 128, 96}, {2, 128, 1}});
  cases.push_back({{1}, {3, 100, 70}});
  cases.push_back({{1, 64, 1, 9}, {1, 1, 64, 9}});
  for (const Case& c : cases)
    for (OpCode op : {OpCode::kAdd, OpCode::kSub}) {
      std::vector<T> a(static_cast<size_t>(elements(c.a))), b(static_cast<size_t>(elements(c.b)));
      for (T& x : a) x = static_cast<T>(value(rng));
      for (T& x : b) x = static_cast<T>(value(rng));
      // a's scale over the output's above 2^8: outside XNNPACK's ratios.
      const float sb = std::uniform_real_distribution<float>(0.0005f, 0.002f)(rng);
      const float so = sb * std::uniform_real_distribution<float>(1.0f, 3.0f)(rng);
      const float sa = so * std::uniform_real_distribution<float>(300.0f, 900.0f)(rng);
      const eb::Quantization qa = qparams(sa, value(rng)), qb = qparams(sb, value(rng)), qo = qparams(so, value(rng));
      const eb::Activation act = tested % 3 == 0 ? eb::Activation::kRelu : eb::Activation::kNone;
      auto build = [&](OpHarness& h) {
        h.add_input(dt, c.a, a, qa);
        h.add_input(dt, c.b, b, qb);
        h.node().options.activation = act;
        return h.add_output(dt, qo);
      };
      OpHarness ref(op);
      const int ro = build(ref);
      ref.set_isa(Isa::kReference);
      ASSERT_TRUE(ref.prepare_and_run().ok());
      ASSERT_NE(std::string(ref.prepared()->kernel_name()).find("tflite_ref"), std::string::npos);
      OpHarness fast(op);
      const int fo = build(fast);
      fast.set_isa(isa);
      fast.set_threads(1 + tested % 2);
      ASSERT_TRUE(fast.prepare_and_run().ok());
      const std::string name = fast.prepared()->kernel_name();
      if (elements(fast.tensor(fo).shape) >= static_cast<int64_t>(eb::kAddQ8LutMinElements)) {
        EXPECT_TRUE(name == std::string(op_prefix(op)) + "q8_tflite_lut" || name == std::string(op_prefix(op)) + "q8_tflite_lut_cyclic")
            << name;
        ++with_table;
      } else {
        EXPECT_NE(name.find("tflite_ref"), std::string::npos) << name;
      }
      cyclic += name.find("cyclic") != std::string::npos;
      ASSERT_EQ(fast.output<T>(fo), ref.output<T>(ro)) << str(c.a) << " x " << str(c.b) << " scales " << sa << "/" << sb
                                                       << "/" << so;
      ++tested;
    }
  EXPECT_GE(tested, 100);
  EXPECT_GE(cyclic, 4);  // per-channel constants (and their mirror) took the cyclic loop
  EXPECT_GE(with_table, 14);
}

TEST_P(ElementwiseBroadcastFast, TfliteScheme8BitMatchesReferenceOnEveryBroadcast) {
  check_tflite_scheme<int8_t>(GetParam(), DType::kInt8);
  check_tflite_scheme<uint8_t>(GetParam(), DType::kUInt8);
}

TEST_P(ElementwiseBroadcastFast, Int8MatchesReferenceOnEveryBroadcast) {
  check_quantized<int8_t>(GetParam(), DType::kInt8);
}
TEST_P(ElementwiseBroadcastFast, Uint8MatchesReferenceOnEveryBroadcast) {
  check_quantized<uint8_t>(GetParam(), DType::kUInt8);
}

// MUL with a scale product outside XNNPACK's limits takes TFLite's fixed-point scheme: the reference.
TEST_P(ElementwiseBroadcastFast, MulOutsideXnnpackLimitsKeepsTheFixedPointReference) {
  OpHarness h(OpCode::kMul);
  h.add_input(DType::kInt8, {1, 40}, std::vector<int8_t>(40, 3), qparams(1.0f, 0));
  h.add_input(DType::kInt8, {1, 40}, std::vector<int8_t>(40, 5), qparams(1.0f, 0));
  h.add_output(DType::kInt8, qparams(1.0f / 512.0f, 0));  // a*b/out = 512 >= 256
  h.set_isa(GetParam());
  ASSERT_TRUE(h.prepare().ok());
  EXPECT_EQ(std::string(h.prepared()->kernel_name()), "mul_int8_fixed_point_ref");
}

INSTANTIATE_TEST_SUITE_P(Isas, ElementwiseBroadcastFast, ::testing::ValuesIn(eb::testing::fast_isas()),
                         eb::testing::isa_test_name);

}  // namespace
