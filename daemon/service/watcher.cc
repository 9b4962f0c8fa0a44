#include "daemon/service/watcher.h"

#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace eb::service {

namespace fs = std::filesystem;

namespace {
// IN_MODIFY as well as the close/move events: a slow copy produces a steady stream of modifications,
// which keeps the file's quiet period from starting while it is being written.
constexpr uint32_t kFileEvents = IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
                                 IN_ATTRIB;
constexpr uint32_t kDirSelfEvents = IN_DELETE_SELF | IN_MOVE_SELF;
}  // namespace

bool is_model_file_name(const std::string& name) {
  // TFLite variants and Keras originals (measured as the group's reference: dropped_models.h).
  if (name.empty() || name[0] == '.') return false;
  for (std::string_view ext : {".tflite", ".h5", ".hdf5", ".keras"})
    if (name.size() > ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0) return true;
  return false;
}

std::optional<FileState> stat_file(const std::string& path) {
  struct stat st{};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return FileState{static_cast<int64_t>(st.st_size),
                   static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec};
}

std::string unusable_drop_reason(const std::string& path) {
  struct stat st{};
  if (::lstat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode)) return "";
  if (S_ISLNK(st.st_mode)) return "a symbolic link";
  if (S_ISFIFO(st.st_mode)) return "a FIFO";
  if (S_ISSOCK(st.st_mode)) return "a socket";
  if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) return "a device";
  if (S_ISDIR(st.st_mode)) return "a directory";
  return "not a regular file";
}

bool ModelDirWatcher::is_group_folder(const std::string& path, const std::string& name) const {
  if (name.empty() || name[0] == '.') return false;
  struct stat st{};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return false;  // symbolic links are not walked
  const std::string normal = fs::path(path).lexically_normal().string();
  for (const std::string& ignored : ignored_)
    if (fs::path(ignored).lexically_normal().string() == normal) return false;
  return true;
}

Result<ModelDirWatcher> ModelDirWatcher::open(const std::string& dir, std::vector<std::string> ignored) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir))
    return error("models_dir '%s': cannot create or open the directory: %s", dir.c_str(),
                 ec ? ec.message().c_str() : "not a directory");
  const int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) return error("models_dir '%s': inotify_init1: %s", dir.c_str(), std::strerror(errno));
  ModelDirWatcher w(fd, dir, std::move(ignored));
  EB_RETURN_IF_ERROR(w.watch(dir));
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (w.is_group_folder(entry.path().string(), entry.path().filename().string())) (void)w.watch(entry.path().string());
  return w;
}

ModelDirWatcher::ModelDirWatcher(ModelDirWatcher&& other) noexcept
    : fd_(other.fd_), dir_(std::move(other.dir_)), ignored_(std::move(other.ignored_)), watches_(std::move(other.watches_)) {
  other.fd_ = -1;
}

ModelDirWatcher& ModelDirWatcher::operator=(ModelDirWatcher&& other) noexcept {
  if (this != &other) {
    close_fd();
    fd_ = other.fd_;
    dir_ = std::move(other.dir_);
    ignored_ = std::move(other.ignored_);
    watches_ = std::move(other.watches_);
    other.fd_ = -1;
  }
  return *this;
}

ModelDirWatcher::~ModelDirWatcher() { close_fd(); }

void ModelDirWatcher::close_fd() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

Status ModelDirWatcher::watch(const std::string& path) {
  const uint32_t mask = kFileEvents | kDirSelfEvents | (path == dir_ ? 0u : IN_ONLYDIR);
  const int wd = inotify_add_watch(fd_, path.c_str(), mask);
  if (wd < 0) return error("models_dir: cannot watch '%s': %s", path.c_str(), std::strerror(errno));
  watches_[wd] = path;
  return Status();
}

WatchChanges ModelDirWatcher::read_events() {
  WatchChanges changes;
  alignas(inotify_event) char buf[16384];
  for (;;) {
    const ssize_t n = read(fd_, buf, sizeof(buf));
    if (n <= 0) break;  // EAGAIN: drained
    for (ssize_t off = 0; off < n;) {
      const auto* ev = reinterpret_cast<const inotify_event*>(buf + off);
      off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
      if (ev->mask & IN_Q_OVERFLOW) {
        changes.rescan = true;
        continue;
      }
      auto w = watches_.find(ev->wd);
      if (w == watches_.end()) continue;
      if (ev->mask & IN_IGNORED) {  // the watched directory went away
        watches_.erase(w);
        continue;
      }
      if (ev->len == 0) continue;  // an event on the directory itself
      const std::string name = ev->name;
      const std::string path = w->second + "/" + name;
      if (ev->mask & IN_ISDIR) {
        // Only direct sub-directories of models_dir are group folders.
        if ((ev->mask & (IN_CREATE | IN_MOVED_TO)) && w->second == dir_ && is_group_folder(path, name) && watch(path).ok()) {
          std::error_code ec;
          for (const auto& entry : fs::directory_iterator(path, ec))
            if (is_model_file_name(entry.path().filename().string())) changes.touched.push_back(entry.path().string());
        }
        continue;
      }
      if (!is_model_file_name(name)) continue;
      if (ev->mask & (IN_DELETE | IN_MOVED_FROM))
        changes.removed.push_back(path);
      else
        changes.touched.push_back(path);
    }
  }
  return changes;
}

std::vector<std::string> ModelDirWatcher::scan() const {
  std::vector<std::string> files;
  std::error_code ec;
  // Every model-named entry that is not a directory, links and FIFOs included: the daemon logs why it
  // skips those (unusable_drop_reason) rather than passing over them in silence.
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (is_group_folder(entry.path().string(), name)) {
      std::error_code ec2;
      for (const auto& sub : fs::directory_iterator(entry.path(), ec2))
        if (!sub.is_directory(ec2) && is_model_file_name(sub.path().filename().string()))
          files.push_back(sub.path().string());
    } else if (is_model_file_name(name) && !entry.is_directory(ec)) {
      files.push_back(entry.path().string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace eb::service
