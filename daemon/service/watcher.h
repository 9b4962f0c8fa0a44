// inotify on the models directory: models_dir/*.tflite and models_dir/<group>/*.tflite (one level of
// sub-directories, which is all the drop layout uses). This is only the file-descriptor side: what
// changed, by path. Whether a file is fully written is DebounceTracker's decision (debounce.h).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "daemon/service/debounce.h"
#include "kernels/common/status.h"

namespace eb::service {

// A model file the daemon considers: a regular file named *.tflite, not hidden (rsync, editors and
// `cp --backup` write to hidden temporary names and rename into place).
bool is_model_file_name(const std::string& name);
// The file's size and mtime; nullopt when missing or not a regular file (a symbolic link is not one:
// nothing the daemon reads is reached through a link).
std::optional<FileState> stat_file(const std::string& path);
// Why a model-named entry cannot be a dropped model ("a symbolic link", "a FIFO", ...); "" when it is a
// regular file or gone.
std::string unusable_drop_reason(const std::string& path);

struct WatchChanges {
  std::vector<std::string> touched;  // created, written, closed, moved in: debounce these
  std::vector<std::string> removed;  // deleted or moved away
  bool rescan = false;               // the event queue overflowed: scan() everything again
};

class ModelDirWatcher {
 public:
  // Creates `dir` when missing, then watches it and its sub-directories, except those in `ignored`
  // (absolute paths: the daemon's own state folders when they lie inside models_dir) and symbolic links.
  static Result<ModelDirWatcher> open(const std::string& dir, std::vector<std::string> ignored = {});

  ModelDirWatcher(ModelDirWatcher&& other) noexcept;
  ModelDirWatcher& operator=(ModelDirWatcher&& other) noexcept;
  ModelDirWatcher(const ModelDirWatcher&) = delete;
  ModelDirWatcher& operator=(const ModelDirWatcher&) = delete;
  ~ModelDirWatcher();

  int fd() const { return fd_; }
  const std::string& dir() const { return dir_; }
  // Reads every event queued now (non-blocking). A new sub-directory is watched at once and its files
  // reported as touched (they may have been written before the watch existed).
  WatchChanges read_events();
  // Every model file present now, sorted.
  std::vector<std::string> scan() const;

 private:
  ModelDirWatcher(int fd, std::string dir, std::vector<std::string> ignored)
      : fd_(fd), dir_(std::move(dir)), ignored_(std::move(ignored)) {}
  Status watch(const std::string& path);
  // A direct sub-directory of dir_ that may hold drops: a real directory, not hidden, not ignored.
  bool is_group_folder(const std::string& path, const std::string& name) const;
  void close_fd();

  int fd_ = -1;
  std::string dir_;
  std::vector<std::string> ignored_;
  std::map<int, std::string> watches_;  // watch descriptor -> directory
};

}  // namespace eb::service
