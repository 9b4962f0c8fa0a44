// The loop of the 16-lane quantized elementwise microkernels without masked loads (vadd_q8 / vmul_q8 on
// AVX2 and NEON): full steps in place, then the tail as the same step on zero-padded copies, so no
// second (scalar) form has to stay bit-equal to the vector one. A broadcast operand (inc 0) is never
// read through the pointer the step gets: each kernel folds its value into a constant first.
// Everything here is in an anonymous namespace, so each ISA file that includes it compiles its own copy
// (the rule of kernels/CMakeLists.txt). Include only from such files.
#pragma once

#include <cstddef>
#include <cstring>

namespace eb {
namespace {

// step16(a, b, out): 16 elements from a / b (each at its inc) into out[0..15].
template <typename T, typename Step16>
inline void for_each_step16(size_t n, const T* a, size_t a_inc, const T* b, size_t b_inc, T* out,
                            const Step16& step16) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) step16(a + i * a_inc, b + i * b_inc, out + i);
  if (i == n) return;
  const size_t rest = n - i;
  T ta[16] = {}, tb[16] = {}, to[16];
  if (a_inc) std::memcpy(ta, a + i, rest * sizeof(T));
  if (b_inc) std::memcpy(tb, b + i, rest * sizeof(T));
  step16(a_inc ? ta : a, b_inc ? tb : b, to);
  std::memcpy(out + i, to, rest * sizeof(T));
}

}  // namespace
}  // namespace eb
