// TRANSPOSE_CONV: the scatter against a direct formula (SAME/VALID, strides, bias, activation), the
// int8 per-channel and uint8 requantized paths, refusals of inconsistent shapes.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "tests/support/op_harness.h"

using eb::Activation;
using eb::DType;
using eb::OpCode;
using eb::Padding;
using eb::Quantization;
using eb::Shape;
using eb::testing::OpHarness;
using eb::testing::qparams;

namespace {

TEST(TransposeConv, ValidStride2ScattersEachPixel) {
  // 1x2x2x1 input, 2x2 filter of ones, stride 2, VALID: each input pixel fills its own 2x2 block.
  OpHarness h(OpCode::kTransposeConv);
  h.add_constant(DType::kInt32, {4}, std::vector<int32_t>{1, 4, 4, 1});
  h.add_constant(DType::kFloat32, {1, 2, 2, 1}, std::vector<float>{1, 2, 3, 4});
  h.add_input(DType::kFloat32, {1, 2, 2, 1}, std::vector<float>{1, 10, 100, 1000});
  const int out = h.add_output(DType::kFloat32);
  h.node().options.padding = Padding::kValid;
  h.node().options.stride_h = h.node().options.stride_w = 2;
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.tensor(out).shape, (Shape{1, 4, 4, 1}));
  EXPECT_EQ(h.output<float>(out), (std::vector<float>{1, 2, 10, 20, 3, 4, 30, 40, 100, 200, 1000, 2000, 300, 400,
                                                      3000, 4000}));
}

TEST(TransposeConv, SameStride1WithBiasAndRelu) {
  // 1x1x3x1 input, 1x3 filter [1, 2, 3], stride 1, SAME (pad 1): out[x] = sum_f in[x + 1 - f] * w[f].
  OpHarness h(OpCode::kTransposeConv);
  h.add_constant(DType::kInt32, {4}, std::vector<int32_t>{1, 1, 3, 1});
  h.add_constant(DType::kFloat32, {1, 1, 3, 1}, std::vector<float>{1, 2, 3});
  h.add_input(DType::kFloat32, {1, 1, 3, 1}, std::vector<float>{1, -4, 2});
  h.add_constant(DType::kFloat32, {1}, std::vector<float>{0.5f});
  const int out = h.add_output(DType::kFloat32);
  h.node().options.padding = Padding::kSame;
  h.node().options.activation = Activation::kRelu;
  ASSERT_TRUE(h.prepare_and_run().ok());
  // in[0]*w1 + in[1]*w0 = 2 - 4 = -2; in[0]*w2 + in[1]*w1 + in[2]*w0 = 3 - 8 + 2 = -3; in[1]*w2 + in[2]*w1 = -8.
  EXPECT_EQ(h.output<float>(out), (std::vector<float>{0.0f, 0.0f, 0.0f}));
  h.node().options.activation = Activation::kNone;
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.output<float>(out), (std::vector<float>{-1.5f, -2.5f, -7.5f}));
}

TEST(TransposeConv, Int8PerChannel) {
  // Two output channels with weight scales 0.5 and 0.25; input (x - 1) * 0.5; output scale 0.25, zp -1.
  OpHarness h(OpCode::kTransposeConv);
  h.add_constant(DType::kInt32, {4}, std::vector<int32_t>{1, 1, 1, 2});
  Quantization wq;
  wq.scale = {0.5f, 0.25f};
  wq.zero_point = {0, 0};
  wq.axis = 0;
  h.add_constant(DType::kInt8, {2, 1, 1, 1}, std::vector<int8_t>{4, -8}, wq);
  h.add_input(DType::kInt8, {1, 1, 1, 1}, std::vector<int8_t>{3}, qparams(0.5f, 1));
  Quantization bq;
  bq.scale = {0.25f, 0.125f};
  bq.zero_point = {0, 0};
  h.add_constant(DType::kInt32, {2}, std::vector<int32_t>{4, 0}, bq);
  const int out = h.add_output(DType::kInt8, qparams(0.25f, -1));
  ASSERT_TRUE(h.prepare_and_run().ok());
  // ch0: (2 * 4 + 4) * 0.25 = 3.0 -> 12 - 1 = 11; ch1: (2 * -8) * 0.125 = -2.0 -> -8 - 1 = -9.
  EXPECT_EQ(h.output<int8_t>(out), (std::vector<int8_t>{11, -9}));
  EXPECT_STREQ(h.prepared()->kernel_name(), "transpose_conv_qs8_ref");
}

TEST(TransposeConv, Uint8WithFilterZeroPoint) {
  // x = (130 - 128) * 0.5 = 1, w = (10 - 8) * 0.25 = 0.5 and (4 - 8) * 0.25 = -1 on a 1x2 filter,
  // stride 1 VALID over a 1x2 output: out = (0.5, -1), in steps of 0.125 around zp 100 -> (104, 92).
  OpHarness h(OpCode::kTransposeConv);
  h.add_constant(DType::kInt32, {4}, std::vector<int32_t>{1, 1, 2, 1});
  h.add_constant(DType::kUInt8, {1, 1, 2, 1}, std::vector<uint8_t>{10, 4}, qparams(0.25f, 8));
  h.add_input(DType::kUInt8, {1, 1, 1, 1}, std::vector<uint8_t>{130}, qparams(0.5f, 128));
  const int out = h.add_output(DType::kUInt8, qparams(0.125f, 100));
  h.node().options.padding = Padding::kValid;
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.output<uint8_t>(out), (std::vector<uint8_t>{104, 92}));
  EXPECT_STREQ(h.prepared()->kernel_name(), "transpose_conv_qu8_ref");
}

TEST(TransposeConv, HybridQuantizesEachBatchItem) {
  // A 1x1 filter over 2 input channels, weights 0.5 * (2, 4) = (1, 2). Batch item 0 = (2, -1), quantized
  // asymmetrically over [-1, 2]: 2 * 1 - 1 * 2 = 0 up to its rounding, plus the bias. Item 1 is all zero
  // (scale 1, offset 0): exactly the bias.
  OpHarness h(OpCode::kTransposeConv);
  h.add_constant(DType::kInt32, {4}, std::vector<int32_t>{2, 1, 1, 1});
  h.add_constant(DType::kInt8, {1, 1, 1, 2}, std::vector<int8_t>{2, 4}, qparams(0.5f, 0));
  h.add_input(DType::kFloat32, {2, 1, 1, 2}, std::vector<float>{2.0f, -1.0f, 0.0f, 0.0f});
  h.add_constant(DType::kFloat32, {1}, std::vector<float>{0.25f});
  const int out = h.add_output(DType::kFloat32);
  h.node().options.padding = Padding::kValid;
  ASSERT_TRUE(h.prepare_and_run().ok());
  const std::vector<float> y = h.output<float>(out);
  EXPECT_NEAR(y[0], 2.0f * 1.0f - 1.0f * 2.0f + 0.25f, 0.02f);
  EXPECT_EQ(y[1], 0.25f);
  EXPECT_STREQ(h.prepared()->kernel_name(), "transpose_conv_hybrid_ref");
}

TEST(TransposeConv, Refusals) {
  auto prep = [](std::vector<int32_t> out_shape, Shape w_shape, Shape in_shape, bool const_shape) {
    OpHarness h(OpCode::kTransposeConv);
    if (const_shape)
      h.add_constant(DType::kInt32, {static_cast<int32_t>(out_shape.size())}, out_shape);
    else
      h.add_input(DType::kInt32, {static_cast<int32_t>(out_shape.size())}, out_shape);
    h.add_constant(DType::kFloat32, w_shape, std::vector<float>(64, 0.0f));
    h.add_input(DType::kFloat32, in_shape, std::vector<float>(64, 0.0f));
    h.add_output(DType::kFloat32);
    return h.prepare();
  };
  EXPECT_TRUE(prep({1, 4, 4, 2}, {2, 3, 3, 1}, {1, 4, 4, 1}, true).ok());
  EXPECT_FALSE(prep({1, 4, 4, 2}, {2, 3, 3, 1}, {1, 4, 4, 1}, false).ok());  // output shape at run time
  EXPECT_FALSE(prep({1, 4, 4, 3}, {2, 3, 3, 1}, {1, 4, 4, 1}, true).ok());   // channels vs filter
  EXPECT_FALSE(prep({1, 4, 4, 2}, {2, 3, 3, 2}, {1, 4, 4, 1}, true).ok());   // filter input channels
  EXPECT_FALSE(prep({2, 4, 4, 2}, {2, 3, 3, 1}, {1, 4, 4, 1}, true).ok());   // batch
  EXPECT_FALSE(prep({1, 0, 4, 2}, {2, 3, 3, 1}, {1, 4, 4, 1}, true).ok());   // empty output
  EXPECT_FALSE(prep({1, 4, 4}, {2, 3, 3, 1}, {1, 4, 4, 1}, true).ok());      // 3 elements
  EXPECT_FALSE(prep({1, 4, 4, 2}, {2, 3, 3}, {1, 4, 4, 1}, true).ok());      // 3-D filter
  // A hostile stride: taps land far outside the output and are dropped, without overflow.
  OpHarness h(OpCode::kTransposeConv);
  h.add_constant(DType::kInt32, {4}, std::vector<int32_t>{1, 2, 2, 1});
  h.add_constant(DType::kFloat32, {1, 1, 1, 1}, std::vector<float>{1});
  h.add_input(DType::kFloat32, {1, 3, 3, 1}, std::vector<float>(9, 1.0f));
  const int out = h.add_output(DType::kFloat32);
  h.node().options.stride_h = h.node().options.stride_w = 2000000000;
  ASSERT_TRUE(h.prepare_and_run().ok());
  EXPECT_EQ(h.output<float>(out), (std::vector<float>{1, 0, 0, 0}));
}

}  // namespace
