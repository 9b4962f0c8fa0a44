// ModelContent: a model file read once for a run. The class of files the rule is about -- FIFOs,
// directories, sockets, files that are not TFLite, too small or too large -- is refused with one line
// naming the file, before anything is copied; what is read is sealed, and a file changed afterwards
// changes nothing in it.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "daemon/pipeline/model_content.h"
#include "kernels/model/model.h"
#include "kernels/model/model_writer.h"

namespace eb {
namespace {

namespace fs = std::filesystem;

class ModelContentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("eb-model-content-" + std::to_string(getpid()));
    fs::create_directories(dir_);
    ModelSpec spec;
    for (const char* name : {"a", "b", "sum"}) spec.tensors.push_back({name, DType::kFloat32, {1, 4}, {}, {}, {}, {}, 0});
    OpSpec add;
    add.inputs = {0, 1};
    add.outputs = {2};
    spec.ops.push_back(add);
    spec.inputs = {0, 1};
    spec.outputs = {2};
    model_ = write_model(spec);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::vector<uint8_t>& bytes) {
    const std::string p = (dir_ / name).string();
    std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    return p;
  }
  static std::vector<uint8_t> read_fd(int fd, size_t n) {
    std::vector<uint8_t> out(n);
    EXPECT_EQ(pread(fd, out.data(), n, 0), static_cast<ssize_t>(n));
    return out;
  }

  fs::path dir_;
  std::vector<uint8_t> model_;
};

TEST_F(ModelContentTest, HoldsTheBytesReadWhateverHappensToTheFileAfterwards) {
  const std::string p = write("m.tflite", model_);
  auto c = ModelContent::read(p);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c.value()->size(), model_.size());
  EXPECT_EQ(c.value()->hash(), fnv1a64(model_.data(), model_.size()));
  EXPECT_EQ(c.value()->path(), p);
  write("m.tflite", {1, 2, 3});  // replaced
  EXPECT_EQ(read_fd(c.value()->fd(), model_.size()), model_);
  // What the worker does with it: loads it, named by the path.
  auto m = Model::load_fd(c.value()->fd(), p);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m.value()->path(), p);
  EXPECT_EQ(m.value()->graph().inputs.size(), 2u);
}

TEST_F(ModelContentTest, TheCopyIsSealed) {
  auto c = ModelContent::read(write("m.tflite", model_));
  ASSERT_TRUE(c.ok());
  const int fd = c.value()->fd();
  EXPECT_LT(pwrite(fd, "x", 1, 0), 0);
  EXPECT_NE(ftruncate(fd, 1), 0);
  EXPECT_EQ(read_fd(fd, model_.size()), model_);
}

TEST_F(ModelContentTest, HashesDifferForDifferentBytes) {
  std::vector<uint8_t> other = model_;
  other.back() ^= 1;
  auto a = ModelContent::read(write("a.tflite", model_));
  auto b = ModelContent::read(write("b.tflite", other));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a.value()->hash(), b.value()->hash());
}

// Every kind of file that is not a model gets one line naming the path, without blocking.
TEST_F(ModelContentTest, SpecialFilesAreRefusedWithoutBlocking) {
  const std::string fifo = (dir_ / "fifo.tflite").string();
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  const std::string sock = (dir_ / "s.tflite").string();
  const int sfd = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", sock.c_str());
  ASSERT_EQ(bind(sfd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  for (const std::string& p : {fifo, sock, dir_.string(), std::string("/dev/null"), (dir_ / "missing.tflite").string()}) {
    auto c = ModelContent::read(p);
    ASSERT_FALSE(c.ok()) << p;
    EXPECT_NE(c.status().message().find(p), std::string::npos) << c.status().message();
    EXPECT_EQ(c.status().message().find('\n'), std::string::npos);
  }
  close(sfd);
}

TEST_F(ModelContentTest, NotTfliteTooSmallAndTooLargeAreRefused) {
  std::vector<uint8_t> text(64, 'x');
  auto c = ModelContent::read(write("text.tflite", text));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("not a TFLite flatbuffer"), std::string::npos) << c.status().message();
  c = ModelContent::read(write("tiny.tflite", {1, 2, 3}));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("too small"), std::string::npos) << c.status().message();
  c = ModelContent::read(write("m.tflite", model_), model_.size() - 1);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("above the limit"), std::string::npos) << c.status().message();
  // A sparse file far beyond the limit is refused from its size, not read.
  const std::string sparse = (dir_ / "sparse.tflite").string();
  { std::ofstream(sparse).put('\0'); }
  fs::resize_file(sparse, uintmax_t{8} << 30);
  c = ModelContent::read(sparse);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("above the limit"), std::string::npos) << c.status().message();
}

}  // namespace
}  // namespace eb
