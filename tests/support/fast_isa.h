// Shared scaffolding of the fast-kernel testers (tests/ops/*_fast_test.cc): the ISAs this architecture
// has fast kernels for, a fixture parameterised on them that skips those the CPU lacks (so every build
// lists the same tests, and a skipped path is visible by name), and the test-name suffix.
//
//   class ConvFast : public eb::testing::FastIsaTest {};
//   TEST_P(ConvFast, MatchesReference) { ... GetParam() ... }
//   INSTANTIATE_TEST_SUITE_P(Isas, ConvFast, ::testing::ValuesIn(eb::testing::fast_isas()),
//                            eb::testing::isa_test_name);
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kernels/common/isa.h"
#include "kernels/engine/cpu_features.h"

namespace eb::testing {

inline std::vector<Isa> fast_isas() {
#if defined(__aarch64__)
  return {Isa::kNeon, Isa::kNeonDot};
#else
  return {Isa::kAvx2, Isa::kAvx512, Isa::kAvx512Vnni};
#endif
}

inline bool cpu_has(Isa isa) { return cpu_supports(detect_cpu_features(), isa); }

class FastIsaTest : public ::testing::TestWithParam<Isa> {
 protected:
  void SetUp() override {
    if (!cpu_has(GetParam())) GTEST_SKIP() << "this CPU lacks ISA " << isa_name(GetParam());
  }
};

// The name suffix of a kernel family without VNNI or dot-product variants (elementwise ops): the ISA
// runs its parent's kernel, "avx512" for avx512vnni, "neon" for neon-dotprod.
inline std::string plain_isa_suffix(Isa isa) {
  if (isa == Isa::kAvx512Vnni) return "avx512";
  if (isa == Isa::kNeonDot) return "neon";
  return isa_name(isa);
}

// "avx2", "avx512vnni", "neon_dotprod": the ISA's name as a gtest name (no '-').
inline std::string isa_test_name(const ::testing::TestParamInfo<Isa>& info) {
  std::string s = isa_name(info.param);
  for (char& ch : s)
    if (ch == '-') ch = '_';
  return s;
}

}  // namespace eb::testing
