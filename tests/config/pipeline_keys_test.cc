// A group's `preprocess:` keys reach the Preprocessor: layout (NCHW written planar), colour order,
// mean/std, and a configured size or colour that does not fit the model is an error naming the input.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include <opencv2/core.hpp>

#include "daemon/config/config.h"
#include "daemon/pipeline/preprocess.h"

namespace eb::config {
namespace {

Tensor image_tensor(Shape shape, DType dtype = DType::kFloat32) {
  Tensor t;
  t.name = "input";
  t.dtype = dtype;
  t.shape = std::move(shape);
  return t;
}

// A 2x2 BGR frame whose every pixel differs per channel: B = 10 + i, G = 20 + i, R = 30 + i (i = pixel).
cv::Mat bgr_frame() {
  cv::Mat m(2, 2, CV_8UC3);
  for (int i = 0; i < 4; ++i) m.at<cv::Vec3b>(i / 2, i % 2) = cv::Vec3b(10 + i, 20 + i, 30 + i);
  return m;
}

std::vector<float> run(const Tensor& t, const PreprocessConfig& pc) {
  auto p = Preprocessor::create(t, to_preprocess_options(pc));
  EXPECT_TRUE(p.ok()) << p.status().message();
  if (!p.ok()) return {};
  std::vector<float> out(p->bytes() / sizeof(float));
  const Status s = p->run(bgr_frame(), reinterpret_cast<uint8_t*>(out.data()), p->bytes());
  EXPECT_TRUE(s.ok()) << s.message();
  return out;
}

TEST(PipelineKeys, NchwWritesPlanarRgb) {
  PreprocessConfig pc;
  pc.layout = ImageLayout::kNCHW;
  pc.range_lo = 0;
  pc.range_hi = 255;  // values are the pixels themselves
  const std::vector<float> out = run(image_tensor({1, 3, 2, 2}), pc);
  // Plane 0 is R, then G, then B; inside a plane, pixels in row order.
  EXPECT_EQ(out, (std::vector<float>{30, 31, 32, 33, 20, 21, 22, 23, 10, 11, 12, 13}));
}

TEST(PipelineKeys, NhwcBgrKeepsOpenCvOrder) {
  PreprocessConfig pc;
  pc.color = ColorMode::kBGR;
  pc.range_lo = 0;
  pc.range_hi = 255;
  const std::vector<float> out = run(image_tensor({1, 2, 2, 3}), pc);
  EXPECT_EQ(std::vector<float>(out.begin(), out.begin() + 6), (std::vector<float>{10, 20, 30, 11, 21, 31}));
}

TEST(PipelineKeys, MeanAndStdPerChannel) {
  PreprocessConfig pc;
  pc.mean = {0.0f, 0.5f, 1.0f};  // R, G, B after the RGB conversion
  pc.std = {0.5f};
  const std::vector<float> out = run(image_tensor({1, 2, 2, 3}), pc);
  EXPECT_FLOAT_EQ(out[0], (30.0f / 255.0f - 0.0f) / 0.5f);
  EXPECT_FLOAT_EQ(out[1], (20.0f / 255.0f - 0.5f) / 0.5f);
  EXPECT_FLOAT_EQ(out[2], (10.0f / 255.0f - 1.0f) / 0.5f);
}

TEST(PipelineKeys, ConfiguredSizeOrColourThatDoesNotFitIsAnError) {
  PreprocessConfig pc;
  pc.width = 32;
  pc.height = 32;
  auto p = Preprocessor::create(image_tensor({1, 28, 28, 1}), to_preprocess_options(pc));
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message(), "input 'input' [1, 28, 28, 1]: the pipeline resizes to 32x32, the model takes 28x28");
  PreprocessConfig gray;
  gray.color = ColorMode::kRGB;
  p = Preprocessor::create(image_tensor({1, 28, 28, 1}), to_preprocess_options(gray));
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message(), "input 'input' [1, 28, 28, 1]: the pipeline gives colour images, the model takes 1 channel");
  PreprocessConfig nchw;
  nchw.layout = ImageLayout::kNCHW;
  p = Preprocessor::create(image_tensor({1, 28, 28}), to_preprocess_options(nchw));
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("not an NCHW image input"), std::string::npos) << p.status().message();
}

}  // namespace
}  // namespace eb::config
