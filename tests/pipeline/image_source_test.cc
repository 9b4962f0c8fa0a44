// Image directories, CSV lists, label names and per-item errors, on real files written into a temp dir.
#include "daemon/pipeline/opencv_io.h"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "daemon/pipeline/image_header.h"
#include "daemon/pipeline/labels.h"

namespace eb {
namespace {
namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "eb_pipeline_XXXXXX").string();
    char* made = ::mkdtemp(tmpl.data());
    if (made == nullptr) std::abort();
    path_ = made;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  std::string str(const std::string& rel = "") const { return rel.empty() ? path_.string() : (path_ / rel).string(); }

 private:
  fs::path path_;
};

void write_text(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << text;
  ASSERT_TRUE(out.good()) << p;
}

// A small gray image whose first pixel encodes `tag`, so a decoded frame can be traced to its file.
void write_png(const fs::path& p, int tag, int w = 6, int h = 4) {
  fs::create_directories(p.parent_path());
  cv::Mat m(h, w, CV_8UC1, cv::Scalar(7));
  m.at<uint8_t>(0, 0) = static_cast<uint8_t>(tag);
  ASSERT_TRUE(cv::imwrite(p.string(), m)) << p;
}

std::vector<uint8_t> noise_jpeg(int w, int h) {
  cv::Mat m(h, w, CV_8UC3);
  cv::RNG rng(42);
  rng.fill(m, cv::RNG::UNIFORM, 0, 256);
  std::vector<uint8_t> buf;
  EXPECT_TRUE(cv::imencode(".jpg", m, buf));
  return buf;
}

void write_bytes(const fs::path& p, const std::vector<uint8_t>& bytes, size_t n) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(n));
  ASSERT_TRUE(out.good());
}

struct Pulled {
  std::vector<SourceItem> items;
  std::vector<SourceItem> frames() const {
    std::vector<SourceItem> r;
    for (const auto& i : items) if (i.is_frame()) r.push_back(i);
    return r;
  }
  std::vector<SourceItem> errors() const {
    std::vector<SourceItem> r;
    for (const auto& i : items) if (i.is_error()) r.push_back(i);
    return r;
  }
};

// Pulls every item (bounded, so a source that never ends fails the test instead of hanging it).
Pulled pull_all(ImageSource& src, size_t bound = 100000) {
  Pulled p;
  for (size_t i = 0; i < bound; ++i) {
    SourceItem item = src.next();
    if (item.is_end()) {
      EXPECT_TRUE(src.next().is_end()) << "the end must be sticky";
      return p;
    }
    p.items.push_back(std::move(item));
  }
  ADD_FAILURE() << "source did not end within " << bound << " items";
  return p;
}

std::unique_ptr<ImageSource> open_ok(const std::string& path, const ImageDirOptions& o = {}) {
  auto s = open_image_dir(path, o);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.status().message());
  return s.ok() ? std::move(*s) : nullptr;
}

// ---- label names ---------------------------------------------------------------------------------------

TEST(LabelNames, ReadsLinesWithBomCrlfAndTrailingBlankLines) {
  TempDir t;
  write_text(t.path() / "labels.txt", "\xEF\xBB\xBF" "background\r\ntench, Tinca tinca\r\n\r\ngoldfish \r\n\r\n\r\n");
  auto n = read_label_names(t.str("labels.txt"));
  ASSERT_TRUE(n.ok()) << n.status().message();
  ASSERT_EQ(n->size(), 4);
  EXPECT_EQ(n->name(0), "background");
  EXPECT_EQ(n->name(1), "tench, Tinca tinca");
  EXPECT_EQ(n->name(2), "");  // interior blank line kept as a class
  EXPECT_EQ(n->name(3), "goldfish");
  EXPECT_EQ(n->name(4), "");
}

TEST(LabelNames, IndexOfExactLineThenUniqueSynonym) {
  LabelNames n({"background", "tench, Tinca tinca", "crane", "crane, bird", "maillot", "maillot, tank suit"});
  EXPECT_EQ(*n.index_of("tench"), 1);
  EXPECT_EQ(*n.index_of("Tinca tinca"), 1);
  EXPECT_EQ(*n.index_of("tench, Tinca tinca"), 1);
  EXPECT_EQ(*n.index_of("crane"), 2);  // an exact line wins over synonyms
  EXPECT_EQ(*n.index_of("bird"), 3);
  EXPECT_EQ(*n.index_of("tank suit"), 5);
  auto missing = n.index_of("goldfish");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("goldfish"), std::string::npos);
  LabelNames amb({"a, x", "b, x"});
  auto a = amb.index_of("x");
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("ambiguous"), std::string::npos);
}

TEST(LabelNames, EmptyAndMissingFilesAreErrors) {
  TempDir t;
  write_text(t.path() / "empty.txt", "\n\n");
  auto e = read_label_names(t.str("empty.txt"));
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("empty.txt"), std::string::npos);
  auto m = read_label_names(t.str("nope.txt"));
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.status().message().find("nope.txt"), std::string::npos);
}

TEST(LabelNames, ParseClassIndex) {
  EXPECT_EQ(parse_class_index("0"), 0);
  EXPECT_EQ(parse_class_index("007"), 7);
  EXPECT_EQ(parse_class_index("2147483647"), 2147483647);
  EXPECT_FALSE(parse_class_index("2147483648"));
  EXPECT_FALSE(parse_class_index("-1"));
  EXPECT_FALSE(parse_class_index("1a"));
  EXPECT_FALSE(parse_class_index(""));
}

TEST(LabelNames, AssignClassIndices) {
  std::vector<std::string> names;
  auto ints = assign_class_indices({"3", "0", "10"}, {}, nullptr, &names);
  ASSERT_TRUE(ints.ok());
  EXPECT_EQ(*ints, (std::vector<int>{3, 0, 10}));
  EXPECT_TRUE(names.empty());

  auto sorted = assign_class_indices({"dog", "cat", "bird", "cat"}, {}, nullptr, &names);
  ASSERT_TRUE(sorted.ok());
  EXPECT_EQ(*sorted, (std::vector<int>{2, 1, 0, 1}));
  EXPECT_EQ(names, (std::vector<std::string>{"bird", "cat", "dog"}));

  LabelNames file({"background", "cat", "dog"});
  auto mapped = assign_class_indices({"dog", "1", "cat"}, {}, &file, &names);
  ASSERT_TRUE(mapped.ok());
  EXPECT_EQ(*mapped, (std::vector<int>{2, 1, 1}));
  EXPECT_EQ(names, file.names());

  auto out_of_range = assign_class_indices({"3"}, {}, &file, nullptr);
  ASSERT_FALSE(out_of_range.ok());
  EXPECT_NE(out_of_range.status().message().find("out of range"), std::string::npos);
}

// ---- image directories -------------------------------------------------------------------------------

TEST(ImageDir, IntegerClassFoldersAreIndices) {
  TempDir t;
  write_png(t.path() / "10" / "b.png", 1);
  write_png(t.path() / "10" / "a.png", 2);
  write_png(t.path() / "2" / "z.png", 3);
  write_png(t.path() / "0" / "nested" / "deep.png", 4);
  fs::create_directories(t.path() / "10" / ".hidden");
  write_png(t.path() / "10" / ".hidden" / "skip.png", 99);
  write_png(t.path() / "2" / ".skip.png", 99);
  auto src = open_ok(t.str());
  ASSERT_TRUE(src);
  EXPECT_TRUE(src->labelled());
  EXPECT_TRUE(src->class_names().empty());
  EXPECT_EQ(src->size(), 4);
  Pulled p = pull_all(*src);
  ASSERT_EQ(p.items.size(), 4u);
  ASSERT_EQ(p.errors().size(), 0u) << p.errors()[0].error.message();
  // Sorted by path string: "0/..." < "10/..." < "2/...".
  const std::vector<std::pair<std::string, int>> want = {
      {"0/nested/deep.png", 0}, {"10/a.png", 10}, {"10/b.png", 10}, {"2/z.png", 2}};
  const std::vector<int> tags = {4, 2, 1, 3};
  for (size_t i = 0; i < want.size(); ++i) {
    const Frame& f = p.items[i].frame;
    EXPECT_EQ(f.id, t.str(want[i].first));
    ASSERT_TRUE(f.label.has_value());
    EXPECT_EQ(*f.label, want[i].second);
    EXPECT_EQ(f.index, static_cast<int64_t>(i));
    ASSERT_EQ(mat_of(*f.image).channels(), 1);  // gray PNGs stay gray
    EXPECT_EQ(mat_of(*f.image).cols, 6);
    EXPECT_EQ(mat_of(*f.image).rows, 4);
    EXPECT_EQ(mat_of(*f.image).at<uint8_t>(0, 0), tags[i]);
  }
}

TEST(ImageDir, NamedClassFoldersAreSortedByName) {
  TempDir t;
  write_png(t.path() / "dog" / "1.png", 1);
  write_png(t.path() / "cat" / "1.png", 2);
  write_png(t.path() / "bird" / "1.png", 3);
  auto src = open_ok(t.str());
  ASSERT_TRUE(src);
  EXPECT_EQ(src->class_names(), (std::vector<std::string>{"bird", "cat", "dog"}));
  Pulled p = pull_all(*src);
  ASSERT_EQ(p.frames().size(), 3u);
  std::map<std::string, int> got;
  for (const auto& i : p.items) got[fs::path(i.frame.id).parent_path().filename().string()] = *i.frame.label;
  EXPECT_EQ(got, (std::map<std::string, int>{{"bird", 0}, {"cat", 1}, {"dog", 2}}));
  // A folder named as a class index among named ones: which it means is unknowable, so it is refused
  // (sorting "7" as a name used to shift every class by one).
  write_png(t.path() / "7" / "1.png", 4);
  auto mixed = open_image_dir(t.str());
  ASSERT_FALSE(mixed.ok());
  EXPECT_NE(mixed.status().message().find("class folder '7'"), std::string::npos) << mixed.status().message();
}

TEST(ImageDir, LabelNamesFileMapsFolderNames) {
  TempDir t;
  write_text(t.path() / "names.txt", "background\ncat, felis\ndog\n");
  write_png(t.path() / "imgs" / "dog" / "1.png", 1);
  write_png(t.path() / "imgs" / "felis" / "1.png", 2);
  write_png(t.path() / "imgs" / "background" / "1.png", 3);
  ImageDirOptions o;
  o.label_names_file = t.str("names.txt");
  auto src = open_ok(t.str("imgs"), o);
  ASSERT_TRUE(src);
  EXPECT_EQ(src->class_names(), (std::vector<std::string>{"background", "cat, felis", "dog"}));
  Pulled p = pull_all(*src);
  ASSERT_EQ(p.frames().size(), 3u);
  // Sorted paths: background, dog, felis.
  EXPECT_EQ(*p.items[0].frame.label, 0);
  EXPECT_EQ(*p.items[1].frame.label, 2);
  EXPECT_EQ(*p.items[2].frame.label, 1);

  write_png(t.path() / "imgs" / "horse" / "1.png", 4);
  auto bad = open_image_dir(t.str("imgs"), o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("horse"), std::string::npos) << bad.status().message();
}

TEST(ImageDir, CsvWithIntegerLabels) {
  TempDir t;
  write_png(t.path() / "a.png", 1);
  write_png(t.path() / "sub" / "b,c.png", 2);
  write_png(t.path() / "c.png", 3);
  write_text(t.path() / "list.csv", "file,label\r\nc.png,5\r\n\"sub/b,c.png\" , 0\r\n\r\na.png,12\r\n");
  auto src = open_ok(t.str("list.csv"));
  ASSERT_TRUE(src);
  EXPECT_TRUE(src->labelled());
  Pulled p = pull_all(*src);
  ASSERT_EQ(p.frames().size(), 3u);
  EXPECT_EQ(p.items[0].frame.id, t.str("a.png"));
  EXPECT_EQ(*p.items[0].frame.label, 12);
  EXPECT_EQ(p.items[1].frame.id, t.str("c.png"));
  EXPECT_EQ(*p.items[1].frame.label, 5);
  EXPECT_EQ(p.items[2].frame.id, t.str("sub/b,c.png"));
  EXPECT_EQ(*p.items[2].frame.label, 0);
  EXPECT_EQ(mat_of(*p.items[2].frame.image).at<uint8_t>(0, 0), 2);
}

TEST(ImageDir, CsvWithClassNamesSortedOrMappedByNamesFile) {
  TempDir t;
  write_png(t.path() / "imgs" / "1.png", 1);
  write_png(t.path() / "imgs" / "2.png", 2);
  write_png(t.path() / "imgs" / "3.png", 3);
  write_text(t.path() / "labels.csv", "1.png,zebra\n2.png,ant\n3.png,zebra\n");
  ImageDirOptions o;
  o.labels_csv = t.str("labels.csv");  // paths relative to the directory given
  auto src = open_ok(t.str("imgs"), o);
  ASSERT_TRUE(src);
  EXPECT_EQ(src->class_names(), (std::vector<std::string>{"ant", "zebra"}));
  Pulled p = pull_all(*src);
  ASSERT_EQ(p.frames().size(), 3u);
  EXPECT_EQ(*p.items[0].frame.label, 1);
  EXPECT_EQ(*p.items[1].frame.label, 0);
  EXPECT_EQ(*p.items[2].frame.label, 1);

  write_text(t.path() / "names.txt", "background\nzebra\nlion\nant\n");
  o.label_names_file = t.str("names.txt");
  auto mapped = open_ok(t.str("imgs"), o);
  ASSERT_TRUE(mapped);
  Pulled q = pull_all(*mapped);
  ASSERT_EQ(q.frames().size(), 3u);
  EXPECT_EQ(*q.items[0].frame.label, 1);
  EXPECT_EQ(*q.items[1].frame.label, 3);
  EXPECT_EQ(*q.items[2].frame.label, 1);
}

TEST(ImageDir, CsvErrors) {
  TempDir t;
  write_text(t.path() / "short.csv", "a.png,1\nb.png\n");
  auto s = open_image_dir(t.str("short.csv"));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("line 2"), std::string::npos) << s.status().message();
  write_text(t.path() / "quote.csv", "\"a.png,1\n");
  EXPECT_FALSE(open_image_dir(t.str("quote.csv")).ok());
  write_text(t.path() / "empty.csv", "file,label\n");
  EXPECT_FALSE(open_image_dir(t.str("empty.csv")).ok());
  // A listed file that does not exist is an item error, not an open error.
  write_text(t.path() / "missing.csv", "nope.png,1\n");
  auto m = open_ok(t.str("missing.csv"));
  ASSERT_TRUE(m);
  Pulled p = pull_all(*m);
  ASSERT_EQ(p.items.size(), 1u);
  ASSERT_TRUE(p.items[0].is_error());
  EXPECT_FALSE(p.items[0].fatal);
  EXPECT_EQ(*p.items[0].frame.label, 1);
  EXPECT_NE(p.items[0].error.message().find("nope.png"), std::string::npos);
}

TEST(ImageDir, FlatDirectoryIsUnlabelledAndSorted) {
  TempDir t;
  write_png(t.path() / "b.png", 2);
  write_png(t.path() / "a.png", 1);
  write_png(t.path() / "c.png", 3);
  write_png(t.path() / ".hidden.png", 9);
  auto src = open_ok(t.str());
  ASSERT_TRUE(src);
  EXPECT_FALSE(src->labelled());
  EXPECT_EQ(src->size(), 3);
  Pulled p = pull_all(*src);
  ASSERT_EQ(p.frames().size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_FALSE(p.items[i].frame.label.has_value());
    EXPECT_EQ(mat_of(*p.items[i].frame.image).at<uint8_t>(0, 0), static_cast<int>(i) + 1);
  }
  EXPECT_EQ(p.items[0].frame.id, t.str("a.png"));

  ImageDirOptions o;
  o.limit = 2;
  auto limited = open_ok(t.str(), o);
  ASSERT_TRUE(limited);
  EXPECT_EQ(pull_all(*limited).items.size(), 2u);
}

TEST(ImageDir, BadFilesAreItemErrorsAndGoodFilesStillComeThrough) {
  TempDir t;
  const std::vector<uint8_t> jpeg = noise_jpeg(64, 48);
  ASSERT_GT(jpeg.size(), 1000u);
  write_png(t.path() / "a_good.png", 11);
  write_bytes(t.path() / "b_empty.png", jpeg, 0);
  write_bytes(t.path() / "c_truncated.jpg", jpeg, jpeg.size() / 2);
  write_text(t.path() / "d_notes.txt", "not an image\n");
  write_bytes(t.path() / "e_good.jpg", jpeg, jpeg.size());
  std::vector<uint8_t> png;
  ASSERT_TRUE(cv::imencode(".png", cv::Mat(32, 32, CV_8UC3, cv::Scalar(1, 2, 3)), png));
  write_bytes(t.path() / "f_truncated.png", png, png.size() - 20);
  write_text(t.path() / "g_fake.jpg", "\xFF\xD8\xFF garbage");
  write_png(t.path() / "h_good.png", 22);
  fs::create_symlink(t.path() / "gone.png", t.path() / "i_dangling.png");

  auto src = open_ok(t.str());
  ASSERT_TRUE(src);
  Pulled p = pull_all(*src);
  ASSERT_EQ(p.items.size(), 9u);
  const std::vector<std::pair<std::string, std::string>> want_errors = {
      {"b_empty.png", "empty"}, {"c_truncated.jpg", "truncated JPEG"}, {"d_notes.txt", "not a decodable image"},
      {"f_truncated.png", "truncated PNG"}, {"g_fake.jpg", "truncated JPEG"}, {"i_dangling.png", "cannot open"}};
  std::map<std::string, std::string> errors;
  for (const auto& i : p.errors()) {
    EXPECT_FALSE(i.fatal);
    EXPECT_NE(i.error.message().find(i.frame.id), std::string::npos) << "errors name the file: " << i.error.message();
    errors[fs::path(i.frame.id).filename().string()] = i.error.message();
  }
  ASSERT_EQ(errors.size(), want_errors.size());
  for (const auto& [file, what] : want_errors) {
    ASSERT_TRUE(errors.count(file)) << file;
    EXPECT_NE(errors[file].find(what), std::string::npos) << errors[file];
  }
  auto frames = p.frames();
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(mat_of(*frames[0].frame.image).at<uint8_t>(0, 0), 11);
  EXPECT_EQ(mat_of(*frames[1].frame.image).channels(), 3);
  EXPECT_EQ(mat_of(*frames[1].frame.image).cols, 64);
  EXPECT_EQ(mat_of(*frames[2].frame.image).at<uint8_t>(0, 0), 22);
  // Indices count error items too.
  EXPECT_EQ(frames[2].frame.index, 7);
}

TEST(ImageDir, FilesBesideClassFoldersAreItemErrors) {
  TempDir t;
  write_png(t.path() / "0" / "a.png", 1);
  write_text(t.path() / "README", "x");
  auto src = open_ok(t.str());
  ASSERT_TRUE(src);
  Pulled p = pull_all(*src);
  ASSERT_EQ(p.items.size(), 2u);
  EXPECT_EQ(p.frames().size(), 1u);
  ASSERT_EQ(p.errors().size(), 1u);
  EXPECT_NE(p.errors()[0].error.message().find("class folder"), std::string::npos);
}

TEST(ImageDir, MissingPathAndSingleFile) {
  TempDir t;
  auto missing = open_image_dir(t.str("nope"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find(t.str("nope")), std::string::npos);
  write_png(t.path() / "one.png", 5);
  auto one = open_ok(t.str("one.png"));
  ASSERT_TRUE(one);
  Pulled p = pull_all(*one);
  ASSERT_EQ(p.frames().size(), 1u);
  EXPECT_EQ(mat_of(*p.items[0].frame.image).at<uint8_t>(0, 0), 5);
}

TEST(ImageDir, ReadImageFileKeepsGrayAndBgr) {
  TempDir t;
  cv::Mat bgr(3, 5, CV_8UC3, cv::Scalar(10, 20, 30));
  ASSERT_TRUE(cv::imwrite(t.str("c.png"), bgr));
  auto c = read_image_file(t.str("c.png"));
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_EQ(c->channels(), 3);
  EXPECT_EQ(c->at<cv::Vec3b>(2, 4), cv::Vec3b(10, 20, 30));
  cv::Mat bgra(3, 5, CV_8UC4, cv::Scalar(10, 20, 30, 40));
  ASSERT_TRUE(cv::imwrite(t.str("a.png"), bgra));
  auto a = read_image_file(t.str("a.png"));
  ASSERT_TRUE(a.ok()) << a.status().message();
  ASSERT_EQ(a->channels(), 3);
  EXPECT_EQ(a->at<cv::Vec3b>(0, 0), cv::Vec3b(10, 20, 30));
  auto big = read_image_file(t.str("c.png"), 10);
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.status().message().find("too large"), std::string::npos);
}

// A valid PNM header followed by "DICM" at byte 128 (OpenCV's DICOM signature) must not reach a decoder:
// OpenCV chose its DICOM decoder for such a file, and libgdcm aborted the process (fuzz_image finding 5).
TEST(ImageDir, DicomSignatureIsRefusedWhateverTheFileStartsWith) {
  TempDir t;
  std::string bytes = "P4\n8 8\n";
  bytes.resize(128, '\x9a');
  bytes += "DICM";
  bytes.resize(200, '\0');
  std::ofstream(t.str("x.pbm"), std::ios::binary) << bytes;
  auto r = read_image_file(t.str("x.pbm"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("DICOM"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("x.pbm"), std::string::npos) << r.status().message();
  // The same header without the marker still decodes (8x8 bits, all ones and zeros as written).
  bytes.replace(128, 4, "\x9a\x9a\x9a\x9a");
  std::ofstream(t.str("y.pbm"), std::ios::binary) << bytes;
  auto ok = read_image_file(t.str("y.pbm"));
  EXPECT_TRUE(ok.ok()) << ok.status().message();
}

TEST(ImageSourceChoice, LooksLikeCapture) {
  EXPECT_TRUE(looks_like_capture("0"));
  EXPECT_TRUE(looks_like_capture("/dev/video2"));
  EXPECT_TRUE(looks_like_capture("rtsp://cam.local/stream"));
  EXPECT_TRUE(looks_like_capture("clip.MP4"));
  EXPECT_TRUE(looks_like_capture("clip.avi"));
  EXPECT_FALSE(looks_like_capture("images/"));
  EXPECT_FALSE(looks_like_capture("labels.csv"));
  EXPECT_FALSE(looks_like_capture("cat.jpg"));
}

// The Fashion-MNIST script end to end: 10,000 PNGs in class folders that the image source reads back
// with 1,000 items per label; a second run leaves the complete directory alone.
TEST(FmnistImages, ScriptWritesTenThousandLabelledImages) {
  if (!fs::exists("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz")) {
    GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  }
  TempDir t;
  const std::string out = t.str("fmnist");
  const std::string cmd = std::string("'") + EB_FMNIST_SCRIPT + "' '" + out + "' >/dev/null";
  int rc = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(rc) && WEXITSTATUS(rc) == 0) << cmd;
  // Test-set image 0 is an ankle boot (label 9).
  const fs::path first = fs::path(out) / "9" / "00000.png";
  ASSERT_TRUE(fs::exists(first));
  const auto written = fs::last_write_time(first);
  rc = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(rc) && WEXITSTATUS(rc) == 0);
  EXPECT_EQ(fs::last_write_time(first), written) << "the second run rewrote a complete directory";

  auto src = open_ok(out);
  ASSERT_TRUE(src);
  EXPECT_EQ(src->size(), 10000);
  std::vector<int> per_label(10, 0);
  int frames = 0;
  for (SourceItem item = src->next(); !item.is_end(); item = src->next()) {
    ASSERT_TRUE(item.is_frame()) << item.error.message();
    ASSERT_EQ(mat_of(*item.frame.image).channels(), 1);
    ASSERT_EQ(mat_of(*item.frame.image).rows, 28);
    ASSERT_EQ(mat_of(*item.frame.image).cols, 28);
    ASSERT_TRUE(item.frame.label && *item.frame.label >= 0 && *item.frame.label < 10);
    ++per_label[static_cast<size_t>(*item.frame.label)];
    ++frames;
  }
  EXPECT_EQ(frames, 10000);
  EXPECT_EQ(per_label, std::vector<int>(10, 1000));
}

// ---- declared image sizes ------------------------------------------------------------------------------

// The header's size, read before decoding, equals what the decoder finds, for every format it reads.
TEST(ImageHeader, DeclaredSizeMatchesTheDecodedImage) {
  for (const char* ext : {".png", ".jpg", ".bmp", ".pgm", ".ppm"}) {
    const bool gray = std::string(ext) == ".pgm";
    cv::Mat m(37, 53, gray ? CV_8UC1 : CV_8UC3, cv::Scalar(10));
    std::vector<uchar> buf;
    ASSERT_TRUE(cv::imencode(ext, m, buf)) << ext;
    const auto size = declared_image_size(buf);
    ASSERT_TRUE(size.has_value()) << ext;
    EXPECT_EQ(size->width, 53u) << ext;
    EXPECT_EQ(size->height, 37u) << ext;
  }
}

// A small file declaring a huge image is refused before any decoder allocates its pixels, in every format
// whose header is read; the error names the image and its size.
TEST(ImageHeader, HugeDeclaredImagesAreRefusedBeforeDecoding) {
  TempDir t;
  auto be32 = [](uint32_t v) { return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)}; };
  const std::string png = std::string("\x89PNG\r\n\x1a\n") + be32(13) + "IHDR" + be32(20000) + be32(20000) +
                          std::string("\x08\x00\x00\x00\x00", 5) + be32(0) + be32(0) + "IDAT" + be32(0) + be32(0) +
                          "IEND" + be32(0xAE426082);
  std::string jpeg = std::string("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", 20);
  jpeg += std::string("\xFF\xC0\x00\x0B\x08\xFD\xE8\xFD\xE8\x01\x01\x11\x00", 13);  // 65000 x 65000
  jpeg += std::string("\xFF\xDA\x00\x08\x01\x01\x00\x00\x3F\x00\x00\xFF\xD9", 13);  // a scan, then EOI
  std::string bmp(54, '\0');
  bmp[0] = 'B', bmp[1] = 'M', bmp[14] = 40;
  for (int k : {18, 22}) bmp[k] = 0x20, bmp[k + 1] = 0x4E;  // 20000, little-endian
  bmp[26] = 1, bmp[28] = 24;
  const std::string pgm = "P5\n# a comment\n20000 20000\n255\n" + std::string(16, '\0');
  int n = 0;
  for (const auto& [name, data] : std::vector<std::pair<std::string, std::string>>{
           {"huge.png", png}, {"huge.jpg", jpeg}, {"huge.bmp", bmp}, {"huge.pgm", pgm}}) {
    write_text(t.path() / name, data);
    auto r = read_image_file((t.path() / name).string(), 1 << 20);
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_NE(r.status().message().find("megapixels"), std::string::npos) << name << ": " << r.status().message();
    EXPECT_NE(r.status().message().find(name), std::string::npos) << r.status().message();
    EXPECT_EQ(r.status().message().find('\n'), std::string::npos) << r.status().message();
    ++n;
  }
  EXPECT_EQ(n, 4);
}

}  // namespace
}  // namespace eb
