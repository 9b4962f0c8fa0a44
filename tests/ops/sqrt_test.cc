// SQRT beyond the TensorFlow-made models: exact squares, a negative input (NaN), the refusal of other types.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "tests/support/op_harness.h"

namespace eb::testing {
namespace {

TEST(Sqrt, Float32) {
  OpHarness h(OpCode::kSqrt);
  h.add_input(DType::kFloat32, {4}, std::vector<float>{0, 4, 2.25f, -1});
  const int out = h.add_output(DType::kFloat32);
  ASSERT_TRUE(h.prepare_and_run().ok());
  const auto y = h.output<float>(out);
  EXPECT_EQ(y[0], 0.0f);
  EXPECT_EQ(y[1], 2.0f);
  EXPECT_EQ(y[2], 1.5f);
  EXPECT_TRUE(std::isnan(y[3]));
}

TEST(Sqrt, RefusesOtherTypes) {
  OpHarness h(OpCode::kSqrt);
  h.add_input(DType::kInt32, {2}, std::vector<int32_t>{4, 9});
  h.add_output(DType::kInt32);
  Status s = h.prepare();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("supported: float32"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace eb::testing
