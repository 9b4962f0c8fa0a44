// AVERAGE_POOL_2D and MAX_POOL_2D: float32, int8, uint8; SAME/VALID windows at odd sizes and strides,
// padding taps excluded from the count, TFLite's round-half-away integer average, activation clamps,
// refusals. Expectations come from a direct double-precision window loop written here, or by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "kernels/ops/pooling/pooling.h"
#include "tests/support/op_harness.h"

using eb::Activation;
using eb::DType;
using eb::OpCode;
using eb::Padding;
using eb::Quantization;
using eb::Shape;
using eb::Status;
using eb::testing::OpHarness;
using eb::testing::qparams;

namespace {

struct Spec {
  int n = 1, h = 5, w = 5, c = 2;
  int fh = 3, fw = 3, sh = 1, sw = 1;
  Padding pad = Padding::kValid;
};

int out_size(Padding pad, int in, int k, int s) { return pad == Padding::kSame ? (in + s - 1) / s : (in - k) / s + 1; }
int pad_before(Padding pad, int in, int k, int s) {
  if (pad == Padding::kValid) return 0;
  return std::max(0, (out_size(pad, in, k, s) - 1) * s + k - in) / 2;
}

// For every output element: the values of the taps inside the input.
std::vector<std::vector<double>> windows(const Spec& s, const std::vector<double>& x) {
  const int oh = out_size(s.pad, s.h, s.fh, s.sh), ow = out_size(s.pad, s.w, s.fw, s.sw);
  const int pt = pad_before(s.pad, s.h, s.fh, s.sh), pl = pad_before(s.pad, s.w, s.fw, s.sw);
  std::vector<std::vector<double>> r;
  for (int b = 0; b < s.n; ++b)
    for (int oy = 0; oy < oh; ++oy)
      for (int ox = 0; ox < ow; ++ox)
        for (int c = 0; c < s.c; ++c) {
          std::vector<double> taps;
          for (int ky = 0; ky < s.fh; ++ky)
            for (int kx = 0; kx < s.fw; ++kx) {
              const int iy = oy * s.sh - pt + ky, ix = ox * s.sw - pl + kx;
              if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) continue;
              taps.push_back(x[static_cast<size_t>(((b * s.h + iy) * s.w + ix) * s.c + c)]);
            }
          r.push_back(taps);
        }
  return r;
}

double mean_of(const std::vector<double>& v) {
  double s = 0;
  for (double d : v) s += d;
  return s / static_cast<double>(v.size());
}
double max_of(const std::vector<double>& v) { return *std::max_element(v.begin(), v.end()); }

template <typename T>
std::vector<T> random_values(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<T> v(n);
  if constexpr (std::is_same_v<T, float>) {
    std::uniform_real_distribution<float> d(-3.0f, 3.0f);
    for (T& x : v) x = d(rng);
  } else {
    std::uniform_int_distribution<int> d(std::numeric_limits<T>::min(), std::numeric_limits<T>::max());
    for (T& x : v) x = static_cast<T>(d(rng));
  }
  return v;
}

template <typename T>
std::vector<double> to_double(const std::vector<T>& v) {
  return std::vector<double>(v.begin(), v.end());
}

// Runs one pool and returns its output; checks the output shape.
template <typename T>
std::vector<T> run_pool(OpCode op, const Spec& s, DType dt, const std::vector<T>& x, Quantization q,
                        Activation act = Activation::kNone, const char* kernel = nullptr) {
  OpHarness h(op);
  h.add_input(dt, {s.n, s.h, s.w, s.c}, x, q);
  const int o = h.add_output(dt, q);
  h.node().options.filter_h = s.fh;
  h.node().options.filter_w = s.fw;
  h.node().options.stride_h = s.sh;
  h.node().options.stride_w = s.sw;
  h.node().options.padding = s.pad;
  h.node().options.activation = act;
  const Status st = h.prepare_and_run();
  EXPECT_TRUE(st.ok()) << st.message();
  if (!st.ok()) return {};
  EXPECT_EQ(h.tensor(o).shape, (Shape{s.n, out_size(s.pad, s.h, s.fh, s.sh), out_size(s.pad, s.w, s.fw, s.sw), s.c}));
  if (kernel) {
    EXPECT_STREQ(h.prepared()->kernel_name(), kernel);
  }
  return h.output<T>(o);
}

// TFLite's integer average: round half away from zero.
double round_half_away(double v) { return v >= 0 ? std::floor(v + 0.5) : -std::floor(-v + 0.5); }

// ------------------------------------------------------------------------------------------------ float

void check_float(const Spec& s, Activation act, unsigned seed) {
  const auto x = random_values<float>(static_cast<size_t>(s.n * s.h * s.w * s.c), seed);
  const auto avg = run_pool(OpCode::kAveragePool2D, s, DType::kFloat32, x, {}, act, "average_pool2d_float32_ref");
  const auto mx = run_pool(OpCode::kMaxPool2D, s, DType::kFloat32, x, {}, act, "max_pool2d_float32_ref");
  const auto win = windows(s, to_double(x));
  ASSERT_EQ(avg.size(), win.size());
  ASSERT_EQ(mx.size(), win.size());
  auto clamp = [&](double v) {
    if (act == Activation::kRelu) return std::max(v, 0.0);
    if (act == Activation::kRelu6) return std::min(std::max(v, 0.0), 6.0);
    if (act == Activation::kReluN1To1) return std::min(std::max(v, -1.0), 1.0);
    return v;
  };
  for (size_t i = 0; i < win.size(); ++i) {
    EXPECT_NEAR(avg[i], clamp(mean_of(win[i])), 1e-5) << i;
    EXPECT_EQ(mx[i], static_cast<float>(clamp(max_of(win[i])))) << i;
  }
}

TEST(PoolingFloat, HandComputedSameCornerCountsOnlyInsideTaps) {
  // 2x2 input, 3x3 window, stride 1, SAME: every window covers all four pixels -> mean 2.5 everywhere.
  // A zero-padded average would give 10/9 at the corners.
  const std::vector<float> x{1, 2, 3, 4};
  const auto y = run_pool(OpCode::kAveragePool2D, {1, 2, 2, 1, 3, 3, 1, 1, Padding::kSame}, DType::kFloat32, x, {});
  EXPECT_EQ(y, (std::vector<float>{2.5f, 2.5f, 2.5f, 2.5f}));
  const auto m = run_pool(OpCode::kMaxPool2D, {1, 2, 2, 1, 3, 3, 1, 1, Padding::kSame}, DType::kFloat32,
                          std::vector<float>{-4, -3, -2, -1}, {});
  EXPECT_EQ(m, (std::vector<float>{-1, -1, -1, -1}));  // padding never wins a max, even of negatives
}

TEST(PoolingFloat, ValidOddSizes) { check_float({1, 7, 5, 3, 3, 2, 1, 1, Padding::kValid}, Activation::kNone, 1); }
TEST(PoolingFloat, Stride2SameOddInput) { check_float({1, 5, 7, 2, 3, 3, 2, 2, Padding::kSame}, Activation::kNone, 2); }
TEST(PoolingFloat, Stride2SameEvenInputPadsBottomRight) {
  check_float({1, 6, 4, 2, 3, 2, 2, 2, Padding::kSame}, Activation::kNone, 3);
}
TEST(PoolingFloat, StrideLargerThanFilter) { check_float({2, 9, 8, 3, 2, 2, 3, 3, Padding::kSame}, Activation::kNone, 4); }
TEST(PoolingFloat, GlobalWindowOneByOneOutput) {
  check_float({2, 8, 8, 4, 8, 8, 8, 8, Padding::kValid}, Activation::kNone, 5);
}
TEST(PoolingFloat, OneByOneFilterIsIdentity) {
  check_float({1, 3, 3, 2, 1, 1, 1, 1, Padding::kValid}, Activation::kNone, 6);
}
TEST(PoolingFloat, ActivationClamps) {
  check_float({1, 6, 6, 3, 2, 2, 1, 1, Padding::kSame}, Activation::kRelu, 7);
  check_float({1, 6, 6, 3, 2, 2, 1, 1, Padding::kSame}, Activation::kReluN1To1, 8);
  std::vector<float> big(36);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<float>(i) - 10.0f;
  const auto y = run_pool(OpCode::kMaxPool2D, {1, 6, 6, 1, 2, 2, 2, 2, Padding::kValid}, DType::kFloat32, big, {},
                          Activation::kRelu6);
  for (float v : y) EXPECT_TRUE(v >= 0.0f && v <= 6.0f) << v;
  EXPECT_EQ(y.back(), 6.0f);
}

// ------------------------------------------------------------------------------------------- quantized

TEST(PoolingInt8, AverageRoundsHalfAwayFromZero) {
  // 1x2 windows over pairs: sums 3, -3, -1, 1, -128-127 = -255, 254 over count 2.
  // (3+1)/2 = 2, (-3-1)/2 = -2, (-1-1)/2 = -1, (1+1)/2 = 1, (-255-1)/2 = -128, (254+1)/2 = 127.
  const std::vector<int8_t> x{1, 2, -1, -2, 0, -1, 0, 1, -128, -127, 127, 127};
  const auto y = run_pool(OpCode::kAveragePool2D, {1, 1, 12, 1, 1, 2, 1, 2, Padding::kValid}, DType::kInt8, x,
                          qparams(0.1f, -3), Activation::kNone, "average_pool2d_int8_ref");
  EXPECT_EQ(y, (std::vector<int8_t>{2, -2, -1, 1, -128, 127}));
}

TEST(PoolingUint8, AverageRoundsHalfUp) {
  // Sums 3 and 255+254 = 509 over count 2: (3+1)/2 = 2, (509+1)/2 = 255; 4 / 3 taps -> (4+1)/3 = 1.
  const std::vector<uint8_t> x{1, 2, 255, 254};
  const auto y = run_pool(OpCode::kAveragePool2D, {1, 1, 4, 1, 1, 2, 1, 2, Padding::kValid}, DType::kUInt8, x,
                          qparams(0.5f, 128), Activation::kNone, "average_pool2d_uint8_ref");
  EXPECT_EQ(y, (std::vector<uint8_t>{2, 255}));
  const auto z = run_pool(OpCode::kAveragePool2D, {1, 1, 3, 1, 1, 3, 1, 1, Padding::kValid}, DType::kUInt8,
                          std::vector<uint8_t>{0, 1, 3}, qparams(0.5f, 128));
  EXPECT_EQ(z, (std::vector<uint8_t>{1}));
}

template <typename T>
void check_quant(const Spec& s, DType dt, Activation act, unsigned seed) {
  const float scale = 0.05f;
  const int32_t zp = std::is_same_v<T, int8_t> ? -5 : 120;
  const auto x = random_values<T>(static_cast<size_t>(s.n * s.h * s.w * s.c), seed);
  const auto avg = run_pool(OpCode::kAveragePool2D, s, dt, x, qparams(scale, zp), act);
  const auto mx = run_pool(OpCode::kMaxPool2D, s, dt, x, qparams(scale, zp), act);
  const auto win = windows(s, to_double(x));
  ASSERT_EQ(avg.size(), win.size());
  double lo = std::numeric_limits<T>::min(), hi = std::numeric_limits<T>::max();
  if (act == Activation::kRelu) lo = std::max(lo, static_cast<double>(zp));
  if (act == Activation::kRelu6) lo = std::max(lo, static_cast<double>(zp)), hi = std::min(hi, zp + std::round(6.0 / scale));
  for (size_t i = 0; i < win.size(); ++i) {
    EXPECT_EQ(avg[i], static_cast<T>(std::clamp(round_half_away(mean_of(win[i])), lo, hi))) << i;
    EXPECT_EQ(mx[i], static_cast<T>(std::clamp(max_of(win[i]), lo, hi))) << i;
  }
}

TEST(PoolingInt8, SameStride2OddBatch2) { check_quant<int8_t>({2, 7, 5, 3, 3, 3, 2, 2, Padding::kSame}, DType::kInt8, Activation::kNone, 11); }
TEST(PoolingInt8, GlobalAverage) { check_quant<int8_t>({1, 25, 5, 4, 25, 5, 25, 5, Padding::kValid}, DType::kInt8, Activation::kNone, 12); }
TEST(PoolingInt8, ReluAndRelu6Clamp) {
  check_quant<int8_t>({1, 6, 6, 2, 2, 2, 2, 2, Padding::kValid}, DType::kInt8, Activation::kRelu, 13);
  check_quant<int8_t>({1, 6, 6, 2, 2, 2, 1, 1, Padding::kSame}, DType::kInt8, Activation::kRelu6, 14);
}
TEST(PoolingUint8, SameStride2) { check_quant<uint8_t>({1, 6, 5, 3, 3, 2, 2, 2, Padding::kSame}, DType::kUInt8, Activation::kNone, 15); }
TEST(PoolingUint8, ValidRelu6) { check_quant<uint8_t>({2, 4, 4, 5, 4, 4, 2, 2, Padding::kValid}, DType::kUInt8, Activation::kRelu6, 16); }

// ------------------------------------------------------------------------------------------- refusals

Status prepare_pool(OpCode op, DType dt, Shape shape, Quantization in_q, Quantization out_q, DType out_dt, int f,
                    int stride, Padding pad, Activation act = Activation::kNone) {
  OpHarness h(op);
  size_t n = 1;
  for (int32_t d : shape) n *= static_cast<size_t>(d);
  h.add_input(dt, shape, std::vector<float>(n), in_q);
  h.add_output(out_dt, out_q);
  h.node().options.filter_h = h.node().options.filter_w = f;
  h.node().options.stride_h = h.node().options.stride_w = stride;
  h.node().options.padding = pad;
  h.node().options.activation = act;
  return h.prepare();
}

void expect_refused(const Status& st, const std::string& fragment) {
  ASSERT_FALSE(st.ok()) << "expected a refusal mentioning '" << fragment << "'";
  EXPECT_NE(st.message().find(fragment), std::string::npos) << st.message();
}

TEST(PoolingRefuses, BadInputs) {
  for (OpCode op : {OpCode::kAveragePool2D, OpCode::kMaxPool2D}) {
    const auto q = qparams(0.1f, 0);
    EXPECT_TRUE(prepare_pool(op, DType::kInt8, {1, 4, 4, 1}, q, q, DType::kInt8, 2, 2, Padding::kValid).ok());
    expect_refused(prepare_pool(op, DType::kInt8, {4, 4, 1}, q, q, DType::kInt8, 2, 2, Padding::kValid), "4-D");
    expect_refused(prepare_pool(op, DType::kInt8, {1, 4, 4, 1}, q, qparams(0.2f, 0), DType::kInt8, 2, 2, Padding::kValid),
                   "must equal input");
    expect_refused(prepare_pool(op, DType::kInt8, {1, 4, 4, 1}, q, qparams(0.1f, 1), DType::kInt8, 2, 2, Padding::kValid),
                   "must equal input");
    expect_refused(prepare_pool(op, DType::kInt8, {1, 4, 4, 1}, Quantization{}, q, DType::kInt8, 2, 2, Padding::kValid),
                   "no quantization");
    expect_refused(prepare_pool(op, DType::kInt8, {1, 4, 4, 1}, q, q, DType::kUInt8, 2, 2, Padding::kValid), "must match");
    expect_refused(prepare_pool(op, DType::kInt32, {1, 4, 4, 1}, q, q, DType::kInt32, 2, 2, Padding::kValid), "supported");
    expect_refused(prepare_pool(op, DType::kFloat32, {1, 4, 4, 1}, {}, {}, DType::kFloat32, 5, 1, Padding::kValid),
                   "does not fit");
    expect_refused(prepare_pool(op, DType::kFloat32, {1, 4, 4, 1}, {}, {}, DType::kFloat32, 2, 0, Padding::kValid),
                   "strides");
    expect_refused(prepare_pool(op, DType::kFloat32, {1, 4, 4, 1}, {}, {}, DType::kFloat32, 0, 1, Padding::kValid),
                   "filter size");
    expect_refused(prepare_pool(op, DType::kFloat32, {1, 4, 4, 1}, {}, {}, DType::kFloat32, 2, 2, Padding::kSame,
                                Activation::kTanh),
                   "activation");
  }
}

}  // namespace
