// SOFTMAX over the last dimension: y = exp(beta * (x - max)) / sum exp(beta * (x - max)).
//
//  - float32: the exponentials of one row are computed, summed in order, then multiplied by 1 / sum
//    (XNNPACK's and TFLite's optimized float kernels normalize by a reciprocal too).
//  - int8 -> int8 and uint8 -> uint8 follow TFLite's optimized quantized kernel (XNNPACK does not take
//    quantized softmax): a float lookup table built at prepare time, table[255 - v] = expf(-in_scale *
//    beta * v) for v = 0..255, indexed with v = max - x of the row. Per row: sum = sum of the table values
//    (float, in order), inv = 1 / (sum * out_scale), y = round(table * inv) + zero point, clamped. TFLite
//    rounds int8 with std::round and, on non-ARM64 builds such as the WebAssembly reference, uint8 with
//    static_cast<int>(p + 0.5f) (and no zero point, which is 0 for uint8). The output quantization is
//    fixed: scale 1/256 with zero point -128 (int8) or 0 (uint8). With this kernel the int8 and uint8
//    conformance models (fmnist, cifar10, ic-resnet8, kws, both MobileNets) are bit exact.
//  - int16 -> int16 (the converter's 16x8 mode) is TFLite's reference_ops::SoftmaxInt16, which its
//    optimized registration calls too: per row, d = x - max is rescaled by input_multiplier (in_scale * beta
//    / (10/65535)) so that [-65535, 0] spans [-10, 0], recentred by +32767 and saturated to int16, then
//    looked up with interpolation in a 513-entry exp table; the int32 sum of those Q0.15 values is
//    normalized by its leading zeros to [1, 2), and 1/sum comes from a second 513-entry table of 1/(1+x) on
//    [0, 1]; y = (exp * reciprocal + round) >> (31 - leading zeros), clamped to [0, 32767]. Both tables are
//    TFLite's LUTPopulate<int16_t> in double. Prepare requires zero points 0 and output scale 1/32768 (within
//    0.1%), as TFLite does. (TFLite sources of 2024 refuse ranks above 4 at Eval; LiteRT 2.3's wheel runs a
//    rank-5 int16 softmax, bit exact with this kernel, so no rank limit is imposed.)
#pragma once

#include <cstdint>

namespace eb {

struct SoftmaxParams {
  int64_t rows = 0;     // product of all dimensions but the last
  int32_t depth = 0;    // the last dimension
  float beta = 1.0f;    // float kernel
  // Quantized kernels.
  const float* table = nullptr;  // 256 entries, see above
  float output_scale = 0.0f;
  int32_t output_zero_point = 0;
};

void softmax_float32_ref(const SoftmaxParams& p, const float* input, float* output);
void softmax_int8_ref(const SoftmaxParams& p, const int8_t* input, int8_t* output);
void softmax_uint8_ref(const SoftmaxParams& p, const uint8_t* input, uint8_t* output);

// The fast paths' quantized kernels (softmax_fast.cc): the reference's results byte for byte over rows
// [row_begin, row_end), for tables whose values all lie in [0, 1] (beta >= 0; prepare checks).
void softmax_int8_fast(const SoftmaxParams& p, const int8_t* input, int8_t* output, int64_t row_begin,
                       int64_t row_end);
void softmax_uint8_fast(const SoftmaxParams& p, const uint8_t* input, uint8_t* output, int64_t row_begin,
                        int64_t row_end);

// Fills table[256] as described above.
void softmax_populate_table(float input_scale, float beta, float* table);

// int16 softmax (see above).
constexpr int kSoftmaxInt16LutSize = 513;
struct SoftmaxInt16Params {
  int64_t rows = 0;
  int32_t depth = 0;
  int32_t input_multiplier = 0;  // TFLite's QuantizeMultiplier of in_scale * beta / (10/65535)
  int input_shift = 0;
  const int16_t* exp_lut = nullptr;                  // exp(x), x in [-10, 0]
  const int16_t* one_over_one_plus_x_lut = nullptr;  // 1/(1+x), x in [0, 1]
};
// Rows [row_begin, row_end); softmax_int16_ref is all rows.
void softmax_int16_rows(const SoftmaxInt16Params& p, const int16_t* input, int16_t* output, int64_t row_begin,
                        int64_t row_end);
void softmax_int16_ref(const SoftmaxInt16Params& p, const int16_t* input, int16_t* output);
// TFLite's two int16 softmax tables (LUTPopulate<int16_t>, double precision), kSoftmaxInt16LutSize each.
void softmax_int16_populate_luts(int16_t* exp_lut, int16_t* one_over_one_plus_x_lut);
// TFLite's LUTLookup for int16: entry 256 + (v >> 7), interpolated by the low 7 bits.
int16_t lut_lookup_int16(int16_t value, const int16_t* lut);

}  // namespace eb
