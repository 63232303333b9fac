// SPEC §12 keys: parse, validate (file:line errors), config hash, and the Engine API body.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "run_anvil/launcher/docker/engine_json.h"
#include "run_anvil/sidecars/define/env_file.h"
#include "run_anvil/sidecars/define/parse.h"
#include "run_anvil/sidecars/plan/config_hash.h"
#include "run_anvil/sidecars/plan/container_spec.h"

namespace run_anvil::sidecars {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;
using namespace std::chrono_literals;

const std::string kBase = R"(lifecycle = "shared"
image = "postgres:16"
)";

ParseResult parse(const std::string& extra, Layer layer = Layer::Repo) {
  return parse_definition(kBase + extra, "pg.toml", "pg", layer);
}

Definition parse_ok(const std::string& extra) {
  auto result = parse(extra + "\n[interface]\nkind = \"port\"\nport = 5432\n");
  for (const auto& d : result.diagnostics) ADD_FAILURE() << d.str();
  return result.definition.value_or(Definition{});
}

// The single diagnostic of a bad value on line 3 (the line after kBase).
std::string error_of(const std::string& extra, Layer layer = Layer::Repo) {
  auto result = parse(extra + "\n[interface]\nkind = \"port\"\nport = 5432\n", layer);
  if (result.diagnostics.size() != 1) {
    ADD_FAILURE() << "expected one diagnostic for: " << extra << ", got "
                  << result.diagnostics.size();
    return "";
  }
  return result.diagnostics[0].str();
}

nlohmann::json create_body(const Definition& d) {
  SidecarStep step;
  step.container = "swarmforge-shared-pg";
  step.config_hash = config_hash(d);
  return launcher::container_create_json(launcher::make_container_spec(d, step));
}

std::string hash_with(const std::string& extra) { return config_hash(parse_ok(extra)); }

// --- user, working_dir, init, shm_size ----------------------------------------------------------

TEST(ServiceKeys, UserAcceptsNameUidAndUidGid) {
  EXPECT_EQ(parse_ok("user = \"postgres\"").service.user, "postgres");
  EXPECT_EQ(parse_ok("user = \"999:999\"").service.user, "999:999");
  EXPECT_EQ(error_of("user = \"a b\""),
            "pg.toml:3: user must be \"name\", \"uid\" or \"uid:gid\" (names and ids of "
            "[A-Za-z0-9_.-], not \"a b\")");
  EXPECT_THAT(error_of("user = 5"), HasSubstr("pg.toml:3: user must be a string"));
}

TEST(ServiceKeys, UserWorkingDirInitShmSizeReachTheCreateBody) {
  auto d = parse_ok("user = \"999:999\"\nworking_dir = \"/srv\"\ninit = true\nshm_size = \"256m\"");
  auto body = create_body(d);
  EXPECT_EQ(body["User"], "999:999");
  EXPECT_EQ(body["WorkingDir"], "/srv");
  EXPECT_EQ(body["HostConfig"]["Init"], true);
  EXPECT_EQ(body["HostConfig"]["ShmSize"], 256 << 20);
}

TEST(ServiceKeys, WorkingDirMustBeAbsolute) {
  EXPECT_EQ(error_of("working_dir = \"srv\""),
            "pg.toml:3: working_dir must be an absolute path without control characters");
}

TEST(ServiceKeys, InitMustBeBoolean) {
  EXPECT_EQ(error_of("init = \"yes\""), "pg.toml:3: init must be true or false");
}

TEST(ServiceKeys, ShmSizeTakesSizesAndRejectsNonsense) {
  EXPECT_EQ(parse_ok("shm_size = \"64k\"").service.shm_size_bytes, 64 << 10);
  EXPECT_EQ(parse_ok("shm_size = 1048576").service.shm_size_bytes, 1 << 20);
  EXPECT_THAT(error_of("shm_size = \"lots\""), HasSubstr("pg.toml:3: shm_size must be a size"));
  EXPECT_THAT(error_of("shm_size = 0"), HasSubstr("pg.toml:3: shm_size must be a size"));
}

// --- tmpfs, caps, extra_hosts
// ---------------------------------------------------------------------

TEST(ServiceKeys, TmpfsParsesPathAndOptions) {
  auto d = parse_ok("tmpfs = [\"/tmp:size=64m,mode=1777\", \"/run/cache\"]");
  EXPECT_THAT(d.service.tmpfs,
              ElementsAre(Pair("/run/cache", ""), Pair("/tmp", "size=64m,mode=1777")));
  auto body = create_body(d);
  EXPECT_EQ(body["HostConfig"]["Tmpfs"]["/tmp"], "size=64m,mode=1777");
  EXPECT_EQ(body["HostConfig"]["Tmpfs"]["/run/cache"], "");
}

TEST(ServiceKeys, TmpfsRejectsRelativePathsBadOptionsAndDuplicates) {
  EXPECT_THAT(error_of("tmpfs = [\"tmp\"]"), HasSubstr("pg.toml:3: tmpfs entry \"tmp\": the path"));
  EXPECT_THAT(error_of("tmpfs = [\"/tmp:size=huge\"]"), HasSubstr("pg.toml:3: tmpfs entry"));
  EXPECT_THAT(error_of("tmpfs = [\"/tmp:exec;rm\"]"), HasSubstr("options must be"));
  EXPECT_EQ(error_of("tmpfs = [\"/tmp\", \"/tmp:ro\"]"),
            "pg.toml:3: tmpfs lists \"/tmp\" more than once");
}

TEST(ServiceKeys, CapabilitiesAreNormalisedAndChecked) {
  auto d = parse_ok("cap_add = [\"net_admin\", \"CAP_SYS_PTRACE\"]\ncap_drop = [\"ALL\"]");
  EXPECT_THAT(d.service.cap_add, ElementsAre("NET_ADMIN", "SYS_PTRACE"));
  EXPECT_THAT(d.service.cap_drop, ElementsAre("ALL"));
  auto body = create_body(d);
  EXPECT_EQ(body["HostConfig"]["CapAdd"], nlohmann::json({"NET_ADMIN", "SYS_PTRACE"}));
  EXPECT_EQ(body["HostConfig"]["CapDrop"], nlohmann::json({"ALL"}));
  EXPECT_THAT(error_of("cap_add = [\"NET_WIZARD\"]"),
              HasSubstr("pg.toml:3: cap_add: \"NET_WIZARD\" is not a Linux capability"));
  EXPECT_EQ(error_of("cap_drop = [\"ALL\", \"all\"]"),
            "pg.toml:3: cap_drop lists \"all\" more than once");
}

TEST(ServiceKeys, ExtraHostsTakeAddressesAndHostGateway) {
  auto d = parse_ok(
      "extra_hosts = [\"host.docker.internal:host-gateway\", \"db:10.0.0.5\", "
      "\"v6:fe80::1\"]");
  EXPECT_EQ(create_body(d)["HostConfig"]["ExtraHosts"],
            nlohmann::json({"host.docker.internal:host-gateway", "db:10.0.0.5", "v6:fe80::1"}));
  EXPECT_THAT(error_of("extra_hosts = [\"db\"]"),
              HasSubstr("pg.toml:3: extra_hosts entry \"db\" must be \"host:ip\""));
  EXPECT_THAT(error_of("extra_hosts = [\"db:300.1.1.1\"]"), HasSubstr("extra_hosts entry"));
}

// --- ports
// ----------------------------------------------------------------------------------------

TEST(ServiceKeys, ABarePortIsPublishedOnLoopbackOnAnyFreeHostPort) {
  auto d = parse_ok("ports = [\"5432\"]");
  ASSERT_EQ(d.service.ports.size(), 1u);
  EXPECT_EQ(d.service.ports[0], (PortBinding{"127.0.0.1", 0, 5432, "tcp"}));
  auto body = create_body(d);
  EXPECT_EQ(body["ExposedPorts"]["5432/tcp"], nlohmann::json::object());
  EXPECT_EQ(body["HostConfig"]["PortBindings"]["5432/tcp"],
            nlohmann::json::parse(R"([{"HostIp":"127.0.0.1","HostPort":""}])"));
}

TEST(ServiceKeys, PortsTakeEveryWrittenForm) {
  auto d = parse_ok(
      "ports = [5432, \"15432:5432\", \"0.0.0.0:8080:80\", \"127.0.0.1::9000\", "
      "\"[::1]:5353:53/udp\"]");
  EXPECT_THAT(d.service.ports, ElementsAre(PortBinding{"127.0.0.1", 0, 5432, "tcp"},
                                           PortBinding{"127.0.0.1", 15432, 5432, "tcp"},
                                           PortBinding{"0.0.0.0", 8080, 80, "tcp"},
                                           PortBinding{"127.0.0.1", 0, 9000, "tcp"},
                                           PortBinding{"::1", 5353, 53, "udp"}));
}

TEST(ServiceKeys, PortsRejectRangesBadNumbersAndDoubleBindings) {
  EXPECT_EQ(error_of("ports = [\"8000-8010:8000-8010\"]"),
            "pg.toml:3: ports entry \"8000-8010:8000-8010\": port ranges are not supported; list "
            "each port");
  EXPECT_EQ(error_of("ports = [\"70000\"]"),
            "pg.toml:3: ports entry \"70000\": the container port must be 1..65535");
  EXPECT_EQ(error_of("ports = [\"5432/sctp\"]"),
            "pg.toml:3: ports entry \"5432/sctp\": the protocol must be tcp or udp");
  EXPECT_EQ(error_of("ports = [\"1:5432\", \"1:5433\"]"),
            "pg.toml:3: ports entry \"1:5433\" publishes host port 1 a second time");
  EXPECT_THAT(error_of("ports = \"5432\""), HasSubstr("pg.toml:3: ports must be an array"));
}

// --- ulimits, labels
// ------------------------------------------------------------------------------

TEST(ServiceKeys, UlimitsTakeANumberOrSoftAndHard) {
  auto d = parse_ok("[ulimits]\nnofile = { soft = 1024, hard = 65536 }\nnproc = 512");
  EXPECT_THAT(d.service.ulimits,
              ElementsAre(Ulimit{"nofile", 1024, 65536}, Ulimit{"nproc", 512, 512}));
  EXPECT_EQ(create_body(d)["HostConfig"]["Ulimits"],
            nlohmann::json::parse(R"([{"Name":"nofile","Soft":1024,"Hard":65536},
                                      {"Name":"nproc","Soft":512,"Hard":512}])"));
}

TEST(ServiceKeys, UlimitsRejectUnknownNamesAndSoftAboveHard) {
  EXPECT_EQ(error_of("[ulimits]\nfiles = 10"), "pg.toml:4: unknown key \"files\" in [ulimits]");
  EXPECT_EQ(error_of("[ulimits]\nnofile = { soft = 10, hard = 5 }"),
            "pg.toml:4: ulimits.nofile.soft must not exceed ulimits.nofile.hard");
  EXPECT_THAT(error_of("[ulimits]\nnofile = \"many\""),
              HasSubstr("pg.toml:4: ulimits.nofile must be an integer"));
}

TEST(ServiceKeys, LabelsAreAddedButNeverOverrideOwnershipLabels) {
  auto d = parse_ok("[labels]\n\"org.example/team\" = \"infra\"");
  auto body = create_body(d);
  EXPECT_EQ(body["Labels"]["org.example/team"], "infra");
  EXPECT_EQ(body["Labels"]["swarmforge.managed-by"], "run-anvil");
  EXPECT_EQ(error_of("[labels]\n\"swarmforge.managed-by\" = \"me\""),
            "pg.toml:4: label \"swarmforge.managed-by\" is reserved: run-anvil sets the "
            "swarmforge.* labels itself and they decide which containers it owns");
  EXPECT_THAT(error_of("[labels]\n\"SwarmForge.tong.name\" = \"x\""), HasSubstr("is reserved"));
  EXPECT_THAT(error_of("[labels]\nx = \"${secret:env:TOKEN}\""),
              HasSubstr("pg.toml:4: labels.x holds a secret reference"));
}

// --- healthcheck, gpus
// ----------------------------------------------------------------------------

TEST(ServiceKeys, HealthcheckBecomesTheContainersHealthcheck) {
  auto d = parse_ok(R"([healthcheck]
test = ["CMD-SHELL", "pg_isready -U postgres"]
interval = "2s"
timeout = "1500ms"
retries = 5
start_period = "10s")");
  ASSERT_TRUE(d.service.healthcheck);
  auto body = create_body(d);
  EXPECT_EQ(body["Healthcheck"],
            nlohmann::json::parse(R"({"Test":["CMD-SHELL","pg_isready -U postgres"],
      "Interval":2000000000,"Timeout":1500000000,"Retries":5,"StartPeriod":10000000000})"));
}

TEST(ServiceKeys, HealthcheckTestStringIsAShellCommand) {
  auto d = parse_ok("[healthcheck]\ntest = \"redis-cli ping\"");
  EXPECT_THAT(d.service.healthcheck->test, ElementsAre("CMD-SHELL", "redis-cli ping"));
}

TEST(ServiceKeys, HealthcheckRejectsBadTestsAndKeys) {
  EXPECT_THAT(error_of("[healthcheck]\ntest = [\"pg_isready\"]"),
              HasSubstr("pg.toml:4: healthcheck.test must be [\"CMD\", argv...]"));
  EXPECT_EQ(error_of("[healthcheck]\ninterval = \"2s\""),
            "pg.toml:3: healthcheck.test is required");
  EXPECT_EQ(error_of("[healthcheck]\ntest = \"true\"\nevery = \"2s\""),
            "pg.toml:5: unknown key \"every\" in [healthcheck]");
  EXPECT_THAT(error_of("[healthcheck]\ntest = \"true\"\nretries = -1"),
              HasSubstr("pg.toml:5: healthcheck.retries must be"));
}

TEST(ServiceKeys, HealthcheckMakesItTheDefaultReadinessOfAPortlessSidecar) {
  auto r = parse_definition(kBase + "[healthcheck]\ntest = \"true\"\n", "w.toml", "w", Layer::Repo);
  ASSERT_TRUE(r.definition) << (r.diagnostics.empty() ? "" : r.diagnostics[0].str());
  EXPECT_EQ(r.definition->readiness.mode, ReadinessMode::Healthcheck);
}

TEST(ServiceKeys, GpusTakeAllOrACount) {
  EXPECT_EQ(parse_ok("[resources]\ngpus = \"all\"").resources.gpus, -1);
  auto d = parse_ok("[resources]\ngpus = 2");
  EXPECT_EQ(d.resources.gpus, 2);
  EXPECT_EQ(create_body(d)["HostConfig"]["DeviceRequests"],
            nlohmann::json::parse(R"([{"Driver":"","Count":2,"Capabilities":[["gpu"]]}])"));
  EXPECT_EQ(error_of("[resources]\ngpus = 0"),
            "pg.toml:4: resources.gpus must be \"all\" or a number of GPUs 1..1024");
}

// --- env_file
// -------------------------------------------------------------------------------------

TEST(ServiceKeys, EnvFileIsRecordedAndWorkspaceFilesMustStayBesideTheDefinition) {
  EXPECT_THAT(parse_ok("env_file = [\"pg.env\"]").service.env_files, ElementsAre("pg.env"));
  EXPECT_THAT(error_of("env_file = [\"../secrets.env\"]", Layer::Workspace),
              HasSubstr("pg.toml:3: env_file entry \"../secrets.env\" leaves the workspace"));
  EXPECT_THAT(error_of("env_file = [\"/etc/passwd\"]", Layer::Workspace), HasSubstr("leaves"));
}

TEST(EnvFile, ParsesLinesAndReportsBadOnesWithoutValues) {
  std::vector<std::pair<std::string, std::string>> out;
  auto problems = parse_env_file_text(
      "# comment\n\nA=1\nexport B=\"two words\"\nC='x'\nSECRETLESS\n9X=hunter2\n", "pg.env", out);
  EXPECT_THAT(out, ElementsAre(Pair("A", "1"), Pair("B", "two words"), Pair("C", "x")));
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_THAT(problems[0].str(), HasSubstr("pg.env:6: expected KEY=VALUE"));
  EXPECT_THAT(problems[1].str(), HasSubstr("pg.env:7: env key \"9X\""));
  EXPECT_THAT(problems[1].str(), Not(HasSubstr("hunter2")));
}

TEST(EnvFile, EnvTableWinsAndLaterFilesOverrideEarlierOnes) {
  Definition d;
  d.env = {{"A", "from-toml"}};
  merge_env_files(d, {{"A", "file1"}, {"B", "file1"}, {"B", "file2"}});
  EXPECT_THAT(d.env, ElementsAre(Pair("A", "from-toml"), Pair("B", "file2")));
}

// --- hash
// -----------------------------------------------------------------------------------------

TEST(ServiceKeys, DefinitionsWithoutTheKeysKeepTheirHash) {
  // The canonical form of a definition without SPEC §12 keys is what it was before they existed.
  auto json = config_canonical_json(parse_ok(""));
  EXPECT_EQ(json.find("\"user\""), std::string::npos);
  EXPECT_EQ(json.find("\"ports\""), std::string::npos);
  EXPECT_EQ(json.find("\"healthcheck\""), std::string::npos);
}

TEST(ServiceKeys, EveryKeyChangesTheHash) {
  const std::string base = hash_with("");
  const char* const variants[] = {
      "user = \"postgres\"",
      "working_dir = \"/srv\"",
      "init = true",
      "init = false",
      "shm_size = \"256m\"",
      "tmpfs = [\"/tmp\"]",
      "cap_add = [\"NET_ADMIN\"]",
      "cap_drop = [\"ALL\"]",
      "extra_hosts = [\"h:10.0.0.1\"]",
      "ports = [\"5432\"]",
      "[ulimits]\nnofile = 65536",
      "[labels]\nteam = \"infra\"",
      "[healthcheck]\ntest = \"true\"",
      "[resources]\ngpus = \"all\"",
  };
  std::set<std::string> seen{base};
  for (const char* v : variants) {
    EXPECT_TRUE(seen.insert(hash_with(v)).second) << v;
  }
}

TEST(ServiceKeys, HashIgnoresTheOrderOfListsThatDoNotShapeTheContainer) {
  EXPECT_EQ(hash_with("cap_add = [\"NET_ADMIN\", \"SYS_PTRACE\"]"),
            hash_with("cap_add = [\"SYS_PTRACE\", \"NET_ADMIN\"]"));
  EXPECT_EQ(hash_with("ports = [\"1:1\", \"2:2\"]"), hash_with("ports = [\"2:2\", \"1:1\"]"));
  EXPECT_NE(hash_with("ports = [\"1:1\"]"), hash_with("ports = [\"2:1\"]"));
}

}  // namespace
}  // namespace run_anvil::sidecars
