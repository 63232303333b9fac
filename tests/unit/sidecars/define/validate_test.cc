#include "run_anvil/sidecars/define/validate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "definitions_builder.h"

namespace run_anvil::sidecars {
namespace {

using fakes::none_sidecar;
using fakes::port_sidecar;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> messages(const std::vector<Definition>& defs) {
  std::vector<std::string> out;
  for (const auto& d : validate_set(defs)) out.push_back(d.str());
  return out;
}

Definition with_aliases(Definition d, std::vector<std::string> aliases, int line = 6) {
  d.interface.aliases = std::move(aliases);
  d.lines["interface.aliases"] = line;
  return d;
}

Definition mcp_sidecar(const std::string& name, const std::string& mcp_name) {
  Definition d = port_sidecar(name, 80);
  d.interface.kind = InterfaceKind::Mcp;
  d.interface.mcp_name = mcp_name;
  d.lines["interface.name"] = 7;
  return d;
}

Definition depending(const std::string& name, std::vector<std::string> deps, int line = 3) {
  Definition d = port_sidecar(name, 80, std::move(deps));
  d.lines["depends_on"] = line;
  return d;
}

TEST(Validate, AcceptsIndependentSidecars) {
  EXPECT_THAT(validate_set({port_sidecar("minio", 9000), port_sidecar("pg", 5432, {"minio"}),
                            none_sidecar("worker")}),
              IsEmpty());
}

TEST(Validate, AcceptsAnEmptySet) { EXPECT_THAT(validate_set({}), IsEmpty()); }

TEST(Validate, AliasCollisionIsReportedInTheLaterFileNamingBothSidecars) {
  EXPECT_THAT(
      messages({with_aliases(port_sidecar("pg", 5432), {"db"}),
                with_aliases(port_sidecar("mysql", 3306), {"sql", "db"}, 9)}),
      ElementsAre("/repo/mysql.toml:9: sidecar \"mysql\" claims the network name \"db\" "
                  "(interface.aliases), already claimed by sidecar \"pg\" (interface.aliases, "
                  "/repo/pg.toml)"));
}

TEST(Validate, AliasCollisionIgnoresCase) {
  EXPECT_EQ(validate_set({with_aliases(port_sidecar("a", 1), {"Db"}),
                          with_aliases(port_sidecar("b", 2), {"dB"})})
                .size(),
            1u);
}

TEST(Validate, AliasMayNotBeAnotherSidecarsName) {
  EXPECT_THAT(
      messages({port_sidecar("cache", 6379), with_aliases(port_sidecar("pg", 5432), {"cache"})}),
      ElementsAre("/repo/pg.toml:6: sidecar \"pg\" claims the network name \"cache\" "
                  "(interface.aliases), already claimed by sidecar \"cache\" (its name, "
                  "/repo/cache.toml)"));
}

TEST(Validate, AliasMayNotBeTheNameOfASidecarThatIsNotOnTheNetwork) {
  EXPECT_EQ(validate_set({none_sidecar("cache"), with_aliases(port_sidecar("pg", 5432), {"cache"})})
                .size(),
            1u);
}

TEST(Validate, NamesDifferingOnlyInCaseCollide) {
  EXPECT_THAT(messages({none_sidecar("PG"), none_sidecar("pg")}),
              ElementsAre("/repo/pg.toml: sidecar \"pg\" claims the network name \"pg\" (its "
                          "name), already claimed by sidecar \"PG\" (its name, /repo/PG.toml)"));
}

TEST(Validate, McpNameCollidesWithAnotherSidecar) {
  EXPECT_THAT(messages({port_sidecar("github", 1), mcp_sidecar("gh", "github")}),
              ElementsAre("/repo/gh.toml:7: sidecar \"gh\" claims the network name \"github\" "
                          "(interface.name), already claimed by sidecar \"github\" (its name, "
                          "/repo/github.toml)"));
}

TEST(Validate, ASidecarMayRepeatItsOwnNameAsAnAlias) {
  EXPECT_THAT(validate_set({with_aliases(port_sidecar("pg", 5432), {"PG"})}), IsEmpty());
}

TEST(Validate, AliasesOfSidecarsOffTheNetworkClaimNothing) {
  Definition volume = with_aliases(none_sidecar("cache"), {"db"});
  volume.interface.kind = InterfaceKind::Volume;
  EXPECT_THAT(validate_set({volume, with_aliases(port_sidecar("pg", 5432), {"db"})}), IsEmpty());
}

TEST(Validate, NamesSharingAnEnvironmentTokenAreReported) {
  EXPECT_THAT(messages({port_sidecar("pg-test", 1), port_sidecar("pg.test", 2)}),
              ElementsAre("/repo/pg.test.toml: sidecar \"pg.test\" and sidecar \"pg-test\" "
                          "(/repo/pg-test.toml) would both set SWARMFORGE_TONG_PG_TEST_* in the "
                          "anvil; rename one of them"));
}

TEST(Validate, SidecarsWithoutInterfaceMayShareAnEnvironmentToken) {
  EXPECT_THAT(validate_set({none_sidecar("job-a"), none_sidecar("job.a")}), IsEmpty());
}

TEST(Validate, UnknownDependsOnIsReportedAtItsLine) {
  EXPECT_THAT(messages({depending("pg", {"minio"}, 4)}),
              ElementsAre("/repo/pg.toml:4: depends_on names unknown sidecar \"minio\""));
}

TEST(Validate, TwoSidecarCycleIsReportedOnce) {
  EXPECT_THAT(messages({depending("b", {"a"}), depending("a", {"b"}, 5)}),
              ElementsAre("/repo/a.toml:5: dependency cycle: a -> b -> a"));
}

TEST(Validate, SelfDependencyIsACycle) {
  EXPECT_THAT(messages({depending("a", {"a"})}),
              ElementsAre("/repo/a.toml:3: dependency cycle: a -> a"));
}

TEST(Validate, CycleBehindAnAcyclicPrefixIsFound) {
  EXPECT_THAT(messages({depending("a", {"b"}), depending("b", {"c"}), depending("c", {"d"}),
                        depending("d", {"c"})}),
              ElementsAre("/repo/c.toml:3: dependency cycle: c -> d -> c"));
}

TEST(Validate, DisjointCyclesAreEachReported) {
  EXPECT_EQ(validate_set({depending("a", {"b"}), depending("b", {"a"}), depending("x", {"y"}),
                          depending("y", {"x"})})
                .size(),
            2u);
}

TEST(Validate, VeryLongDependencyChainDoesNotExhaustTheStack) {
  std::vector<Definition> defs;
  constexpr int kCount = 20000;
  auto name = [](int i) { return "s" + std::to_string(i); };
  for (int i = 0; i < kCount; ++i) {
    Definition d = none_sidecar(name(i));
    d.depends_on = {name((i + 1) % kCount)};
    defs.push_back(std::move(d));
  }
  auto diagnostics = validate_set(defs);
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_THAT(diagnostics[0].message, ::testing::StartsWith("dependency cycle: s0 -> s1 -> "));
}

TEST(Validate, DependencyOrderPutsDependenciesFirst) {
  EXPECT_THAT(
      dependency_order({port_sidecar("app", 1, {"pg", "cache"}), port_sidecar("pg", 2, {"minio"}),
                        port_sidecar("minio", 3), port_sidecar("cache", 4)}),
      ElementsAre("cache", "minio", "pg", "app"));
}

TEST(Validate, DependencyOrderBreaksTiesByNameWhateverTheInputOrder) {
  std::vector<Definition> defs = {port_sidecar("c", 1), port_sidecar("a", 2), port_sidecar("b", 3),
                                  port_sidecar("d", 4, {"c"})};
  auto expected = std::vector<std::string>{"a", "b", "c", "d"};
  EXPECT_EQ(dependency_order(defs), expected);
  std::reverse(defs.begin(), defs.end());
  EXPECT_EQ(dependency_order(defs), expected);
}

TEST(Validate, DependencyOrderIgnoresUnknownNamesAndKeepsEveryone) {
  EXPECT_THAT(dependency_order({port_sidecar("a", 1, {"ghost"})}), ElementsAre("a"));
  EXPECT_THAT(
      dependency_order({depending("a", {"b"}), depending("b", {"a"}), port_sidecar("c", 1)}),
      ElementsAre("c", "a", "b"));
}

}  // namespace
}  // namespace run_anvil::sidecars
