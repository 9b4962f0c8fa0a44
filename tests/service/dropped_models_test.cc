// Dropped models: the folder -> group mapping, the seen-registry round trip, and snapshots (the bytes
// benchmarked are the bytes hashed; a file changing while copied is refused).
#include <gtest/gtest.h>
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
  Snapshot snap(const std::string& rel) {
    const std::string src = dir_ + "/models/" + rel;
    write(src, "bytes of " + rel);
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
  EXPECT_EQ(copied, "bytes of fmnist/x.tflite");
  EXPECT_EQ(s.seen.hash, fnv1a64(copied.data(), copied.size()));
  EXPECT_EQ(s.seen.state.size, static_cast<int64_t>(copied.size()));
  EXPECT_EQ(s.path, dir_ + "/snapshots/fmnist/x.tflite");
  EXPECT_FALSE(fs::exists(s.path + ".partial"));
  auto gone = snapshot_model(dir_ + "/models/nope.tflite", dir_ + "/models", dir_ + "/snapshots");
  ASSERT_FALSE(gone.ok());
  EXPECT_NE(gone.status().message().find("nope.tflite"), std::string::npos);
}

TEST_F(DroppedModelsTest, SeenRegistryRoundTripsAndSkipsGarbage) {
  const std::string file = dir_ + "/seen";
  SeenModels s = SeenModels::load(file);  // missing: empty
  EXPECT_TRUE(s.entries().empty());
  s.record("/m/a b.tflite", SeenModel{{100, 1700000000123456789LL}, 0xdeadbeefcafef00dULL});
  s.record("/m/c.tflite", SeenModel{{5, 7}, 1});
  ASSERT_TRUE(s.save().ok());
  std::ofstream(file, std::ios::app) << "garbage line\n";
  SeenModels back = SeenModels::load(file);
  EXPECT_EQ(back.entries(), s.entries());
  EXPECT_TRUE(back.unchanged_state("/m/a b.tflite", FileState{100, 1700000000123456789LL}));
  EXPECT_FALSE(back.unchanged_state("/m/a b.tflite", FileState{100, 1}));
  EXPECT_TRUE(back.unchanged_content("/m/a b.tflite", 0xdeadbeefcafef00dULL));
  EXPECT_FALSE(back.unchanged_content("/m/c.tflite", 2));
  back.forget("/m/c.tflite");
  EXPECT_EQ(back.entries().size(), 1u);
}

TEST_F(DroppedModelsTest, ModelFileNames) {
  EXPECT_TRUE(is_model_file_name("a.tflite"));
  EXPECT_FALSE(is_model_file_name(".a.tflite"));
  EXPECT_FALSE(is_model_file_name("a.tflite.part"));
  EXPECT_FALSE(is_model_file_name(".tflite"));
  EXPECT_FALSE(is_model_file_name("a.h5"));
}

}  // namespace
}  // namespace eb::service
