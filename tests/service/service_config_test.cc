// The `service:` section: defaults, every key, and errors located at FILE:LINE:COL with the key path.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "daemon/service/service_config.h"

namespace eb::service {
namespace {

class ServiceConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("eb_service_cfg_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_ + "/images");
    std::filesystem::create_directories(dir_ + "/prom");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Parses `service:` out of a whole document, as the daemon does.
  Result<ServiceConfig> parse(const std::string& doc) {
    const YAML::Node root = YAML::Load(doc);
    return parse_service_config(root["service"], "edgebench.yaml", dir_);
  }
  std::string dir_;
};

TEST_F(ServiceConfigTest, DefaultsWhenAbsent) {
  auto c = parse("groups: []\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->watch_debounce_s, 2.0);
  EXPECT_TRUE(c->models_dir.empty());
  EXPECT_TRUE(c->schedule.empty());
  EXPECT_FALSE(c->has_default_source);
  EXPECT_TRUE(c->exporter_textfile.empty());
}

TEST_F(ServiceConfigTest, ReadsEveryKeyAndResolvesRelativePaths) {
  auto c = parse(
      "service:\n"
      "  models_dir: drop\n"
      "  watch_debounce_s: 0.5\n"
      "  cooldown_s: 3\n"
      "  default_source: {images: images, limit: 20}\n"
      "  schedule:\n"
      "    every_hours: 12\n"
      "    at: [\"03:00\", \"15:30\"]\n"
      "  exporter: {textfile: prom/edgebench.prom}\n");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->models_dir, dir_ + "/drop");
  EXPECT_EQ(c->watch_debounce_s, 0.5);
  EXPECT_EQ(c->cooldown_s, 3.0);
  ASSERT_TRUE(c->has_default_source);
  EXPECT_EQ(c->default_source.images, dir_ + "/images");
  EXPECT_EQ(c->default_source.limit, 20);
  ASSERT_TRUE(c->schedule.every_hours.has_value());
  EXPECT_EQ(*c->schedule.every_hours, 12.0);
  EXPECT_EQ(c->schedule.at, (std::vector<TimeOfDay>{{3, 0}, {15, 30}}));
  EXPECT_EQ(c->exporter_textfile, dir_ + "/prom/edgebench.prom");
}

struct BadCase {
  const char* yaml;
  const char* expect;  // substring of the error, which starts with the location
};

TEST_F(ServiceConfigTest, ErrorsNameLineColumnAndKey) {
  const BadCase cases[] = {
      {"service:\n  models_dri: x\n", "edgebench.yaml:2:3: service"},
      {"service:\n  watch_debounce_s: fast\n", "edgebench.yaml:2:21: service.watch_debounce_s"},
      {"service:\n  watch_debounce_s: -1\n", "edgebench.yaml:2:21: service.watch_debounce_s"},
      {"service:\n  schedule:\n    at: [\"03:00\", \"25:00\"]\n", "edgebench.yaml:3:19: service.schedule.at[1]"},
      {"service:\n  schedule:\n    every_hours: 0\n", "edgebench.yaml:3:18: service.schedule.every_hours"},
      {"service:\n  schedule:\n    evry_hours: 2\n", "edgebench.yaml:3:5:"},
      {"service:\n  default_source: {images: nowhere}\n", "edgebench.yaml:2:28: service.default_source.images"},
      {"service:\n  default_source: {limit: 3}\n", "service.default_source"},
      {"service:\n  exporter: {textfile: no/such/dir/x.prom}\n", "edgebench.yaml:2:24: service.exporter.textfile"},
      {"service: [1, 2]\n", "edgebench.yaml:1:10: service"},
  };
  for (const auto& bc : cases) {
    auto c = parse(bc.yaml);
    ASSERT_FALSE(c.ok()) << bc.yaml;
    EXPECT_NE(c.status().message().find(bc.expect), std::string::npos)
        << "yaml:\n" << bc.yaml << "error: " << c.status().message();
    EXPECT_EQ(c.status().message().find('\n'), std::string::npos) << "one line: " << c.status().message();
  }
}

TEST_F(ServiceConfigTest, UnknownKeySuggestsTheKnownOne) {
  auto c = parse("service:\n  models_dri: x\n");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("models_dir"), std::string::npos) << c.status().message();
}

}  // namespace
}  // namespace eb::service
