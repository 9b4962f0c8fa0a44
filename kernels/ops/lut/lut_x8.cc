// Dispatch and threading of the 8-bit table lookups (lut_x8.h).
#include "kernels/ops/lut/lut_x8.h"

#include <algorithm>
#include <utility>

#include "kernels/common/thread_pool.h"

namespace eb {

const LutX8Kernel* lut_x8_kernel_for(Isa isa) {
#if defined(__x86_64__)
  static const LutX8Kernel kAvx512 = {lut_x8_avx512, "avx512"};
  static const LutX8Kernel kAvx2 = {lut_x8_avx2, "avx2"};
  if (isa == Isa::kAvx512 || isa == Isa::kAvx512Vnni) return &kAvx512;
  if (isa == Isa::kAvx2) return &kAvx2;
#elif defined(__aarch64__)
  static const LutX8Kernel kNeon = {lut_x8_neon, "neon"};
  if (isa == Isa::kNeon || isa == Isa::kNeonDot) return &kNeon;
#endif
  (void)isa;
  return nullptr;
}

void lut_x8_ref(size_t n, const uint8_t* x, uint8_t* y, const uint8_t* table) {
  for (size_t i = 0; i < n; ++i) y[i] = table[x[i]];
}

namespace {

// A lookup costs well under a nanosecond a byte on the fast paths: at least 32K bytes per task.
constexpr int64_t kMinBlock = 32768;

class LutX8Op final : public PreparedOp {
 public:
  LutX8Op(std::string name, LutX8Ukernel uk, bool threaded, const uint8_t* table, int in, int out, int64_t n)
      : name_(std::move(name)), uk_(uk), threaded_(threaded), in_(in), out_(out), n_(n) {
    std::copy(table, table + 256, table_.begin());
  }
  void run(const RunContext& c) override {
    const uint8_t* x = c.in<uint8_t>(in_);
    uint8_t* y = c.out<uint8_t>(out_);
    if (!threaded_) {
      uk_(static_cast<size_t>(n_), x, y, table_.data());
      return;
    }
    parallel_for_elements(c.pool, n_, kMinBlock, [&](int64_t begin, int64_t end) {
      uk_(static_cast<size_t>(end - begin), x + begin, y + begin, table_.data());
    });
  }
  const char* kernel_name() const override { return name_.c_str(); }

 private:
  std::string name_;
  LutX8Ukernel uk_;
  bool threaded_;
  LutTable8 table_;
  int in_, out_;
  int64_t n_;
};

}  // namespace

std::unique_ptr<PreparedOp> bind_lut_x8(Isa isa, const std::string& op_type, const uint8_t* table, int in, int out,
                                        int64_t n) {
  const LutX8Kernel* k = lut_x8_kernel_for(isa);
  if (k == nullptr) return std::make_unique<LutX8Op>(op_type + "_lut_ref", lut_x8_ref, false, table, in, out, n);
  return std::make_unique<LutX8Op>(op_type + "_lut_" + k->isa_suffix, k->ukernel, true, table, in, out, n);
}

}  // namespace eb
