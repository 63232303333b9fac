#include "run_anvil/launcher/os/definition_files.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "run_anvil/errors.h"

namespace run_anvil::launcher {
namespace {

namespace fs = std::filesystem;
using sidecars::DirEntry;
using ::testing::HasSubstr;

// A fresh directory removed with everything in it when the test ends.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "run-anvil-defs-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  std::string str() const { return path_.string(); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name, std::ios::binary) << text;
    return (path_ / name).string();
  }

 private:
  fs::path path_;
};

std::vector<std::string> names(const std::vector<DirEntry>& entries) {
  std::vector<std::string> out;
  for (const auto& e : entries) out.push_back(e.name);
  return out;
}

const DirEntry& only(const std::vector<DirEntry>& entries) {
  static const DirEntry kNone{"<none>", DirEntry::Kind::Other, 0};
  EXPECT_EQ(entries.size(), 1u);
  return entries.empty() ? kNone : entries.front();
}

TEST(DefinitionFiles, MissingDirectoryListsNothing) {
  TempDir tmp;
  DefinitionFiles files;
  EXPECT_TRUE(files.list(tmp.str() + "/absent").empty());
}

TEST(DefinitionFiles, ListsOnlyTomlEntriesSortedByName) {
  TempDir tmp;
  tmp.write("zeta.toml", "");
  tmp.write("alpha.toml", "");
  tmp.write("notes.txt", "");
  tmp.write("pg.toml.bak", "");
  fs::create_directories(tmp.path() / "sub");
  tmp.write("sub/nested.toml", "");
  DefinitionFiles files;
  EXPECT_THAT(names(files.list(tmp.str())), ::testing::ElementsAre("alpha.toml", "zeta.toml"));
}

TEST(DefinitionFiles, RegularFileIsAFileWithItsSize) {
  TempDir tmp;
  tmp.write("pg.toml", "12345");
  DefinitionFiles files;
  auto entries = files.list(tmp.str());
  EXPECT_EQ(only(entries).kind, DirEntry::Kind::File);
  EXPECT_EQ(only(entries).size, 5u);
}

TEST(DefinitionFiles, DirectoryNamedTomlIsADirectory) {
  TempDir tmp;
  fs::create_directory(tmp.path() / "x.toml");
  DefinitionFiles files;
  EXPECT_EQ(only(files.list(tmp.str())).kind, DirEntry::Kind::Directory);
}

TEST(DefinitionFiles, SymlinkToAFileInsideTheLayerIsAFile) {
  TempDir tmp;
  fs::create_directories(tmp.path() / "shared");
  tmp.write("shared/real", "abc");
  fs::create_symlink("shared/real", tmp.path() / "pg.toml");
  DefinitionFiles files;
  auto entries = files.list(tmp.str());
  EXPECT_EQ(only(entries).kind, DirEntry::Kind::File);
  EXPECT_EQ(only(entries).size, 3u);
}

TEST(DefinitionFiles, SymlinkOutOfTheLayerIsSymlinkOutside) {
  TempDir layer, elsewhere;
  std::string target = elsewhere.write("secret", "x");
  fs::create_symlink(target, layer.path() / "pg.toml");
  DefinitionFiles files;
  EXPECT_EQ(only(files.list(layer.str())).kind, DirEntry::Kind::SymlinkOutside);
}

TEST(DefinitionFiles, RelativeSymlinkClimbingOutOfTheLayerIsSymlinkOutside) {
  TempDir tmp;
  fs::create_directories(tmp.path() / "layer");
  tmp.write("outside", "x");
  fs::create_symlink("../outside", tmp.path() / "layer" / "pg.toml");
  DefinitionFiles files;
  EXPECT_EQ(only(files.list((tmp.path() / "layer").string())).kind, DirEntry::Kind::SymlinkOutside);
}

TEST(DefinitionFiles, SymlinkToASiblingDirectoryWithTheSamePrefixIsOutside) {
  TempDir tmp;
  fs::create_directories(tmp.path() / "layer");
  fs::create_directories(tmp.path() / "layer-evil");
  tmp.write("layer-evil/x", "x");
  fs::create_symlink(tmp.path() / "layer-evil" / "x", tmp.path() / "layer" / "pg.toml");
  DefinitionFiles files;
  EXPECT_EQ(only(files.list((tmp.path() / "layer").string())).kind, DirEntry::Kind::SymlinkOutside);
}

TEST(DefinitionFiles, LayerReachedThroughASymlinkStillSeesInsideLinksAsInside) {
  TempDir tmp;
  fs::create_directories(tmp.path() / "real");
  tmp.write("real/target", "x");
  fs::create_symlink("target", tmp.path() / "real" / "pg.toml");
  fs::create_directory_symlink(tmp.path() / "real", tmp.path() / "alias");
  DefinitionFiles files;
  EXPECT_EQ(only(files.list((tmp.path() / "alias").string())).kind, DirEntry::Kind::File);
}

TEST(DefinitionFiles, DanglingSymlinkIsOther) {
  TempDir tmp;
  fs::create_symlink("nowhere", tmp.path() / "pg.toml");
  DefinitionFiles files;
  EXPECT_EQ(only(files.list(tmp.str())).kind, DirEntry::Kind::Other);
}

TEST(DefinitionFiles, FifoIsOtherAndIsNeverReadFrom) {
  TempDir tmp;
  std::string fifo = (tmp.path() / "pg.toml").string();
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  DefinitionFiles files;
  EXPECT_EQ(only(files.list(tmp.str())).kind, DirEntry::Kind::Other);
  try {
    files.read(fifo);  // must not block waiting for a writer
    ADD_FAILURE() << "reading a FIFO did not throw";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "cannot read " + fifo + ": not a regular file");
  }
}

TEST(DefinitionFiles, LayerPathThatIsAFileThrowsNamingIt) {
  TempDir tmp;
  std::string file = tmp.write("file", "x");
  DefinitionFiles files;
  try {
    files.list(file);
    ADD_FAILURE() << "listing a file did not throw";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "cannot list " + file + ": Not a directory");
  }
}

TEST(DefinitionFiles, UnreadableLayerDirectoryThrows) {
  if (geteuid() == 0) GTEST_SKIP() << "root reads any directory";
  TempDir tmp;
  fs::create_directories(tmp.path() / "locked");
  fs::permissions(tmp.path() / "locked", fs::perms::none);
  DefinitionFiles files;
  EXPECT_THROW(files.list((tmp.path() / "locked").string()), Error);
  fs::permissions(tmp.path() / "locked", fs::perms::owner_all);
}

TEST(DefinitionFiles, UnreadableFileThrowsWithPathAndReason) {
  if (geteuid() == 0) GTEST_SKIP() << "root reads any file";
  TempDir tmp;
  std::string path = tmp.write("pg.toml", "x");
  fs::permissions(path, fs::perms::none);
  DefinitionFiles files;
  try {
    files.read(path);
    ADD_FAILURE() << "reading an unreadable file did not throw";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "cannot read " + path + ": Permission denied");
  }
}

// Works as root too: reading address 0 of our own memory fails with EIO after a good open.
TEST(DefinitionFiles, ReadErrorThrowsWithPathAndReason) {
  const std::string path = "/proc/self/mem";
  if (access(path.c_str(), R_OK) != 0) GTEST_SKIP() << "no " << path;
  DefinitionFiles files;
  try {
    files.read(path);
    ADD_FAILURE() << "reading " << path << " did not throw";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "cannot read " + path + ": Input/output error");
  }
}

TEST(DefinitionFiles, MissingFileThrowsWithPathAndReason) {
  TempDir tmp;
  DefinitionFiles files;
  std::string path = tmp.str() + "/gone.toml";
  try {
    files.read(path);
    ADD_FAILURE() << "reading a missing file did not throw";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "cannot read " + path + ": No such file or directory");
  }
}

TEST(DefinitionFiles, DirectoryCannotBeRead) {
  TempDir tmp;
  fs::create_directory(tmp.path() / "x.toml");
  DefinitionFiles files;
  EXPECT_THROW(files.read((tmp.path() / "x.toml").string()), Error);
}

TEST(DefinitionFiles, ReadReturnsTheWholeContent) {
  TempDir tmp;
  std::string text = "image = \"x\"\n" + std::string(100000, '#') + std::string("\0z", 2);
  DefinitionFiles files;
  EXPECT_EQ(files.read(tmp.write("pg.toml", text)), text);
}

TEST(DefinitionFiles, ReadStopsOneByteAfterTheLimit) {
  TempDir tmp;
  std::string path = tmp.write("pg.toml", std::string(sidecars::kMaxDefinitionBytes + 4096, 'x'));
  DefinitionFiles files;
  EXPECT_EQ(files.read(path).size(), sidecars::kMaxDefinitionBytes + 1);
}

TEST(DefinitionFiles, DiscoveryThroughTheRealFileSystemReportsEveryBadEntry) {
  TempDir layer, elsewhere;
  layer.write("pg.toml",
              "lifecycle = \"shared\"\nimage = \"postgres:16\"\n[interface]\nkind = \"port\"\n"
              "port = 5432\n");
  layer.write("huge.toml", std::string(sidecars::kMaxDefinitionBytes + 1, '#'));
  fs::create_directory(layer.path() / "dir.toml");
  fs::create_symlink(elsewhere.write("x", "x"), layer.path() / "out.toml");
  DefinitionFiles files;
  auto discovery = sidecars::discover(
      sidecars::LayerDirs{.user = {}, .org = {}, .repo = layer.str(), .workspace = {}}, files);
  ASSERT_EQ(discovery.definitions.size(), 1u);
  EXPECT_EQ(discovery.definitions[0].name, "pg");
  std::vector<std::string> messages;
  for (const auto& d : discovery.diagnostics) messages.push_back(d.str());
  EXPECT_THAT(messages,
              ::testing::ElementsAre(
                  layer.str() + "/dir.toml: is a directory, not a sidecar definition file",
                  layer.str() + "/huge.toml: is larger than the 1 MiB a sidecar definition may "
                                "have; it is not read",
                  layer.str() + "/out.toml: is a symbolic link leading outside " + layer.str() +
                      "; it is not followed"));
}

}  // namespace
}  // namespace run_anvil::launcher
