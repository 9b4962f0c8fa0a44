// The label rules, as a class: every way a labels CSV (or a set of class folders) could make accuracy
// silently wrong -- a negative or fractional "index", numbers mixed with names, an index past the names
// file, a file listed twice -- is a one-line error naming the file, the line and the label, before
// anything is measured; what is valid keeps its meaning.
#include "daemon/pipeline/labels.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace eb {
namespace {

Status csv_error(const std::string& text, const LabelNames* names = nullptr) {
  auto r = parse_labels_csv(text, "labels CSV /d/l.csv", "/d", names, nullptr);
  return r.ok() ? Status() : r.status();
}

void expect_error(const std::string& text, const std::vector<std::string>& parts, const LabelNames* names = nullptr) {
  const Status s = csv_error(text, names);
  ASSERT_FALSE(s.ok()) << text;
  EXPECT_EQ(s.message().find('\n'), std::string::npos) << s.message();
  EXPECT_EQ(s.message().rfind("labels CSV /d/l.csv: ", 0), 0u) << s.message();
  for (const std::string& p : parts) EXPECT_NE(s.message().find(p), std::string::npos) << s.message() << " lacks " << p;
}

TEST(LabelsCsv, NumbersThatAreNotClassIndicesAreRefused) {
  for (const char* bad : {"-1", "+2", "2.5", "1e3", "-0", ".5", "3.", "1E-2"}) {
    expect_error(std::string("a.png,0\nb.png,") + bad + "\nc.png,1\n", {"line 2", std::string("'") + bad + "'"});
    // Also among names: a number that is not an index is never taken as a name.
    expect_error(std::string("a.png,cat\nb.png,") + bad + "\n", {"line 2", "not a class index"});
  }
}

TEST(LabelsCsv, IndicesMixedWithNamesNeedANamesFile) {
  expect_error("a.png,0\nb.png,1\nc.png,cat\n", {"line 3", "'cat'", "line 1", "'0'", "--label-names"});
  expect_error("file,class\na.png,dog\nb.png,7\n", {"line 2", "'dog'", "line 3"});
  // With the names file both forms mean what they say.
  const LabelNames names({"background", "cat", "dog"});
  auto r = parse_labels_csv("a.png,dog\nb.png,1\n", "labels CSV /d/l.csv", "/d", &names, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)[0].label, 2);
  EXPECT_EQ((*r)[1].label, 1);
}

TEST(LabelsCsv, IndexPastTheNamesFileAndUnknownNamesNameTheLine) {
  const LabelNames names({"a", "b"});
  expect_error("x.png,0\ny.png,2\n", {"line 2", "out of range", "2 classes"}, &names);
  expect_error("x.png,a\ny.png,zebra\n", {"line 2", "zebra"}, &names);
}

TEST(LabelsCsv, AFileListedTwiceIsRefused) {
  expect_error("a.png,0\nsub/../a.png,1\n", {"line 2", "listed again", "line 1"});
  expect_error("a.png,0\n/d/a.png,0\n", {"line 2", "line 1"});  // the same file, relative and absolute
  expect_error("\"a.png\",0\n a.png ,0\n", {"line 2"});
}

TEST(LabelsCsv, ValidListsKeepTheirMeaning) {
  std::vector<std::string> classes;
  auto ints = parse_labels_csv("file,label\r\nb.png,10\r\n\"c,d.png\",007\r\n\r\n/abs/e.png,0\r\n", "labels CSV x", "/d",
                               nullptr, &classes);
  ASSERT_TRUE(ints.ok()) << ints.status().message();
  ASSERT_EQ(ints->size(), 3u);
  EXPECT_EQ((*ints)[0].path, "/d/b.png");
  EXPECT_EQ((*ints)[0].label, 10);
  EXPECT_EQ((*ints)[0].line, 2);
  EXPECT_EQ((*ints)[1].path, "/d/c,d.png");
  EXPECT_EQ((*ints)[1].label, 7);
  EXPECT_EQ((*ints)[2].path, "/abs/e.png");
  EXPECT_EQ((*ints)[2].line, 5);
  EXPECT_TRUE(classes.empty());
  auto names = parse_labels_csv("a.png,zebra\nb.png,ant\nc.png,zebra\n", "labels CSV x", "/d", nullptr, &classes);
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(classes, (std::vector<std::string>{"ant", "zebra"}));
  EXPECT_EQ((*names)[0].label, 1);
  EXPECT_EQ((*names)[1].label, 0);
}

TEST(LabelsCsv, ClassFoldersFollowTheSameRules) {
  const std::vector<std::string> folders = {"0", "1", "-1"};
  const std::vector<std::string> where = {"class folder '0'", "class folder '1'", "class folder '-1'"};
  auto r = assign_class_indices(folders, where, nullptr, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("class folder '-1'"), std::string::npos) << r.status().message();
  auto mixed = assign_class_indices({"0", "cat"}, {"class folder '0'", "class folder 'cat'"}, nullptr, nullptr);
  ASSERT_FALSE(mixed.ok());
  EXPECT_NE(mixed.status().message().find("class folder 'cat'"), std::string::npos) << mixed.status().message();
}

}  // namespace
}  // namespace eb
