// q8_center_rows (gemm_q8.cc): the int16 "centered" input of the 16-bit quantized GEMM. Every row
// shape it handles -- one flat pass (stride == channels), the unrolled odd-channel rows (1/3/5/7
// channels padded to one more) and the per-row path for other paddings -- against x - zp written out
// by hand, with the pad lanes zeroed over a destination filled with garbage, for int8 and uint8 and
// zero points at the ends of their ranges, with each ISA's centering kernel.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "kernels/ops/gemm/gemm_q8.h"
#include "tests/support/fast_isa.h"

namespace {

using eb::Isa;

class Q8Center : public eb::testing::FastIsaTest {};

TEST_P(Q8Center, EveryRowShapeMatchesXMinusZeroPoint) {
  const eb::Q8GemmKernelInfo* k = eb::q8_gemm_kernel_for(GetParam());
  ASSERT_NE(k, nullptr);
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(0, 255);
  for (const bool is_unsigned : {false, true}) {
    const int32_t zps[] = {is_unsigned ? 0 : -128, is_unsigned ? 128 : 0, is_unsigned ? 255 : 127, 5};
    for (const int32_t zp : zps) {
      for (size_t channels = 1; channels <= 9; ++channels) {
        // Flat, one pad lane (the odd-channel rows for 1/3/5/7, the per-row path for 9), three pad lanes.
        for (const size_t stride : {channels, channels + 1, channels + 3}) {
          for (const size_t rows : {size_t{0}, size_t{1}, size_t{2}, size_t{17}, size_t{64}, size_t{131}}) {
            std::vector<uint8_t> src(rows * channels);
            for (uint8_t& v : src) v = static_cast<uint8_t>(byte(rng));
            std::vector<int16_t> dst(rows * stride + 1, int16_t{0x5a5a});  // one guard element past the end
            eb::q8_center_rows(k->center, src.data(), is_unsigned, zp, rows, channels, stride, dst.data());
            for (size_t r = 0; r < rows; ++r) {
              for (size_t c = 0; c < stride; ++c) {
                int32_t want = 0;
                if (c < channels) {
                  const uint8_t raw = src[r * channels + c];
                  want =
                      (is_unsigned ? static_cast<int32_t>(raw) : static_cast<int32_t>(static_cast<int8_t>(raw))) - zp;
                }
                ASSERT_EQ(dst[r * stride + c], want)
                    << (is_unsigned ? "uint8" : "int8") << " zp " << zp << " channels " << channels << " stride "
                    << stride << " rows " << rows << " at row " << r << " lane " << c;
              }
            }
            EXPECT_EQ(dst[rows * stride], int16_t{0x5a5a}) << "wrote past the last row";
          }
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Isas, Q8Center, ::testing::ValuesIn(eb::testing::fast_isas()), eb::testing::isa_test_name);

}  // namespace
