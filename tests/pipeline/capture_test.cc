// Captures: a small MJPG .avi written by the test goes through the same code as a camera or stream
// (cv::VideoCapture); a missing camera must fail at once.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/videoio.hpp>

#include "daemon/pipeline/opencv_io.h"

namespace eb {
namespace {
namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "eb_capture_XXXXXX").string();
    char* made = ::mkdtemp(tmpl.data());
    if (made == nullptr) std::abort();
    path_ = made;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string str(const std::string& rel) const { return (path_ / rel).string(); }

 private:
  fs::path path_;
};

constexpr int kFrames = 12;
constexpr int kW = 64, kH = 48;

// Frame k is a flat colour (B, G, R) = (10 + 20k, 200 - 10k, 128): distinct and in order.
cv::Scalar frame_colour(int k) { return cv::Scalar(10 + 20 * k, 200 - 10 * k, 128); }

std::string write_video(const TempDir& t) {
  const std::string path = t.str("clip.avi");
  cv::VideoWriter w(path, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 10.0, cv::Size(kW, kH), true);
  EXPECT_TRUE(w.isOpened()) << "cannot write " << path;
  for (int k = 0; k < kFrames; ++k) w.write(cv::Mat(kH, kW, CV_8UC3, frame_colour(k)));
  w.release();
  return path;
}

std::vector<SourceItem> pull_all(ImageSource& src, size_t bound = 1000) {
  std::vector<SourceItem> items;
  for (size_t i = 0; i < bound; ++i) {
    SourceItem item = src.next();
    if (item.is_end()) {
      EXPECT_TRUE(src.next().is_end());
      return items;
    }
    items.push_back(std::move(item));
  }
  ADD_FAILURE() << "capture did not end within " << bound << " items";
  return items;
}

TEST(Capture, VideoFileYieldsExactlyTheFramesWritten) {
  TempDir t;
  const std::string path = write_video(t);
  auto src = open_capture(path);
  ASSERT_TRUE(src.ok()) << src.status().message();
  EXPECT_FALSE((*src)->labelled());
  EXPECT_FALSE((*src)->size().has_value());
  EXPECT_NE((*src)->describe().find("64x48"), std::string::npos) << (*src)->describe();
  auto items = pull_all(**src);
  ASSERT_EQ(items.size(), static_cast<size_t>(kFrames));
  for (int k = 0; k < kFrames; ++k) {
    const SourceItem& it = items[static_cast<size_t>(k)];
    ASSERT_TRUE(it.is_frame()) << it.error.message();
    EXPECT_EQ(it.frame.id, std::to_string(k));
    EXPECT_EQ(it.frame.index, k);
    EXPECT_FALSE(it.frame.label.has_value());
    ASSERT_EQ(mat_of(*it.frame.image).channels(), 3);
    ASSERT_EQ(mat_of(*it.frame.image).cols, kW);
    ASSERT_EQ(mat_of(*it.frame.image).rows, kH);
    const cv::Scalar mean = cv::mean(mat_of(*it.frame.image));
    const cv::Scalar want = frame_colour(k);
    for (int c = 0; c < 3; ++c) EXPECT_NEAR(mean[c], want[c], 4.0) << "frame " << k << " channel " << c;
  }
}

TEST(Capture, FrameLimit) {
  TempDir t;
  const std::string path = write_video(t);
  CaptureOptions o;
  o.max_frames = 5;
  auto src = open_capture(path, o);
  ASSERT_TRUE(src.ok()) << src.status().message();
  auto items = pull_all(**src);
  ASSERT_EQ(items.size(), 5u);
  for (const auto& it : items) EXPECT_TRUE(it.is_frame());
  EXPECT_NEAR(cv::mean(mat_of(*items[4].frame.image))[0], frame_colour(4)[0], 4.0);
}

TEST(Capture, DurationLimitEndsTheStream) {
  TempDir t;
  const std::string path = write_video(t);
  CaptureOptions o;
  o.max_seconds = 1e-9;  // spent by the first read: exactly one frame comes through
  auto src = open_capture(path, o);
  ASSERT_TRUE(src.ok()) << src.status().message();
  auto items = pull_all(**src);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_TRUE(items[0].is_frame());
}

TEST(Capture, MissingCameraFailsQuickly) {
  for (const std::string spec : {"/dev/video99", "99"}) {
    const auto t0 = std::chrono::steady_clock::now();
    auto src = open_capture(spec);
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_FALSE(src.ok()) << spec;
    EXPECT_LT(elapsed, 5.0) << spec;
    EXPECT_NE(src.status().message().find("/dev/video99"), std::string::npos) << src.status().message();
    EXPECT_NE(src.status().message().find("no such device"), std::string::npos) << src.status().message();
  }
}

TEST(Capture, MissingOrUnreadableVideoFileIsAnError) {
  TempDir t;
  auto missing = open_capture(t.str("nope.avi"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("nope.avi"), std::string::npos);
  {
    std::ofstream(t.str("junk.avi")) << "this is not a video";
  }
  auto junk = open_capture(t.str("junk.avi"));
  ASSERT_FALSE(junk.ok());
  EXPECT_NE(junk.status().message().find("junk.avi"), std::string::npos);
  CaptureOptions bad;
  bad.max_frames = -1;
  EXPECT_FALSE(open_capture(t.str("nope.avi"), bad).ok());
  EXPECT_FALSE(open_capture("  ").ok());
}

}  // namespace
}  // namespace eb
