#include "kernels/engine/cpu_features.h"

#include <cstdlib>

#if defined(__aarch64__)
#include <sys/auxv.h>
#ifndef HWCAP_ASIMD
#define HWCAP_ASIMD (1 << 1)
#endif
#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1 << 20)
#endif
#endif

namespace eb {

CpuFeatures detect_cpu_features() {
  CpuFeatures f;
#if defined(__x86_64__)
  __builtin_cpu_init();
  f.avx2 = __builtin_cpu_supports("avx2");
  f.fma = __builtin_cpu_supports("fma");
  f.avx512f = __builtin_cpu_supports("avx512f");
  f.avx512bw = __builtin_cpu_supports("avx512bw");
  f.avx512vl = __builtin_cpu_supports("avx512vl");
  f.avx512dq = __builtin_cpu_supports("avx512dq");
  f.avx512vnni = __builtin_cpu_supports("avx512vnni");
#elif defined(__aarch64__)
  const unsigned long hwcap = getauxval(AT_HWCAP);
  f.neon = (hwcap & HWCAP_ASIMD) != 0;
  f.dotprod = (hwcap & HWCAP_ASIMDDP) != 0;
#endif
  return f;
}

std::string describe(const CpuFeatures& f) {
  std::string s;
  auto add = [&](bool on, const char* name) {
    if (!on) return;
    if (!s.empty()) s += ' ';
    s += name;
  };
  add(f.avx2, "avx2");
  add(f.fma, "fma");
  add(f.avx512f, "avx512f");
  add(f.avx512bw, "avx512bw");
  add(f.avx512vl, "avx512vl");
  add(f.avx512dq, "avx512dq");
  add(f.avx512vnni, "avx512vnni");
  add(f.neon, "neon");
  add(f.dotprod, "dotprod");
  return s.empty() ? "none" : s;
}

bool cpu_supports(const CpuFeatures& f, Isa isa) {
  switch (isa) {
    case Isa::kReference: return true;
    case Isa::kAvx2: return f.avx2 && f.fma;
    case Isa::kAvx512: return f.avx512f && f.avx512bw && f.avx512vl && f.avx512dq && f.avx2 && f.fma;
    case Isa::kAvx512Vnni: return cpu_supports(f, Isa::kAvx512) && f.avx512vnni;
    case Isa::kNeon: return f.neon;
    case Isa::kNeonDot: return f.neon && f.dotprod;
  }
  return false;
}

Isa best_isa(const CpuFeatures& f) {
  for (Isa isa : {Isa::kAvx512Vnni, Isa::kAvx512, Isa::kAvx2, Isa::kNeonDot, Isa::kNeon})
    if (cpu_supports(f, isa)) return isa;
  return Isa::kReference;
}

Result<Isa> select_isa(const std::string& engine, const std::string& forced, const CpuFeatures& f) {
  if (engine == "ref") return Isa::kReference;
  std::string want = forced;
  if (want.empty()) {
    const char* env = std::getenv("EDGEBENCH_ISA");
    if (env != nullptr && *env != '\0') want = env;
  }
  if (want.empty()) return best_isa(f);
  for (Isa isa : kAllIsas) {
    if (want != isa_name(isa)) continue;
    if (!cpu_supports(f, isa))
      return error("ISA path '%s' was forced (EDGEBENCH_ISA or --isa) but this CPU lacks it (has: %s)", want.c_str(),
                   describe(f).c_str());
    return isa;
  }
  return error("unknown ISA path '%s' (EDGEBENCH_ISA / --isa): expected ref, avx2, avx512, avx512vnni, neon or neon-dotprod",
               want.c_str());
}

}  // namespace eb
