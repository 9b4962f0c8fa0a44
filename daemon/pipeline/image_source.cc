#include "daemon/pipeline/opencv_io.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <string_view>
#include <utility>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "daemon/pipeline/image_header.h"
#include "daemon/pipeline/labels.h"
#include "kernels/common/input_file.h"

namespace eb {
namespace fs = std::filesystem;

namespace {

class MatImage final : public Image {
 public:
  explicit MatImage(cv::Mat m) : mat(std::move(m)) {}
  int width() const override { return mat.cols; }
  int height() const override { return mat.rows; }
  int channels() const override { return mat.channels(); }
  cv::Mat mat;
};

}  // namespace

std::shared_ptr<const Image> image_of(cv::Mat mat) { return std::make_shared<MatImage>(std::move(mat)); }
const cv::Mat& mat_of(const Image& image) { return static_cast<const MatImage&>(image).mat; }

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string extension_lower(const std::string& path) { return lower(fs::path(path).extension().string()); }

bool is_hidden(const fs::path& p) {
  const std::string name = p.filename().string();
  return !name.empty() && name[0] == '.';
}

// ---- decoding ------------------------------------------------------------------------------------------

// Position of the last occurrence of the two bytes a b at or after `from`, or npos.
size_t rfind_pair(const std::vector<uchar>& buf, uchar a, uchar b, size_t from = 0) {
  if (buf.size() < 2) return std::string::npos;
  for (size_t i = buf.size() - 1; i > from; --i) {
    if (buf[i - 1] == a && buf[i] == b) return i - 1;
  }
  return std::string::npos;
}

// A baseline or progressive JPEG ends with EOI (FF D9) after its last scan header (SOS, FF DA). Inside
// entropy-coded data an FF byte is always stuffed (FF 00) or a restart marker, so neither pair occurs
// there; an embedded EXIF thumbnail's EOI comes before the main image's SOS. A file cut anywhere inside
// its last scan therefore has no EOI after the last SOS.
bool jpeg_is_complete(const std::vector<uchar>& buf) {
  const size_t sos = rfind_pair(buf, 0xFF, 0xDA);
  if (sos == std::string::npos) return false;
  return rfind_pair(buf, 0xFF, 0xD9, sos + 2) != std::string::npos;
}

bool png_has_iend(const std::vector<uchar>& buf) {
  static const char kIend[] = "IEND";
  const size_t tail = std::min<size_t>(buf.size(), 256);
  auto it = std::search(buf.end() - static_cast<std::ptrdiff_t>(tail), buf.end(), kIend, kIend + 4);
  return it != buf.end();
}

// ---- image sources ---------------------------------------------------------------------------------------

struct ImageItem {
  std::string path;
  std::optional<int> label;
  std::string preset_error;  // an error known when listing (a file outside any class folder)
};

class ImageFileSource : public ImageSource {
 public:
  ImageFileSource(std::vector<ImageItem> items, std::string description, int64_t max_file_bytes)
      : items_(std::move(items)), description_(std::move(description)), max_file_bytes_(max_file_bytes) {}

  void set_labels(bool labelled, std::vector<std::string> class_names) {
    labelled_ = labelled;
    class_names_ = std::move(class_names);
  }

  std::optional<LabelExtreme> largest_label() const override {
    std::optional<LabelExtreme> top;
    for (const ImageItem& i : items_)
      if (i.label && (!top || *i.label > top->label)) top = LabelExtreme{*i.label, i.path};
    return top;
  }

  SourceItem next() override {
    SourceItem item;
    if (pos_ >= items_.size()) return item;
    const ImageItem& src = items_[pos_];
    item.frame.id = src.path;
    item.frame.label = src.label;
    item.frame.index = static_cast<int64_t>(pos_);
    ++pos_;
    if (!src.preset_error.empty()) {
      item.kind = SourceItem::Kind::kError;
      item.error = Status::error(src.preset_error);
      return item;
    }
    auto image = read_image_file(src.path, max_file_bytes_);
    if (!image.ok()) {
      item.kind = SourceItem::Kind::kError;
      item.error = image.status();
      return item;
    }
    item.kind = SourceItem::Kind::kFrame;
    item.frame.image = image_of(std::move(*image));
    return item;
  }

  std::string describe() const override { return description_; }
  std::optional<int64_t> size() const override { return static_cast<int64_t>(items_.size()); }

 private:
  std::vector<ImageItem> items_;
  std::string description_;
  int64_t max_file_bytes_;
  size_t pos_ = 0;
};

// Every non-hidden non-directory entry under `dir` (recursively, hidden folders skipped), as paths.
Status list_files(const fs::path& dir, bool recursive, std::vector<fs::path>* out, std::vector<fs::path>* subdirs) {
  std::error_code ec;
  if (recursive) {
    fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec), end;
    if (ec) return error("image directory %s: cannot list: %s", dir.c_str(), ec.message().c_str());
    for (; it != end; it.increment(ec)) {
      if (ec) return error("image directory %s: cannot list: %s", dir.c_str(), ec.message().c_str());
      const fs::path& p = it->path();
      if (is_hidden(p)) {
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      if (it->is_directory(ec)) continue;
      out->push_back(p);
    }
    if (ec) return error("image directory %s: cannot list: %s", dir.c_str(), ec.message().c_str());
    return Status();
  }
  fs::directory_iterator it(dir, ec), end;
  if (ec) return error("image directory %s: cannot list: %s", dir.c_str(), ec.message().c_str());
  for (; it != end; it.increment(ec)) {
    if (ec) return error("image directory %s: cannot list: %s", dir.c_str(), ec.message().c_str());
    const fs::path& p = it->path();
    if (is_hidden(p)) continue;
    if (it->is_directory(ec)) {
      if (subdirs != nullptr) subdirs->push_back(p);
    } else {
      out->push_back(p);
    }
  }
  if (ec) return error("image directory %s: cannot list: %s", dir.c_str(), ec.message().c_str());
  return Status();
}

void sort_items(std::vector<ImageItem>& items) {
  std::stable_sort(items.begin(), items.end(), [](const ImageItem& a, const ImageItem& b) { return a.path < b.path; });
}

void apply_limit(std::vector<ImageItem>& items, int64_t limit) {
  if (limit > 0 && static_cast<int64_t>(items.size()) > limit) items.resize(static_cast<size_t>(limit));
}

Result<std::unique_ptr<ImageSource>> open_csv(const fs::path& csv_path, const fs::path& base,
                                              const LabelNames* names, const ImageDirOptions& options) {
  const std::string csv_name = csv_path.string();
  EB_ASSIGN_OR_RETURN(const std::vector<unsigned char> bytes, read_input_file(csv_name, kMaxTextFileBytes, "labels CSV"));
  const std::string text(bytes.begin(), bytes.end());
  std::vector<std::string> class_names;
  EB_ASSIGN_OR_RETURN(const std::vector<LabelledFile> files,
                      parse_labels_csv(text, "labels CSV " + csv_name, base.string(), names, &class_names));
  std::vector<ImageItem> items;
  items.reserve(files.size());
  for (const LabelledFile& f : files) items.push_back({f.path, f.label, ""});
  sort_items(items);
  apply_limit(items, options.limit);
  const std::string description = strfmt("image list %s: %zu files, labels from the CSV", csv_name.c_str(), items.size());
  auto src = std::make_unique<ImageFileSource>(std::move(items), description, options.max_file_bytes);
  src->set_labels(true, std::move(class_names));
  return std::unique_ptr<ImageSource>(std::move(src));
}


}  // namespace

// The formats edgebench decodes, recognised by their first bytes.
bool is_common_image_format(const std::vector<uchar>& b) {
  auto starts = [&](const char* magic, size_t n) { return b.size() >= n && std::memcmp(b.data(), magic, n) == 0; };
  if (starts("BM", 2)) return true;                                        // BMP
  if (b.size() >= 2 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6') return true;  // PBM/PGM/PPM
  if (starts("II*\0", 4) || starts("MM\0*", 4)) return true;               // TIFF
  return b.size() >= 12 && starts("RIFF", 4) && std::memcmp(b.data() + 8, "WEBP", 4) == 0;  // WebP
}

Result<cv::Mat> read_image_file(const std::string& path, int64_t max_file_bytes) {
  EB_ASSIGN_OR_RETURN(std::vector<uchar> buf,
                      read_input_file(path, static_cast<size_t>(std::max<int64_t>(max_file_bytes, 0)), "image"));
  if (buf.empty()) return error("image %s: empty file", path.c_str());

  // OpenCV picks the first decoder whose signature matches, and its DICOM decoder (which aborts the
  // process in libgdcm on malformed files) looks for "DICM" at offset 128, whatever the file starts with:
  // a PNM header followed by that marker went to libgdcm (fuzz_image, finding 5). No photo format
  // edgebench reads has those bytes there by design: refuse before any decoder sees the file.
  if (buf.size() >= 132 && std::memcmp(buf.data() + 128, "DICM", 4) == 0)
    return error("image %s: not a decodable image: DICOM data (\"DICM\" at byte 128) is not supported", path.c_str());
  if (buf.size() >= 3 && buf[0] == 0xFF && buf[1] == 0xD8 && buf[2] == 0xFF) {
    if (!jpeg_is_complete(buf)) return error("image %s: truncated JPEG (no end-of-image marker)", path.c_str());
  } else if (buf.size() >= 8 && std::memcmp(buf.data(), "\x89PNG\r\n\x1a\n", 8) == 0) {
    if (!png_has_iend(buf)) return error("image %s: truncated PNG (no IEND chunk)", path.c_str());
  } else if (!is_common_image_format(buf)) {
    // cv::imdecode tries every decoder OpenCV was built with, some of which abort the process on
    // malformed input (Debian's DICOM decoder asserts in libgdcm: found by fuzz_image). Photos and
    // datasets come as JPEG, PNG, BMP, PNM, TIFF or WebP: only those reach the decoder.
    return error("image %s: not a decodable image: unsupported format (expected JPEG, PNG, BMP, PNM, TIFF or WebP)",
                 path.c_str());
  }
  if (const auto size = declared_image_size(buf); size && size->pixels() > kMaxImagePixels)
    return error("image %s: %llu x %llu pixels, above the limit of %llu megapixels (refused before decoding)",
                 path.c_str(), static_cast<unsigned long long>(size->width), static_cast<unsigned long long>(size->height),
                 static_cast<unsigned long long>(kMaxImagePixels / 1'000'000));
  cv::Mat image;
  try {
    image = cv::imdecode(buf, cv::IMREAD_ANYCOLOR);
    if (!image.empty() && image.channels() == 4) cv::cvtColor(image, image, cv::COLOR_BGRA2BGR);
  } catch (const cv::Exception& e) {  // e.what() spans lines (file, function): the description alone
    return error("image %s: cannot decode: %s", path.c_str(), e.err.c_str());
  } catch (const std::exception& e) {
    return error("image %s: cannot decode: %s", path.c_str(), e.what());
  }
  if (image.empty()) return error("image %s: not a decodable image (unknown format or corrupt data)", path.c_str());
  if (image.depth() != CV_8U || (image.channels() != 1 && image.channels() != 3)) {
    return error("image %s: unsupported pixel format (%d channels, depth %d)", path.c_str(), image.channels(), image.depth());
  }
  return image;
}

Result<std::unique_ptr<ImageSource>> open_image_dir(const std::string& path, const ImageDirOptions& options) {
  try {
    std::unique_ptr<LabelNames> names;
    if (!options.label_names_file.empty()) {
      auto n = read_label_names(options.label_names_file);
      if (!n.ok()) return n.status();
      names = std::make_unique<LabelNames>(std::move(*n));
    }
    std::error_code ec;
    const fs::path root(path);
    const fs::file_status st = fs::status(root, ec);
    if (ec || !fs::exists(st)) {
      return error("image source %s: %s", path.c_str(), ec ? ec.message().c_str() : "no such file or directory");
    }
    if (!fs::is_directory(st)) {
      if (!options.labels_csv.empty()) {
        return error("image source %s: a labels CSV needs a directory of images, not a file", path.c_str());
      }
      if (extension_lower(path) == ".csv") {
        return open_csv(root, root.parent_path(), names.get(), options);
      }
      std::vector<ImageItem> items{{root.lexically_normal().string(), std::nullopt, ""}};
      std::string description = "image file " + path;
      return std::unique_ptr<ImageSource>(
          std::make_unique<ImageFileSource>(std::move(items), description, options.max_file_bytes));
    }
    if (!options.labels_csv.empty()) return open_csv(options.labels_csv, root, names.get(), options);

    std::vector<fs::path> top_files, class_dirs;
    EB_RETURN_IF_ERROR(list_files(root, false, &top_files, &class_dirs));
    std::vector<ImageItem> items;
    if (class_dirs.empty()) {
      for (const fs::path& f : top_files) items.push_back({f.lexically_normal().string(), std::nullopt, ""});
      sort_items(items);
      apply_limit(items, options.limit);
      const std::string description = strfmt("image directory %s: %zu files, unlabelled", path.c_str(), items.size());
      return std::unique_ptr<ImageSource>(
          std::make_unique<ImageFileSource>(std::move(items), description, options.max_file_bytes));
    }

    std::sort(class_dirs.begin(), class_dirs.end());
    std::vector<std::string> folder_names;
    for (const fs::path& d : class_dirs) folder_names.push_back(d.filename().string());
    std::vector<std::string> class_names, where;
    for (const std::string& f : folder_names) where.push_back("class folder '" + f + "'");
    auto indices = assign_class_indices(folder_names, where, names.get(), &class_names);
    if (!indices.ok()) return indices.status().with_context("image directory " + path + ": class folders: ");
    for (size_t i = 0; i < class_dirs.size(); ++i) {
      std::vector<fs::path> files;
      EB_RETURN_IF_ERROR(list_files(class_dirs[i], true, &files, nullptr));
      for (const fs::path& f : files) items.push_back({f.lexically_normal().string(), (*indices)[i], ""});
    }
    for (const fs::path& f : top_files) {
      const std::string p = f.lexically_normal().string();
      items.push_back({p, std::nullopt, "image " + p + ": not inside a class folder (the directory has class sub-folders)"});
    }
    sort_items(items);
    apply_limit(items, options.limit);
    const std::string description =
        strfmt("image directory %s: %zu files, labels from %zu class folders", path.c_str(), items.size(), class_dirs.size());
    auto src = std::make_unique<ImageFileSource>(std::move(items), description, options.max_file_bytes);
    src->set_labels(true, std::move(class_names));
    return std::unique_ptr<ImageSource>(std::move(src));
  } catch (const std::exception& e) {  // std::bad_alloc, filesystem_error from a path conversion
    return error("image source %s: %s", path.c_str(), e.what());
  }
}

// ---- captures ------------------------------------------------------------------------------------------------

namespace {

class CaptureSource : public ImageSource {
 public:
  CaptureSource(std::unique_ptr<cv::VideoCapture> cap, std::string name, std::string device_node, bool is_file,
                const CaptureOptions& options)
      : cap_(std::move(cap)), name_(std::move(name)), device_node_(std::move(device_node)), is_file_(is_file),
        options_(options) {}

  ~CaptureSource() override { close(); }

  SourceItem next() override {
    SourceItem item;
    if (done_) return item;
    if (options_.max_frames > 0 && frames_ >= options_.max_frames) return finish();
    const auto now = std::chrono::steady_clock::now();
    if (started_ && options_.max_seconds > 0 &&
        std::chrono::duration<double>(now - start_).count() >= options_.max_seconds) {
      return finish();
    }
    if (!started_) {
      started_ = true;
      start_ = now;
    }
    item.frame.index = index_;
    item.frame.id = std::to_string(index_);
    ++index_;
    cv::Mat frame;
    std::string cause;
    try {
      if (!cap_->read(frame) || frame.empty()) cause = "read failed";
      else if (frame.depth() != CV_8U) cause = strfmt("unsupported frame depth %d", frame.depth());
      else if (frame.channels() == 4) cv::cvtColor(frame, frame, cv::COLOR_BGRA2BGR);
      else if (frame.channels() != 1 && frame.channels() != 3) cause = strfmt("unsupported %d-channel frame", frame.channels());
    } catch (const cv::Exception& e) {
      cause = std::string("read failed: ") + e.what();
    } catch (const std::exception& e) {
      cause = std::string("read failed: ") + e.what();
    }
    if (!cause.empty()) {
      // A file that cannot give another frame has ended; a camera or stream that cannot has failed.
      if (is_file_ && cause == "read failed") return finish();
      std::string why = cause;
      struct stat st {};
      if (!device_node_.empty() && ::stat(device_node_.c_str(), &st) != 0) why += " (the device node is gone: unplugged?)";
      else if (!is_file_) why += strfmt(" (no frame within %d ms, or the device stopped)", options_.read_timeout_ms);
      item.kind = SourceItem::Kind::kError;
      item.error = error("%s: %s after %lld frames", name_.c_str(), why.c_str(), static_cast<long long>(frames_));
      item.fatal = true;
      close();
      return item;
    }
    ++frames_;
    item.kind = SourceItem::Kind::kFrame;
    item.frame.image = image_of(std::move(frame));
    return item;
  }

  std::string describe() const override { return description_; }
  void set_description(std::string d) { description_ = std::move(d); }

 private:
  SourceItem finish() {
    close();
    return SourceItem{};
  }
  void close() {
    done_ = true;
    if (cap_) {
      try {
        cap_->release();
      } catch (...) {  // a release that fails leaves nothing to do
      }
      cap_.reset();
    }
  }

  std::unique_ptr<cv::VideoCapture> cap_;
  std::string name_, device_node_, description_;
  bool is_file_;
  CaptureOptions options_;
  bool done_ = false, started_ = false;
  int64_t frames_ = 0, index_ = 0;
  std::chrono::steady_clock::time_point start_;
};

void set_v4l_select_timeout(int read_timeout_ms) {
  static std::once_flag once;
  std::call_once(once, [read_timeout_ms] {
    const int seconds = std::max(1, (read_timeout_ms + 999) / 1000);
    ::setenv("OPENCV_VIDEOIO_V4L_SELECT_TIMEOUT", std::to_string(seconds).c_str(), /*overwrite=*/0);
  });
}

Result<std::unique_ptr<cv::VideoCapture>> open_v4l2(const std::string& node, const std::string& name,
                                                   const CaptureOptions& options) {
  struct stat st {};
  if (::stat(node.c_str(), &st) != 0) {
    if (errno == ENOENT) return error("%s: no such device (is the camera connected? see ls /dev/video*)", name.c_str());
    return error("%s: %s", name.c_str(), std::strerror(errno));
  }
  if (!S_ISCHR(st.st_mode)) return error("%s: not a character device", name.c_str());
  if (::access(node.c_str(), R_OK | W_OK) != 0) {
    return error("%s: %s (is the user in the 'video' group?)", name.c_str(), std::strerror(errno));
  }
  set_v4l_select_timeout(options.read_timeout_ms);
  auto cap = std::make_unique<cv::VideoCapture>();
  if (!cap->open(node, cv::CAP_V4L2)) {
    return error("%s: cannot open as a V4L2 capture device (busy, or not a video capture node)", name.c_str());
  }
  if (options.width > 0) cap->set(cv::CAP_PROP_FRAME_WIDTH, options.width);
  if (options.height > 0) cap->set(cv::CAP_PROP_FRAME_HEIGHT, options.height);
  if (options.fps > 0) cap->set(cv::CAP_PROP_FPS, options.fps);
  return cap;
}

Result<std::unique_ptr<cv::VideoCapture>> open_ffmpeg(const std::string& spec, const std::string& name, bool local_file,
                                                     const CaptureOptions& options) {
  auto cap = std::make_unique<cv::VideoCapture>();
  const std::vector<int> params = {cv::CAP_PROP_OPEN_TIMEOUT_MSEC, std::max(1, options.open_timeout_ms),
                                   cv::CAP_PROP_READ_TIMEOUT_MSEC, std::max(1, options.read_timeout_ms)};
  if (cap->open(spec, cv::CAP_FFMPEG, params)) return cap;
  // Other backends take no timeouts; only local files (which cannot stall) try them: GStreamer, and
  // OpenCV's image-sequence reader. Not CAP_ANY: it also probes gphoto2, which scans USB for cameras
  // (pointless for a file, and libgphoto2 leaks its device list each time).
  if (local_file) {
    for (int api : {cv::CAP_GSTREAMER, cv::CAP_IMAGES})
      if (cap->open(spec, api)) return cap;
  }
  return error("%s: cannot open as a video", name.c_str());
}

}  // namespace

Result<std::unique_ptr<ImageSource>> open_capture(const std::string& spec_in, const CaptureOptions& options) {
  const std::string spec(trim_ascii(spec_in));
  if (spec.empty()) return error("capture source: empty device, file or URL");
  if (options.max_frames < 0 || options.max_seconds < 0 || !std::isfinite(options.max_seconds)) {
    return error("capture %s: frame and duration limits must be >= 0", spec.c_str());
  }
  try {
    std::string node, name, kind;
    bool is_file = false;
    Result<std::unique_ptr<cv::VideoCapture>> cap = Status::error("unset");
    if (auto index = parse_class_index(spec)) {
      node = "/dev/video" + std::to_string(*index);
      name = "camera " + spec + " (" + node + ")";
      kind = "camera";
      cap = open_v4l2(node, name, options);
    } else if (spec.rfind("/dev/", 0) == 0) {
      node = spec;
      name = "camera " + spec;
      kind = "camera";
      cap = open_v4l2(node, name, options);
    } else if (spec.find("://") != std::string::npos) {
      name = "stream " + spec;
      kind = "stream";
      cap = open_ffmpeg(spec, name, false, options);
    } else {
      name = "video " + spec;
      kind = "video file";
      is_file = true;
      std::error_code ec;
      if (!fs::exists(spec, ec)) return error("%s: no such file", name.c_str());
      if (fs::is_directory(spec, ec)) return error("%s: is a directory", name.c_str());
      cap = open_ffmpeg(spec, name, true, options);
    }
    if (!cap.ok()) return cap.status();
    std::string backend;
    try {
      backend = (*cap)->getBackendName();
    } catch (const cv::Exception&) {
      backend = "?";
    }
    const int w = static_cast<int>((*cap)->get(cv::CAP_PROP_FRAME_WIDTH));
    const int h = static_cast<int>((*cap)->get(cv::CAP_PROP_FRAME_HEIGHT));
    std::string description = strfmt("%s %s (%s, %dx%d", kind.c_str(), spec.c_str(), backend.c_str(), w, h);
    if (options.max_frames > 0) description += strfmt(", %lld frames", static_cast<long long>(options.max_frames));
    if (options.max_seconds > 0) description += strfmt(", %.3g s", options.max_seconds);
    description += ")";
    auto src = std::make_unique<CaptureSource>(std::move(*cap), name, node, is_file, options);
    src->set_description(std::move(description));
    return std::unique_ptr<ImageSource>(std::move(src));
  } catch (const cv::Exception& e) {
    return error("capture %s: %s", spec.c_str(), e.what());
  } catch (const std::exception& e) {
    return error("capture %s: %s", spec.c_str(), e.what());
  }
}

}  // namespace eb
