// Dropped models: the folder -> group mapping, the seen-registry round trip, and snapshots (the bytes
// benchmarked are the bytes hashed; a file changing while copied is refused).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "daemon/service/dropped_models.h"
#include "daemon/service/watcher.h"

namespace eb::service {
namespace {

namespace fs = std::filesystem;

class DroppedModelsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("eb_dropped_" + std::to_string(getpid()));
    fs::create_directories(dir_ + "/models/fmnist");
    fs::create_directories(dir_ + "/models/newgroup");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
  }
  // A TFLite-looking file: the identifier at byte 4, then text.
  static std::string tflite_bytes(const std::string& text) { return std::string("\x1c\0\0\0TFL3", 8) + text; }
  Snapshot snap(const std::string& rel) {
    const std::string src = dir_ + "/models/" + rel;
    write(src, tflite_bytes("bytes of " + rel));
    auto s = snapshot_model(src, dir_ + "/models", dir_ + "/snapshots");
    EXPECT_TRUE(s.ok()) << s.status().message();
    return *s;
  }
  config::Config configured() {
    config::Config c;
    config::GroupConfig g;
    g.name = "fmnist";
    g.source.images = "/images";
    g.variants = {{"/m/float32.tflite", "float32", true}, {"/m/int8.tflite", "int8", false}};
    c.groups.push_back(g);
    return c;
  }
  std::string dir_;
};

TEST_F(DroppedModelsTest, FolderOfAPath) {
  EXPECT_EQ(drop_folder("/d/models/fmnist/a.tflite", "/d/models"), "fmnist");
  EXPECT_EQ(drop_folder("/d/models/a.tflite", "/d/models"), "");
}

TEST_F(DroppedModelsTest, ConfiguredGroupKeepsItsReferenceAndAddsTheDrop) {
  const Snapshot s = snap("fmnist/int8-v2.tflite");
  auto g = plan_drop_group(configured(), ServiceConfig{}, "fmnist", {s});
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_EQ(g->name, "fmnist");
  EXPECT_EQ(g->source.images, "/images");
  ASSERT_EQ(g->variants.size(), 2u);  // the reference and the drop; not the other configured variants
  EXPECT_EQ(g->variants[0].label, "float32");
  EXPECT_TRUE(g->variants[0].reference);
  EXPECT_EQ(g->variants[1].label, "int8-v2");
  EXPECT_EQ(g->variants[1].path, s.path);
  EXPECT_FALSE(g->variants[1].reference);
}

TEST_F(DroppedModelsTest, DropNamedLikeAConfiguredVariantReplacesIt) {
  const Snapshot s = snap("fmnist/int8.tflite");
  const auto g = with_dropped_variants(configured().groups[0], {s});
  ASSERT_EQ(g.variants.size(), 2u);
  EXPECT_EQ(g.variants[1].label, "int8");
  EXPECT_EQ(g.variants[1].path, s.path);
}

TEST_F(DroppedModelsTest, UnconfiguredFolderAndTopLevelNeedADefaultSource) {
  const Snapshot a = snap("newgroup/net-int8.tflite");
  const Snapshot b = snap("newgroup/net-float32.tflite");
  auto none = plan_drop_group(configured(), ServiceConfig{}, "newgroup", {a, b});
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("default_source"), std::string::npos) << none.status().message();
  EXPECT_NE(none.status().message().find("net-int8.tflite"), std::string::npos) << none.status().message();

  ServiceConfig svc;
  svc.has_default_source = true;
  svc.default_source.images = "/default";
  auto g = plan_drop_group(configured(), svc, "newgroup", {a, b});
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_EQ(g->name, "newgroup");
  EXPECT_EQ(g->source.images, "/default");
  ASSERT_EQ(g->variants.size(), 2u);
  EXPECT_FALSE(g->variants[0].reference);
  EXPECT_TRUE(g->variants[1].reference);  // the float32 one

  const Snapshot top = snap("solo.tflite");
  auto t = plan_drop_group(configured(), svc, "", {top});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->name, "solo");
  ASSERT_EQ(t->variants.size(), 1u);
  EXPECT_TRUE(t->variants[0].reference);
}

TEST_F(DroppedModelsTest, SnapshotHashesTheCopiedBytes) {
  const Snapshot s = snap("fmnist/x.tflite");
  std::ifstream in(s.path, std::ios::binary);
  const std::string copied((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(copied, tflite_bytes("bytes of fmnist/x.tflite"));
  EXPECT_EQ(s.seen.hash, fnv1a64(copied.data(), copied.size()));
  EXPECT_EQ(s.seen.state.size, static_cast<int64_t>(copied.size()));
  EXPECT_EQ(s.path, dir_ + "/snapshots/fmnist/x.tflite");
  EXPECT_FALSE(fs::exists(s.path + ".partial"));
  auto gone = snapshot_model(dir_ + "/models/nope.tflite", dir_ + "/models", dir_ + "/snapshots");
  ASSERT_FALSE(gone.ok());
  EXPECT_NE(gone.status().message().find("nope.tflite"), std::string::npos);
}

// The class of files that are not dropped models, each refused before a byte is copied, with the
// refusal marked permanent (the daemon skips the file until it changes) and its reason in the message.
TEST_F(DroppedModelsTest, OnlyRegularTfliteFilesWithinTheLimitAreCopied) {
  const std::string models = dir_ + "/models", snaps = dir_ + "/snapshots";
  write(dir_ + "/secret", tflite_bytes("not yours"));
  ::chmod((dir_ + "/secret").c_str(), 0600);
  fs::create_symlink(dir_ + "/secret", models + "/link.tflite");
  ASSERT_EQ(::mkfifo((models + "/fifo.tflite").c_str(), 0644), 0);
  write(models + "/text.tflite", "hello, not a model");
  write(models + "/big.tflite", tflite_bytes(std::string(4096, 'x')));
  {  // sparse: 1 GiB long, nothing written
    std::ofstream(models + "/sparse.tflite").close();
    fs::resize_file(models + "/sparse.tflite", uintmax_t{1} << 30);
  }
  DropLimits limits;
  limits.max_bytes = 1024;
  struct Case {
    const char* file;
    const char* why;
  };
  for (const Case& c : {Case{"link.tflite", "symbolic link"}, Case{"fifo.tflite", "not a regular file"},
                        Case{"text.tflite", "not a TFLite model"}, Case{"big.tflite", "max_model_mb"},
                        Case{"sparse.tflite", "max_model_mb"}}) {
    bool refused = false;
    auto s = snapshot_model(models + "/" + c.file, models, snaps, limits, &refused);
    ASSERT_FALSE(s.ok()) << c.file;
    EXPECT_TRUE(refused) << c.file;
    EXPECT_NE(s.status().message().find(c.why), std::string::npos) << s.status().message();
    EXPECT_NE(s.status().message().find(c.file), std::string::npos) << s.status().message();
    EXPECT_FALSE(fs::exists(snaps + "/" + c.file)) << c.file;
  }
  // A file that vanished is not "refused": it may come back.
  bool refused = true;
  EXPECT_FALSE(snapshot_model(models + "/gone.tflite", models, snaps, limits, &refused).ok());
  EXPECT_FALSE(refused);
  // The unusable ones are named by what they are; a regular file has no reason.
  EXPECT_EQ(unusable_drop_reason(models + "/link.tflite"), "a symbolic link");
  EXPECT_EQ(unusable_drop_reason(models + "/fifo.tflite"), "a FIFO");
  EXPECT_EQ(unusable_drop_reason(models + "/text.tflite"), "");
  EXPECT_FALSE(stat_file(models + "/link.tflite").has_value());
}

// A snapshot is never more readable than its source.
TEST_F(DroppedModelsTest, SnapshotKeepsTheSourcesPermissions) {
  const std::string src = dir_ + "/models/private.tflite";
  write(src, tflite_bytes("private"));
  ::chmod(src.c_str(), 0600);
  auto s = snapshot_model(src, dir_ + "/models", dir_ + "/snapshots");
  ASSERT_TRUE(s.ok()) << s.status().message();
  struct stat st{};
  ASSERT_EQ(::stat(s->path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0077, 0u);
}

// The watcher walks neither symbolic links to folders nor the daemon's own snapshot folder.
TEST_F(DroppedModelsTest, WatcherSkipsLinkedFoldersAndIgnoredOnes) {
  const std::string models = dir_ + "/models";
  fs::create_directories(dir_ + "/elsewhere");
  write(dir_ + "/elsewhere/a.tflite", tflite_bytes("a"));
  fs::create_directory_symlink(dir_ + "/elsewhere", models + "/linked");
  fs::create_directories(models + "/own.snapshots/g");
  write(models + "/own.snapshots/x.tflite", tflite_bytes("x"));
  write(models + "/fmnist/real.tflite", tflite_bytes("real"));
  auto w = ModelDirWatcher::open(models, {models + "/own.snapshots"});
  ASSERT_TRUE(w.ok()) << w.status().message();
  const std::vector<std::string> files = w->scan();
  EXPECT_EQ(files, std::vector<std::string>{models + "/fmnist/real.tflite"});
}

TEST_F(DroppedModelsTest, SeenRegistryRoundTripsAndSkipsGarbage) {
  const std::string file = dir_ + "/seen";
  SeenModels s = SeenModels::load(file);  // missing: empty
  EXPECT_TRUE(s.entries().empty());
  s.record("/m/a b.tflite", SeenModel{{100, 1700000000123456789LL}, 0xdeadbeefcafef00dULL});
  s.record("/m/c.tflite", SeenModel{{5, 7}, 1});
  // Names with a newline, a backslash before an n, a tab and a byte that is not UTF-8 stay one entry each.
  s.record("/m/evil\nFORGED\\n\t\xff.tflite", SeenModel{{9, 9}, 9});
  s.record("/m/back\\slash\\", SeenModel{{8, 8}, 8});
  ASSERT_TRUE(s.save().ok());
  std::ofstream(file, std::ios::app) << "garbage line\n";
  SeenModels back = SeenModels::load(file);
  EXPECT_EQ(back.entries(), s.entries());
  EXPECT_TRUE(back.unchanged_state("/m/a b.tflite", FileState{100, 1700000000123456789LL}));
  EXPECT_FALSE(back.unchanged_state("/m/a b.tflite", FileState{100, 1}));
  EXPECT_TRUE(back.unchanged_content("/m/a b.tflite", 0xdeadbeefcafef00dULL));
  EXPECT_FALSE(back.unchanged_content("/m/c.tflite", 2));
  EXPECT_TRUE(back.unchanged_content("/m/evil\nFORGED\\n\t\xff.tflite", 9));
  back.forget("/m/c.tflite");
  EXPECT_EQ(back.entries().size(), 3u);
}

TEST_F(DroppedModelsTest, ModelFileNames) {
  EXPECT_TRUE(is_model_file_name("a.tflite"));
  EXPECT_FALSE(is_model_file_name(".a.tflite"));
  EXPECT_FALSE(is_model_file_name("a.tflite.part"));
  EXPECT_FALSE(is_model_file_name(".tflite"));
  // Keras originals are dropped beside their variants (and become the group's reference).
  EXPECT_TRUE(is_model_file_name("a.h5"));
  EXPECT_TRUE(is_model_file_name("a.keras"));
  EXPECT_TRUE(is_model_file_name("a.hdf5"));
  EXPECT_FALSE(is_model_file_name("a.h5.part"));
  EXPECT_FALSE(is_model_file_name("a.json"));
}

TEST_F(DroppedModelsTest, KerasOriginalIsTheReferenceAndItsSignatureIsChecked) {
  ServiceConfig svc;
  svc.has_default_source = true;
  svc.default_source.images = "/default";
  write(dir_ + "/models/newgroup/net.keras", std::string("PK\x03\x04", 4) + std::string(64, '\0'));
  auto keras = snapshot_model(dir_ + "/models/newgroup/net.keras", dir_ + "/models", dir_ + "/snapshots");
  ASSERT_TRUE(keras.ok()) << keras.status().message();
  auto g = plan_drop_group(configured(), svc, "newgroup",
                           {snap("newgroup/net-float32.tflite"), snap("newgroup/net-int8.tflite"), *keras});
  ASSERT_TRUE(g.ok()) << g.status().message();
  ASSERT_EQ(g->variants.size(), 3u);
  EXPECT_FALSE(g->variants[0].reference);
  EXPECT_TRUE(g->variants[2].reference);  // the Keras original, over the float32 variant
  const std::string models = dir_ + "/models", snaps = dir_ + "/snapshots";
  write(models + "/fake.h5", tflite_bytes("a TFLite file named .h5"));
  write(models + "/fake.keras", "not a zip at all");
  write(models + "/real.h5", std::string("\x89HDF\r\n\x1a\n", 8) + std::string(64, '\0'));
  for (const char* f : {"fake.h5", "fake.keras"}) {
    bool refused = false;
    auto s = snapshot_model(models + "/" + f, models, snaps, DropLimits{}, &refused);
    ASSERT_FALSE(s.ok()) << f;
    EXPECT_TRUE(refused) << f;
    EXPECT_NE(s.status().message().find("not a Keras"), std::string::npos) << s.status().message();
  }
  bool refused = false;
  EXPECT_TRUE(snapshot_model(models + "/real.h5", models, snaps, DropLimits{}, &refused).ok());
}

}  // namespace
}  // namespace eb::service
