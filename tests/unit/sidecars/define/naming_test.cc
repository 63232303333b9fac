#include "run_anvil/sidecars/define/naming.h"

#include <gtest/gtest.h>

namespace run_anvil::sidecars {
namespace {

TEST(NamingTest, ContainerTokenKeepsDockerNameCharacters) {
  EXPECT_EQ(container_token("pg.test-01_x"), "pg.test-01_x");
  EXPECT_EQ(container_token("PG"), "PG");
}

TEST(NamingTest, ContainerTokenFoldsRunsOfOtherCharactersIntoOneDash) {
  EXPECT_EQ(container_token("a b"), "a-b");
  EXPECT_EQ(container_token("a  /:b"), "a-b");
  EXPECT_EQ(container_token("a@b#c"), "a-b-c");
  EXPECT_EQ(container_token("caf\xc3\xa9"), "caf-");
}

TEST(NamingTest, SharedContainerNameUsesTheToken) {
  EXPECT_EQ(shared_container_name("pg"), "swarmforge-shared-pg");
  EXPECT_EQ(shared_container_name("pg.test-01"), "swarmforge-shared-pg.test-01");
  EXPECT_EQ(shared_container_name("my db"), "swarmforge-shared-my-db");
}

TEST(NamingTest, SessionContainerNameIsPrefixedByTheAnvilName) {
  EXPECT_EQ(session_container_name("agent-1", "pg"), "agent-1-tong-pg");
  EXPECT_EQ(session_container_name("agent-1", "my db"), "agent-1-tong-my-db");
}

TEST(NamingTest, EnvTokenUpperCasesAndJoinsWithUnderscores) {
  EXPECT_EQ(env_token("pg.test-01"), "PG_TEST_01");
  EXPECT_EQ(env_token("pg"), "PG");
  EXPECT_EQ(env_token("my_db"), "MY_DB");
}

TEST(NamingTest, EnvTokenCollapsesRunsAndTrimsBothEnds) {
  EXPECT_EQ(env_token("a..--b"), "A_B");
  EXPECT_EQ(env_token("_pg_"), "PG");
  EXPECT_EQ(env_token("--pg.."), "PG");
  EXPECT_EQ(env_token("a__b"), "A_B");
  EXPECT_EQ(env_token("..."), "");
}

TEST(NamingTest, EnvNameBuildsTheInjectedVariable) {
  EXPECT_EQ(env_name("pg.test-01", "HOST"), "SWARMFORGE_TONG_PG_TEST_01_HOST");
  EXPECT_EQ(env_name("github", "URL"), "SWARMFORGE_TONG_GITHUB_URL");
}

TEST(NamingTest, LabelKeysMatchTheSpec) {
  EXPECT_STREQ(kLabelName, "swarmforge.tong.name");
  EXPECT_STREQ(kLabelHash, "swarmforge.tong.config-hash");
  EXPECT_STREQ(kLabelLifecycle, "swarmforge.tong.lifecycle");
  EXPECT_STREQ(kLabelManagedBy, "swarmforge.managed-by");
  EXPECT_STREQ(kManagedByValue, "run-anvil");
  EXPECT_STREQ(kDefaultNetwork, "swarmforge-net");
}

}  // namespace
}  // namespace run_anvil::sidecars
