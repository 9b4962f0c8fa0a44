// ADD and SUB of 8-bit tensors on TFLite's fixed-point arithmetic (the scheme used when the scales fall
// outside XNNPACK's ratios, as in MoveNet Lightning's SUB): with two 8-bit inputs there are only 65536
// possible results, so prepare computes every one of them with the reference kernel itself and the kernel
// looks each output up. Exact by construction; one load per element instead of the reference's chain of
// offset, shift, three rounding multiplies and clamp. Portable: the lookup needs no SIMD.
#include <cstdint>

#include "kernels/ops/elementwise/broadcast_walk.h"  // all_pairs() runs the reference over it
#include "kernels/ops/elementwise/elementwise.h"

namespace eb {
namespace {

// The 256 x 256 outer walk: output (i, j) from a = byte i, b = byte j, at index i * 256 + j.
BroadcastGeometry all_pairs() {
  BroadcastGeometry g;
  g.out_dims = {1, 1, 1, 1, 256, 256};
  g.a_strides = {0, 0, 0, 0, 1, 0};
  g.b_strides = {0, 0, 0, 0, 0, 1};
  g.out_elements = int64_t{kAddQ8LutEntries};
  return g;
}

template <typename T>
void fill(const AddQuantTfliteParams& p, uint8_t* table,
          void (*ref)(const BroadcastGeometry&, const AddQuantTfliteParams&, const T*, const T*, T*)) {
  T values[256];
  for (int i = 0; i < 256; ++i) values[i] = static_cast<T>(static_cast<uint8_t>(i));  // byte i, as T
  ref(all_pairs(), p, values, values, reinterpret_cast<T*>(table));
}

}  // namespace

void add_int8_tflite_lut_fill(const AddQuantTfliteParams& p, uint8_t* table) {
  fill<int8_t>(p, table, add_int8_tflite_ref);
}
void add_uint8_tflite_lut_fill(const AddQuantTfliteParams& p, uint8_t* table) {
  fill<uint8_t>(p, table, add_uint8_tflite_ref);
}

void add_q8_lut_rows(size_t n, const uint8_t* a, size_t a_inc, const uint8_t* b, size_t b_inc, uint8_t* out,
                     const uint8_t* table) {
  // A constant operand fixes one byte of the index: the loop then reads one column or one row.
  if (b_inc == 0) {
    const uint8_t* column = table + *b;
    for (size_t i = 0; i < n; ++i) out[i] = column[static_cast<size_t>(a[i * a_inc]) << 8];
  } else if (a_inc == 0) {
    const uint8_t* row = table + (static_cast<size_t>(*a) << 8);
    for (size_t i = 0; i < n; ++i) out[i] = row[b[i]];
  } else {
    for (size_t i = 0; i < n; ++i) out[i] = table[static_cast<size_t>(a[i]) << 8 | b[i]];
  }
}

void add_q8_lut_cyclic(size_t n, const uint8_t* full, const uint8_t* cyclic, size_t period, size_t phase,
                       bool cyclic_is_a, uint8_t* out, const uint8_t* table) {
  size_t j = phase;
  if (cyclic_is_a) {
    for (size_t i = 0; i < n; ++i) {
      out[i] = table[static_cast<size_t>(cyclic[j]) << 8 | full[i]];
      if (++j == period) j = 0;
    }
  } else {
    for (size_t i = 0; i < n; ++i) {
      out[i] = table[static_cast<size_t>(full[i]) << 8 | cyclic[j]];
      if (++j == period) j = 0;
    }
  }
}

}  // namespace eb
