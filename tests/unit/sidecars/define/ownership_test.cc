#include "run_anvil/sidecars/define/ownership.h"

#include <gtest/gtest.h>

#include "run_anvil/sidecars/define/naming.h"

namespace run_anvil::sidecars {
namespace {

constexpr const char* kHere = "host/boot/mnt:[1]";

Definition defined(const std::string& name, Layer layer, const std::string& content) {
  Definition d;
  d.name = name;
  d.layer = layer;
  d.content_sha256 = content;
  return d;
}

class Ownership : public ::testing::Test {
 protected:
  std::map<std::string, std::string> made_from(const std::string& path, const std::string& id = "",
                                               const std::string& seen = kHere) {
    std::map<std::string, std::string> labels{{kLabelDefinition, path}};
    if (!id.empty()) labels[kLabelDefinitionId] = id;
    if (!seen.empty()) labels[kLabelDefinitionSeen] = seen;
    return labels;
  }
  Origin judge(const std::map<std::string, std::string>& labels, const DefinitionRef* ref) {
    return judge_origin(labels, ref, facts);
  }
  OriginFacts facts{{}, kHere};
  DefinitionRef mine{"/proj/pg.toml", "id-mine"};
};

TEST_F(Ownership, SameFileIsOurs) {
  EXPECT_EQ(judge(made_from("/proj/pg.toml"), &mine), Origin::Ours);
}

TEST_F(Ownership, SameIdentityIsOursAfterTheProjectMoved) {
  facts.paths["/old/pg.toml"] = PathState::Exists;  // even if something else lives there now
  EXPECT_EQ(judge(made_from("/old/pg.toml", "id-mine"), &mine), Origin::Ours);
}

TEST_F(Ownership, AnotherExistingFileIsForeign) {
  facts.paths["/other/pg.toml"] = PathState::Exists;
  EXPECT_EQ(judge(made_from("/other/pg.toml", "id-other"), &mine), Origin::Foreign);
  EXPECT_EQ(judge(made_from("/other/pg.toml"), nullptr), Origin::Foreign);
}

TEST_F(Ownership, MissingFileSeenFromHereIsGone) {
  facts.paths["/old/pg.toml"] = PathState::Missing;
  EXPECT_EQ(judge(made_from("/old/pg.toml", "id-old"), &mine), Origin::Gone);
  EXPECT_EQ(judge(made_from("/old/pg.toml"), nullptr), Origin::Gone);
}

TEST_F(Ownership, UnreadableIsNeverGone) {
  facts.paths["/home/bob/pg.toml"] = PathState::Unreadable;
  EXPECT_EQ(judge(made_from("/home/bob/pg.toml"), nullptr), Origin::Unknown);
  EXPECT_FALSE(may_remove(Origin::Unknown));
}

TEST_F(Ownership, MissingFileRecordedFromAnotherMountNamespaceIsUnknown) {
  facts.paths["/workspaces/x/pg.toml"] = PathState::Missing;
  EXPECT_EQ(judge(made_from("/workspaces/x/pg.toml", "", "host/boot/mnt:[2]"), nullptr),
            Origin::Unknown);
  EXPECT_EQ(judge(made_from("/workspaces/x/pg.toml", "", ""), nullptr), Origin::Unknown)
      << "a container from before the vantage label cannot prove anything";
}

TEST_F(Ownership, PathNotLookedAtAndUnlabelledContainersAreUnknown) {
  EXPECT_EQ(judge(made_from("/never/checked.toml"), nullptr), Origin::Unknown);
  EXPECT_EQ(judge({}, &mine), Origin::Unknown);
}

TEST_F(Ownership, OnlyOursAndGoneMayBeRemoved) {
  EXPECT_TRUE(may_remove(Origin::Ours));
  EXPECT_TRUE(may_remove(Origin::Gone));
  EXPECT_FALSE(may_remove(Origin::Foreign));
  EXPECT_FALSE(may_remove(Origin::Unknown));
}

TEST(DefinitionIdentity, CoversLayerNameAndBytes) {
  auto base = definition_identity(defined("pg", Layer::Repo, "c1"));
  EXPECT_EQ(base.size(), 64u);
  EXPECT_EQ(base, definition_identity(defined("pg", Layer::Repo, "c1")));
  EXPECT_NE(base, definition_identity(defined("pg", Layer::Workspace, "c1")));
  EXPECT_NE(base, definition_identity(defined("pg2", Layer::Repo, "c1")));
  EXPECT_NE(base, definition_identity(defined("pg", Layer::Repo, "c2")));
  EXPECT_EQ(definition_identity(defined("pg", Layer::Repo, "")), "")
      << "a definition not read from a file matches nothing";
}

}  // namespace
}  // namespace run_anvil::sidecars
