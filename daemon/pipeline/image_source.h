// Image sources for `edgebench run`: a directory of images (labelled by class folders, by a CSV, or not
// at all) and cameras / video files / streams through cv::VideoCapture. One interface: next() gives a
// frame, an error for one item, or the end of the stream. Nothing here throws; OpenCV exceptions become
// errors naming the file or device.
//
// This header has no OpenCV in it: the sources are implemented in the image module (image_module.h),
// which edgebench loads only when a command reads images, so `--version`, `query` or `infer` never map
// OpenCV's libraries. Code that works on pixels includes opencv_io.h.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kernels/common/status.h"

namespace eb {

// A decoded image: 8-bit, BGR (3 channels) or gray (1 channel). Its pixels are the image module's own
// (opencv_io.h's mat_of); elsewhere it is only passed on, and its size read.
class Image {
 public:
  virtual ~Image() = default;
  virtual int width() const = 0;
  virtual int height() const = 0;
  virtual int channels() const = 0;
};

struct Frame {
  std::shared_ptr<const Image> image;  // null for error items
  std::optional<int> label;  // class index, when the source is labelled
  std::string id;            // file path (image sources) or frame number (captures)
  int64_t index = 0;         // position in the stream, from 0, counting error items too
};

struct SourceItem {
  enum class Kind { kFrame, kError, kEnd };
  Kind kind = Kind::kEnd;
  Frame frame;   // kFrame: the frame. kError: id and index (and label, when known) of the failed item
  Status error;  // kError: names the file or device and the cause
  // kError only: the source cannot go on (a camera that vanished); the next call returns kEnd.
  bool fatal = false;

  bool is_frame() const { return kind == Kind::kFrame; }
  bool is_error() const { return kind == Kind::kError; }
  bool is_end() const { return kind == Kind::kEnd; }
};

class ImageSource {
 public:
  virtual ~ImageSource() = default;
  // The next item. After an error item the caller records it and calls next() again; after kEnd every
  // call returns kEnd.
  virtual SourceItem next() = 0;
  // One line for logs: "image directory /data/x: 10000 files, labels from class folders".
  virtual std::string describe() const = 0;
  // Number of items when known up front (image sources, after any limit); nullopt for captures.
  virtual std::optional<int64_t> size() const { return std::nullopt; }
  // The largest class index among the items and the first item that has it, when known up front (image
  // lists and folders): a run checks it against the model's classes before measuring anything.
  struct LabelExtreme {
    int label = 0;
    std::string item;
  };
  virtual std::optional<LabelExtreme> largest_label() const { return std::nullopt; }
  // Class names by index when the labels came from names (folders, CSV names or a label-names file);
  // empty otherwise.
  const std::vector<std::string>& class_names() const { return class_names_; }
  bool labelled() const { return labelled_; }

 protected:
  std::vector<std::string> class_names_;
  bool labelled_ = false;
};

// ---- Image directories ------------------------------------------------------------------------------
//
// `path` is a directory, a .csv file, or one image file (a one-item unlabelled source):
//  - a .csv file (or options.labels_csv): rows "file,label"; files relative to the CSV's folder (or to
//    the directory given as `path` when options.labels_csv is set); label an integer index or a class
//    name. A header row whose label field is "label" (any case) is skipped; fields may be "quoted".
//  - a directory with sub-folders: each sub-folder is a class (all integer names: the integers are the
//    indices; otherwise mapped through options.label_names_file, or the names sorted); every file under
//    a class folder (recursively) is an item of that class. Files at the top level are error items.
//  - a directory without sub-folders: unlabelled items.
// Items are in sorted path order; hidden entries (".name") are skipped. Files are decoded as they are
// pulled: an unreadable, empty, truncated or non-image file is an error item for that file only.
struct ImageDirOptions {
  std::string labels_csv;        // CSV of file,label for a directory `path`
  std::string label_names_file;  // class names, one per line: maps names to indices
  int64_t limit = 0;             // at most this many items (the first in order); 0: all
  int64_t max_file_bytes = int64_t{256} << 20;  // larger files are error items
};

// open_image_dir (opencv_io.h, or through the image module) opens such a source.

// ---- Cameras, video files and streams ----------------------------------------------------------------
//
// `spec`: "/dev/videoN" or an integer N (a V4L2 camera; the device node is checked first, so a missing
// camera fails at once), or a video file or URL that cv::VideoCapture opens (FFmpeg first, with open and
// read timeouts; local files then fall back to any backend).
// Ends after max_frames frames or max_seconds of wall-clock time since the first read, or at the end of
// a file. A read that fails before that (a camera unplugged, a stream that stalls past the timeout)
// ends the stream with a fatal error item. For V4L2 cameras OpenCV has no read-timeout property: the
// first open sets OPENCV_VIDEOIO_V4L_SELECT_TIMEOUT (seconds, from read_timeout_ms) in the environment
// unless it is already set, which bounds each read.
struct CaptureOptions {
  int64_t max_frames = 0;  // 0: no limit
  double max_seconds = 0;  // 0: no limit
  int open_timeout_ms = 5000;
  int read_timeout_ms = 5000;
  int width = 0;   // requested camera frame size; 0: the device default
  int height = 0;
  double fps = 0;  // requested camera rate; 0: the device default
};

// open_capture (opencv_io.h, or through the image module) opens such a source.

// How `edgebench run --source SPEC` chooses between open_capture and open_image_dir: true for a bare
// integer, a "/dev/..." path, a URL ("scheme://...") or a file with a video extension (.avi, .mp4,
// .mkv, .mov, .webm, .mjpeg, .h264, ...); false otherwise (directories, .csv files, image files).
bool looks_like_capture(const std::string& spec);

}  // namespace eb
