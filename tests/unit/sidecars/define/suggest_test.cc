// "Did you mean", near-miss definition file names, the image reference rule and unknown-key
// hints (issue 16).
#include "run_anvil/sidecars/text/suggest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fake_definition_source.h"
#include "run_anvil/sidecars/define/definition_file_name.h"
#include "run_anvil/sidecars/define/image_reference.h"
#include "run_anvil/sidecars/define/layers.h"
#include "run_anvil/sidecars/define/parse.h"

namespace run_anvil::sidecars {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(SuggestTest, EditDistanceCountsATranspositionAsOneTypo) {
  EXPECT_EQ(edit_distance("status", "status"), 0u);
  EXPECT_EQ(edit_distance("staus", "status"), 1u);
  EXPECT_EQ(edit_distance("stauts", "status"), 1u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("--jsn", "--json"), 1u);
}

TEST(SuggestTest, SuggestsOnlyPlausibleTypos) {
  std::vector<std::string> commands{"plan", "validate", "status", "doctor", "down", "logs"};
  EXPECT_EQ(did_you_mean("staus", commands), " (did you mean \"status\"?)");
  EXPECT_EQ(did_you_mean("dwon", commands), " (did you mean \"down\"?)");
  EXPECT_EQ(did_you_mean("ps", commands), "");
  EXPECT_EQ(did_you_mean("restart", commands), "");
  EXPECT_EQ(did_you_mean("status", commands), "");  // an exact match is no typo
}

TEST(DefinitionFileNameTest, NearMissesAreThoseOneTypoAwayOrInAnotherCase) {
  for (const char* name : {"redis.tml", "x.TOML", "pg.Toml", "pg.tmol", "pg.tomll", "pg.tom"}) {
    EXPECT_TRUE(looks_like_definition_file(name)) << name;
  }
  for (const char* name : {"pg.toml", "pg.toml.bak", "pg.toml~", ".pg.toml.swp", "README.md",
                           "notes.txt", "Makefile", "pg.json", "pg.yaml", ".tml"}) {
    EXPECT_FALSE(looks_like_definition_file(name)) << name;
  }
}

TEST(DefinitionFileNameTest, DiscoveryWarnsOnceAboutEachNearMissAndNeverReadsIt) {
  fakes::FakeDefinitionSource source;
  source.file("/r", "redis.tml", "lifecycle = \"shared\"\n");
  source.file("/r", "x.TOML", "lifecycle = \"shared\"\n");
  LayerDirs dirs;
  dirs.repo = "/r";
  Discovery d = discover(dirs, source);
  EXPECT_THAT(d.definitions, IsEmpty());
  EXPECT_THAT(d.diagnostics, IsEmpty());
  ASSERT_EQ(d.warnings.size(), 2u);
  EXPECT_EQ(d.warnings[0].str(),
            "/r/redis.tml: is not read: only files named <name>.toml are sidecar definitions "
            "(rename it to redis.toml to use it)");
  EXPECT_EQ(d.warnings[1].str(),
            "/r/x.TOML: is not read: only files named <name>.toml are sidecar definitions "
            "(rename it to x.toml to use it)");
  EXPECT_THAT(source.reads, IsEmpty());
}

TEST(ImageReferenceTest, AcceptsWhatDockerAccepts) {
  for (const char* image :
       {"postgres", "postgres:16", "library/postgres:16-alpine", "ghcr.io/org/app:v1.2.3",
        "localhost:5000/x", "registry.example.com:443/a/b/c:tag_1", "run-anvil-test/busybox:1",
        "my_image__x", "a-b--c",
        "redis@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "Registry.Example.com/app"}) {
    EXPECT_EQ(image_reference_problem(image), std::nullopt) << image;
  }
}

TEST(ImageReferenceTest, RefusesVariablesAndWhatDockerRefuses) {
  EXPECT_EQ(image_reference_problem("${IMAGE}"),
            "image \"${IMAGE}\" is not an image reference: variables are not expanded in "
            "definitions (write the image itself, e.g. \"postgres:16\")");
  EXPECT_THAT(image_reference_problem("$IMAGE:1").value_or(""),
              HasSubstr("variables are not expanded"));
  for (const char* image : {"Postgres", "postgres:", "a//b", "x:tag with", "pg:-1", "_x", "a@b"}) {
    EXPECT_THAT(image_reference_problem(image).value_or("(accepted)"),
                HasSubstr("is not a valid image reference"))
        << image;
  }
}

TEST(ImageReferenceTest, ParseRejectsAVariableImageWithFileAndLine) {
  auto r = parse_definition(
      "lifecycle = \"shared\"\nimage = \"${IMAGE}\"\n[interface]\nkind = "
      "\"none\"\n[readiness]\nmode = \"none\"\n",
      "/r/pg.toml", "pg", Layer::Repo);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].str(),
            "/r/pg.toml:2: image \"${IMAGE}\" is not an image reference: variables are not "
            "expanded in definitions (write the image itself, e.g. \"postgres:16\")");
}

TEST(UnknownKeyTest, UnknownKeysAndTablesGetADidYouMean) {
  auto r = parse_definition(
      "lifecycle = \"shared\"\nimgae = \"busybox\"\n[interface]\nkind = \"port\"\nport = 5432\n"
      "prot = 1\n[readines]\nmode = \"tcp\"\n",
      "/r/pg.toml", "pg", Layer::Repo);
  std::vector<std::string> messages;
  for (const auto& d : r.diagnostics) messages.push_back(d.str());
  EXPECT_THAT(messages,
              ElementsAre("/r/pg.toml:2: unknown key \"imgae\" (did you mean \"image\"?)",
                          "/r/pg.toml:6: unknown key \"prot\" in [interface] (did you mean "
                          "\"port\"?)",
                          "/r/pg.toml:7: unknown table [readines] (did you mean \"readiness\"?)",
                          "/r/pg.toml: image is required"));
}

}  // namespace
}  // namespace run_anvil::sidecars
