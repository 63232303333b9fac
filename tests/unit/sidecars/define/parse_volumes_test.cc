#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "run_anvil/sidecars/define/parse.h"
#include "run_anvil/sidecars/plan/config_hash.h"

// `volumes`, `stop_signal` and `stop_timeout` (SPEC §11, §12).
namespace run_anvil::sidecars {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::string kHead = "lifecycle = \"shared\"\nimage = \"postgres:16\"\n";
const std::string kTail = "[interface]\nkind = \"port\"\nport = 5432\n";

ParseResult parse_at(const std::string& top, const std::string& file = "/p/sc/pg.toml") {
  return parse_definition(kHead + top + "\n" + kTail, file, "pg", Layer::Repo);
}

Definition parse_ok(const std::string& top, const std::string& file = "/p/sc/pg.toml") {
  auto r = parse_at(top, file);
  for (const auto& d : r.diagnostics) ADD_FAILURE() << d.str();
  return r.definition.value_or(Definition{});
}

std::vector<std::string> messages(const std::string& top) {
  std::vector<std::string> out;
  for (const auto& d : parse_at(top).diagnostics) out.push_back(d.str());
  return out;
}

TEST(ParseVolumes, NamedVolumeBindAndRelativeBindWithModes) {
  auto d = parse_ok(
      R"(volumes = ["data:/var/lib/postgresql/data", "/srv/seed:/seed:ro", "./init/../conf:/etc/pg:rw"])");
  ASSERT_EQ(d.volumes.size(), 3u);
  EXPECT_EQ(d.volumes[0].kind, Volume::Kind::Named);
  EXPECT_EQ(d.volumes[0].source, "data");
  EXPECT_EQ(d.volumes[0].target, "/var/lib/postgresql/data");
  EXPECT_FALSE(d.volumes[0].read_only);
  EXPECT_EQ(d.volumes[1].kind, Volume::Kind::Bind);
  EXPECT_EQ(d.volumes[1].source, "/srv/seed");
  EXPECT_TRUE(d.volumes[1].read_only);
  // Relative to the definition file's directory, normalized.
  EXPECT_EQ(d.volumes[2].source, "/p/sc/conf");
  EXPECT_EQ(d.volumes[2].target, "/etc/pg");
}

TEST(ParseVolumes, RelativeBindOfARelativeFileStaysRelativeForTheLauncherToResolve) {
  auto d = parse_ok(R"(volumes = ["./seed:/seed"])", "sc/pg.toml");
  EXPECT_EQ(d.volumes[0].source, "sc/seed");
  d = parse_ok(R"(volumes = ["../seed:/seed"])", "pg.toml");
  EXPECT_EQ(d.volumes[0].source, "../seed");
}

TEST(ParseVolumes, MalformedEntriesAreErrorsWithTheLine) {
  EXPECT_THAT(messages(R"(volumes = ["data"])"),
              ElementsAre(HasSubstr("pg.toml:3: volumes entry \"data\" must be \"NAME:PATH")));
  EXPECT_THAT(messages(R"(volumes = ["data:relative"])"),
              ElementsAre(HasSubstr("the container path must be an absolute path")));
  EXPECT_THAT(messages(R"(volumes = ["data:/x:rx"])"), ElementsAre(HasSubstr("must be")));
  EXPECT_THAT(messages(R"(volumes = ["~/x:/x"])"), ElementsAre(HasSubstr("must be")));
  EXPECT_THAT(messages(R"(volumes = ["a:/x", "b:/x"])"),
              ElementsAre(HasSubstr("volumes mounts two things at \"/x\"")));
  EXPECT_THAT(messages(R"(volumes = ["a:/x", "a:/y"])"),
              ElementsAre(HasSubstr("lists the volume \"a\" twice")));
  EXPECT_THAT(messages(R"(volumes = "data:/x")"), ElementsAre(HasSubstr("volumes must be")));
}

TEST(ParseVolumes, VolumeCannotShareAPathWithTheWorkspaceMount) {
  auto r = parse_definition(
      "lifecycle = \"session\"\nimage = \"x\"\nmounts = [\"workspace\"]\n"
      "volumes = [\"w:/workspace\"]\n[readiness]\nmode = \"none\"\n",
      "pg.toml", "pg", Layer::Repo);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_THAT(r.diagnostics[0].str(), HasSubstr("pg.toml:4: volumes entry \"w:/workspace\""));
}

TEST(ParseStop, SignalIsCanonicalAndTimeoutRoundsUpToSeconds) {
  auto d = parse_ok("stop_signal = \"int\"\nstop_timeout = \"1500ms\"");
  EXPECT_EQ(d.stop_signal, "SIGINT");
  EXPECT_EQ(d.stop_timeout, std::chrono::seconds(2));
  EXPECT_EQ(parse_ok("stop_signal = \"SIGQUIT\"").stop_signal, "SIGQUIT");
  EXPECT_EQ(parse_ok("stop_signal = \"15\"").stop_signal, "15");
  EXPECT_EQ(parse_ok("stop_timeout = 30").stop_timeout, std::chrono::seconds(30));
  EXPECT_EQ(parse_ok("").stop_timeout, std::nullopt);
}

TEST(ParseStop, UnknownSignalAndBadTimeoutAreErrors) {
  EXPECT_THAT(messages("stop_signal = \"SIGFOO\""),
              ElementsAre(HasSubstr("pg.toml:3: stop_signal must be a signal name")));
  EXPECT_THAT(messages("stop_signal = \"99\""), ElementsAre(HasSubstr("stop_signal must be")));
  EXPECT_THAT(messages("stop_timeout = \"soon\""), ElementsAre(HasSubstr("stop_timeout must be")));
}

TEST(ConfigHashVolumes, VolumesAndStopSettingsShapeTheContainer) {
  auto base = parse_ok("");
  auto with_volume = parse_ok(R"(volumes = ["data:/d"])");
  auto read_only = parse_ok(R"(volumes = ["data:/d:ro"])");
  auto signal = parse_ok("stop_signal = \"SIGINT\"");
  auto timeout = parse_ok("stop_timeout = \"20s\"");
  std::set<std::string> hashes{config_hash(base), config_hash(with_volume), config_hash(read_only),
                               config_hash(signal), config_hash(timeout)};
  EXPECT_EQ(hashes.size(), 5u);
}

TEST(ConfigHashVolumes, OrderOfVolumesDoesNotMatterAndUnsetKeysKeepOldHashes) {
  EXPECT_EQ(config_hash(parse_ok(R"(volumes = ["a:/a", "b:/b"])")),
            config_hash(parse_ok(R"(volumes = ["b:/b", "a:/a"])")));
  // Containers made before these keys existed keep their hash: the canonical form has no
  // trace of them when they are unset.
  EXPECT_EQ(config_canonical_json(parse_ok("")).find("volumes"), std::string::npos);
  EXPECT_EQ(config_canonical_json(parse_ok("")).find("stop_"), std::string::npos);
}

TEST(NormalizePath, LexicalOnly) {
  EXPECT_EQ(normalize_path("/a//b/./c/../d"), "/a/b/d");
  EXPECT_EQ(normalize_path("/../x"), "/x");
  EXPECT_EQ(normalize_path("a/../../x"), "../x");
  EXPECT_EQ(normalize_path("./"), ".");
}

}  // namespace
}  // namespace run_anvil::sidecars
