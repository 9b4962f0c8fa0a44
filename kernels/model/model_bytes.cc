#include "kernels/model/model_bytes.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace eb {
namespace {

size_t page_size() {
  static const size_t p = [] {
    const long v = sysconf(_SC_PAGESIZE);
    return v > 0 ? static_cast<size_t>(v) : size_t{4096};
  }();
  return p;
}

}  // namespace

ModelBytes::~ModelBytes() {
  if (data_ != nullptr) munmap(data_, mapped_);
}

ModelBytes& ModelBytes::operator=(ModelBytes&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) munmap(data_, mapped_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    mapped_ = std::exchange(other.mapped_, 0);
    claims_ = std::move(other.claims_);
    released_bytes_ = std::exchange(other.released_bytes_, 0);
  }
  return *this;
}

Result<ModelBytes> ModelBytes::allocate(size_t size) {
  const size_t page = page_size();
  if (size == 0 || size > SIZE_MAX - page) return error("cannot hold a model of %zu bytes", size);
  ModelBytes b;
  b.mapped_ = (size + page - 1) / page * page;
  void* p = mmap(nullptr, b.mapped_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return error("cannot allocate %zu bytes for the model: %s", size, std::strerror(errno));
  b.data_ = static_cast<uint8_t*>(p);
  b.size_ = size;
  return b;
}

std::pair<size_t, size_t> ModelBytes::pages_of(const uint8_t* p, size_t n) const {
  if (n == 0 || !contains(p)) return {0, 0};
  const size_t page = page_size();
  const size_t off = static_cast<size_t>(p - data_);
  const size_t end = off + std::min(n, size_ - off);
  return {off / page, (end + page - 1) / page};
}

void ModelBytes::claim(const uint8_t* p, size_t n) {
  if (claims_.empty()) claims_.assign(mapped_ / page_size(), 0);
  const auto [first, last] = pages_of(p, n);
  for (size_t i = first; i < last; ++i)
    if (claims_[i] != kGone) ++claims_[i];
}

size_t ModelBytes::unclaim(const uint8_t* p, size_t n) {
  const auto [first, last] = pages_of(p, n);
  if (claims_.empty() || first == last) return 0;
  for (size_t i = first; i < last; ++i)
    if (claims_[i] != kGone && claims_[i] > 0) --claims_[i];
  return give_back(first, last);
}

size_t ModelBytes::release_unclaimed() {
  if (data_ == nullptr) return 0;
  if (claims_.empty()) claims_.assign(mapped_ / page_size(), 0);
  return give_back(0, claims_.size());
}

size_t ModelBytes::give_back(size_t first, size_t last) {
  const size_t page = page_size();
  size_t given = 0;
  for (size_t i = first; i < last;) {
    if (claims_[i] != 0) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < last && claims_[j] == 0) claims_[j++] = kGone;
    uint8_t* start = data_ + i * page;
    const size_t bytes = (j - i) * page;
    // MADV_DONTNEED frees the pages of a private anonymous mapping at once; PROT_NONE makes a later read
    // fault (the measuring worker reports it) rather than see zeros.
    if (madvise(start, bytes, MADV_DONTNEED) == 0 && mprotect(start, bytes, PROT_NONE) == 0) given += bytes;
    i = j;
  }
  released_bytes_ += given;
  return given;
}

}  // namespace eb
