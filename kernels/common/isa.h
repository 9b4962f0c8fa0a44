// The instruction-set paths a kernel can be written for. Which one runs is decided once per engine
// (kernels/engine/cpu_features.h) and handed to every operator's prepare, which binds its kernel.
#pragma once

#include <string_view>

namespace eb {

// Ordered from the most portable to the most specific within each architecture.
// kAvx512 = F+BW+VL+DQ; kAvx512Vnni adds VPDPBUSD (Ice Lake and later); kNeonDot adds SDOT/UDOT.
enum class Isa { kReference, kAvx2, kAvx512, kAvx512Vnni, kNeon, kNeonDot };
inline constexpr Isa kAllIsas[] = {Isa::kReference, Isa::kAvx2, Isa::kAvx512, Isa::kAvx512Vnni, Isa::kNeon, Isa::kNeonDot};

// "ref", "avx2", "avx512", "avx512vnni", "neon", "neon-dotprod": the names reported by inspect, bench and the store.
inline const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::kReference: return "ref";
    case Isa::kAvx2: return "avx2";
    case Isa::kAvx512: return "avx512";
    case Isa::kAvx512Vnni: return "avx512vnni";
    case Isa::kNeon: return "neon";
    case Isa::kNeonDot: return "neon-dotprod";
  }
  return "?";
}

// True for one of the names above (what --isa and EDGEBENCH_ISA accept).
inline bool is_isa_name(std::string_view name) {
  for (Isa isa : kAllIsas)
    if (name == isa_name(isa)) return true;
  return false;
}

}  // namespace eb
