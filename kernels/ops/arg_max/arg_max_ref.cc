#include "kernels/ops/arg_max/arg_max.h"

namespace eb {
namespace {

template <typename T, typename Index>
void arg_max_impl(const T* input, const ArgMaxParams& p, Index* output) {
  for (int64_t o = 0; o < p.outer; ++o) {
    const T* base = input + o * p.axis_size * p.inner;
    for (int64_t i = 0; i < p.inner; ++i) {
      T best = base[i];
      Index best_index = 0;
      for (int32_t a = 1; a < p.axis_size; ++a) {
        const T v = base[static_cast<int64_t>(a) * p.inner + i];
        if (p.find_min ? v < best : v > best) {  // strict: ties keep the smallest index
          best = v;
          best_index = static_cast<Index>(a);
        }
      }
      output[o * p.inner + i] = best_index;
    }
  }
}

}  // namespace

void arg_max_float32_ref(const float* input, const ArgMaxParams& p, int32_t* output) { arg_max_impl(input, p, output); }
void arg_max_float32_ref(const float* input, const ArgMaxParams& p, int64_t* output) { arg_max_impl(input, p, output); }
void arg_max_int8_ref(const int8_t* input, const ArgMaxParams& p, int32_t* output) { arg_max_impl(input, p, output); }
void arg_max_int8_ref(const int8_t* input, const ArgMaxParams& p, int64_t* output) { arg_max_impl(input, p, output); }
void arg_max_uint8_ref(const uint8_t* input, const ArgMaxParams& p, int32_t* output) { arg_max_impl(input, p, output); }
void arg_max_uint8_ref(const uint8_t* input, const ArgMaxParams& p, int64_t* output) { arg_max_impl(input, p, output); }
void arg_max_int32_ref(const int32_t* input, const ArgMaxParams& p, int32_t* output) { arg_max_impl(input, p, output); }
void arg_max_int32_ref(const int32_t* input, const ArgMaxParams& p, int64_t* output) { arg_max_impl(input, p, output); }

}  // namespace eb
