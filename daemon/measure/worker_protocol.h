// The conversation between `edgebench run` (the parent) and `edgebench-worker`, the lean process that
// loads one model and times it. One stream socket; every message is [u32 type][u32 length][payload],
// little-endian host order (both ends are the same build on the same machine). The order:
//
//   parent -> kSetup      model path (for messages), whether its bytes are at kModelFd, engine, threads,
//                         warm-ups, CPU affinity
//   worker -> kBaseline   its resident set before touching the model, with the engine's runtime warm
//                         (worker.cc: warm_up_runtime)
//   parent -> kLoad       go ahead: the parent has moved its phase to "at load", so a memory limit
//                         passed from here on is reported as passed at load, not at start
//   worker -> kModel      the model's first input as stored (shape, signature): a dynamic input needs a
//   parent -> kShape      shape from the parent (from the configured resize or the first image), or none
//   worker -> kLoaded     load time, engine, arena/scratch, RSS after load, input 0 and output 0, then
//                         the number of outputs and outputs 1..n-1
//   parent -> kInput      one preprocessed input tensor           } per item; the worker times only
//   worker -> kOutput     its latency and output 0 as floats      } the inference between the two;
//                         (kSetup's all-outputs flag: then every other output too, for detection)
//                                                                   the parent sends the next input
//                                                                   before it reads this output
//   parent -> kFinish
//   worker -> kDone       peak RSS, page faults, per-node times; then it exits
//
// kError (worker -> parent) may replace any worker message: the worker stops with that message. The
// parent does not trust a worker's bytes (the worker runs hostile models): every read is bounds-checked
// and a message past kMaxMessageBytes is an error.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "kernels/common/status.h"
#include "kernels/graph/tensor.h"

namespace eb::worker {

enum class Msg : uint32_t {
  kBaseline = 1,
  kSetup,
  kModel,
  kShape,
  kLoaded,
  kInput,
  kOutput,
  kFinish,
  kDone,
  kError,
  kLoad,
};

// Larger than any input or output tensor a measurement moves (a 4K float image is 100 MB).
constexpr uint32_t kMaxMessageBytes = 1u << 30;

// The worker's end of the socket: the parent places it at this descriptor before exec.
constexpr int kWorkerFd = 3;
// The model's bytes as the parent read them once for the whole run (daemon/pipeline/model_content.h), a
// sealed memory file placed here before exec; kSetup says whether the worker loads from it or, without
// one (tests, tools), from the path.
constexpr int kModelFd = 4;

// Appends plain values to a payload.
class Writer {
 public:
  template <typename T>
  Writer& put(T v) {
    static_assert(std::is_trivially_copyable_v<T>);
    const size_t at = bytes_.size();
    bytes_.resize(at + sizeof v);
    std::memcpy(bytes_.data() + at, &v, sizeof v);
    return *this;
  }
  Writer& str(const std::string& s);
  Writer& raw(const void* data, size_t n);
  template <typename T>
  Writer& vec(const std::vector<T>& v) {
    put<uint64_t>(v.size());
    return raw(v.data(), v.size() * sizeof(T));
  }
  Writer& tensor(const Tensor& t);  // name, dtype, shape, signature, quantization
  const std::vector<uint8_t>& bytes() const { return bytes_; }

 private:
  std::vector<uint8_t> bytes_;
};

// Reads a payload back; the first read past the end (or a length that does not fit) marks it failed and
// every later read returns zeros, so a message is decoded in one pass and checked once with ok().
class Reader {
 public:
  Reader(const uint8_t* data, size_t n) : p_(data), end_(data + n) {}
  template <typename T>
  T get() {
    static_assert(std::is_trivially_copyable_v<T>);
    T v{};
    if (!take(sizeof v)) return v;
    std::memcpy(&v, p_ - sizeof v, sizeof v);
    return v;
  }
  std::string str();
  // A pointer to n bytes inside the payload (nullptr when fewer are left).
  const uint8_t* raw(size_t n) { return take(n) ? p_ - n : nullptr; }
  template <typename T>
  std::vector<T> vec() {
    const uint64_t n = get<uint64_t>();
    if (n > static_cast<uint64_t>(end_ - p_) / sizeof(T)) {
      failed_ = true;
      return {};
    }
    std::vector<T> v(static_cast<size_t>(n));
    if (n) std::memcpy(v.data(), raw(static_cast<size_t>(n) * sizeof(T)), static_cast<size_t>(n) * sizeof(T));
    return v;
  }
  Tensor tensor();
  // No read has failed so far (more may follow).
  bool good() const { return !failed_; }
  // Every read succeeded and nothing is left over.
  bool ok() const { return !failed_ && p_ == end_; }

 private:
  bool take(size_t n) {
    if (failed_ || n > static_cast<size_t>(end_ - p_)) {
      failed_ = true;
      return false;
    }
    p_ += n;
    return true;
  }
  const uint8_t* p_;
  const uint8_t* end_;
  bool failed_ = false;
};

struct Message {
  Msg type = Msg::kError;
  std::vector<uint8_t> payload;
  Reader reader() const { return Reader(payload.data(), payload.size()); }
};

// Blocking whole-message I/O on a stream socket (the worker's side: its parent is trusted to answer).
// Errors name the peer as `who`. send never raises SIGPIPE.
Status send_message(int fd, Msg type, const std::vector<uint8_t>& payload, const char* who);
Result<Message> receive_message(int fd, const char* who);

}  // namespace eb::worker
