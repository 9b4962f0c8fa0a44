// The integer LSTM's per-element microkernels (lstm_step_<isa>.cc) against the scalar references. The
// int16 fixed-point activations (lstm_fixedpoint.h's gemmlowp logistic / tanh): every int16 input, for
// the sigmoid (Q3.12) and the tanh at each integer-bit count TFLite uses (0..6); every length 0..100 from
// unaligned starts, so each vector tail is crossed; and in place. The gate accumulation: random and
// extreme sums (int32 saturation), every shift sign, lengths 0..40 (nothing written past n). The gates
// activated together against one by one. The cell update and hidden values.
#include <gtest/gtest.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "kernels/ops/lstm/lstm_step_kernels.h"
#include "kernels/ops/lstm/lstm_fixedpoint.h"
#include "tests/support/fast_isa.h"

namespace eb {
namespace {

class LstmStepFast : public testing::FastIsaTest {};

std::vector<int16_t> every_int16() {
  std::vector<int16_t> x(65536);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<int16_t>(static_cast<int32_t>(i) - 32768);
  return x;
}

TEST_P(LstmStepFast, SigmoidMatchesReferenceOnEveryInput) {
  const LstmStepKernel* k = lstm_step_kernel_for(GetParam());
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->isa_suffix, testing::plain_isa_suffix(GetParam()));
  const std::vector<int16_t> x = every_int16();
  std::vector<int16_t> want(x.size()), got(x.size());
  lstm_sigmoid_ref(x.size(), x.data(), want.data());
  k->sigmoid(x.size(), x.data(), got.data());
  for (size_t i = 0; i < x.size(); ++i) ASSERT_EQ(got[i], want[i]) << "x = " << x[i];
  // The reference is gemmlowp's function, not a copy of the kernel: a few known points.
  EXPECT_EQ(want[32768], 16384);                   // sigmoid(0) = 1/2
  EXPECT_EQ(want[32768 + 4096], lstm_fx::logistic(4096, 3));
  EXPECT_NEAR(want[32768 + 4096] / 32768.0, 1.0 / (1.0 + std::exp(-1.0)), 1e-3);
}

TEST_P(LstmStepFast, TanhMatchesReferenceOnEveryInputAndIntegerBits) {
  const LstmStepKernel* k = lstm_step_kernel_for(GetParam());
  ASSERT_NE(k, nullptr);
  const std::vector<int16_t> x = every_int16();
  std::vector<int16_t> want(x.size()), got(x.size());
  for (int bits = 0; bits <= 6; ++bits) {
    lstm_tanh_ref(bits, x.size(), x.data(), want.data());
    k->tanh(bits, x.size(), x.data(), got.data());
    for (size_t i = 0; i < x.size(); ++i) ASSERT_EQ(got[i], want[i]) << "bits " << bits << " x = " << x[i];
    // gemmlowp's 16-bit functions keep about 11 good bits.
    const int32_t half = 1 << (14 - bits);  // 0.5 in Q<bits>
    EXPECT_NEAR(want[static_cast<size_t>(32768 + half)] / 32768.0, std::tanh(0.5), 1e-3) << bits;
  }
}

TEST_P(LstmStepFast, EveryLengthAndOffsetAndInPlace) {
  const LstmStepKernel* k = lstm_step_kernel_for(GetParam());
  ASSERT_NE(k, nullptr);
  std::mt19937 rng(7);
  std::vector<int16_t> x(140);
  for (auto& e : x) e = static_cast<int16_t>(rng());
  for (size_t offset = 0; offset < 3; ++offset) {
    for (size_t n = 0; n <= 100; ++n) {
      const int16_t* in = x.data() + offset;
      std::vector<int16_t> want(n + 8, 0x5A5A), got(n + 8, 0x5A5A);
      lstm_sigmoid_ref(n, in, want.data() + 1);
      k->sigmoid(n, in, got.data() + 1);
      ASSERT_EQ(got, want) << "sigmoid n " << n << " offset " << offset;  // and nothing past n written
      for (int bits : {0, 3, 6}) {
        lstm_tanh_ref(bits, n, in, want.data() + 1);
        k->tanh(bits, n, in, got.data() + 1);
        ASSERT_EQ(got, want) << "tanh " << bits << " n " << n << " offset " << offset;
      }
      std::vector<int16_t> inplace(in, in + n);
      k->tanh(6, n, inplace.data(), inplace.data());  // want holds the last tanh above: 6 bits
      ASSERT_TRUE(std::equal(inplace.begin(), inplace.end(), want.begin() + 1) || n == 0) << n;
    }
  }
}

TEST_P(LstmStepFast, ActivateGatesMatchesOneByOne) {
  const LstmStepKernel* k = lstm_step_kernel_for(GetParam());
  ASSERT_NE(k, nullptr);
  std::mt19937 rng(5);
  for (size_t n = 0; n <= 70; ++n) {
    for (size_t n_sigmoid = 0; n_sigmoid <= 3; ++n_sigmoid) {
      for (bool with_tanh : {false, true}) {
        std::vector<std::vector<int16_t>> want(4, std::vector<int16_t>(n + 4)), got;
        for (auto& g : want)
          for (auto& e : g) e = static_cast<int16_t>(rng());
        got = want;
        int16_t* want_sig[3] = {want[0].data(), want[1].data(), want[2].data()};
        int16_t* got_sig[3] = {got[0].data(), got[1].data(), got[2].data()};
        lstm_activate_gates_ref(n, want_sig, n_sigmoid, with_tanh ? want[3].data() : nullptr);
        k->activate_gates(n, got_sig, n_sigmoid, with_tanh ? got[3].data() : nullptr);
        ASSERT_EQ(got, want) << "n " << n << " sigmoid gates " << n_sigmoid << " tanh " << with_tanh;
      }
    }
  }
}

// Gates as the activations leave them (sigmoid in [0, 32767], tanh in [-32767, 32767]), cell states over
// all of int16 (the extremes included), every cell shift prepare admits, with and without CIFG and clip.
TEST_P(LstmStepFast, CellUpdateAndHiddenMatchReference) {
  const LstmStepKernel* k = lstm_step_kernel_for(GetParam());
  ASSERT_NE(k, nullptr);
  std::mt19937 rng(3);
  auto draw = [&rng](size_t n, int lo, int hi) {
    std::vector<int16_t> v(n);
    for (auto& e : v) e = static_cast<int16_t>(lo + static_cast<int>(rng() % static_cast<uint32_t>(hi - lo + 1)));
    return v;
  };
  for (size_t n = 0; n <= 40; ++n) {
    for (int cell_shift = 15; cell_shift <= 21; ++cell_shift) {
      for (int variant = 0; variant < 4; ++variant) {
        const bool cifg = variant % 2 == 1;
        const int16_t clip = variant >= 2 ? static_cast<int16_t>(1000 + rng() % 20000) : int16_t{0};
        const auto f = draw(n, 0, 32767), in = draw(n, 0, 32767), g = draw(n, -32767, 32767);
        auto want = draw(n + 4, -32768, 32767);
        if (n > 1) want[0] = -32768, want[1] = 32767;
        auto got = want;
        lstm_cell_update_ref(n, want.data(), f.data(), cifg ? nullptr : in.data(), g.data(), cell_shift, clip);
        k->cell_update(n, got.data(), f.data(), cifg ? nullptr : in.data(), g.data(), cell_shift, clip);
        ASSERT_EQ(got, want) << "n " << n << " shift " << cell_shift << " variant " << variant;
      }
    }
    for (int trial = 0; trial < 8; ++trial) {
      const auto o = draw(n, 0, 32767), t = draw(n, -32768, 32767);
      // The effective hidden scale 2^-30 / hidden scale: multipliers with shifts around -8.
      const int32_t multiplier = static_cast<int32_t>((1u << 30) + rng() % (1u << 30));
      const int shift = -4 - static_cast<int>(rng() % 8);
      const int32_t zp = static_cast<int32_t>(rng() % 41) - 20;
      std::vector<int8_t> want(n + 4, 0x55), got(n + 4, 0x55);
      lstm_hidden_ref(n, o.data(), t.data(), multiplier, shift, zp, want.data());
      k->hidden(n, o.data(), t.data(), multiplier, shift, zp, got.data());
      ASSERT_EQ(got, want) << "n " << n << " shift " << shift;
    }
  }
}

TEST_P(LstmStepFast, GateAccumulateMatchesReference) {
  const LstmStepKernel* k = lstm_step_kernel_for(GetParam());
  ASSERT_NE(k, nullptr);
  std::mt19937 rng(11);
  const int32_t extremes[] = {INT32_MAX, INT32_MIN, INT32_MAX - 5, INT32_MIN + 3, 0, -1, 1, 1 << 30, -(1 << 30)};
  int moved = 0;
  for (size_t n = 0; n <= 40; ++n) {
    for (int trial = 0; trial < 12; ++trial) {
      std::vector<int32_t> dots(n), bias(n);
      for (size_t i = 0; i < n; ++i) {
        const uint32_t pick = rng() % 8;
        dots[i] = pick == 0 ? extremes[rng() % 9] : static_cast<int32_t>(rng() % (1u << 24)) - (1 << 23);
        bias[i] = pick == 1 ? extremes[rng() % 9] : static_cast<int32_t>(rng() % (1u << 20)) - (1 << 19);
      }
      // Multipliers as quantize_multiplier gives them: Q31 in [2^30, 2^31), shifts from -20 to +4.
      const int32_t multiplier = static_cast<int32_t>((1u << 30) + rng() % (1u << 30));
      const int shift = trial == 0 ? 0 : static_cast<int>(rng() % 25) - 20;
      std::vector<int16_t> want(n + 8), got;
      for (auto& e : want) e = static_cast<int16_t>(rng());
      got = want;
      lstm_gate_accumulate_ref(n, dots.data(), bias.data(), multiplier, shift, want.data());
      k->accumulate(n, dots.data(), bias.data(), multiplier, shift, got.data());
      ASSERT_EQ(got, want) << "n " << n << " shift " << shift;
      moved += n > 0 && want[0] != got[n + 1] ? 1 : 0;
    }
  }
  EXPECT_GT(moved, 100);
}

INSTANTIATE_TEST_SUITE_P(Isas, LstmStepFast, ::testing::ValuesIn(testing::fast_isas()),
                         testing::isa_test_name);

}  // namespace
}  // namespace eb
