// RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR. No shared model uses them, so the expected values are
// derived by hand from TFLite's definitions (reference_ops::ResizeBilinear / ComputeInterpolationValues,
// ResizeBilinearInteger with its 10-bit fixed point, GetNearestNeighbor); each derivation is in a comment.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "tests/support/op_harness.h"

namespace eb::testing {
namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

template <typename T>
std::vector<T> resize(OpCode op, DType dtype, const Shape& in_shape, const std::vector<T>& x, int32_t new_h,
                      int32_t new_w, bool align_corners, bool half_pixel_centers, Shape* out_shape = nullptr,
                      Quantization q = {}, std::string* kernel = nullptr) {
  OpHarness h(op);
  h.add_input(dtype, in_shape, x, q);
  h.add_constant(DType::kInt32, {2}, std::vector<int32_t>{new_h, new_w});
  int out = h.add_output(dtype, q);
  h.node().options.align_corners = align_corners;
  h.node().options.half_pixel_centers = half_pixel_centers;
  Status s = h.prepare_and_run();
  EXPECT_TRUE(s.ok()) << s.message();
  if (!s.ok()) return {};
  if (out_shape) *out_shape = h.tensor(out).shape;
  if (kernel) *kernel = h.prepared()->kernel_name();
  return h.output<T>(out);
}

void expect_near(const std::vector<float>& got, const std::vector<float>& want, float tol) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tol) << "at " << i;
}

// ---------------------------------------------------------------- bilinear, float

TEST(ResizeBilinear, Float2x2To3x3) {
  // scale = 2/3. Rows: y=0 -> src 0 (y0=y1=0); y=1 -> src 2/3 (y0=0, y1=1, dy=2/3);
  // y=2 -> src 4/3 (y0=1, y1=min(2,1)=1: all weight on row 1). Columns alike.
  //   out[0] = 1, 1*(1/3)+2*(2/3) = 5/3, 2
  //   out[1] = 1*(1/3)+3*(2/3) = 7/3, (1*1 + 3*2 + 2*2 + 4*4)/9 = 3, 2*(1/3)+4*(2/3) = 10/3
  //   out[2] = 3, 3*(1/3)+4*(2/3) = 11/3, 4
  Shape shape;
  std::string kernel;
  auto y = resize<float>(OpCode::kResizeBilinear, DType::kFloat32, {1, 2, 2, 1}, {1, 2, 3, 4}, 3, 3, false, false,
                         &shape, {}, &kernel);
  EXPECT_EQ(shape, (Shape{1, 3, 3, 1}));
  EXPECT_EQ(kernel, "resize_bilinear_float32_ref");
  expect_near(y, {1, 5.f / 3, 2, 7.f / 3, 3, 10.f / 3, 3, 11.f / 3, 4}, 1e-6f);
}

TEST(ResizeBilinear, FloatAlignCorners) {
  // align_corners: scale = (2-1)/(3-1) = 0.5, so src = 0, 0.5, 1 on both axes: the corners are kept.
  auto y = resize<float>(OpCode::kResizeBilinear, DType::kFloat32, {1, 2, 2, 1}, {1, 2, 3, 4}, 3, 3, true, false);
  expect_near(y, {1, 1.5f, 2, 2, 2.5f, 3, 3, 3.5f, 4}, 1e-6f);
}

TEST(ResizeBilinear, FloatHalfPixelCenters) {
  // Width 2 -> 4, scale 0.5, src = (x + 0.5) * 0.5 - 0.5 = -0.25, 0.25, 0.75, 1.25:
  //   x=0: x0 = max(floor(-0.25), 0) = 0, x1 = min(ceil(-0.25), 1) = 0 -> 0
  //   x=1: x0=0, x1=1, dx=0.25 -> 0*0.75 + 8*0.25 = 2;   x=2: dx=0.75 -> 6
  //   x=3: x0=1, x1=min(2,1)=1 -> 8.   Height 1 -> 1: src = 0.5 - 0.5 = 0.
  auto y = resize<float>(OpCode::kResizeBilinear, DType::kFloat32, {1, 1, 2, 1}, {0, 8}, 1, 4, false, true);
  expect_near(y, {0, 2, 6, 8}, 1e-6f);
}

TEST(ResizeBilinear, FloatDownscaleTakesTopLeftSamples) {
  // 4 -> 2 without flags: scale 2, src = 0, 2 exactly, so columns 0 and 2 (rows alike) are sampled.
  auto y = resize<float>(OpCode::kResizeBilinear, DType::kFloat32, {1, 2, 4, 1}, {1, 2, 3, 4, 5, 6, 7, 8}, 1, 2,
                         false, false);
  expect_near(y, {1, 3}, 0.0f);
}

TEST(ResizeBilinear, FloatBatchAndChannelsMatchDefinition) {
  // Batch 2, 3 channels, 3x2 -> 5x4, every flag combination TFLite allows: against a double loop of the
  // definition (same coordinates, evaluated in double).
  const int B = 2, H = 3, W = 2, C = 3, OH = 5, OW = 4;
  std::vector<float> x(static_cast<size_t>(B * H * W * C));
  for (size_t i = 0; i < x.size(); ++i) x[i] = std::sin(static_cast<float>(i) * 0.7f) * 10.0f;
  for (int mode = 0; mode < 3; ++mode) {
    const bool align = mode == 1, half = mode == 2;
    Shape shape;
    auto y = resize<float>(OpCode::kResizeBilinear, DType::kFloat32, {B, H, W, C}, x, OH, OW, align, half, &shape);
    ASSERT_EQ(shape, (Shape{B, OH, OW, C}));
    auto coord = [&](int v, int in, int out, int* lo, int* hi) {
      const double scale = align && out > 1 ? static_cast<double>(in - 1) / (out - 1) : static_cast<double>(in) / out;
      const double src = half ? (v + 0.5) * scale - 0.5 : v * scale;
      *lo = std::max(static_cast<int>(std::floor(src)), 0);
      *hi = std::min(static_cast<int>(std::ceil(src)), in - 1);
      return src - *lo;
    };
    std::vector<float> want;
    for (int b = 0; b < B; ++b)
      for (int oy = 0; oy < OH; ++oy)
        for (int ox = 0; ox < OW; ++ox)
          for (int c = 0; c < C; ++c) {
            int y0, y1, x0, x1;
            const double dy = coord(oy, H, OH, &y0, &y1), dx = coord(ox, W, OW, &x0, &x1);
            auto at = [&](int yy, int xx) { return static_cast<double>(x[static_cast<size_t>(((b * H + yy) * W + xx) * C + c)]); };
            want.push_back(static_cast<float>(at(y0, x0) * (1 - dy) * (1 - dx) + at(y1, x0) * dy * (1 - dx) +
                                              at(y0, x1) * (1 - dy) * dx + at(y1, x1) * dy * dx));
          }
    expect_near(y, want, 1e-5f);
  }
}

// ---------------------------------------------------------------- bilinear, integer (10-bit fixed point)

TEST(ResizeBilinear, Uint8FixedPointDiffersFromFloat) {
  // Width 2 -> 5: scale_10 = (1024*2 + 5/2) / 5 = 2050/5 = 410.
  //   x=1: src 410, x0=0, x1=(410+1023)/1024=1, weights 614, 410: (2*614 + 255*410)/1024 = 103.30 -> 103
  //   x=2: src 820, weights 204, 820: (2*204 + 255*820)/1024 = 204.59 -> 205
  //        (the float reference gives 2*0.2 + 255*0.8 = 204.4 -> 204: the 10-bit scale is what differs)
  //   x=3: src 1230, x0=1, x1=min(2,1)=1 -> 255;  x=4: src 1640 -> 255.
  // Height 1 -> 1: scale_10 = 1024, src 0, all weight on row 0. Sums are in 1/2^20, rounded by +2^19.
  std::string kernel;
  auto y = resize<uint8_t>(OpCode::kResizeBilinear, DType::kUInt8, {1, 1, 2, 1}, {2, 255}, 1, 5, false, false,
                           nullptr, Quantization{}, &kernel);
  EXPECT_EQ(y, (std::vector<uint8_t>{2, 103, 205, 255, 255}));
  EXPECT_EQ(kernel, "resize_bilinear_uint8_ref");
}

TEST(ResizeBilinear, Int8RoundsHalfAwayFromZero) {
  // Width 2 -> 4: scale_10 = (2048 + 2) / 4 = 512. x=1: src 512, weights 512/512:
  //   [0, 1]:  sum = 1*512*1024 = 2^19, (2^19 + 2^19) / 2^20 = 1
  //   [0, -1]: sum = -2^19, round = -2^19 (sum <= 0), (-2^20) / 2^20 = -1   (single rounding would give 0)
  // x=2: src 1024 -> x0=x1=1; x=3: src 1536 -> x0=1, x1=min(2,1)=1: both the last value.
  auto pos = resize<int8_t>(OpCode::kResizeBilinear, DType::kInt8, {1, 1, 2, 1}, {0, 1}, 1, 4, false, false, nullptr);
  EXPECT_EQ(pos, (std::vector<int8_t>{0, 1, 1, 1}));
  auto neg = resize<int8_t>(OpCode::kResizeBilinear, DType::kInt8, {1, 1, 2, 1}, {0, -1}, 1, 4, false, false, nullptr);
  EXPECT_EQ(neg, (std::vector<int8_t>{0, -1, -1, -1}));
}

TEST(ResizeBilinear, QuantizedInt8RoundsHalfUpAsXnnpack) {
  // Quantized tensors run XNNPACK's arithmetic (TFLite's default path delegates them): width 2 -> 4, legacy
  // coordinates: x=1 has src 0.5, weight lrintf(0.5 * 2048) = 1024.
  //   [0, 1]:  t = 1024, acc = 1024 << 11 = 2^21, (2^21 + 2^21) >> 22 = 1
  //   [0, -1]: acc = -2^21, (-2^21 + 2^21) >> 22 = 0   (TFLite's own kernel rounds it away from zero: -1)
  std::string kernel;
  auto pos = resize<int8_t>(OpCode::kResizeBilinear, DType::kInt8, {1, 1, 2, 1}, {0, 1}, 1, 4, false, false, nullptr,
                            qparams(0.1f, 0), &kernel);
  EXPECT_EQ(pos, (std::vector<int8_t>{0, 1, 1, 1}));
  EXPECT_EQ(kernel, "resize_bilinear_int8_xnnpack_ref");
  auto neg = resize<int8_t>(OpCode::kResizeBilinear, DType::kInt8, {1, 1, 2, 1}, {0, -1}, 1, 4, false, false, nullptr,
                            qparams(0.1f, 0));
  EXPECT_EQ(neg, (std::vector<int8_t>{0, 0, -1, -1}));
  // Half-pixel centers, 6 -> 12 (MoveNet's upsampling): source x = 0.5 * x - 0.25, clamped at 0; the 0.25 /
  // 0.75 weights are 512 / 1536 in Q11, exact. [10, 20, ...]: x=1 -> 0.25 -> 10 + 10 * 512 / 2048 = 12.5 -> 13.
  auto y = resize<uint8_t>(OpCode::kResizeBilinear, DType::kUInt8, {1, 1, 6, 1}, {10, 20, 30, 40, 50, 60}, 1, 12, false,
                           true, nullptr, qparams(0.5f, 3), &kernel);
  EXPECT_EQ(y, (std::vector<uint8_t>{10, 13, 18, 23, 28, 33, 38, 43, 48, 53, 58, 60}));
  EXPECT_EQ(kernel, "resize_bilinear_uint8_xnnpack_ref");
}

TEST(ResizeBilinear, Int8TwoDimensional) {
  // [[10, 20], [30, 40]] -> 3x3: scale_10 = (2048 + 1) / 3 = 683 on both axes.
  //   v=0: src 0 (lo=hi=0); v=1: src 683, lo=0, hi=1, weights (341, 683); v=2: src 1366, lo=hi=1.
  //   out[0][1] = (10*341 + 20*683) * 1024 / 2^20 = 17070/1024 = 16.67 -> 17
  //   out[1][0] = (10*341 + 30*683) / 1024 = 23900/1024 = 23.34 -> 23
  //   out[1][1] = (10*341*341 + 30*683*341 + 20*341*683 + 40*683*683) / 2^20 = 31467520 / 1048576 = 30.01 -> 30
  //   out[1][2] = (20*341 + 40*683) / 1024 = 33.34 -> 33;   out[2][1] = (30*341 + 40*683) / 1024 = 36.67 -> 37
  auto y = resize<int8_t>(OpCode::kResizeBilinear, DType::kInt8, {1, 2, 2, 1}, {10, 20, 30, 40}, 3, 3, false, false,
                          nullptr, qparams(0.1f, -1));
  EXPECT_EQ(y, (std::vector<int8_t>{10, 17, 20, 23, 30, 33, 30, 37, 40}));
}

TEST(ResizeBilinear, Uint8HalfPixelAndAlignCorners) {
  // half_pixel_centers, width 2 -> 4: scale_10 = 512, src = x*512 + 256 - 512 = -256, 256, 768, 1280:
  //   x=0: lo = max(-256/1024, 0) = 0 (C division truncates), hi = min(767/1024, 1) = 0 -> 0
  //   [0, 8]: x=1: 8*256/1024 = 2;  x=2: 8*768/1024 = 6;  x=3: lo=1, hi=min(2303/1024, 1)=1 -> 8
  //   [0, 1]: x=1: 0.25 -> 0;  x=2: 0.75 -> 1
  auto a = resize<uint8_t>(OpCode::kResizeBilinear, DType::kUInt8, {1, 1, 2, 1}, {0, 8}, 1, 4, false, true, nullptr,
                           qparams(1.0f, 0));
  EXPECT_EQ(a, (std::vector<uint8_t>{0, 2, 6, 8}));
  auto b = resize<uint8_t>(OpCode::kResizeBilinear, DType::kUInt8, {1, 1, 2, 1}, {0, 1}, 1, 4, false, true, nullptr,
                           qparams(1.0f, 0));
  EXPECT_EQ(b, (std::vector<uint8_t>{0, 0, 1, 1}));
  // align_corners, width 2 -> 3: scale_10 = (1024*1 + 2/2) / 2 = 512: src 0, 512, 1024 -> 0, 50, 100.
  auto c = resize<uint8_t>(OpCode::kResizeBilinear, DType::kUInt8, {1, 1, 2, 1}, {0, 100}, 1, 3, true, false, nullptr,
                           qparams(1.0f, 0));
  EXPECT_EQ(c, (std::vector<uint8_t>{0, 50, 100}));
}

TEST(ResizeBilinear, Uint8BatchAndChannelsAreIndependent) {
  // Two batches, two channels; each (batch, channel) plane is resized like the 1-D cases above:
  // channel 0 = [2, 255] -> [2, 103, 205, 255, 255], channel 1 = [255, 2] -> mirror weights:
  //   x=1: (255*614 + 2*410)/1024 = 153.70 -> 154;  x=2: (255*204 + 2*820)/1024 = 52.40 -> 52;  then 2, 2.
  const std::vector<uint8_t> x = {2, 255, 255, 2, 2, 255, 255, 2};
  Shape shape;
  auto y = resize<uint8_t>(OpCode::kResizeBilinear, DType::kUInt8, {2, 1, 2, 2}, x, 1, 5, false, false, &shape);
  EXPECT_EQ(shape, (Shape{2, 1, 5, 2}));
  const std::vector<uint8_t> one = {2, 255, 103, 154, 205, 52, 255, 2, 255, 2};
  std::vector<uint8_t> want = one;
  want.insert(want.end(), one.begin(), one.end());
  EXPECT_EQ(y, want);
}

TEST(ResizeBilinear, IntegerNeverReadsPastTheLastRow) {
  // 1 -> 1025: scale_10 = (1024 + 512) / 1025 = 1, so x=1024 gives src 1024 and lo = 1, one past the only
  // column; the kernel clamps it and puts all the weight on column 0.
  auto y = resize<uint8_t>(OpCode::kResizeBilinear, DType::kUInt8, {1, 1, 1, 1}, {7}, 1, 1025, false, false, nullptr,
                           qparams(1.0f, 0));
  ASSERT_EQ(y.size(), 1025u);
  for (uint8_t v : y) EXPECT_EQ(v, 7);
}

// ---------------------------------------------------------------- nearest neighbour

TEST(ResizeNearestNeighbor, FloatNoFlags) {
  // Width 3 -> 5: scale 0.6, floor(x * 0.6) = 0, 0, 1, 1, 2.
  Shape shape;
  std::string kernel;
  auto y = resize<float>(OpCode::kResizeNearestNeighbor, DType::kFloat32, {1, 1, 3, 1}, {10, 20, 30}, 1, 5, false,
                         false, &shape, {}, &kernel);
  EXPECT_EQ(shape, (Shape{1, 1, 5, 1}));
  EXPECT_EQ(kernel, "resize_nearest_neighbor_ref");
  EXPECT_EQ(y, (std::vector<float>{10, 10, 20, 20, 30}));
}

TEST(ResizeNearestNeighbor, AlignCornersRoundsHalfAwayFromZero) {
  // Width 3 -> 5 with align_corners: scale (3-1)/(5-1) = 0.5, round(x * 0.5) = round(0, .5, 1, 1.5, 2) = 0, 1, 1, 2, 2.
  auto y = resize<float>(OpCode::kResizeNearestNeighbor, DType::kFloat32, {1, 1, 3, 1}, {10, 20, 30}, 1, 5, true,
                         false);
  EXPECT_EQ(y, (std::vector<float>{10, 20, 20, 30, 30}));
}

TEST(ResizeNearestNeighbor, HalfPixelCenters) {
  // Width 3 -> 5, half pixel: floor((x + 0.5) * 0.6) = floor(0.3, 0.9, 1.5, 2.1, 2.7) = 0, 0, 1, 2, 2.
  auto y = resize<float>(OpCode::kResizeNearestNeighbor, DType::kFloat32, {1, 1, 3, 1}, {10, 20, 30}, 1, 5, false,
                         true);
  EXPECT_EQ(y, (std::vector<float>{10, 10, 20, 30, 30}));
  // Both flags (TFLite allows it for nearest): round((x + 0.5) * 0.5) = round(.25, .75, 1.25, 1.75, 2.25) = 0,1,1,2,2.
  auto z = resize<float>(OpCode::kResizeNearestNeighbor, DType::kFloat32, {1, 1, 3, 1}, {10, 20, 30}, 1, 5, true,
                         true);
  EXPECT_EQ(z, (std::vector<float>{10, 20, 20, 30, 30}));
}

TEST(ResizeNearestNeighbor, Int8TwoDimensionalDownscale) {
  // 4x4 -> 2x2 without flags: scale 2, sources floor(0*2)=0 and floor(1*2)=2 on both axes.
  std::vector<int8_t> x(16);
  for (int i = 0; i < 16; ++i) x[static_cast<size_t>(i)] = static_cast<int8_t>(i * 10 - 80);
  auto y = resize<int8_t>(OpCode::kResizeNearestNeighbor, DType::kInt8, {1, 4, 4, 1}, x, 2, 2, false, false, nullptr,
                          qparams(0.5f, 3));
  // (0,0) -> x[0] = -80, (0,2) -> x[2] = -60, (2,0) -> x[8] = 0, (2,2) -> x[10] = 20.
  EXPECT_EQ(y, (std::vector<int8_t>{-80, -60, 0, 20}));
}

TEST(ResizeNearestNeighbor, Uint8BatchAndChannelsUpscale) {
  // [2, 1, 2, 2] -> [2, 2, 4, 2]: height 1 -> 2 repeats the row; width 2 -> 4: floor(x/2) = 0, 0, 1, 1.
  const std::vector<uint8_t> x = {1, 2, 3, 4, 5, 6, 7, 8};
  Shape shape;
  auto y = resize<uint8_t>(OpCode::kResizeNearestNeighbor, DType::kUInt8, {2, 1, 2, 2}, x, 2, 4, false, false, &shape,
                           qparams(0.5f, 128));
  EXPECT_EQ(shape, (Shape{2, 2, 4, 2}));
  const std::vector<uint8_t> want = {1, 2, 1, 2, 3, 4, 3, 4, 1, 2, 1, 2, 3, 4, 3, 4,
                                     5, 6, 5, 6, 7, 8, 7, 8, 5, 6, 5, 6, 7, 8, 7, 8};
  EXPECT_EQ(y, want);
}

TEST(ResizeNearestNeighbor, RawUint8ImageWithoutQuantization) {
  // A uint8 image with no quantization parameters on either side: values are moved, never interpreted.
  // 1x2 -> 2x1: height 1 -> 2 repeats row 0; width 2 -> 1: floor(0 * 2) = 0.
  auto y = resize<uint8_t>(OpCode::kResizeNearestNeighbor, DType::kUInt8, {1, 1, 2, 1}, {17, 99}, 2, 1, false, false);
  EXPECT_EQ(y, (std::vector<uint8_t>{17, 17}));
}

// ---------------------------------------------------------------- errors

TEST(ResizeBilinear, RefusesBadInputs) {
  auto prep = [](OpCode op, DType dtype, Shape in_shape, bool size_const, std::vector<int32_t> size, Shape size_shape,
                 bool align, bool half, Quantization qin, Quantization qout) {
    OpHarness h(op);
    const size_t n = static_cast<size_t>(std::max<int64_t>(1, [&] {
      int64_t e = 1;
      for (int32_t d : in_shape) e *= d;
      return e;
    }()));
    if (dtype == DType::kFloat32) h.add_input(dtype, in_shape, std::vector<float>(n, 0.0f), qin);
    else h.add_input(dtype, in_shape, std::vector<uint8_t>(n * dtype_size(dtype), 0), qin);
    if (size_const) h.add_constant(DType::kInt32, size_shape, size);
    else h.add_input(DType::kInt32, size_shape, size);
    h.add_output(dtype, qout);
    h.node().options.align_corners = align;
    h.node().options.half_pixel_centers = half;
    return h.prepare();
  };
  const OpCode bl = OpCode::kResizeBilinear, nn = OpCode::kResizeNearestNeighbor;
  Status s = prep(bl, DType::kFloat32, {1, 2, 2, 1}, true, {3, 3}, {2}, true, true, {}, {});
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(contains(s.message(), "half_pixel_centers")) << s.message();
  s = prep(bl, DType::kFloat32, {2, 2, 1}, true, {3, 3}, {2}, false, false, {}, {});
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(contains(s.message(), "4-D")) << s.message();
  s = prep(nn, DType::kFloat32, {1, 2, 2, 1}, false, {3, 3}, {2}, false, false, {}, {});
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(contains(s.message(), "dynamic")) << s.message();
  s = prep(nn, DType::kFloat32, {1, 2, 2, 1}, true, {0, 3}, {2}, false, false, {}, {});
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(contains(s.message(), "positive")) << s.message();
  s = prep(bl, DType::kFloat32, {1, 2, 2, 1}, true, {3, 3, 3}, {3}, false, false, {}, {});
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(contains(s.message(), "[2]")) << s.message();
  s = prep(bl, DType::kInt8, {1, 2, 2, 1}, true, {3, 3}, {2}, false, false, qparams(0.5f, 1), qparams(0.25f, 1));
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(contains(s.message(), "quantization")) << s.message();
  s = prep(nn, DType::kInt32, {1, 2, 2, 1}, true, {3, 3}, {2}, false, false, {}, {});
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(contains(s.message(), "int32")) << s.message();
}

TEST(ResizeNearestNeighbor, RefusesOutputTypeMismatch) {
  OpHarness h(OpCode::kResizeNearestNeighbor);
  h.add_input(DType::kFloat32, {1, 1, 1, 1}, std::vector<float>{1});
  h.add_constant(DType::kInt32, {2}, std::vector<int32_t>{2, 2});
  h.add_output(DType::kUInt8, qparams(1.0f, 0));
  EXPECT_FALSE(h.prepare().ok());
}

}  // namespace
}  // namespace eb::testing
