// The int8 GEMM op on 4-channel dot-product kernels (VNNI VPDPBUSD, ARMv8.2 SDOT): raw int8 input read
// through byte offsets (no centering pass), weights packed once as int8 with the kernel's input bias
// (VNNI's sign flip) and the input zero point folded into the bias. Numerics: gemm_q8_ukernel.h
// (Qs8GemmC4Args); bit-identical to the reference.
#include <algorithm>
#include <cstring>

#include "kernels/common/thread_pool.h"
#include "kernels/ops/gemm/gemm_qs8_c4.h"

namespace eb {

bool Qs8C4Igemm::fits(const Qs8C4KernelInfo& k, const Q8ConvSpec& s) {
  // int8 weights are symmetric (filter_zp 0) and fit the kernel's int8 operand as they are; -128 too,
  // except for the kernels summing product pairs in int16.
  if (s.is_unsigned || s.filter_zp != 0 || s.in_c % 4 != 0 || !C4Indirection::fits(s, k.mr)) return false;
  const size_t weights = static_cast<size_t>(s.out_c) * static_cast<size_t>(s.filter_h) *
                         static_cast<size_t>(s.filter_w) * static_cast<size_t>(s.in_c);
  return !k.needs_pair_safe_weights || q8_weights_pair_safe(s.filter, weights, s.filter_zp, s.is_unsigned);
}

Qs8C4Igemm::Qs8C4Igemm(const Qs8C4KernelInfo& k, const Q8ConvSpec& s)
    : k_(k), ind_(s, k.mr, C4Offset{static_cast<int64_t>(s.in_w) * s.in_c, static_cast<int64_t>(s.in_c)}) {
  in_w_ = static_cast<size_t>(s.in_w);
  kc_ = static_cast<size_t>(s.in_c);
  ks_ = static_cast<size_t>(s.filter_h) * static_cast<size_t>(s.filter_w);
  m_ = static_cast<size_t>(s.out_h) * static_cast<size_t>(s.out_w);
  n_ = static_cast<size_t>(s.out_c);
  m_tiles_ = ind_.m_tiles();
  n_tiles_ = (n_ + k_.nr - 1) / k_.nr;
  block_bytes_ = k_.nr * 8 + ks_ * kc_ * k_.nr;
}

Status Qs8C4Igemm::init(const Q8ConvSpec& s) {
  EB_RETURN_IF_ERROR(packed_.allocate(n_tiles_ * block_bytes_));
  const size_t nr = k_.nr;
  const uint32_t flip_and_zp = static_cast<uint32_t>(k_.input_bias + s.input_zp);
  const size_t count = ks_ * kc_;  // weights per column
  for (size_t nt = 0; nt < n_tiles_; ++nt) {
    uint8_t* block = packed_.data() + nt * block_bytes_;
    int32_t* bias = reinterpret_cast<int32_t*>(block);
    float* scale = reinterpret_cast<float*>(block + nr * 4);
    int8_t* w = reinterpret_cast<int8_t*>(block + nr * 8);
    for (size_t j = 0; j < nr; ++j) {
      const size_t n = nt * nr + j;
      if (n >= n_) break;  // padding columns: bias, scale and weights stay 0
      int32_t b0 = 0;
      if (s.bias) std::memcpy(&b0, s.bias + n * 4, 4);
      scale[j] = s.scale ? s.scale[n] : 0.0f;
      // Column n's weights are contiguous in the filter ([out_c][taps][in_c]): their sum in one pass (the
      // compiler vectorizes it), then each group of 4 input channels copied as one 32-bit word to its
      // place in the 4-channel layout. The bias less flip_and_zp * sum, wrapping like the reference's adds:
      // a * (x1 + x2) = a * x1 + a * x2 modulo 2^32.
      const int8_t* column = reinterpret_cast<const int8_t*>(s.filter) + n * count;
      uint32_t sum0 = 0, sum1 = 0, sum2 = 0, sum3 = 0;  // count is a multiple of 4 (fits())
      for (size_t i = 0; i < count; i += 4) {
        sum0 += static_cast<uint32_t>(static_cast<int32_t>(column[i]));
        sum1 += static_cast<uint32_t>(static_cast<int32_t>(column[i + 1]));
        sum2 += static_cast<uint32_t>(static_cast<int32_t>(column[i + 2]));
        sum3 += static_cast<uint32_t>(static_cast<int32_t>(column[i + 3]));
      }
      bias[j] = static_cast<int32_t>(static_cast<uint32_t>(b0) - flip_and_zp * (sum0 + sum1 + sum2 + sum3));
      int8_t* dst = w + j * 4;
      for (size_t q = 0; q < count / 4; ++q, dst += nr * 4)  // quad q = (tap t, channels 4k..4k+3), in order
        std::memcpy(dst, column + q * 4, 4);
    }
  }
  return Status();
}

namespace {

// int8 CONV_2D / FULLY_CONNECTED: the walk's tiles requantized straight into the output tensor.
class Qs8IgemmC4Op final : public PreparedOp {
 public:
  Qs8IgemmC4Op(const Qs8C4KernelInfo& k, const Q8ConvSpec& s, const char* name, int threads, int in, int out)
      : gemm_(k, s), name_(name), in_(in), out_(out) {
    batches_ = s.batches;
    in_pixels_ = static_cast<size_t>(s.in_h) * static_cast<size_t>(s.in_w);
    rq_ = make_q8_requant(s.output_zp, s.act_min, s.act_max, /*is_unsigned=*/false);
    tasks_ = tasks_for_work(threads, gemm_.tiles(), gemm_.work_per_tile());
  }

  Status init(const Q8ConvSpec& s) {
    EB_RETURN_IF_ERROR(gemm_.init(s));
    EB_RETURN_IF_ERROR(pad_row_.allocate(gemm_.kc()));
    std::memset(pad_row_.data(), static_cast<int>(static_cast<uint8_t>(s.input_zp)), gemm_.kc());
    return Status();
  }

  void run(const RunContext& ctx) override {
    const uint8_t* in = ctx.data[in_];
    uint8_t* out = ctx.data[out_];
    const size_t m = gemm_.pixels(), n = gemm_.columns(), kc = gemm_.kc();
    for (int32_t b = 0; b < batches_; ++b) {
      const uint8_t* in_b = in + static_cast<size_t>(b) * in_pixels_ * kc;
      uint8_t* out_b = out + static_cast<size_t>(b) * m * n;
      parallel_for(ctx.pool, tasks_, [&](int64_t t) {
        const SplitRange r = split_range(gemm_.tiles(), tasks_, 1, t);
        gemm_.run_tiles(
            in_b, pad_row_.data(), &rq_, r.begin, r.end,
            [&](size_t first_pixel, size_t first_column, Qs8GemmC4Args& a) {
              a.c = out_b + first_pixel * n + first_column;
              a.c_stride = n;
            },
            [](size_t, size_t, size_t, size_t) {});
      });
    }
  }

  const char* kernel_name() const override { return name_; }

 private:
  Qs8C4Igemm gemm_;
  const char* name_;
  int in_, out_;
  int32_t batches_ = 1;
  size_t in_pixels_ = 0;
  Q8Requant rq_{};
  int64_t tasks_ = 1;
  Q8Buffer pad_row_;
};

}  // namespace

Result<std::unique_ptr<PreparedOp>> make_qs8_c4_igemm_op(Isa isa, int threads, const Q8ConvSpec& spec, bool fc,
                                                         int input_tensor, int output_tensor) {
  // One output row (FULLY_CONNECTED at batch 1, a 1x1 output): the single-row kernel when there is one.
  const bool one_row = static_cast<int64_t>(spec.out_h) * spec.out_w == 1;
  const Qs8C4KernelInfo* k = one_row ? qs8_c4_gemv_kernel_for(isa) : nullptr;
  if (k == nullptr) k = qs8_c4_kernel_for(isa);
  if (k == nullptr || !Qs8C4Igemm::fits(*k, spec)) return std::unique_ptr<PreparedOp>();
  auto op = std::make_unique<Qs8IgemmC4Op>(*k, spec, fc ? k->fc : k->conv, threads, input_tensor, output_tensor);
  EB_RETURN_IF_ERROR(op->init(spec));
  return std::unique_ptr<PreparedOp>(std::move(op));
}

}  // namespace eb
