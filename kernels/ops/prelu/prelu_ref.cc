// Reference kernels of PRELU.
#include <algorithm>
#include <cstdint>

#include "kernels/ops/prelu/prelu.h"

namespace eb {
namespace {

// Calls f(out_index, in_index, alpha_index) for every output element in row-major order.
template <typename F>
void for_each_broadcast(const PreluLayout& l, F f) {
  int64_t idx[kPreluMaxRank] = {};
  int64_t total = 1;
  for (int d = 0; d < l.rank; ++d) total *= l.dims[d];
  int64_t in_off = 0, alpha_off = 0;
  for (int64_t o = 0; o < total; ++o) {
    f(o, in_off, alpha_off);
    for (int d = l.rank - 1; d >= 0; --d) {
      in_off += l.in_stride[d];
      alpha_off += l.alpha_stride[d];
      if (++idx[d] < l.dims[d]) break;
      in_off -= l.in_stride[d] * l.dims[d];
      alpha_off -= l.alpha_stride[d] * l.dims[d];
      idx[d] = 0;
    }
  }
}

template <typename T>
void prelu_quant(const PreluLayout& l, const PreluQuantParams& p, const T* in, const T* alpha, T* out) {
  for_each_broadcast(l, [&](int64_t o, int64_t i, int64_t a) {
    const int32_t x = static_cast<int32_t>(in[i]) - p.in_zp;
    int32_t v;
    if (x >= 0) {
      v = multiply_by_quantized_multiplier(x, p.positive);
    } else {
      // |x| <= 255 and |alpha'| <= 255: the product fits in int32.
      v = multiply_by_quantized_multiplier(x * (static_cast<int32_t>(alpha[a]) - p.alpha_zp), p.negative);
    }
    out[o] = static_cast<T>(std::min(std::max(v + p.out_zp, qmin_of<T>()), qmax_of<T>()));
  });
}

}  // namespace

void prelu_f32_ref(const PreluLayout& l, const float* in, const float* alpha, float* out) {
  for_each_broadcast(l, [&](int64_t o, int64_t i, int64_t a) { out[o] = in[i] >= 0.0f ? in[i] : in[i] * alpha[a]; });
}

void prelu_qs8_ref(const PreluLayout& l, const PreluQuantParams& p, const int8_t* in, const int8_t* alpha,
                   int8_t* out) {
  prelu_quant(l, p, in, alpha, out);
}
void prelu_qu8_ref(const PreluLayout& l, const PreluQuantParams& p, const uint8_t* in, const uint8_t* alpha,
                   uint8_t* out) {
  prelu_quant(l, p, in, alpha, out);
}

}  // namespace eb
