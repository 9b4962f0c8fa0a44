// ADD, SUB, MUL: binary elementwise ops with NumPy broadcasting (up to rank 6) and a fused activation.
//
// Supported: float32, int32, int64, and quantized int8 / uint8 (per-tensor parameters on both inputs and the
// output). Quantized ADD/SUB/MUL have two requantization schemes, because TFLite's default CPU path runs
// them in one of two places:
//  - XNNPACK (the delegate takes ADD/SUB/MUL when the scale ratios fit XNNPACK's limits):
//      ADD/SUB: qs8/qu8 vadd: two Q(shift) integer multipliers a_scale/out_scale and b_scale/out_scale with
//      shift = 20 - exponent(larger ratio) (so the larger multiplier lies in [2^20, 2^21)), rounded to
//      nearest-even; acc = bias + a*a_mult + b*b_mult where the bias folds the zero points and the
//      rounding term 2^(shift-1); out = (acc >> shift) (arithmetic) + out_zp, clamped.
//      MUL: qs8/qu8 vmul fp32: (a-a_zp)*(b-b_zp) times the float a_scale*b_scale/out_scale, clamped and
//      rounded half to even (eb::requantize_fp32).
//  - TFLite's own kernels (used when the ratios fall outside XNNPACK's limits):
//      ADD/SUB: left_shift = 20, inputs rescaled by in_scale / (2 * max in_scale) and the sum by
//      2 * max in_scale / (2^20 * out_scale), three fixed-point multipliers.
//      MUL: (a-a_zp)*(b-b_zp) times the fixed-point multiplier of a_scale*b_scale/out_scale.
// Prepare picks the scheme per node (see QuantAddScheme / QuantMulScheme) and the matching kernel.
//
// int16 (the converter's 16x8 mode: symmetric activations). XNNPACK takes no int16 op, so TFLite's own
// kernels are the reference:
//  - MUL: reference_integer_ops::Mul / BroadcastMul6DSlow: (a-a_zp)*(b-b_zp) times the fixed-point
//    multiplier of a_scale*b_scale/out_scale (the 8-bit fixed-point formula, mul_qs16_ref).
//  - ADD/SUB, general path (left_shift 15, the 8-bit formula's three multipliers): TFLite takes it unless
//    the op's pot_scale_int16 option is set AND all three scales pass CheckedLog2 (within 1e-3 of a
//    power of two, e.g. 1/32767). The converter's 16x8 models write pot_scale_int16 = false, so they
//    always take it; edgebench's model reader does not keep the option yet and prepare always binds the
//    general path (add_qs16_pot_ref is TFLite's power-of-two kernel, for when the option is read: a model
//    with the option true and all three scales powers of two would then need it).
//    LiteRT's x86 build compiles TFLite's NEON code through NEON_2_SSE (not its __AVX2__ branches), so
//    the non-broadcast int16 ADD (optimized_integer_ops::AddElementwiseInt16) runs the NEON body on each
//    16 outputs and its scalar loop on the rest, and the two round differently: NEON body: input
//    (x << (15 + shift)) then vqrdmulh (one rounding, half up), sum, vqrdmulh by the output multiplier,
//    RoundingDivideByPOT; scalar: x << 15, SaturatingRoundingDoublingHighMul then RoundingDivideByPOT
//    (two roundings) for each input, then the same for the sum. Found bit for bit against LiteRT 2.21
//    on crafted ties (tensor sizes 15, 31, 47, 1024: the body is the first n - n % 16). Broadcast ADD
//    (reference BroadcastAdd6DSlow) and every SUB (SubElementwiseInt16 has only an AVX2 branch) are
//    scalar. AddQs16Params::simd_run = n for the flat non-broadcast ADD, 0 otherwise.

#pragma once

#include <array>
#include <cstdint>

#include "kernels/common/quantization.h"
#include "kernels/graph/tensor.h"

namespace eb {

constexpr int kMaxBroadcastRank = 6;

// How the output of a binary op walks its two inputs. Shapes are right-aligned and left-padded with 1s to
// kMaxBroadcastRank; an input stride of 0 repeats that input along a broadcast dimension.
struct BroadcastGeometry {
  std::array<int64_t, kMaxBroadcastRank> out_dims{};
  std::array<int64_t, kMaxBroadcastRank> a_strides{};
  std::array<int64_t, kMaxBroadcastRank> b_strides{};
  int64_t out_elements = 0;
};

// NumPy broadcasting of two shapes (rank <= kMaxBroadcastRank each). Returns false when a dimension pair
// is neither equal nor has a 1.
bool broadcast_shapes(const Shape& a, const Shape& b, Shape* out);
// The walk for inputs of shapes a and b into their broadcast output shape out.
BroadcastGeometry make_broadcast_geometry(const Shape& a, const Shape& b, const Shape& out);

struct BinaryFloatParams {
  BroadcastGeometry geom;
  float act_min = 0.0f, act_max = 0.0f;  // fused activation clamp
};

// int32 ADD/SUB/MUL wrap around on overflow (two's complement), as TFLite's int32 kernels do in practice.
struct BinaryInt32Params {
  BroadcastGeometry geom;
  int32_t act_min = 0, act_max = 0;
};

// int64 ADD/SUB/MUL (TFLite has them too), wrapping like int32.
struct BinaryInt64Params {
  BroadcastGeometry geom;
  int64_t act_min = 0, act_max = 0;
};

enum class QuantAddScheme : uint8_t { kXnnpack, kTflite };
enum class QuantMulScheme : uint8_t { kXnnpackFp32, kTfliteFixedPoint };

// XNNPACK qs8/qu8 vadd (SUB: b_multiplier negated).
struct AddQuantXnnpackParams {
  int32_t a_multiplier = 0, b_multiplier = 0;
  int32_t bias = 0;  // 2^(shift-1) - a_multiplier*a_zp - b_multiplier*b_zp
  uint32_t shift = 0;
  int32_t out_zp = 0, out_min = 0, out_max = 0;
};

// TFLite's reference ADD/SUB for 8-bit: offsets are minus the zero points.
struct AddQuantTfliteParams {
  int32_t a_offset = 0, b_offset = 0;
  int left_shift = 20;
  QuantizedMultiplier a_multiplier, b_multiplier, out_multiplier;  // all shifts <= 0
  int32_t out_zp = 0, out_min = 0, out_max = 0;
  bool subtract = false;  // raw = scaled_a - scaled_b instead of scaled_a + scaled_b
};

// MUL of 8-bit tensors. fp32_scale serves the XNNPACK kernels, multiplier the fixed-point ones.
struct MulQuantParams {
  BroadcastGeometry geom;
  int32_t a_zp = 0, b_zp = 0;
  float fp32_scale = 0.0f;         // a_scale*b_scale/out_scale, computed in float as XNNPACK does
  QuantizedMultiplier multiplier;  // TFLite: QuantizeMultiplier(a_scale*b_scale/out_scale)
  int32_t out_zp = 0, out_min = 0, out_max = 0;
};

// int16 ADD/SUB, TFLite's general path. Offsets are minus the zero points; multiplier shifts are <= 0.
struct AddQs16Params {
  int32_t a_offset = 0, b_offset = 0;
  QuantizedMultiplier a_multiplier, b_multiplier, out_multiplier;
  int32_t out_zp = 0, out_min = -32768, out_max = 32767;
  bool subtract = false;
  int64_t simd_run = 0;  // outputs [0, simd_run - simd_run % 16) take the NEON body's rounding; 0: none
};
// TFLite's power-of-two int16 ADD/SUB (reference_ops::Add / Sub16 with pot scales): one input is already
// on the output's scale, the other is divided by 2^shift (RoundingDivideByPOT); saturating add, clamp.
struct AddQs16PotParams {
  int a_right_shift = 0, b_right_shift = 0;  // one of them 0
  int32_t out_min = -32768, out_max = 32767;
  bool subtract = false;
};

// Reference kernels: a, b and out are dense row-major tensors of the shapes the geometry was made from.
void add_float_ref(const BinaryFloatParams& p, const float* a, const float* b, float* out);
void sub_float_ref(const BinaryFloatParams& p, const float* a, const float* b, float* out);
void mul_float_ref(const BinaryFloatParams& p, const float* a, const float* b, float* out);

void add_int32_ref(const BinaryInt32Params& p, const int32_t* a, const int32_t* b, int32_t* out);
void sub_int32_ref(const BinaryInt32Params& p, const int32_t* a, const int32_t* b, int32_t* out);
void mul_int32_ref(const BinaryInt32Params& p, const int32_t* a, const int32_t* b, int32_t* out);

void add_s64_ref(const BinaryInt64Params& p, const int64_t* a, const int64_t* b, int64_t* out);
void sub_s64_ref(const BinaryInt64Params& p, const int64_t* a, const int64_t* b, int64_t* out);
void mul_s64_ref(const BinaryInt64Params& p, const int64_t* a, const int64_t* b, int64_t* out);

// ADD and SUB share these: SUB is encoded in the params (negated b multiplier / subtract flag).
void add_int8_xnnpack_ref(const BroadcastGeometry& g, const AddQuantXnnpackParams& p, const int8_t* a, const int8_t* b,
                          int8_t* out);
void add_uint8_xnnpack_ref(const BroadcastGeometry& g, const AddQuantXnnpackParams& p, const uint8_t* a,
                           const uint8_t* b, uint8_t* out);
void add_int8_tflite_ref(const BroadcastGeometry& g, const AddQuantTfliteParams& p, const int8_t* a, const int8_t* b,
                         int8_t* out);
void add_uint8_tflite_ref(const BroadcastGeometry& g, const AddQuantTfliteParams& p, const uint8_t* a, const uint8_t* b,
                          uint8_t* out);

// The same on a table of all 65536 results (add_q8_lut.cc): fill computes table[ua << 8 | ub] with the
// reference kernel above for the inputs whose bytes are ua and ub; add_q8_lut_rows looks up one row of the
// broadcast walk (broadcast_rows.h; int8 and uint8 alike, as bytes; a_inc, b_inc 1 or 0).
constexpr size_t kAddQ8LutEntries = 65536;
// The table costs 65536 evaluations of the reference at load: worth it from a quarter of that per
// inference (MoveNet's input SUB: 110592 outputs). Smaller ADD/SUBs (an SSD head's) stay on the reference,
// which on them costs less than the table would at every load (traffic detector: 12% of its load time).
constexpr size_t kAddQ8LutMinElements = kAddQ8LutEntries / 4;
void add_int8_tflite_lut_fill(const AddQuantTfliteParams& p, uint8_t* table);
void add_uint8_tflite_lut_fill(const AddQuantTfliteParams& p, uint8_t* table);
void add_q8_lut_rows(size_t n, const uint8_t* a, size_t a_inc, const uint8_t* b, size_t b_inc, uint8_t* out,
                     const uint8_t* table);
// One operand the output's full shape, the other one innermost row repeated (a per-channel constant):
// one loop over n outputs, the short operand cycling from `phase` with `period`, with no per-row walk.
void add_q8_lut_cyclic(size_t n, const uint8_t* full, const uint8_t* cyclic, size_t period, size_t phase,
                       bool cyclic_is_a, uint8_t* out, const uint8_t* table);

void add_qs16_ref(const BroadcastGeometry& g, const AddQs16Params& p, const int16_t* a, const int16_t* b,
                  int16_t* out);
void add_qs16_pot_ref(const BroadcastGeometry& g, const AddQs16PotParams& p, const int16_t* a, const int16_t* b,
                      int16_t* out);
// The two roundings of one int16 ADD/SUB output (exposed for the tests and fast kernels).
int16_t add_qs16_scalar(const AddQs16Params& p, int32_t a, int32_t b);
int16_t add_qs16_neon_lane(const AddQs16Params& p, int32_t a, int32_t b);
void mul_qs16_ref(const MulQuantParams& p, const int16_t* a, const int16_t* b, int16_t* out);

void mul_int8_fp32_ref(const MulQuantParams& p, const int8_t* a, const int8_t* b, int8_t* out);
void mul_uint8_fp32_ref(const MulQuantParams& p, const uint8_t* a, const uint8_t* b, uint8_t* out);
void mul_int8_fixed_point_ref(const MulQuantParams& p, const int8_t* a, const int8_t* b, int8_t* out);
void mul_uint8_fixed_point_ref(const MulQuantParams& p, const uint8_t* a, const uint8_t* b, uint8_t* out);

// Parameter setup, shared by prepare and the tests. Scales are the tensors' float scales.
AddQuantXnnpackParams make_add_xnnpack_params(float a_scale, int32_t a_zp, float b_scale, int32_t b_zp, float out_scale,
                                              int32_t out_zp, int32_t out_min, int32_t out_max, bool subtract);
AddQuantTfliteParams make_add_tflite_params(float a_scale, int32_t a_zp, float b_scale, int32_t b_zp, float out_scale,
                                            int32_t out_zp, int32_t out_min, int32_t out_max, bool subtract);
// TFLite add.cc / sub.cc Prepare for int16 outputs on the general path (left_shift 15).
AddQs16Params make_add_qs16_params(float a_scale, int32_t a_zp, float b_scale, int32_t b_zp, float out_scale,
                                   int32_t out_zp, int32_t out_min, int32_t out_max, bool subtract);
// True when TFLite's CheckedLog2 finds scale an exact power of two (|log2 - round(log2)| < 1e-6).
bool scale_is_pot(float scale, int* log2_rounded);
// True when XNNPACK accepts these ratios for ADD/SUB (each input/output scale ratio in [2^-10, 2^8)).
bool add_xnnpack_scales_ok(float a_scale, float b_scale, float out_scale);
// True when XNNPACK accepts these scales for MUL (a*b/out in [2^-16, 2^8)).
bool mul_xnnpack_scales_ok(float a_scale, float b_scale, float out_scale);

}  // namespace eb
