#include "run_anvil/sidecars/define/parse.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace run_anvil::sidecars {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

ParseResult parse(const std::string& text, const std::string& name = "pg") {
  return parse_definition(text, "pg.toml", name, Layer::Repo);
}

Definition parse_ok(const std::string& text, const std::string& name = "pg") {
  auto result = parse(text, name);
  for (const auto& d : result.diagnostics) ADD_FAILURE() << d.str();
  return result.definition.value_or(Definition{});
}

std::vector<std::string> messages(const ParseResult& result) {
  std::vector<std::string> out;
  for (const auto& d : result.diagnostics) out.push_back(d.str());
  return out;
}

std::string read_data(const std::string& name) {
  std::ifstream in(std::string(RUN_ANVIL_TEST_DATA) + "/definitions/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const char* const kPort = R"(lifecycle = "shared"
image = "postgres:16"
[interface]
kind = "port"
port = 5432
)";

TEST(ParseDefinition, ParsesTheSpecExampleCompletely) {
  Definition d = parse_ok(read_data("pg.toml"));
  EXPECT_EQ(d.name, "pg");
  EXPECT_EQ(d.file, "pg.toml");
  EXPECT_EQ(d.layer, Layer::Repo);
  EXPECT_FALSE(d.disable);
  EXPECT_EQ(d.description, "Postgres for the agent");
  EXPECT_EQ(d.lifecycle, Lifecycle::Shared);
  EXPECT_EQ(d.image, "postgres:16");
  EXPECT_EQ(d.command, (std::vector<std::string>{"postgres", "-c", "fsync=off"}));
  EXPECT_FALSE(d.entrypoint.has_value());
  EXPECT_EQ(d.depends_on, std::vector<std::string>{"minio"});
  EXPECT_EQ(d.mounts, (std::vector<Mount>{{Mount::Kind::DockerSocket, true}}));
  EXPECT_EQ(d.restart, "unless-stopped");
  EXPECT_EQ(d.interface.kind, InterfaceKind::Port);
  EXPECT_EQ(d.interface.port, 5432);
  EXPECT_EQ(d.interface.aliases, std::vector<std::string>{"db"});
  EXPECT_EQ(d.readiness.mode, ReadinessMode::Tcp);
  EXPECT_TRUE(d.readiness.mode_explicit);
  EXPECT_EQ(d.readiness.timeout, 60s);
  EXPECT_EQ(d.readiness.interval, std::optional<std::chrono::milliseconds>(100ms));
  using Env = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(d.env, (Env{{"API_TOKEN", "${secret:env:HOST_TOKEN}"}, {"POSTGRES_PASSWORD", "dev"}}));
  EXPECT_TRUE(d.has_secrets());
  EXPECT_EQ(d.resources.memory, "512m");
  EXPECT_EQ(d.resources.memory_bytes, 512 << 20);
  EXPECT_EQ(d.resources.cpus, "1.5");
  EXPECT_EQ(d.resources.nano_cpus, 1500000000);
}

TEST(ParseDefinition, RecordsTheLineOfEveryKey) {
  Definition d = parse_ok(read_data("pg.toml"));
  EXPECT_EQ(d.line_of("lifecycle"), 3);
  EXPECT_EQ(d.line_of("image"), 4);
  EXPECT_EQ(d.line_of("depends_on"), 6);
  EXPECT_EQ(d.line_of("interface"), 10);
  EXPECT_EQ(d.line_of("interface.port"), 12);
  EXPECT_EQ(d.line_of("readiness.timeout"), 17);
  EXPECT_EQ(d.line_of("env.API_TOKEN"), 22);
  EXPECT_EQ(d.line_of("resources.cpus"), 26);
  EXPECT_EQ(d.line_of("entrypoint"), 0);
}

TEST(ParseDefinition, EveryExampleDefinitionIsValid) {
  for (const char* name : {"pg", "minio", "github", "cache"}) {
    SCOPED_TRACE(name);
    parse_ok(read_data(std::string(name) + ".toml"), name);
  }
}

TEST(ParseDefinition, RestartDefaultsFromLifecycle) {
  EXPECT_EQ(parse_ok(kPort).restart, "unless-stopped");
  std::string session = kPort;
  session.replace(session.find("shared"), 6, "session");
  EXPECT_EQ(parse_ok(session).restart, "no");
}

TEST(ParseDefinition, ExplicitRestartIsKept) {
  EXPECT_EQ(parse_ok("restart = \"on-failure\"\n" + std::string(kPort)).restart, "on-failure");
}

TEST(ParseDefinition, ReadinessDefaultsToTcpForPortAndMcp) {
  Definition port = parse_ok(kPort);
  EXPECT_EQ(port.readiness.mode, ReadinessMode::Tcp);
  EXPECT_FALSE(port.readiness.mode_explicit);
  EXPECT_EQ(port.readiness.timeout, 30s);
  EXPECT_FALSE(port.readiness.interval.has_value());
  Definition mcp = parse_ok(read_data("github.toml"), "gh");
  EXPECT_EQ(mcp.readiness.mode, ReadinessMode::Tcp);
}

TEST(ParseDefinition, McpDefaultsNameToSidecarAndPathToMcp) {
  Definition d = parse_ok(
      "lifecycle = \"session\"\nimage = \"x\"\n"
      "[interface]\nkind = \"mcp\"\nport = 80\n",
      "gh");
  EXPECT_EQ(d.interface.mcp_name, "gh");
  EXPECT_EQ(d.interface.mcp_path, "/mcp");
  EXPECT_EQ(d.canonical_alias(), "gh");
  Definition named = parse_ok(read_data("github.toml"), "gh");
  EXPECT_EQ(named.canonical_alias(), "github");
}

TEST(ParseDefinition, McpPathMayBeSet) {
  Definition d = parse_ok(
      "lifecycle = \"session\"\nimage = \"x\"\n"
      "[interface]\nkind = \"mcp\"\nport = 80\npath = \"/v1/mcp\"\n");
  EXPECT_EQ(d.interface.mcp_path, "/v1/mcp");
}

TEST(ParseDefinition, VolumeInterfaceKeepsVolumeAndMountpoint) {
  Definition d = parse_ok(read_data("cache.toml"), "cache");
  EXPECT_EQ(d.interface.kind, InterfaceKind::Volume);
  EXPECT_EQ(d.interface.volume, "agent-cache");
  EXPECT_EQ(d.interface.mountpoint, "/cache");
  EXPECT_EQ(d.readiness.mode, ReadinessMode::Exec);
  EXPECT_EQ(d.readiness.command, (std::vector<std::string>{"test", "-d", "/cache"}));
  EXPECT_EQ(d.readiness.timeout, 10s);
  EXPECT_FALSE(d.network_facing());
}

TEST(ParseDefinition, NoInterfaceTableMeansKindNone) {
  Definition d = parse_ok("lifecycle = \"session\"\nimage = \"x\"\n[readiness]\nmode = \"none\"\n");
  EXPECT_EQ(d.interface.kind, InterfaceKind::None);
  EXPECT_EQ(d.readiness.mode, ReadinessMode::None);
}

TEST(ParseDefinition, NoneKindWithoutReadinessModeIsAnError) {
  EXPECT_THAT(
      messages(parse("lifecycle = \"session\"\nimage = \"x\"\n")),
      ::testing::ElementsAre("pg.toml: readiness.mode is required for interface kind \"none\" "
                             "(\"none\", \"exec\" or \"healthcheck\")"));
}

TEST(ParseDefinition, DisabledFileYieldsOnlyTheDisableFlag) {
  Definition d = parse_ok("description = \"not here\"\ndisable = true\n");
  EXPECT_TRUE(d.disable);
  EXPECT_EQ(d.description, "not here");
  EXPECT_TRUE(d.image.empty());
  EXPECT_EQ(d.line_of("disable"), 2);
}

TEST(ParseDefinition, DisabledFileMayNotConfigureAnything) {
  EXPECT_THAT(messages(parse("disable = true\nimage = \"x\"\n[interface]\nkind = \"none\"\n")),
              ::testing::ElementsAre(
                  "pg.toml:2: a definition with disable = true may contain only \"disable\" and "
                  "\"description\", not \"image\"",
                  "pg.toml:3: a definition with disable = true may contain only \"disable\" and "
                  "\"description\", not \"interface\""));
}

TEST(ParseDefinition, DisableFalseIsAnOrdinaryDefinition) {
  Definition d = parse_ok("disable = false\n" + std::string(kPort));
  EXPECT_FALSE(d.disable);
  EXPECT_EQ(d.image, "postgres:16");
}

TEST(ParseDefinition, MountsDefaultToReadWrite) {
  Definition d = parse_ok(
      "lifecycle = \"session\"\nimage = \"x\"\n"
      "mounts = [\"workspace\", \"docker-socket:rw\"]\n"
      "[readiness]\nmode = \"none\"\n");
  EXPECT_EQ(d.mounts, (std::vector<Mount>{{Mount::Kind::Workspace, false},
                                          {Mount::Kind::DockerSocket, false}}));
}

TEST(ParseDefinition, EntrypointIsKept) {
  Definition d = parse_ok("entrypoint = [\"/bin/sh\", \"-c\"]\n" + std::string(kPort));
  EXPECT_EQ(d.entrypoint, (std::vector<std::string>{"/bin/sh", "-c"}));
  EXPECT_FALSE(d.command.has_value());
}

TEST(ParseDefinition, DurationsAcceptStringsAndNumbersOfSeconds) {
  Definition d = parse_ok(std::string(kPort) + "[readiness]\ntimeout = 1.5\ninterval = 2\n");
  EXPECT_EQ(d.readiness.timeout, 1500ms);
  EXPECT_EQ(d.readiness.interval, std::optional<std::chrono::milliseconds>(2s));
  Definition m = parse_ok(std::string(kPort) + "[readiness]\ntimeout = \"2m\"\n");
  EXPECT_EQ(m.readiness.timeout, 120s);
}

TEST(ParseDefinition, MemoryAcceptsSuffixesInAnyCase) {
  auto bytes = [](const std::string& memory) {
    return parse_ok(std::string(kPort) + "[resources]\nmemory = " + memory + "\n")
        .resources.memory_bytes;
  };
  EXPECT_EQ(bytes("\"512m\""), std::int64_t{512} << 20);
  EXPECT_EQ(bytes("\"1G\""), std::int64_t{1} << 30);
  EXPECT_EQ(bytes("\"2gb\""), std::int64_t{2} << 30);
  EXPECT_EQ(bytes("\"8192k\""), std::int64_t{8} << 20);
  EXPECT_EQ(bytes("\"6291456\""), std::int64_t{6} << 20);
  EXPECT_EQ(bytes("\"6291456b\""), std::int64_t{6} << 20);
  EXPECT_EQ(bytes("6291456"), std::int64_t{6} << 20);
}

TEST(ParseDefinition, CpusAcceptStringsAndNumbers) {
  auto cpus = [](const std::string& value) {
    return parse_ok(std::string(kPort) + "[resources]\ncpus = " + value + "\n").resources;
  };
  EXPECT_EQ(cpus("\"1.5\"").nano_cpus, 1500000000);
  EXPECT_EQ(cpus("\"0.001\"").nano_cpus, 1000000);
  EXPECT_EQ(cpus("2").nano_cpus, 2000000000);
  EXPECT_EQ(cpus("2").cpus, "2");
  EXPECT_EQ(cpus("0.25").nano_cpus, 250000000);
  EXPECT_EQ(cpus("0.25").cpus, "0.25");
  EXPECT_EQ(cpus("\"1024\"").nano_cpus, std::int64_t{1024} * 1000000000);
}

TEST(ParseDefinition, EnvIsSortedByKey) {
  Definition d = parse_ok(std::string(kPort) + "[env]\nZ = \"1\"\nA = \"2\"\n_m = \"\"\n");
  using Env = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(d.env, (Env{{"A", "2"}, {"Z", "1"}, {"_m", ""}}));
  EXPECT_FALSE(d.has_secrets());
}

TEST(ParseDefinition, SecretReferencesMayBeEmbeddedInText) {
  Definition d =
      parse_ok(std::string(kPort) +
               "[env]\nURL = \"postgres://u:${secret:file:/run/pw}@db/${secret:env:DB}\"\n");
  EXPECT_TRUE(d.has_secrets());
}

TEST(ParseDefinition, UnknownKeyMessageNamesKeyTableAndLine) {
  std::string text =
      "lifecycle = \"shared\"\nimage = \"x\"\n\n[interface]\nkind = \"port\"\n"
      "port = 5432\nprot = 5432\n";
  EXPECT_THAT(messages(parse(text)),
              ::testing::ElementsAre(
                  "pg.toml:7: unknown key \"prot\" in [interface] (did you mean \"port\"?)"));
}

TEST(ParseDefinition, PortOutOfRangeMessageMatchesTheSpec) {
  std::string text =
      "lifecycle = \"shared\"\nimage = \"x\"\n\n[interface]\nkind = \"port\"\n\n"
      "port = 65536\n";
  EXPECT_THAT(messages(parse(text)),
              ::testing::ElementsAre("pg.toml:7: interface.port must be an integer 1..65535"));
}

TEST(ParseDefinition, ReportsEveryProblemAtOnceInLineOrder) {
  std::string text =
      "lifecycle = \"forever\"\nbogus = 1\n[interface]\nkind = \"port\"\n"
      "port = 0\n[env]\n9X = \"a\"\n";
  EXPECT_THAT(messages(parse(text)),
              ::testing::ElementsAre(
                  "pg.toml:1: lifecycle must be \"shared\" or \"session\"",
                  "pg.toml:2: unknown key \"bogus\"",
                  "pg.toml:5: interface.port must be an integer 1..65535",
                  "pg.toml:7: env key \"9X\" is not a valid variable name ([A-Za-z_][A-Za-z0-9_]*)",
                  "pg.toml: image is required"));
}

TEST(ParseDefinition, TomlSyntaxErrorCarriesParserLineAndDescription) {
  auto result = parse("lifecycle = \"shared\"\n\nimage = postgres\n");
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].line, 3);
  EXPECT_THAT(result.diagnostics[0].message, HasSubstr("invalid TOML: "));
  EXPECT_FALSE(result.definition.has_value());
}

TEST(ParseDefinition, NeverEchoesEnvValues) {
  std::string text = std::string(kPort) +
                     "[env]\nA = \"${secret:BAD:hunter2}\"\nB = \"${secret:env:hunter3\"\n"
                     "C = \"hunter4\\u0000\"\nD = 5\n";
  auto result = parse(text);
  EXPECT_EQ(result.diagnostics.size(), 4u);
  for (const auto& d : result.diagnostics) EXPECT_THAT(d.message, Not(HasSubstr("hunter")));
}

TEST(ParseDefinition, QuotesHostileValuesInMessages) {
  auto result = parse(
      "lifecycle = \"shared\"\nimage = \"x\"\n"
      "depends_on = [\"a\\u001b[31mb\"]\n[readiness]\nmode = \"none\"\n");
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].message,
            "depends_on: \"a\\x1b[31mb\" is not a valid sidecar name");
}

TEST(ParseDefinition, LongValuesAreCutInMessages) {
  std::string long_name(1000, 'a');
  auto result = parse("lifecycle = \"shared\"\nimage = \"x\"\ndepends_on = [\"" + long_name +
                      "\"]\n[readiness]\nmode = \"none\"\n");
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_LT(result.diagnostics[0].message.size(), 120u);
}

TEST(ParseDefinition, SurvivesHostileInputWithoutThrowing) {
  std::vector<std::string> inputs = {
      std::string(1 << 20, '['),
      "a = " + std::string(100000, '[') + std::string(100000, ']'),
      "a = " +
          [] {
            std::string s;
            for (int i = 0; i < 10000; ++i) s += "{b=";
            return s;
          }(),
      std::string("\0\0\0", 3),
      "",
      "\xef\xbb\xbf",
  };
  for (const auto& input : inputs) {
    ParseResult result;
    EXPECT_NO_THROW(result = parse(input));
    EXPECT_FALSE(result.diagnostics.empty());
  }
}

TEST(ParseDuration, AcceptsUnitsAndPlainSeconds) {
  EXPECT_EQ(parse_duration("500ms"), 500ms);
  EXPECT_EQ(parse_duration("30s"), 30s);
  EXPECT_EQ(parse_duration("2m"), 120s);
  EXPECT_EQ(parse_duration("1h"), 3600s);
  EXPECT_EQ(parse_duration("24h"), 24h);
  EXPECT_EQ(parse_duration("30"), 30s);
  EXPECT_EQ(parse_duration("0.5"), 500ms);
  EXPECT_EQ(parse_duration("1.25s"), 1250ms);
  EXPECT_EQ(parse_duration("0.5ms"), 1ms);  // rounds to the nearest millisecond
}

TEST(ParseDuration, RejectsZeroNegativeHugeAndMalformed) {
  for (const char* bad : {"",
                          "0",
                          "0s",
                          "0.0001s",
                          "-5s",
                          "+5s",
                          "25h",
                          "86401s",
                          "1d",
                          "5 s",
                          "s",
                          "ms",
                          "1e3",
                          "inf",
                          "nan",
                          "1.",
                          ".5",
                          "1.2.3",
                          "99999999999999999h",
                          "0x10",
                          "30sec"}) {
    EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
  }
}

TEST(ParseSidecarName, FollowsTheSpecPattern) {
  const std::vector<std::string> good = {"pg",         "PG",  "0db",
                                         "pg.test-01", "a_b", std::string(63, 'x')};
  for (const auto& name : good) EXPECT_TRUE(valid_sidecar_name(name)) << name;
  const std::vector<std::string> bad = {"",     "-pg", ".pg",        "_pg", "pg db",
                                        "../x", "a/b", "pg\xc3\xa9", "a:b", std::string(64, 'x')};
  for (const auto& name : bad) EXPECT_FALSE(valid_sidecar_name(name)) << name;
}

TEST(ParseSidecarName, WorkspaceNamesAreSingleDnsLabels) {
  EXPECT_TRUE(valid_dns_name("pg.main", false));
  EXPECT_FALSE(valid_dns_name("pg.main", true));
  EXPECT_FALSE(valid_dns_name("github.com", true));
  EXPECT_TRUE(valid_dns_name("pg-main", true));
  EXPECT_FALSE(valid_dns_name(std::string(64, 'x'), false));
}

ParseResult parse_in(Layer layer, const std::string& interface_lines) {
  return parse_definition("lifecycle = \"shared\"\nimage = \"x\"\n[interface]\n" + interface_lines,
                          "w.toml", "w", layer);
}

TEST(ParseAliases, AtMost63Characters) {
  auto ok = parse_in(Layer::Repo,
                     "kind = \"port\"\nport = 1\naliases = [\"" + std::string(63, 'a') + "\"]\n");
  EXPECT_TRUE(ok.definition) << (ok.diagnostics.empty() ? "" : ok.diagnostics[0].str());
  auto bad = parse_in(Layer::Repo,
                      "kind = \"port\"\nport = 1\naliases = [\"" + std::string(64, 'a') + "\"]\n");
  ASSERT_EQ(bad.diagnostics.size(), 1u);
  EXPECT_THAT(bad.diagnostics[0].str(), HasSubstr("w.toml:6: interface.aliases:"));
  EXPECT_THAT(bad.diagnostics[0].str(), HasSubstr("at most 63 characters"));
}

TEST(ParseAliases, WorkspaceMayNotClaimDottedNames) {
  auto trusted = parse_in(Layer::Repo, "kind = \"port\"\nport = 1\naliases = [\"db.internal\"]\n");
  EXPECT_TRUE(trusted.definition);
  auto hijack =
      parse_in(Layer::Workspace, "kind = \"port\"\nport = 1\naliases = [\"github.com\"]\n");
  ASSERT_EQ(hijack.diagnostics.size(), 1u);
  EXPECT_THAT(hijack.diagnostics[0].str(), HasSubstr("\"github.com\""));
  EXPECT_THAT(hijack.diagnostics[0].str(), HasSubstr("single DNS labels"));
  auto mcp = parse_in(Layer::Workspace, "kind = \"mcp\"\nport = 1\nname = \"api.anthropic.com\"\n");
  ASSERT_EQ(mcp.diagnostics.size(), 1u);
  EXPECT_THAT(mcp.diagnostics[0].str(), HasSubstr("interface.name"));
}

TEST(ParseDefinition, RecordsTheHashOfTheBytesAsWritten) {
  std::string text =
      "lifecycle = \"shared\"\nimage = \"x\"\n[interface]\nkind = \"port\"\nport = 1\n";
  auto a = parse_definition(text, "a.toml", "a", Layer::Repo);
  auto b = parse_definition(text + "# only a comment\n", "a.toml", "a", Layer::Repo);
  ASSERT_TRUE(a.definition && b.definition);
  EXPECT_EQ(a.definition->content_sha256.size(), 64u);
  EXPECT_NE(a.definition->content_sha256, b.definition->content_sha256);
}

}  // namespace
}  // namespace run_anvil::sidecars
