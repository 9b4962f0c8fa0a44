#include "daemon/service/dropped_models.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "daemon/pipeline/model_source.h"
#include "daemon/service/exporter.h"
#include "daemon/service/watcher.h"

namespace eb::service {

namespace fs = std::filesystem;

// File format: one line per model, "size<TAB>mtime_ns<TAB>hash_hex<TAB>path" (path last: it may hold tabs;
// its backslashes and newlines are written as \\ and \n, so a file named with a newline is one line and
// is remembered across restarts instead of being benchmarked again at every start).
namespace {

std::string escape_path(const std::string& path) {
  std::string out;
  for (char c : path) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string unescape_path(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == '\\' || text[i + 1] == 'n')) {
      out += text[i + 1] == 'n' ? '\n' : '\\';
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

SeenModels SeenModels::load(const std::string& state_file) {
  SeenModels s;
  s.file_ = state_file;
  std::ifstream in(state_file);
  std::string line;
  while (std::getline(in, line)) {
    long long size = 0, mtime = 0;
    unsigned long long hash = 0;
    int consumed = 0;
    if (std::sscanf(line.c_str(), "%lld\t%lld\t%llx\t%n", &size, &mtime, &hash, &consumed) != 3 || consumed <= 0 ||
        static_cast<size_t>(consumed) >= line.size())
      continue;
    s.entries_[unescape_path(line.substr(static_cast<size_t>(consumed)))] = SeenModel{{size, mtime}, hash};
  }
  return s;
}

bool SeenModels::unchanged_state(const std::string& path, const FileState& state) const {
  auto it = entries_.find(path);
  return it != entries_.end() && it->second.state == state;
}

bool SeenModels::unchanged_content(const std::string& path, uint64_t hash) const {
  auto it = entries_.find(path);
  return it != entries_.end() && it->second.hash == hash;
}

Status SeenModels::save() const {
  std::ostringstream out;
  for (const auto& [path, e] : entries_) {
    out << e.state.size << '\t' << e.state.mtime_ns << '\t' << strfmt("%016" PRIx64, e.hash) << '\t' << escape_path(path) << '\n';
  }
  return write_file_atomically(file_, out.str());
}

std::string drop_folder(const std::string& path, const std::string& models_dir) {
  const fs::path rel = fs::path(path).lexically_relative(models_dir);
  auto it = rel.begin();
  if (it == rel.end()) return "";
  const std::string first = it->string();
  return ++it == rel.end() ? "" : first;
}

namespace {

// Opens a dropped file for reading under DropLimits' rule; *refused says a failure is the file's nature
// (not a passing state). On success *st is the opened file's stat.
int open_dropped(const std::string& source, const DropLimits& limits, struct stat* st, Status* failure,
                 bool* refused) {
  *refused = false;
  // O_NONBLOCK: a FIFO named *.tflite must not hold the daemon; O_NOFOLLOW: a link is never followed.
  const int fd = ::open(source.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    const int e = errno;
    *refused = e == ELOOP;
    *failure = e == ELOOP ? error("model '%s': skipped: a symbolic link (dropped models must be regular files)",
                                  source.c_str())
                          : error("model '%s': cannot open: %s", source.c_str(), std::strerror(e));
    return -1;
  }
  auto refuse = [&](Status s) {
    ::close(fd);
    *refused = true;
    *failure = std::move(s);
    return -1;
  };
  if (::fstat(fd, st) != 0) return refuse(error("model '%s': cannot stat: %s", source.c_str(), std::strerror(errno)));
  if (!S_ISREG(st->st_mode))
    return refuse(error("model '%s': skipped: not a regular file (dropped models must be regular files)", source.c_str()));
  if (st->st_size > limits.max_bytes)
    return refuse(error("model '%s': skipped: %.1f MB is over service.max_model_mb (%.0f MB)", source.c_str(),
                        static_cast<double>(st->st_size) / 1e6, static_cast<double>(limits.max_bytes) / double(1 << 20)));
  // Each kind's signature from the first bytes: TFLite's identifier, HDF5's superblock (.h5), a zip (.keras).
  char head[8] = {};
  const ssize_t n = ::pread(fd, head, sizeof head, 0);
  const bool full = n == static_cast<ssize_t>(sizeof head);
  const std::string ext = fs::path(source).extension().string();
  if (ext == ".h5" || ext == ".hdf5") {
    if (!full || std::memcmp(head, "\x89HDF\r\n\x1a\n", 8) != 0)
      return refuse(error("model '%s': skipped: not a Keras .h5 model (no HDF5 signature at byte 0)", source.c_str()));
  } else if (ext == ".keras") {
    if (!full || std::memcmp(head, "PK\x03\x04", 4) != 0)
      return refuse(error("model '%s': skipped: not a Keras .keras model (not a zip archive)", source.c_str()));
  } else if (!full || std::memcmp(head + 4, "TFL3", 4) != 0) {
    return refuse(error("model '%s': skipped: not a TFLite model (no 'TFL3' identifier at byte 4)", source.c_str()));
  }
  // Reads from here on block as for any regular file.
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

}  // namespace

Result<Snapshot> snapshot_model(const std::string& source, const std::string& models_dir,
                                const std::string& snapshot_dir, const DropLimits& limits, bool* refused) {
  bool refused_here = false;
  if (refused) *refused = false;
  struct stat st{};
  Status open_failure;
  const int in = open_dropped(source, limits, &st, &open_failure, &refused_here);
  if (in < 0) {
    if (refused) *refused = refused_here;
    return open_failure;
  }
  const auto before = stat_file(source);
  if (!before) {
    ::close(in);
    return error("model '%s': gone before it could be read", source.c_str());
  }
  const fs::path rel = fs::path(source).lexically_relative(models_dir);
  const fs::path target = fs::path(snapshot_dir) / rel;
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) {
    ::close(in);
    return error("snapshot directory '%s': %s", target.parent_path().c_str(), ec.message().c_str());
  }

  const std::string tmp = target.string() + ".partial";
  // The source's read/write bits, never more (a private model stays private); the umask narrows them.
  const int out = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, st.st_mode & 0666);
  if (out < 0) {
    const int e = errno;
    ::close(in);
    return error("snapshot '%s': cannot create: %s", tmp.c_str(), std::strerror(e));
  }
  uint64_t hash = 0xcbf29ce484222325ULL;
  std::vector<char> buf(1 << 16);
  Status failure;
  for (;;) {
    const ssize_t n = ::read(in, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      failure = error("model '%s': read error: %s", source.c_str(), std::strerror(errno));
      break;
    }
    if (n == 0) break;
    hash = fnv1a64(buf.data(), static_cast<size_t>(n), hash);
    for (ssize_t done = 0; done < n;) {
      const ssize_t w = ::write(out, buf.data() + done, static_cast<size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        failure = error("snapshot '%s': write error: %s", tmp.c_str(), std::strerror(w < 0 ? errno : ENOSPC));
        break;
      }
      done += w;
    }
    if (!failure.ok()) break;
  }
  ::close(in);
  if (failure.ok() && ::fsync(out) != 0)
    failure = error("snapshot '%s': fsync: %s", tmp.c_str(), std::strerror(errno));
  ::close(out);
  const auto after = stat_file(source);
  if (failure.ok() && (!after || *after != *before))
    failure = error("model '%s': changed while being copied", source.c_str());
  if (failure.ok() && ::rename(tmp.c_str(), target.c_str()) != 0)
    failure = error("snapshot '%s': rename: %s", target.c_str(), std::strerror(errno));
  if (!failure.ok()) {
    ::unlink(tmp.c_str());
    return failure;
  }
  return Snapshot{source, target.string(), SeenModel{*before, hash}};
}

namespace {

config::VariantConfig variant_of(const Snapshot& s, bool reference) {
  config::VariantConfig v;
  v.path = s.path;
  v.label = fs::path(s.source).stem().string();
  v.reference = reference;
  return v;
}

config::GroupConfig default_group(const ServiceConfig& service, const std::string& name) {
  config::GroupConfig g;
  g.name = name;
  g.source = service.default_source;
  return g;
}

}  // namespace

config::GroupConfig with_dropped_variants(const config::GroupConfig& group, const std::vector<Snapshot>& snapshots) {
  config::GroupConfig g = group;
  for (const Snapshot& s : snapshots) {
    config::VariantConfig v = variant_of(s, false);
    auto same = std::find_if(g.variants.begin(), g.variants.end(),
                             [&](const config::VariantConfig& c) { return c.label == v.label; });
    if (same != g.variants.end()) {  // a new version of a configured variant replaces it
      v.reference = same->reference;
      *same = v;
    } else {
      g.variants.push_back(v);
    }
  }
  return g;
}

Result<config::GroupConfig> plan_drop_group(const config::Config& config, const ServiceConfig& service,
                                            const std::string& folder, const std::vector<Snapshot>& snapshots) {
  if (snapshots.empty()) return error("no dropped model to benchmark");
  if (!folder.empty()) {
    for (const auto& g : config.groups) {
      if (g.name != folder) continue;
      // Only the reference (for drift) and the dropped files: a drop measures what changed.
      config::GroupConfig only_reference = g;
      only_reference.variants.clear();
      for (const auto& v : g.variants)
        if (v.reference) only_reference.variants.push_back(v);
      return with_dropped_variants(only_reference, snapshots);
    }
  }
  const std::string first = snapshots.front().source;
  if (!service.has_default_source)
    return error("model '%s': no group '%s' is configured and service.default_source is not set, so there are no "
                 "images to benchmark it on",
                 first.c_str(), folder.empty() ? fs::path(first).stem().c_str() : folder.c_str());
  if (folder.empty()) {
    config::GroupConfig g = default_group(service, fs::path(first).stem().string());
    g.variants.push_back(variant_of(snapshots.front(), true));
    return g;
  }
  config::GroupConfig g = default_group(service, folder);
  // The reference: the Keras original when the folder holds one (what every variant was converted from),
  // else the file whose name says float32, else the first.
  size_t reference = snapshots.size();
  for (size_t i = 0; i < snapshots.size() && reference == snapshots.size(); ++i)
    if (is_keras_path(snapshots[i].source)) reference = i;
  for (size_t i = 0; i < snapshots.size() && reference == snapshots.size(); ++i)
    if (fs::path(snapshots[i].source).filename().string().find("float32") != std::string::npos) reference = i;
  if (reference == snapshots.size()) reference = 0;
  for (size_t i = 0; i < snapshots.size(); ++i) g.variants.push_back(variant_of(snapshots[i], i == reference));
  return g;
}

}  // namespace eb::service
