// The hybrid (dynamic-range) FULLY_CONNECTED fast path: float input rows quantized on the fly exactly as
// the reference does (hybrid_quantize_row_*), the int8 dot products on an ISA microkernel
// (hybrid_dot_ukernels.h; integer sums, so the same int32 as the reference), then the reference's own
// float epilogue, operation for operation: bit-identical to fully_connected_hybrid_ref. Outputs are
// split over the thread pool in blocks of 4 rows.
#include <algorithm>
#include <memory>
#include <vector>

#include "kernels/common/thread_pool.h"
#include "kernels/ops/fully_connected/fully_connected.h"
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

}  // namespace

std::unique_ptr<PreparedOp> prepare_fully_connected_fast_hybrid(PrepareContext& ctx,
                                                                const FullyConnectedHybridParams& p,
                                                                std::vector<float> channel_scale,
                                                                std::vector<int32_t> row_sums, int in, int w, int b,
                                                                int out) {
  const HybridDotKernel* k = hybrid_dot_kernel_for(ctx.isa());
  if (k == nullptr || p.in <= 0 || p.out <= 0) return nullptr;
  return std::make_unique<FullyConnectedHybridFastOp>(*k, p, std::move(channel_scale), std::move(row_sums),
                                                      ctx.threads(), in, w, b, out);
}

}  // namespace eb
