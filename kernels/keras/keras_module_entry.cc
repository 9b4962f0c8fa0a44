// The module side of keras_module.h. Built into edgebench-keras.so only.
//
// Each conversion runs in a forked child that hands the bytes back through a pipe: libhdf5 (Debian's
// 1.10) reads some corrupt files out of bounds and crashes (a mutated .h5 faults in H5HG_read), and a
// hostile model must cost the command a one-line error, never the process. The child also bounds the
// time a file may take. The fuzzers call keras_to_tflite directly, so our own code stays fuzzed in-process.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "kernels/keras/keras_convert.h"
#include "kernels/keras/keras_module.h"

namespace {

char* copy_string(const std::string& s) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (p) std::memcpy(p, s.c_str(), s.size() + 1);
  return p;
}

constexpr int kTimeoutSeconds = 120;  // libhdf5 loops forever on some corrupt global heaps (H5HG_read)

bool write_all(int fd, const void* p, size_t n) {
  const auto* c = static_cast<const uint8_t*>(p);
  while (n > 0) {
    const ssize_t w = ::write(fd, c, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    c += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

// The child: converts, then writes [status byte][8-byte length][bytes or message] and exits.
[[noreturn]] void child(int fd, const uint8_t* data, size_t size, const std::string& name) {
  auto bytes = eb::keras::keras_to_tflite(data, size, name);
  const uint8_t ok = bytes.ok() ? 1 : 0;
  const std::string message = bytes.ok() ? "" : bytes.status().message();
  const uint64_t n = bytes.ok() ? bytes->size() : message.size();
  const void* payload = bytes.ok() ? static_cast<const void*>(bytes->data()) : message.data();
  const bool sent = write_all(fd, &ok, 1) && write_all(fd, &n, sizeof n) && write_all(fd, payload, n);
  _exit(sent ? 0 : 1);
}

int convert(const uint8_t* data, size_t size, const char* name_c, uint8_t** out, size_t* out_size, char** error) {
  *out = nullptr;
  *out_size = 0;
  *error = nullptr;
  const std::string name = name_c ? name_c : "Keras model";
  auto fail = [&](const std::string& message) {
    *error = copy_string(message);
    return 1;
  };
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return fail(name + ": cannot create a pipe for the Keras reader: " + std::strerror(errno));
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return fail(name + ": cannot start the Keras reader: " + std::strerror(errno));
  }
  if (pid == 0) {
    close(fds[0]);
    child(fds[1], data, size, name);
  }
  close(fds[1]);
  std::vector<uint8_t> got;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(kTimeoutSeconds);
  bool timed_out = false;
  uint8_t buf[1 << 16];
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd p = {fds[0], POLLIN, 0};
    const int r = poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) continue;
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got.insert(got.end(), buf, buf + n);
  }
  close(fds[0]);
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) return fail(name + ": reading the Keras model took over " + std::to_string(kTimeoutSeconds) + " s: given up");
  if (WIFSIGNALED(status))
    return fail(name + ": the HDF5 reader crashed on this file (signal " + std::to_string(WTERMSIG(status)) +
                "): the file is corrupt");
  uint64_t n = 0;
  if (got.size() < 1 + sizeof n) return fail(name + ": the Keras reader stopped without a result (exit status " + std::to_string(WEXITSTATUS(status)) + ")");
  std::memcpy(&n, got.data() + 1, sizeof n);
  if (n != got.size() - 1 - sizeof n) return fail(name + ": the Keras reader's result is incomplete");
  const uint8_t* payload = got.data() + 1 + sizeof n;
  if (got[0] != 1) return fail(std::string(reinterpret_cast<const char*>(payload), n));
  *out = static_cast<uint8_t*>(std::malloc(n ? n : 1));
  if (!*out) return fail(name + ": out of memory for the converted model");
  std::memcpy(*out, payload, n);
  *out_size = n;
  return 0;
}

void release(void* p) { std::free(p); }

}  // namespace

extern "C" __attribute__((visibility("default"))) const EbKerasModule* edgebench_keras_module() {
  static const EbKerasModule api = {EDGEBENCH_VERSION " " EDGEBENCH_GIT_HASH, convert, release};
  return &api;
}
