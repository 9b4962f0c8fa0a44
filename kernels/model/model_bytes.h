// The bytes of a loaded .tflite file, in a page-aligned anonymous mapping of their own, so that pages no
// kernel reads any more can be given back to the system while the graph is prepared: weights the fast
// kernels packed into their own layout, and (at the end) the flatbuffer's tables, already parsed into the
// Graph. A measured process then holds each weight once, and its peak never holds both copies of every
// layer (Interpreter, EngineOptions::release_packed_weights).
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "kernels/common/status.h"

namespace eb {

class ModelBytes {
 public:
  ModelBytes() = default;
  ~ModelBytes();
  ModelBytes(ModelBytes&& other) noexcept { *this = std::move(other); }
  ModelBytes& operator=(ModelBytes&& other) noexcept;
  ModelBytes(const ModelBytes&) = delete;
  ModelBytes& operator=(const ModelBytes&) = delete;

  // Zeroed, writable, page-aligned storage for `size` bytes (size > 0).
  static Result<ModelBytes> allocate(size_t size);

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool contains(const uint8_t* p) const { return data_ != nullptr && p >= data_ && p < data_ + size_; }

  // Page claims: claim() marks the pages of [p, p + n) as needed by one reader (a constant tensor);
  // unclaim() drops that claim and gives back every page of the range no claim holds any more. Given-back
  // pages are made inaccessible: a read nobody announced faults at once instead of seeing zeros.
  // Ranges outside this buffer are ignored. Both return the bytes given back (claim: 0).
  void claim(const uint8_t* p, size_t n);
  size_t unclaim(const uint8_t* p, size_t n);
  // Gives back every page no claim holds (the tables, constants nobody reads); the claimed stay.
  size_t release_unclaimed();
  // True once any page was given back: what was not claimed can no longer be read.
  bool released() const { return released_bytes_ > 0; }
  size_t released_bytes() const { return released_bytes_; }

 private:
  std::pair<size_t, size_t> pages_of(const uint8_t* p, size_t n) const;  // [first, last) pages
  size_t give_back(size_t first, size_t last);                             // the pages with no claim

  uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t mapped_ = 0;             // size_ rounded up to whole pages
  std::vector<uint32_t> claims_;  // per page; kGone once given back (sized at the first claim)
  size_t released_bytes_ = 0;
  static constexpr uint32_t kGone = UINT32_MAX;
};

}  // namespace eb
