// The hybrid (dynamic-range) FULLY_CONNECTED fast path: float input rows quantized on the fly exactly as
// the reference does (hybrid_quantize_row_*), the int8 dot products on an ISA microkernel
// (hybrid_dot_ukernels.h; integer sums, so the same int32 as the reference), then the reference's own
// float epilogue, operation for operation: bit-identical to fully_connected_hybrid_ref. Outputs are
// split over the thread pool in blocks of 4 rows.
//
// Where the ISA has a Qs8C4 GEMM kernel that keeps int32 sums (gemm_q8.h: hybrid_fc) and the input
// length is a multiple of 4, the dot products run on it instead (FullyConnectedHybridGemmOp): the weights
// packed once at load, 16 or 64 outputs per vector, no horizontal sums and no run-time weight sums (the
// packed bias holds -input_bias * sum(w)); its single-row kernel at batch 1, the 4-row one from batch 4.
// The int32 sums are the reference's (see gemm_qs8_c4.h), the epilogue the same function.
#include <algorithm>
#include <memory>
#include <vector>

#include "kernels/common/thread_pool.h"
#include "kernels/ops/fully_connected/fully_connected.h"
#include "kernels/ops/gemm/gemm_qs8_c4.h"
#include "kernels/ops/gemm/hybrid_dot.h"
#include "kernels/ops/gemm/hybrid_quantize.h"

namespace eb {
namespace {

class FullyConnectedHybridFastOp final : public PreparedOp {
 public:
  FullyConnectedHybridFastOp(const HybridDotKernel& k, const FullyConnectedHybridParams& p,
                             std::vector<float> channel_scale, std::vector<int32_t> row_sums, int threads, int in,
                             int w, int b, int out)
      : k_(k),
        p_(p),
        channel_scale_(std::move(channel_scale)),
        row_sums_(std::move(row_sums)),
        quantized_row_(static_cast<size_t>(p.in)),
        dots_(static_cast<size_t>(p.out)),
        in_(in),
        w_(w),
        b_(b),
        out_(out) {
    p_.channel_scale = channel_scale_.empty() ? nullptr : channel_scale_.data();
    p_.row_sums = row_sums_.data();
    blocks_ = (static_cast<int64_t>(p.out) + 3) / 4;
    tasks_ = tasks_for_work(threads, blocks_, int64_t{4} * p.in);
  }

  void run(const RunContext& ctx) override {
    const float* input = ctx.in<float>(in_);
    const int8_t* weights = ctx.in<int8_t>(w_);
    const float* bias = b_ >= 0 ? ctx.in<float>(b_) : nullptr;
    float* output = ctx.out<float>(out_);
    const size_t n = static_cast<size_t>(p_.in);
    for (int32_t b = 0; b < p_.batch; ++b) {
      const float* x = input + static_cast<int64_t>(b) * p_.in;
      float* y = output + static_cast<int64_t>(b) * p_.out;
      float row_scale = 1.0f;
      int32_t offset = 0;
      hybrid_quantize_fast(k_, !p_.asymmetric, x, n, quantized_row_.data(), &row_scale, &offset);
      if (!p_.channel_scale) row_scale *= p_.weight_scale;
      parallel_for(ctx.pool, tasks_, [&](int64_t t) {
        const SplitRange r = split_range(blocks_, tasks_, 1, t);
        const int64_t o0 = r.begin * 4, o1 = std::min<int64_t>(r.end * 4, p_.out);
        if (o1 <= o0) return;
        k_.fc_fn(n, quantized_row_.data(), weights + o0 * p_.in, n, static_cast<size_t>(o1 - o0), dots_.data() + o0);
        for (int64_t o = o0; o < o1; ++o)
          y[o] = fully_connected_hybrid_output(p_, dots_[static_cast<size_t>(o)], offset, row_scale, bias,
                                               static_cast<int32_t>(o));
      });
    }
  }
  const char* kernel_name() const override { return k_.fc_name; }

 private:
  HybridDotKernel k_;
  FullyConnectedHybridParams p_;
  std::vector<float> channel_scale_;
  std::vector<int32_t> row_sums_;
  std::vector<int8_t> quantized_row_;
  std::vector<int32_t> dots_;
  int64_t blocks_ = 0, tasks_ = 1;
  int in_, w_, b_, out_;
};

class FullyConnectedHybridGemmOp final : public PreparedOp {
 public:
  FullyConnectedHybridGemmOp(const Qs8C4KernelInfo& k, const HybridDotKernel& quantize, const Q8ConvSpec& s,
                             const FullyConnectedHybridParams& p, std::vector<float> channel_scale,
                             std::vector<int32_t> row_sums, int threads, int in, int b, int out)
      : gemm_(k, s),
        quantize_(quantize),
        name_(k.hybrid_fc),
        p_(p),
        channel_scale_(std::move(channel_scale)),
        row_sums_(std::move(row_sums)),
        quantized_(static_cast<size_t>(p.batch) * static_cast<size_t>(p.in)),
        row_scale_(static_cast<size_t>(p.batch)),
        offset_(static_cast<size_t>(p.batch)),
        dots_(static_cast<size_t>(p.batch) * static_cast<size_t>(p.out)),
        in_(in),
        b_(b),
        out_(out) {
    p_.channel_scale = channel_scale_.empty() ? nullptr : channel_scale_.data();
    p_.row_sums = row_sums_.data();
    tasks_ = tasks_for_work(threads, gemm_.tiles(), gemm_.work_per_tile());
  }

  Status init(const Q8ConvSpec& s) {
    EB_RETURN_IF_ERROR(gemm_.init(s));
    return pad_.allocate(gemm_.kc());  // a 1x1 window has no padding taps; the walk wants the row anyway
  }

  void run(const RunContext& ctx) override {
    const float* input = ctx.in<float>(in_);
    const float* bias = b_ >= 0 ? ctx.in<float>(b_) : nullptr;
    float* output = ctx.out<float>(out_);
    const size_t n = static_cast<size_t>(p_.in), outs = static_cast<size_t>(p_.out);
    for (size_t b = 0; b < row_scale_.size(); ++b) {
      hybrid_quantize_fast(quantize_, !p_.asymmetric, input + b * n, n, quantized_.data() + b * n, &row_scale_[b],
                           &offset_[b]);
      if (!p_.channel_scale) row_scale_[b] *= p_.weight_scale;
    }
    parallel_for(ctx.pool, tasks_, [&](int64_t t) {
      const SplitRange r = split_range(gemm_.tiles(), tasks_, 1, t);
      gemm_.run_tiles(
          reinterpret_cast<const uint8_t*>(quantized_.data()), pad_.data(), /*rq=*/nullptr, r.begin, r.end,
          [&](size_t first_row, size_t first_column, Qs8GemmC4Args& a) {
            a.c = reinterpret_cast<uint8_t*>(dots_.data() + first_row * outs + first_column);
            a.c_stride = outs * sizeof(int32_t);
          },
          [&](size_t first_row, size_t rows, size_t first_column, size_t columns) {
            for (size_t row = first_row; row < first_row + rows; ++row)
              for (size_t o = first_column; o < first_column + columns; ++o)
                output[row * outs + o] = fully_connected_hybrid_output(
                    p_, dots_[row * outs + o], offset_[row], row_scale_[row], bias, static_cast<int32_t>(o));
          });
    });
  }
  const char* kernel_name() const override { return name_; }

 private:
  Qs8C4Igemm gemm_;
  HybridDotKernel quantize_;  // its scan and quantize microkernels
  const char* name_;
  FullyConnectedHybridParams p_;
  std::vector<float> channel_scale_;
  std::vector<int32_t> row_sums_;
  std::vector<int8_t> quantized_;  // [batch][in]: the GEMM's input rows
  std::vector<float> row_scale_;
  std::vector<int32_t> offset_;
  std::vector<int32_t> dots_;  // [batch][out]
  Q8Buffer pad_;
  int64_t tasks_ = 1;
  int in_, b_, out_;
};

// The GEMM op when the ISA has a kernel keeping int32 sums and the layer fits it, else nullptr.
Result<std::unique_ptr<PreparedOp>> make_hybrid_gemm_op(PrepareContext& ctx, const FullyConnectedHybridParams& p,
                                                        const std::vector<float>& channel_scale,
                                                        const std::vector<int32_t>& row_sums, int in, int b, int out) {
  const HybridDotKernel* quantize = hybrid_dot_kernel_for(ctx.isa());
  // Batch 1: the single-row kernel; from 4 rows the 4-row one; 2-3 rows stay on the dot kernels.
  const Qs8C4KernelInfo* k = p.batch == 1 ? qs8_c4_gemv_kernel_for(ctx.isa())
                             : p.batch >= 4 ? qs8_c4_kernel_for(ctx.isa()) : nullptr;
  if (quantize == nullptr || k == nullptr || k->hybrid_fc == nullptr || p.in % 4 != 0)
    return std::unique_ptr<PreparedOp>();
  Q8ConvSpec s;  // FULLY_CONNECTED as a 1x1 conv over `batch` pixels; int8 symmetric weights, no bias
  s.in_w = s.out_w = p.batch;
  s.in_c = p.in;
  s.out_c = p.out;
  s.filter = ctx.input(1).constant_as<uint8_t>();
  if (!Qs8C4Igemm::fits(*k, s)) return std::unique_ptr<PreparedOp>();
  auto op = std::make_unique<FullyConnectedHybridGemmOp>(*k, *quantize, s, p, channel_scale, row_sums, ctx.threads(),
                                                         in, b, out);
  EB_RETURN_IF_ERROR(op->init(s));
  ctx.input_packed(1);  // the bias is read as stored
  return std::unique_ptr<PreparedOp>(std::move(op));
}

}  // namespace

std::unique_ptr<PreparedOp> prepare_fully_connected_fast_hybrid(PrepareContext& ctx,
                                                                const FullyConnectedHybridParams& p,
                                                                std::vector<float> channel_scale,
                                                                std::vector<int32_t> row_sums, int in, int w, int b,
                                                                int out) {
  if (p.in <= 0 || p.out <= 0) return nullptr;
  auto gemm = make_hybrid_gemm_op(ctx, p, channel_scale, row_sums, in, b, out);
  if (gemm.ok() && gemm.value()) return std::move(gemm.value());
  // (A GEMM that could not be built -- out of memory packing -- leaves the dot kernels to serve.)
  const HybridDotKernel* k = hybrid_dot_kernel_for(ctx.isa());
  if (k == nullptr) return nullptr;
  return std::make_unique<FullyConnectedHybridFastOp>(*k, p, std::move(channel_scale), std::move(row_sums),
                                                      ctx.threads(), in, w, b, out);
}

}  // namespace eb
