// Which instruction-set path the kernels take, decided once per engine from what the CPU reports.
//
// x86-64: cpuid (through the compiler's __builtin_cpu_supports, which also checks that the OS saves
// the AVX/AVX-512 register state). aarch64: getauxval(AT_HWCAP): ASIMD (NEON) is always there on
// ARMv8; ASIMDDP (SDOT/UDOT) on ARMv8.2+ cores such as the Pi 5's Cortex-A76, not on the Pi 4's A72.
#pragma once

#include <string>

#include "kernels/common/isa.h"
#include "kernels/common/status.h"

namespace eb {

struct CpuFeatures {
  bool avx2 = false, fma = false;                                    // x86-64: AVX2 + FMA3
  bool avx512f = false, avx512bw = false, avx512vl = false, avx512dq = false, avx512vnni = false;
  bool neon = false, dotprod = false;                                // aarch64
};

CpuFeatures detect_cpu_features();
std::string describe(const CpuFeatures& f);  // "avx2 fma avx512f ..." for inspect

// The best path this CPU runs: AVX-512 needs F+BW+VL+DQ (and VNNI for kAvx512Vnni), AVX2 needs FMA.
Isa best_isa(const CpuFeatures& f);
bool cpu_supports(const CpuFeatures& f, Isa isa);

// The path for an engine: "ref" -> kReference; "auto" -> `forced` if set, else the EDGEBENCH_ISA
// environment variable if set, else best_isa(). Forcing a path the CPU lacks is an error (a forced-path
// test must not silently fall back).
Result<Isa> select_isa(const std::string& engine, const std::string& forced, const CpuFeatures& f);

}  // namespace eb
