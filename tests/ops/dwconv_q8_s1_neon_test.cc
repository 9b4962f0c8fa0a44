// The NEON int8 / uint8 3x3 stride-1 steps (dwconv_q8_s1_neon.cc) against the same microkernel's
// per-pixel path: dwconv_q8_8c_neon with tap_shift 1 (the steps run; the function reports how many
// pixels they took) must write exactly the bytes it writes with tap_shift 0 (per pixel), on rows with
// padding columns, pixel counts around the 4-pixel step and channel tails past the 8-channel blocks.
// The op-level testers (depthwise_conv2d_q8_fast_test.cc) compare both with the reference kernel.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "kernels/ops/depthwise_conv2d/dwconv_q8_ukernel.h"

namespace {

#if defined(__aarch64__)
struct Row {
  size_t channels, width;  // input row width; output pixels = width (SAME, stride 1)
  bool is_unsigned;
};

// pair_safe: the weights fit int8 ([-127, 127]); extremes are planted (weights +-127, inputs -128) so
// the int16 pair sums of the 8-bit-multiply steps reach their bound. The per-pixel path ignores it.
// steps_done: also runs the 4-pixel steps alone (the 8-bit-multiply ones when pair_safe), writing
// their pixels' full channel blocks to *steps_out.
// flag: whether the microkernel is told (Q8DwArgs::pair_safe) when the data allows 8-bit multiplies.
std::vector<uint8_t> run(const Row& r, size_t tap_shift, unsigned seed, size_t* steps_done, bool pair_safe = false,
                         std::vector<uint8_t>* steps_out = nullptr, bool flag = true) {
  std::mt19937 rng(seed);
  const size_t c = r.channels, blocks = (c + 7) / 8, block_bytes = 8 * 8 + 9 * 8 * 2;
  std::vector<uint8_t> input(3 * r.width * c), pad(c + 16, r.is_unsigned ? 128 : 0), w(blocks * block_bytes, 0);
  for (uint8_t& v : input) v = static_cast<uint8_t>(rng());
  if (pair_safe)
    for (size_t i = 0; i < input.size(); i += 5) input[i] = 0x80;  // -128
  for (size_t b = 0; b < blocks; ++b) {
    uint8_t* blk = w.data() + b * block_bytes;
    for (size_t j = 0; j < 8 && b * 8 + j < c; ++j) {
      const int32_t bias = static_cast<int32_t>(rng() % 20001) - 10000;
      const float scale = 0.0005f + 0.0001f * static_cast<float>(rng() % 10);
      std::memcpy(blk + 4 * j, &bias, 4);
      std::memcpy(blk + 32 + 4 * j, &scale, 4);
      for (size_t t = 0; t < 9; ++t) {
        int16_t v = static_cast<int16_t>(static_cast<int>(rng() % 255) - 127);
        if (pair_safe && t % 3 == 0) v = (j % 2) ? 127 : -127;
        std::memcpy(blk + 64 + (t * 8 + j) * 2, &v, 2);
      }
    }
  }
  // Output row 1 of a 3-row input, SAME padding: taps left of column 0 and right of the last read `pad`.
  std::vector<int64_t> offsets(r.width * 9);
  for (size_t ox = 0; ox < r.width; ++ox)
    for (size_t ky = 0; ky < 3; ++ky)
      for (size_t kx = 0; kx < 3; ++kx) {
        const int64_t ix = static_cast<int64_t>(ox + kx) - 1;
        offsets[ox * 9 + ky * 3 + kx] =
            ix < 0 || ix >= static_cast<int64_t>(r.width) ? -1 : (static_cast<int64_t>(ky * r.width) + ix) * static_cast<int64_t>(c);
      }
  eb::Q8Requant rq{};
  rq.zero_point = r.is_unsigned ? 120 : -5;
  rq.min_less_zp = static_cast<float>((r.is_unsigned ? 0 : -128) - rq.zero_point);
  rq.max_less_zp = static_cast<float>((r.is_unsigned ? 200 : 100) - rq.zero_point);  // a clamp that bites
  rq.out_unsigned = r.is_unsigned ? 1 : 0;
  std::vector<uint8_t> out(r.width * c, 0xA5);
  eb::Q8DwArgs a{};
  a.channels = c;
  a.taps = 9;
  a.filter_w = 3;
  a.tap_shift = tap_shift;
  a.pixels = r.width;
  a.offsets = offsets.data();
  a.input = input.data();
  a.pad = pad.data();
  a.in_unsigned = r.is_unsigned ? 1 : 0;
  a.w = w.data();
  a.c = out.data();
  a.c_stride = c;
  a.rq = &rq;
  a.pair_safe = pair_safe && flag ? 1 : 0;
  eb::dwconv_q8_8c_neon(&a);
  if (steps_done) {
    std::vector<uint8_t> scratch(out.size(), 0x5A);
    a.c = scratch.data();
    *steps_done = c < 8 ? 0 : pair_safe ? eb::dwconv_q8_3x3s1_steps_int8_neon(&a) : eb::dwconv_q8_3x3s1_steps_neon(&a);
    if (steps_out) *steps_out = scratch;
  }
  return out;
}

TEST(DwconvQ8S1Neon, StepsMatchThePerPixelPath) {
  unsigned seed = 1;
  for (const bool u : {false, true})
    for (size_t width : {1u, 3u, 4u, 5u, 8u, 11u, 33u})
      for (size_t channels : {8u, 12u, 16u, 19u, 40u}) {
        const Row r{channels, width, u};
        size_t steps = 0;
        const std::vector<uint8_t> fast = run(r, 1, seed, &steps);
        const std::vector<uint8_t> slow = run(r, 0, seed, nullptr);
        EXPECT_EQ(steps, width / 4 * 4) << "the 4-pixel steps did not run";
        EXPECT_EQ(fast, slow) << "width " << width << " channels " << channels << (u ? " uint8" : " int8");
        ++seed;
      }
}

// The int8 steps on 8-bit multiplies (pair_safe): run alone, their pixels' full channel blocks equal
// the per-pixel path's bytes, and so does the whole microkernel that picks them.
TEST(DwconvQ8S1Neon, Int8MultiplyStepsMatchThePerPixelPath) {
  unsigned seed = 100;
  for (size_t width : {4u, 5u, 8u, 11u, 33u})
    for (size_t channels : {8u, 12u, 16u, 19u, 40u}) {
      const Row r{channels, width, false};
      size_t steps = 0;
      std::vector<uint8_t> alone;
      const std::vector<uint8_t> fast = run(r, 1, seed, &steps, /*pair_safe=*/true, &alone);
      const std::vector<uint8_t> slow = run(r, 0, seed, nullptr, /*pair_safe=*/true);
      ASSERT_EQ(steps, width / 4 * 4) << "the 8-bit-multiply steps did not run";
      EXPECT_EQ(fast, slow) << "width " << width << " channels " << channels;
      size_t mismatches = 0;
      for (size_t px = 0; px < steps; ++px)
        for (size_t ch = 0; ch < channels / 8 * 8; ++ch) mismatches += alone[px * channels + ch] != slow[px * channels + ch];
      EXPECT_EQ(mismatches, 0u) << "width " << width << " channels " << channels;
      ++seed;
    }
}

// The per-pixel path's 16-channel pairs on 8-bit multiplies (dwconv_q8_3x3_block_pairs_int8, any
// stride: tap_shift 0) write the bytes of the 16-bit loop given the same data without the flag.
TEST(DwconvQ8S1Neon, Int8MultiplyPerPixelPairsMatchTheSixteenBitLoop) {
  unsigned seed = 200;
  for (size_t width : {1u, 5u, 9u})
    for (size_t channels : {16u, 19u, 32u, 40u, 48u}) {
      const Row r{channels, width, false};
      const std::vector<uint8_t> int8 = run(r, 0, seed, nullptr, /*pair_safe=*/true);
      const std::vector<uint8_t> int16 = run(r, 0, seed, nullptr, /*pair_safe=*/true, nullptr, /*flag=*/false);
      EXPECT_EQ(int8, int16) << "width " << width << " channels " << channels;
      ++seed;
    }
}
#else
TEST(DwconvQ8S1Neon, StepsMatchThePerPixelPath) { GTEST_SKIP() << "aarch64 only (NEON kernels)"; }
#endif

}  // namespace
