#include "daemon/measure/worker_protocol.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace eb::worker {

Writer& Writer::str(const std::string& s) {
  put<uint64_t>(s.size());
  return raw(s.data(), s.size());
}

Writer& Writer::raw(const void* data, size_t n) {
  const size_t at = bytes_.size();
  bytes_.resize(at + n);
  if (n) std::memcpy(bytes_.data() + at, data, n);
  return *this;
}

Writer& Writer::tensor(const Tensor& t) {
  str(t.name).put<int32_t>(static_cast<int32_t>(t.dtype)).vec(t.shape).vec(t.signature);
  return vec(t.quant.scale).vec(t.quant.zero_point).put<int32_t>(t.quant.axis);
}

std::string Reader::str() {
  const uint64_t n = get<uint64_t>();
  if (n > static_cast<uint64_t>(end_ - p_)) {
    failed_ = true;
    return {};
  }
  const uint8_t* s = raw(static_cast<size_t>(n));
  return std::string(reinterpret_cast<const char*>(s), static_cast<size_t>(n));
}

Tensor Reader::tensor() {
  Tensor t;
  t.name = str();
  t.dtype = static_cast<DType>(get<int32_t>());
  t.shape = vec<int32_t>();
  t.signature = vec<int32_t>();
  t.quant.scale = vec<float>();
  t.quant.zero_point = vec<int64_t>();
  t.quant.axis = get<int32_t>();
  return t;
}

namespace {

Status write_all(int fd, const uint8_t* p, size_t n, const char* who) {
  while (n > 0) {
    const ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return error("cannot write to %s: %s", who, std::strerror(errno));
    p += w;
    n -= static_cast<size_t>(w);
  }
  return {};
}

// False at a clean end of stream before the first byte.
Result<bool> read_all(int fd, uint8_t* p, size_t n, const char* who) {
  const size_t wanted = n;
  while (n > 0) {
    const ssize_t r = ::recv(fd, p, n, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return error("cannot read from %s: %s", who, std::strerror(errno));
    if (r == 0) {
      if (n == wanted) return false;
      return error("%s closed the connection in the middle of a message", who);
    }
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

}  // namespace

Status send_message(int fd, Msg type, const std::vector<uint8_t>& payload, const char* who) {
  if (payload.size() > kMaxMessageBytes) return error("a message of %zu bytes to %s is too large", payload.size(), who);
  uint32_t head[2] = {static_cast<uint32_t>(type), static_cast<uint32_t>(payload.size())};
  EB_RETURN_IF_ERROR(write_all(fd, reinterpret_cast<const uint8_t*>(head), sizeof head, who));
  return write_all(fd, payload.data(), payload.size(), who);
}

Result<Message> receive_message(int fd, const char* who) {
  uint32_t head[2];
  EB_ASSIGN_OR_RETURN(const bool got, read_all(fd, reinterpret_cast<uint8_t*>(head), sizeof head, who));
  if (!got) return error("%s closed the connection", who);
  if (head[1] > kMaxMessageBytes) return error("%s sent a message of %u bytes, above the limit", who, head[1]);
  Message m;
  m.type = static_cast<Msg>(head[0]);
  m.payload.resize(head[1]);
  EB_ASSIGN_OR_RETURN(const bool body, read_all(fd, m.payload.data(), m.payload.size(), who));
  if (!body && !m.payload.empty()) return error("%s closed the connection in the middle of a message", who);
  return m;
}

}  // namespace eb::worker
