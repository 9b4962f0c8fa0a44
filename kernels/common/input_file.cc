#include "kernels/common/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace eb {
namespace {

const char* kind_of(mode_t m) {
  if (S_ISDIR(m)) return "a directory";
  if (S_ISFIFO(m)) return "a FIFO";
  if (S_ISSOCK(m)) return "a socket";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  return "not a regular file";
}

}  // namespace

Result<int> open_input_file(const std::string& path, const std::string& what, size_t* size) {
  // Looked at before it is opened: opening a socket fails with a misleading "No such device or address",
  // and opening a device can have effects of its own. Checked again on the descriptor (it may change).
  struct stat before {};
  if (::stat(path.c_str(), &before) == 0 && !S_ISREG(before.st_mode))
    return error("%s %s: is %s, not a regular file", what.c_str(), path.c_str(), kind_of(before.st_mode));
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return error("%s %s: cannot open: %s", what.c_str(), path.c_str(), std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int e = errno;
    ::close(fd);
    return error("%s %s: cannot read: %s", what.c_str(), path.c_str(), std::strerror(e));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return error("%s %s: is %s, not a regular file", what.c_str(), path.c_str(), kind_of(st.st_mode));
  }
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) (void)::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  *size = static_cast<size_t>(st.st_size);
  return fd;
}

Result<std::vector<unsigned char>> read_input_file(const std::string& path, size_t max_bytes, const std::string& what) {
  size_t size = 0;
  EB_ASSIGN_OR_RETURN(const int fd, open_input_file(path, what, &size));
  if (size > max_bytes) {
    ::close(fd);
    return error("%s %s: too large (%zu bytes, limit %zu)", what.c_str(), path.c_str(), size, max_bytes);
  }
  std::vector<unsigned char> bytes(size);
  size_t got = 0;
  while (got < size) {
    const ssize_t n = ::pread(fd, bytes.data() + got, size - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int e = n < 0 ? errno : 0;
      ::close(fd);
      if (e != 0) return error("%s %s: read failed: %s", what.c_str(), path.c_str(), std::strerror(e));
      return error("%s %s: shrank while being read (%zu of %zu bytes)", what.c_str(), path.c_str(), got, size);
    }
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  return bytes;
}

}  // namespace eb
