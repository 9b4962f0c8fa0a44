// ISA selection: "ref" always means the reference kernels, a forced path must exist on the CPU (no silent
// fallback), and the environment override works as documented.
#include "kernels/engine/cpu_features.h"

#include <gtest/gtest.h>
#include <stdlib.h>

namespace eb {
namespace {

TEST(CpuFeatures, RefEngineIgnoresTheCpu) {
  CpuFeatures all;
  all.avx2 = all.fma = all.avx512f = all.avx512bw = all.avx512vl = true;
  auto isa = select_isa("ref", "", all);
  ASSERT_TRUE(isa.ok());
  EXPECT_EQ(*isa, Isa::kReference);
}

TEST(CpuFeatures, BestPathNeedsEveryFeatureItUses) {
  CpuFeatures f;
  EXPECT_EQ(best_isa(f), Isa::kReference);
  f.avx2 = true;
  EXPECT_EQ(best_isa(f), Isa::kReference);  // AVX2 kernels use FMA too
  f.fma = true;
  EXPECT_EQ(best_isa(f), Isa::kAvx2);
  f.avx512f = true;
  EXPECT_EQ(best_isa(f), Isa::kAvx2);  // BW and VL are needed as well
  f.avx512bw = f.avx512vl = true;
  EXPECT_EQ(best_isa(f), Isa::kAvx2);  // and DQ
  f.avx512dq = true;
  EXPECT_EQ(best_isa(f), Isa::kAvx512);
  f.avx512vnni = true;
  EXPECT_EQ(best_isa(f), Isa::kAvx512Vnni);
  CpuFeatures arm;
  arm.neon = true;
  EXPECT_EQ(best_isa(arm), Isa::kNeon);
  arm.dotprod = true;
  EXPECT_EQ(best_isa(arm), Isa::kNeonDot);
}

TEST(CpuFeatures, ForcingAMissingPathIsAnError) {
  CpuFeatures arm;
  arm.neon = true;
  auto isa = select_isa("auto", "neon-dotprod", arm);
  ASSERT_FALSE(isa.ok());
  EXPECT_NE(isa.status().message().find("lacks"), std::string::npos) << isa.status().message();
  auto bad = select_isa("auto", "sse9", arm);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("unknown ISA path 'sse9'"), std::string::npos);
  auto ok = select_isa("auto", "ref", arm);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, Isa::kReference);
}

TEST(CpuFeatures, EnvironmentOverrideAppliesToAutoOnly) {
  CpuFeatures arm;
  arm.neon = true;
  ::setenv("EDGEBENCH_ISA", "ref", 1);
  auto isa = select_isa("auto", "", arm);
  ::unsetenv("EDGEBENCH_ISA");
  ASSERT_TRUE(isa.ok());
  EXPECT_EQ(*isa, Isa::kReference);
  auto best = select_isa("auto", "", arm);
  ASSERT_TRUE(best.ok());
  EXPECT_EQ(*best, Isa::kNeon);
}

TEST(CpuFeatures, DetectionMatchesTheArchitecture) {
  const CpuFeatures f = detect_cpu_features();
#if defined(__aarch64__)
  EXPECT_TRUE(f.neon);  // every ARMv8-A core has Advanced SIMD
#elif defined(__x86_64__)
  EXPECT_FALSE(f.neon);
#endif
  EXPECT_TRUE(cpu_supports(f, best_isa(f)));
}

}  // namespace
}  // namespace eb
