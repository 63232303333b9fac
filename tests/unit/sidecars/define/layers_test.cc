#include "run_anvil/sidecars/define/layers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fake_definition_source.h"
#include "run_anvil/sidecars/text/sha256.h"

namespace run_anvil::sidecars {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::string port_file(const std::string& image, int port = 5432) {
  return "lifecycle = \"shared\"\nimage = \"" + image +
         "\"\n[interface]\nkind = \"port\"\nport = " + std::to_string(port) + "\n";
}
const std::string kDisabled = "disable = true\n";

class Layers : public ::testing::Test {
 protected:
  Discovery run() { return discover(dirs_, source_); }
  std::vector<std::string> names(const Discovery& d) {
    std::vector<std::string> out;
    for (const auto& def : d.definitions) out.push_back(def.name);
    return out;
  }
  std::vector<std::string> messages(const Discovery& d) {
    std::vector<std::string> out;
    for (const auto& diag : d.diagnostics) out.push_back(diag.str());
    return out;
  }
  std::vector<std::string> warnings(const Discovery& d) {
    std::vector<std::string> out;
    for (const auto& w : d.warnings) out.push_back(w.str());
    return out;
  }

  fakes::FakeDefinitionSource source_;
  LayerDirs dirs_{.user = "/u", .org = "/o", .repo = "/r", .workspace = "/w"};
};

TEST_F(Layers, NoFilesMeansNothingDiscovered) {
  Discovery d = run();
  EXPECT_THAT(d.definitions, IsEmpty());
  EXPECT_THAT(d.diagnostics, IsEmpty());
  EXPECT_FALSE(d.any_file);
}

TEST_F(Layers, UnsetLayersAreNotListed) {
  source_.broken_dir("/o");
  dirs_.org.reset();
  dirs_.user = "";
  EXPECT_THAT(run().diagnostics, IsEmpty());
}

TEST_F(Layers, DefinitionsAreSortedByNameAndRememberLayerAndFile) {
  source_.file("/r", "zeta.toml", port_file("z"));
  source_.file("/u", "alpha.toml", port_file("a"));
  Discovery d = run();
  EXPECT_THAT(names(d), ElementsAre("alpha", "zeta"));
  EXPECT_EQ(d.definitions[0].layer, Layer::User);
  EXPECT_EQ(d.definitions[0].file, "/u/alpha.toml");
  EXPECT_EQ(d.definitions[1].layer, Layer::Repo);
  EXPECT_TRUE(d.any_file);
}

TEST_F(Layers, HigherLayerReplacesLowerWholesale) {
  source_.file("/u", "pg.toml", port_file("pg:user") + "aliases = [\"db\"]\n");
  source_.file("/o", "pg.toml", port_file("pg:org", 6543));
  Discovery d = run();
  ASSERT_EQ(d.definitions.size(), 1u);
  EXPECT_EQ(d.definitions[0].image, "pg:org");
  EXPECT_EQ(d.definitions[0].interface.port, 6543);
  EXPECT_THAT(d.definitions[0].interface.aliases, IsEmpty());  // nothing inherited
  EXPECT_EQ(d.definitions[0].layer, Layer::Org);
}

TEST_F(Layers, DisableRemovesAnInheritedDefinition) {
  source_.file("/u", "pg.toml", port_file("pg"));
  source_.file("/r", "pg.toml", kDisabled);
  Discovery d = run();
  EXPECT_THAT(d.definitions, IsEmpty());
  EXPECT_THAT(d.disabled, ElementsAre("pg"));
  EXPECT_THAT(d.diagnostics, IsEmpty());
  EXPECT_TRUE(d.any_file);
}

TEST_F(Layers, DisablingANameNobodyDefinesDoesNothing) {
  source_.file("/r", "ghost.toml", kDisabled);
  Discovery d = run();
  EXPECT_THAT(d.definitions, IsEmpty());
  EXPECT_THAT(d.disabled, IsEmpty());
  EXPECT_THAT(d.diagnostics, IsEmpty());
  EXPECT_TRUE(d.any_file);
}

TEST_F(Layers, HigherLayerMayDefineAgainWhatALowerOneDisabled) {
  source_.file("/u", "pg.toml", port_file("pg:user"));
  source_.file("/o", "pg.toml", kDisabled);
  source_.file("/r", "pg.toml", port_file("pg:repo"));
  Discovery d = run();
  ASSERT_EQ(d.definitions.size(), 1u);
  EXPECT_EQ(d.definitions[0].image, "pg:repo");
  EXPECT_THAT(d.disabled, IsEmpty());
}

TEST_F(Layers, WorkspaceRedefinitionOfATrustedSidecarIsIgnoredWithOneWarning) {
  source_.file("/o", "pg.toml", port_file("pg:trusted"));
  source_.file("/w", "pg.toml", port_file("pg:evil"));
  Discovery d = run();
  EXPECT_THAT(d.diagnostics, IsEmpty()) << "the launch goes on with the trusted definition";
  EXPECT_THAT(warnings(d), ElementsAre("/w/pg.toml: ignored: the workspace layer may disable but "
                                       "not redefine sidecar \"pg\"; the trusted definition in "
                                       "/o/pg.toml is used"));
  ASSERT_EQ(d.definitions.size(), 1u);
  EXPECT_EQ(d.definitions[0].image, "pg:trusted");
  EXPECT_EQ(d.definitions[0].layer, Layer::Org);
}

TEST_F(Layers, WorkspaceDisableOfATrustedSidecarIsANoticeNamingTheFile) {
  source_.file("/r", "pg.toml", port_file("pg"));
  source_.file("/w", "pg.toml", kDisabled);
  Discovery d = run();
  EXPECT_THAT(d.definitions, IsEmpty());
  EXPECT_THAT(d.disabled, ElementsAre("pg"));
  EXPECT_THAT(d.diagnostics, IsEmpty());
  EXPECT_THAT(warnings(d), ElementsAre("/w/pg.toml:1: the workspace layer disables sidecar \"pg\" "
                                       "(defined in /r/pg.toml)"));
}

TEST_F(Layers, TrustedDisableIsSilent) {
  source_.file("/u", "pg.toml", port_file("pg"));
  source_.file("/r", "pg.toml", kDisabled);
  EXPECT_THAT(run().warnings, IsEmpty());
}

TEST_F(Layers, WorkspaceLayerMayNotRedefineATrustedSidecarEvenAfterATrustedDisable) {
  source_.file("/u", "pg.toml", port_file("pg:user"));
  source_.file("/r", "pg.toml", kDisabled);
  source_.file("/w", "pg.toml", port_file("pg:evil"));
  Discovery d = run();
  EXPECT_THAT(warnings(d), ElementsAre("/w/pg.toml: ignored: the workspace layer may disable but "
                                       "not redefine sidecar \"pg\"; the trusted definition in "
                                       "/u/pg.toml is used"));
  EXPECT_THAT(d.definitions, IsEmpty());
  EXPECT_THAT(d.disabled, ElementsAre("pg"));
}

TEST_F(Layers, WorkspaceLayerMayDefineItsOwnSidecars) {
  source_.file("/r", "pg.toml", port_file("pg"));
  source_.file("/w", "redis.toml", port_file("redis", 6379));
  Discovery d = run();
  EXPECT_THAT(names(d), ElementsAre("pg", "redis"));
  EXPECT_EQ(d.definitions[1].layer, Layer::Workspace);
}

TEST_F(Layers, ContinuesPastBrokenFilesAndReportsThemAll) {
  source_.file("/u", "good.toml", port_file("good"));
  source_.file("/u", "bad.toml", "image = \n");
  source_.file("/r", "-x.toml", port_file("x"));
  source_.entry("/r", "dir.toml", DirEntry::Kind::Directory);
  Discovery d = run();
  EXPECT_THAT(names(d), ElementsAre("good"));
  ASSERT_EQ(d.diagnostics.size(), 3u);
  EXPECT_EQ(d.diagnostics[0].file, "/u/bad.toml");
  EXPECT_EQ(d.diagnostics[1].file, "/r/-x.toml");
  EXPECT_EQ(d.diagnostics[2].str(), "/r/dir.toml: is a directory, not a sidecar definition file");
}

TEST_F(Layers, BrokenFileInAHigherLayerKeepsTheLowerDefinitionButIsReported) {
  source_.file("/u", "pg.toml", port_file("pg"));
  source_.file("/r", "pg.toml", "lifecycle = 1\n");
  Discovery d = run();
  EXPECT_THAT(names(d), ElementsAre("pg"));
  EXPECT_FALSE(d.diagnostics.empty());
}

TEST_F(Layers, OversizedFileIsReportedWithoutBeingRead) {
  source_.big_file("/r", "huge.toml", kMaxDefinitionBytes + 1);
  Discovery d = run();
  EXPECT_THAT(messages(d),
              ElementsAre("/r/huge.toml: is larger than the 1 MiB a sidecar definition may have; "
                          "it is not read"));
  EXPECT_THAT(source_.reads, IsEmpty());
}

TEST_F(Layers, FileOfExactlyTheLimitIsRead) {
  std::string text = port_file("pg");
  text.resize(kMaxDefinitionBytes, ' ');
  source_.file("/r", "pg.toml", text);
  Discovery d = run();
  EXPECT_THAT(d.diagnostics, IsEmpty());
  EXPECT_THAT(names(d), ElementsAre("pg"));
}

TEST_F(Layers, UnreadableFileIsReportedWithTheReason) {
  source_.unreadable("/r", "pg.toml");
  EXPECT_THAT(messages(run()), ElementsAre("/r/pg.toml: cannot read: Permission denied"));
}

TEST_F(Layers, SymlinkOutOfTheLayerIsNotFollowed) {
  source_.entry("/w", "pg.toml", DirEntry::Kind::SymlinkOutside);
  Discovery d = run();
  EXPECT_THAT(messages(d), ElementsAre("/w/pg.toml: is a symbolic link leading outside /w; it is "
                                       "not followed"));
  EXPECT_THAT(source_.reads, IsEmpty());
}

TEST_F(Layers, OtherEntriesAreReported) {
  source_.entry("/w", "fifo.toml", DirEntry::Kind::Other);
  EXPECT_THAT(messages(run()),
              ElementsAre("/w/fifo.toml: is not a regular file (or a dangling link)"));
}

TEST_F(Layers, InvalidFileNameIsReported) {
  source_.file("/r", "pg db.toml", port_file("pg"));
  EXPECT_THAT(messages(run()),
              ElementsAre("/r/pg db.toml: the file name must be <name>.toml with a name matching "
                          "[A-Za-z0-9][A-Za-z0-9_.-]* (at most 63 characters: it is a DNS name)"));
}

TEST_F(Layers, NamesLongerThanADnsLabelAreReported) {
  source_.file("/r", std::string(63, 'a') + ".toml", port_file("pg"));
  source_.file("/r", std::string(64, 'b') + ".toml", port_file("pg"));
  Discovery d = run();
  ASSERT_EQ(d.definitions.size(), 1u);
  EXPECT_EQ(d.definitions[0].name, std::string(63, 'a'));
  ASSERT_EQ(d.diagnostics.size(), 1u);
  EXPECT_NE(d.diagnostics[0].file.find(std::string(64, 'b')), std::string::npos);
}

TEST_F(Layers, WorkspaceNamesAreSingleDnsLabels) {
  source_.file("/r", "pg.main.toml", port_file("pg"));
  source_.file("/w", "github.com.toml", port_file("evil"));
  Discovery d = run();
  ASSERT_EQ(d.definitions.size(), 1u) << "a trusted layer may use dotted names";
  EXPECT_EQ(d.definitions[0].name, "pg.main");
  EXPECT_THAT(messages(d), ElementsAre("/w/github.com.toml: the file name must be <name>.toml "
                                       "with a name matching [A-Za-z0-9][A-Za-z0-9_-]* (at most 63 "
                                       "characters, no dots: a workspace sidecar's name is a "
                                       "single DNS label)"));
}

TEST_F(Layers, EveryDefinitionCarriesTheHashOfItsBytesAsWritten) {
  source_.file("/r", "a.toml", port_file("pg"));
  source_.file("/r", "b.toml", port_file("pg") + "# a comment\n");
  Discovery d = run();
  ASSERT_EQ(d.definitions.size(), 2u);
  EXPECT_EQ(d.definitions[0].content_sha256, sha256_hex(port_file("pg")));
  EXPECT_NE(d.definitions[0].content_sha256, d.definitions[1].content_sha256);
}

TEST_F(Layers, UnlistableLayerDirectoryIsReported) {
  source_.broken_dir("/r");
  source_.file("/u", "pg.toml", port_file("pg"));
  Discovery d = run();
  EXPECT_THAT(messages(d), ElementsAre("/r: cannot list: Not a directory"));
  EXPECT_THAT(names(d), ElementsAre("pg"));
}

TEST_F(Layers, TrailingSlashInALayerDirectoryIsNotDoubled) {
  dirs_.repo = "/r/";
  source_.file("/r/", "pg.toml", "lifecycle = 1\n");
  Discovery d = run();
  ASSERT_FALSE(d.diagnostics.empty());
  EXPECT_EQ(d.diagnostics[0].file, "/r/pg.toml");
}

}  // namespace
}  // namespace run_anvil::sidecars
