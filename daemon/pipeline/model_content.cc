#include "daemon/pipeline/model_content.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "daemon/pipeline/model_source.h"
#include "kernels/common/input_file.h"
#include "kernels/model/model.h"

namespace eb {

uint64_t fnv1a64(const void* data, size_t size, uint64_t seed) {
  uint64_t h = seed;
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < size; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

namespace {

// Closes a descriptor on every early return.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  int release() {
    const int f = fd;
    fd = -1;
    return f;
  }
};

Status write_all(int fd, const unsigned char* p, size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return error("%s", std::strerror(w < 0 ? errno : ENOSPC));
    p += w;
    n -= static_cast<size_t>(w);
  }
  return {};
}

// A new memory file for `path`'s bytes; sealed by seal() once they are in.
Result<int> new_copy(const std::string& path) {
  const int fd = ::memfd_create("edgebench-model", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) return error("model '%s': cannot make its in-memory copy: %s", path.c_str(), std::strerror(errno));
  return fd;
}

// Sealed: neither this process nor a worker can change what the measurements load.
Status seal(int fd, const std::string& path) {
  if (::fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0)
    return error("model '%s': cannot seal its in-memory copy: %s", path.c_str(), std::strerror(errno));
  return {};
}

}  // namespace

// A Keras original: its float32 TFLite lowering (model_source.h) is what the workers load; the size kept
// is the Keras file's, the size a user compares with the variants'.
Result<std::unique_ptr<ModelContent>> ModelContent::read_keras(const std::string& path) {
  size_t file_size = 0;
  EB_ASSIGN_OR_RETURN(const std::vector<uint8_t> bytes, read_model_bytes_any(path, &file_size));
  EB_ASSIGN_OR_RETURN(const int fd, new_copy(path));
  Fd copy{fd};
  if (Status s = write_all(copy.fd, bytes.data(), bytes.size()); !s.ok())
    return error("model '%s': cannot copy its lowering into memory: %s", path.c_str(), s.message().c_str());
  EB_RETURN_IF_ERROR(seal(copy.fd, path));
  std::unique_ptr<ModelContent> c(new ModelContent());
  c->path_ = path;
  c->size_ = file_size;
  c->hash_ = fnv1a64(bytes.data(), bytes.size());
  c->fd_ = copy.release();
  return c;
}

ModelContent::~ModelContent() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::unique_ptr<ModelContent>> ModelContent::read(const std::string& path, size_t max_bytes) {
  if (max_bytes == 0) max_bytes = LoadLimits{}.max_file_bytes;
  if (is_keras_path(path)) return read_keras(path);
  size_t size = 0;
  EB_ASSIGN_OR_RETURN(const int opened, open_input_file(path, "model", &size));
  Fd in{opened};
  if (size < 16) return error("model '%s' is too small to be a .tflite file (%zu bytes)", path.c_str(), size);
  if (size > max_bytes) return error("model '%s' is %zu bytes, above the limit of %zu", path.c_str(), size, max_bytes);
  EB_ASSIGN_OR_RETURN(const int fd, new_copy(path));
  Fd copy{fd};

  std::unique_ptr<ModelContent> c(new ModelContent());
  c->path_ = path;
  c->hash_ = fnv1a64(nullptr, 0);
  std::vector<unsigned char> buf(size_t{1} << 20);
  size_t got = 0;
  while (got < size) {
    const ssize_t n = ::pread(in.fd, buf.data(), std::min(buf.size(), size - got), static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return error("cannot read model '%s': %s", path.c_str(), std::strerror(errno));
    if (n == 0) return error("model '%s' shrank while being read (%zu of %zu bytes)", path.c_str(), got, size);
    // The identifier is checked on the first block, before anything is copied.
    if (got == 0 && (n < 8 || std::memcmp(buf.data() + 4, "TFL3", 4) != 0))
      return error("model '%s': not a TFLite flatbuffer (file identifier is not \"TFL3\")", path.c_str());
    c->hash_ = fnv1a64(buf.data(), static_cast<size_t>(n), c->hash_);
    if (Status s = write_all(copy.fd, buf.data(), static_cast<size_t>(n)); !s.ok())
      return error("model '%s': cannot copy it into memory: %s", path.c_str(), s.message().c_str());
    got += static_cast<size_t>(n);
  }
  EB_RETURN_IF_ERROR(seal(copy.fd, path));
  c->size_ = size;
  c->fd_ = copy.release();
  return c;
}

}  // namespace eb
