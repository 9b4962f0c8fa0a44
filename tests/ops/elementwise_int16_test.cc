// int16 (16x8 mode) ADD / SUB / MUL: TFLite's general int16 path, with the rounding of LiteRT's x86 NEON
// body on the flat ADD (values checked against LiteRT 2.21, see elementwise.h) and its scalar loop
// elsewhere.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "kernels/ops/elementwise/elementwise.h"
#include "tests/support/op_harness.h"

namespace eb::testing {
namespace {

// The scales of tests/op_models/int16/add-int16 (a, b, output).
constexpr float kAs = 9.15546843316406e-05f, kBs = 3.05177818518132e-05f, kOs = 0.00012051899102516472f;

TEST(Int16Elementwise, AddParamsAreTflites) {
  const AddQs16Params p = make_add_qs16_params(kAs, 0, kBs, 0, kOs, 0, -32768, 32767, false);
  // a's ratio is 1/2 exactly; b's 1/6 and the output's 2*kAs/(2^15*kOs), QuantizeMultiplier'd.
  EXPECT_EQ(p.a_multiplier.multiplier, 1073741824);
  EXPECT_EQ(p.a_multiplier.shift, 0);
  EXPECT_EQ(p.b_multiplier.multiplier, 1431634831);
  EXPECT_EQ(p.b_multiplier.shift, -2);
  EXPECT_EQ(p.out_multiplier.multiplier, 1631379302);
  EXPECT_EQ(p.out_multiplier.shift, -14);
}

TEST(Int16Elementwise, ScalarAndNeonRoundingsDifferOnTies) {
  const AddQs16Params p = make_add_qs16_params(kAs, 0, kBs, 0, kOs, 0, -32768, 32767, false);
  // 16410*kAs + 19897*kBs = 17504.4999...*kOs: the scalar loop rounds b's rescaling twice
  // (108662560.396 -> 434650242/4 -> 108662561) and ends on a tie rounded up; the NEON body rounds it
  // once (108662560). LiteRT gave 17504 in its body, 17505 in its tail.
  EXPECT_EQ(add_qs16_scalar(p, 16410, 19897), 17505);
  EXPECT_EQ(add_qs16_neon_lane(p, 16410, 19897), 17504);
  // Far from ties both agree: (100*kAs + 300*kBs) / kOs = 151.93 (a: 100*2^14 = 1638400, b: 1638399;
  // 3276799 * 1631379302 / 2^31 / 2^14 = 151.93).
  EXPECT_EQ(add_qs16_scalar(p, 100, 300), add_qs16_neon_lane(p, 100, 300));
  EXPECT_EQ(add_qs16_scalar(p, 100, 300), 152);
}

TEST(Int16Elementwise, FlatAddTakesNeonBodyOnSixteensAndScalarTail) {
  OpHarness h(OpCode::kAdd);
  std::vector<int16_t> a(17, 0), b(17, 0);
  a[0] = a[16] = 16410;
  b[0] = b[16] = 19897;
  h.add_input(DType::kInt16, {1, 17}, a, qparams(kAs, 0));
  h.add_input(DType::kInt16, {1, 17}, b, qparams(kBs, 0));
  const int o = h.add_output(DType::kInt16, qparams(kOs, 0));
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_STREQ(h.prepared()->kernel_name(), "add_qs16_ref");
  const auto y = h.output<int16_t>(o);
  EXPECT_EQ(y[0], 17504);   // body
  EXPECT_EQ(y[16], 17505);  // tail
  EXPECT_EQ(y[5], 0);
}

TEST(Int16Elementwise, BroadcastAddIsScalarAndRelu) {
  // TFLite's broadcast int16 ADD is its reference loop: the scalar rounding at every position.
  OpHarness h(OpCode::kAdd);
  h.node().options.activation = Activation::kRelu;
  std::vector<int16_t> a(20, 16410);
  a[1] = -20000;
  h.add_input(DType::kInt16, {1, 20}, a, qparams(kAs, 0));
  h.add_input(DType::kInt16, {1, 1}, std::vector<int16_t>{19897}, qparams(kBs, 0));
  const int o = h.add_output(DType::kInt16, qparams(kOs, 0));
  ASSERT_TRUE(h.prepare_and_run().ok());
  const auto y = h.output<int16_t>(o);
  EXPECT_EQ(y[0], 17505);
  EXPECT_EQ(y[1], 0);  // -20000*kAs + 19897*kBs < 0, clamped by RELU
  EXPECT_EQ(y[19], 17505);
}

TEST(Int16Elementwise, SubIsScalarEverywhere) {
  // SubElementwiseInt16 has no NEON body: even position 0 of a flat SUB rounds like the scalar ADD.
  OpHarness h(OpCode::kSub);
  h.add_input(DType::kInt16, {16}, std::vector<int16_t>(16, 16410), qparams(kAs, 0));
  h.add_input(DType::kInt16, {16}, std::vector<int16_t>(16, -19897), qparams(kBs, 0));
  const int o = h.add_output(DType::kInt16, qparams(kOs, 0));
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_STREQ(h.prepared()->kernel_name(), "add_qs16_ref(sub)");
  for (int16_t v : h.output<int16_t>(o)) EXPECT_EQ(v, 17505);
}

TEST(Int16Elementwise, MulFixedPointAndSaturation) {
  // 0.001 * 0.002 / 0.004 = 0.0005: 1000 * -3000 -> -1500, 32767^2 * 0.0005 saturates, 3 * 1 -> 0.0015 -> 0.
  OpHarness h(OpCode::kMul);
  h.add_input(DType::kInt16, {3}, std::vector<int16_t>{1000, 32767, 3}, qparams(0.001f, 0));
  h.add_input(DType::kInt16, {3}, std::vector<int16_t>{-3000, 32767, 1}, qparams(0.002f, 0));
  const int o = h.add_output(DType::kInt16, qparams(0.004f, 0));
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_STREQ(h.prepared()->kernel_name(), "mul_qs16_ref");
  EXPECT_EQ(h.output<int16_t>(o), (std::vector<int16_t>{-1500, 32767, 0}));
}

TEST(Int16Elementwise, MulBroadcastRelu6) {
  // scales 2^-10: a*b*2^-20 / 2^-10 = a*b/1024, RELU6 clamps at 6/2^-10 = 6144.
  OpHarness h(OpCode::kMul);
  h.node().options.activation = Activation::kRelu6;
  h.add_input(DType::kInt16, {2, 2}, std::vector<int16_t>{1024, -1024, 4096, 512}, qparams(1.0f / 1024, 0));
  h.add_input(DType::kInt16, {2}, std::vector<int16_t>{3072, 10240}, qparams(1.0f / 1024, 0));
  const int o = h.add_output(DType::kInt16, qparams(1.0f / 1024, 0));
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.output<int16_t>(o), (std::vector<int16_t>{3072, 0, 6144, 5120}));
}

TEST(Int16Elementwise, RefusesNonzeroZeroPointOnAddAndMul) {
  for (OpCode op : {OpCode::kAdd, OpCode::kMul}) {
    OpHarness h(op);
    h.add_input(DType::kInt16, {2}, std::vector<int16_t>{1, 2}, qparams(0.01f, 3));
    h.add_input(DType::kInt16, {2}, std::vector<int16_t>{1, 2}, qparams(0.01f, 0));
    h.add_output(DType::kInt16, qparams(0.02f, 0));
    const Status s = h.prepare();
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.message().find("zero points 0"), std::string::npos) << s.message();
  }
}

TEST(Int16Elementwise, PotKernelShiftsOneInput) {
  // TFLite's power-of-two path: b on twice a's scale... here a is divided by 2 (rounding half away).
  BroadcastGeometry g = make_broadcast_geometry({4}, {4}, {4});
  AddQs16PotParams p;
  p.a_right_shift = 1;
  const std::vector<int16_t> a{3, -3, 5, 32767}, b{10, 10, -10, 32767};
  std::vector<int16_t> out(4);
  add_qs16_pot_ref(g, p, a.data(), b.data(), out.data());
  EXPECT_EQ(out, (std::vector<int16_t>{12, 8, -7, 32767}));
  int l = 0;
  EXPECT_TRUE(scale_is_pot(1.0f / 32767, &l));
  EXPECT_EQ(l, -15);
  EXPECT_FALSE(scale_is_pot(3.0f / 32767, &l));
}

}  // namespace
}  // namespace eb::testing
