#include "run_anvil/launcher/probe/ready_records.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace run_anvil::launcher {
namespace {

namespace fs = std::filesystem;
const std::string kId(64, 'a');

class ReadyRecordsTest : public ::testing::Test {
 protected:
  fs::path root;
  void SetUp() override {
    char tmpl[] = "/tmp/ready-records-test.XXXXXX";
    root = ::mkdtemp(tmpl);
  }
  void TearDown() override { fs::remove_all(root); }
};

TEST_F(ReadyRecordsTest, RecordsAreReadBackByTheNextLauncher) {
  auto dir = (root / "a" / "ready").string();
  make_file_ready_records(dir)->record(kId, "2026-01-01T00:00:00.1Z");
  EXPECT_EQ(make_file_ready_records(dir)->proof(kId), "2026-01-01T00:00:00.1Z");
  struct stat st {};
  ASSERT_EQ(::stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST_F(ReadyRecordsTest, NoProofForUnknownOrMalformedIds) {
  auto store = make_file_ready_records((root / "r").string());
  EXPECT_EQ(store->proof(kId), "");
  store->record("../../etc/passwd", "x");
  EXPECT_EQ(store->proof("../../etc/passwd"), "");
  EXPECT_FALSE(fs::exists(root / "etc"));
}

TEST_F(ReadyRecordsTest, ADirectoryOthersCanWriteProvesNothing) {
  auto dir = root / "shared";
  fs::create_directory(dir);
  fs::permissions(dir, fs::perms::all);
  std::ofstream(dir / kId) << "2026-01-01T00:00:00Z";
  EXPECT_EQ(make_file_ready_records(dir.string())->proof(kId), "");
}

TEST_F(ReadyRecordsTest, DefaultDirPrefersTheRuntimeDir) {
  EXPECT_EQ(default_ready_dir("/run/user/1000", ""), "/run/user/1000/run-anvil/ready");
  if (::geteuid() == 0) {
    EXPECT_EQ(default_ready_dir("", ""), "/run/run-anvil/ready");
  }
}

}  // namespace
}  // namespace run_anvil::launcher
