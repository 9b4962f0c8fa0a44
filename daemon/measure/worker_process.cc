#include "daemon/measure/worker_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <thread>

#include "daemon/measure/process_memory.h"
#include "daemon/pipeline/installed_files.h"

extern char** environ;

namespace eb::worker {
namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kWho = "the measuring worker";
constexpr double kMiB = 1024.0 * 1024.0;

void set_socket_timeout(int fd, double seconds) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(seconds);
  tv.tv_usec = static_cast<suseconds_t>((seconds - static_cast<double>(tv.tv_sec)) * 1e6);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

std::string signal_words(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return abbrev ? strfmt("signal %d (SIG%s)", sig, abbrev) : strfmt("signal %d", sig);
}

// status < 0: waitpid failed.
std::string describe_end(int status, bool killed_by_us) {
  if (status < 0) return "ended (its status could not be read)";
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    std::string words = "was killed by " + signal_words(sig);
    if (sig == SIGKILL && !killed_by_us) words += " (the kernel's out-of-memory killer sends it when memory runs out)";
    return words;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status) == 0 ? "ended" : strfmt("exited with status %d", WEXITSTATUS(status));
  return "ended";
}

}  // namespace

Result<std::string> find_worker_executable() {
  EB_ASSIGN_OR_RETURN(std::string path, find_installed_file("edgebench-worker", "EDGEBENCH_WORKER"));
  if (::access(path.c_str(), X_OK) != 0) return error("%s: not executable", path.c_str());
  return path;
}

Result<std::unique_ptr<WorkerProcess>> WorkerProcess::start(const std::string& executable, const Limits& limits,
                                                            int model_fd) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    return error("cannot create a socket for %s: %s", kWho, std::strerror(errno));
  // dup2 onto the same number would keep close-on-exec set: move the child's end out of the way first.
  // The same for the model's descriptor, and each must also stay clear of the other's target: both are
  // moved above kModelFd first.
  if (sv[1] <= kModelFd) {
    const int moved = fcntl(sv[1], F_DUPFD_CLOEXEC, kModelFd + 1);
    close(sv[1]);
    sv[1] = moved;
  }
  int model_src = -1;
  if (model_fd >= 0) {
    model_src = fcntl(model_fd, F_DUPFD_CLOEXEC, kModelFd + 1);
    if (model_src < 0) {
      const int e = errno;
      close(sv[0]);
      close(sv[1]);
      return error("cannot hand the model to %s: %s", kWho, std::strerror(e));
    }
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, sv[1], kWorkerFd);
  if (model_src >= 0) posix_spawn_file_actions_adddup2(&actions, model_src, kModelFd);
  posix_spawn_file_actions_addclosefrom_np(&actions, model_src >= 0 ? kModelFd + 1 : kWorkerFd + 1);
  // The daemon blocks its stop signals (signalfd) and a mask is inherited: the worker starts clean.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  const std::string parent = std::to_string(getpid());
  char* argv[] = {const_cast<char*>(executable.c_str()), const_cast<char*>("--parent"), const_cast<char*>(parent.c_str()),
                  nullptr};
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, executable.c_str(), &actions, &attr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(sv[1]);
  if (model_src >= 0) close(model_src);
  if (rc != 0) {
    close(sv[0]);
    return error("cannot start %s %s: %s", kWho, executable.c_str(), std::strerror(rc));
  }
  // A worker stuck in the middle of a message cannot hold the parent past the timeout either.
  set_socket_timeout(sv[0], limits.timeout_s);
  return std::unique_ptr<WorkerProcess>(new WorkerProcess(pid, sv[0], limits));
}

size_t WorkerProcess::send_buffer_bytes() const {
  int bytes = 0;
  socklen_t len = sizeof bytes;
  if (getsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &bytes, &len) != 0 || bytes <= 0) return 0;
  return static_cast<size_t>(bytes);
}

WorkerProcess::~WorkerProcess() {
  if (pid_ > 0) (void)reap(true);
  if (fd_ >= 0) close(fd_);
}

std::string WorkerProcess::reap(bool kill_first) {
  if (pid_ <= 0) return ended_how_.empty() ? "had already ended" : ended_how_;
  if (kill_first) kill(pid_, SIGKILL);
  int status = 0;
  // A worker that closed its socket is ending; one that does not within two seconds is killed.
  const auto give_up = Clock::now() + std::chrono::seconds(2);
  pid_t r = 0;
  while ((r = waitpid(pid_, &status, WNOHANG)) == 0 && Clock::now() < give_up)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (r == 0) {
    kill(pid_, SIGKILL);
    r = waitpid(pid_, &status, 0);
  }
  pid_ = -1;
  ended_how_ = describe_end(r < 0 ? -1 : status, kill_first);
  return ended_how_;
}

Status WorkerProcess::fail(const std::string& cause) { return error("%s %s %s", kWho, cause.c_str(), phase_.c_str()); }

Status WorkerProcess::over_memory_limit() const {
  if (limits_.max_memory_bytes == 0 || pid_ <= 0) return {};
  const size_t peak = peak_rss_bytes(static_cast<int>(pid_));
  if (peak <= limits_.max_memory_bytes) return {};
  return error("exceeded --max-memory %.0f MiB %s (resident %.1f MiB); the worker was stopped",
               static_cast<double>(limits_.max_memory_bytes) / kMiB, phase_.c_str(), static_cast<double>(peak) / kMiB);
}

Status WorkerProcess::send(Msg type, const std::vector<uint8_t>& payload) {
  Status s = send_message(fd_, type, payload, kWho);
  if (s.ok()) return s;
  if (errno == EAGAIN || errno == EWOULDBLOCK) {
    (void)reap(true);
    return error("no answer from %s within %g s %s; it was stopped", kWho, limits_.timeout_s, phase_.c_str());
  }
  return fail(reap(false));
}

Result<Message> WorkerProcess::receive(Msg want) {
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(limits_.timeout_s));
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    // With a memory limit the worker's peak is read every 20 ms while it works; a stop request is
    // looked at every 100 ms.
    int wait_ms = static_cast<int>(std::clamp<int64_t>(left, 0, INT_MAX));
    if (limits_.stop_requested) wait_ms = std::min(wait_ms, 100);
    if (limits_.max_memory_bytes) wait_ms = std::min(wait_ms, 20);
    pollfd p{fd_, POLLIN, 0};
    const int r = poll(&p, 1, wait_ms);
    if (r < 0 && errno != EINTR) return fail(reap(true) + strfmt(" (poll failed: %s)", std::strerror(errno)));
    if (r == 0 && limits_.stop_requested && limits_.stop_requested()) {
      (void)reap(true);
      stopped_ = true;
      return error("stop requested %s", phase_.c_str());
    }
    Status memory = over_memory_limit();
    if (!memory.ok()) {
      (void)reap(true);
      return memory;
    }
    if (r > 0) {
      Result<Message> msg = receive_message(fd_, kWho);
      if (!msg.ok()) return fail(reap(false));
      if (msg->type == Msg::kError) {
        Reader rd = msg->reader();
        const std::string text = rd.str();
        (void)reap(false);
        return error("%s", rd.ok() ? text.c_str() : "the measuring worker sent a malformed error");
      }
      if (msg->type != want) {
        (void)reap(true);
        return error("%s sent message %u %s (expected %u)", kWho, static_cast<unsigned>(msg->type), phase_.c_str(),
                     static_cast<unsigned>(want));
      }
      return msg;
    }
    if (Clock::now() >= deadline) {
      (void)reap(true);
      return error("no answer from %s within %g s %s; it was stopped", kWho, limits_.timeout_s, phase_.c_str());
    }
  }
}

Status WorkerProcess::finish() {
  const std::string how = reap(false);
  if (how == "ended") return {};
  return fail(how);
}

}  // namespace eb::worker
