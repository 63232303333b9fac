#include "run_anvil/sidecars/plan/config_hash.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>

namespace run_anvil::sidecars {
namespace {

// --- sha256 -------------------------------------------------------------------------------------

TEST(Sha256Test, MatchesFipsVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256Test, MatchesTheMillionAVector) {
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// Lengths around the padding boundary (55 fits one block, 56 spills into a second), checked
// against coreutils `sha256sum`.
TEST(Sha256Test, MatchesSha256sumAroundThePaddingBoundary) {
  EXPECT_EQ(sha256_hex(std::string(55, 'x')),
            "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072");
  EXPECT_EQ(sha256_hex(std::string(56, 'x')),
            "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e");
  EXPECT_EQ(sha256_hex(std::string(64, 'x')),
            "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c");
}

TEST(Sha256Test, HashesArbitraryBytesIncludingNulAndHighBytes) {
  EXPECT_EQ(sha256_hex(std::string("run-anvil\n\x00\xff", 12)),
            "c98a075436a7ed20af98b88bcc6b007d3b0972fd111accedd16152f90f4d65c7");
}

// --- config hash --------------------------------------------------------------------------------

Definition postgres() {
  Definition d;
  d.name = "pg";
  d.lifecycle = Lifecycle::Shared;
  d.image = "postgres:16";
  d.command = std::vector<std::string>{"postgres", "-c", "fsync=off"};
  d.mounts = {{Mount::Kind::DockerSocket, true}};
  d.restart = "unless-stopped";
  d.interface.kind = InterfaceKind::Port;
  d.interface.port = 5432;
  d.interface.aliases = {"db", "database"};
  d.env = {{"API_TOKEN", "${secret:env:HOST_TOKEN}"}, {"POSTGRES_PASSWORD", "dev"}};
  d.resources = {"512m", "1.5", 512LL * 1024 * 1024, 1500000000};
  return d;
}

TEST(ConfigHashTest, IsSixtyFourLowerCaseHexDigits) {
  const std::string hash = config_hash(postgres());
  ASSERT_EQ(hash.size(), 64u);
  EXPECT_EQ(hash.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(hash, sha256_hex(config_canonical_json(postgres())));
}

TEST(ConfigHashTest, CanonicalJsonIsCompactSortedAndVersioned) {
  Definition d;
  d.image = "busybox";
  d.restart = "no";
  d.lifecycle = Lifecycle::Session;
  EXPECT_EQ(config_canonical_json(d),
            R"({"command":null,"entrypoint":null,"env":{},"image":"busybox",)"
            R"("interface":{"aliases":[],"kind":"none","mcp_name":"","mcp_path":"",)"
            R"("mountpoint":"","port":0,"volume":""},"lifecycle":"session","mounts":[],)"
            R"("resources":{"memory_bytes":0,"nano_cpus":0},"restart":"no","v":1})");
}

TEST(ConfigHashTest, IsStableUnderFieldAndListOrder) {
  Definition b;
  // Same definition, built in another order, env and aliases and mounts listed differently.
  b.resources = {"512M", "1.50", 512LL * 1024 * 1024, 1500000000};
  b.interface.aliases = {"database", "db"};
  b.interface.port = 5432;
  b.interface.kind = InterfaceKind::Port;
  b.env = {{"POSTGRES_PASSWORD", "dev"}, {"API_TOKEN", "${secret:env:HOST_TOKEN}"}};
  b.restart = "unless-stopped";
  b.mounts = {{Mount::Kind::DockerSocket, true}};
  b.command = std::vector<std::string>{"postgres", "-c", "fsync=off"};
  b.image = "postgres:16";
  b.name = "pg";
  EXPECT_EQ(config_hash(b), config_hash(postgres()));
}

TEST(ConfigHashTest, WorkspaceWithoutModeEqualsExplicitReadWrite) {
  Definition a = postgres();
  a.mounts = {{Mount::Kind::Workspace, false}, {Mount::Kind::DockerSocket, true}};
  Definition b = postgres();
  b.mounts = {{Mount::Kind::DockerSocket, true}, {Mount::Kind::Workspace, false}};
  EXPECT_EQ(config_hash(a), config_hash(b));
  EXPECT_NE(config_canonical_json(a).find(R"("mounts":["docker-socket:ro","workspace:rw"])"),
            std::string::npos);
}

struct Change {
  const char* what;
  std::function<void(Definition&)> apply;
};

TEST(ConfigHashTest, ChangesWhenAnythingThatShapesTheContainerChanges) {
  const std::vector<Change> changes = {
      {"image", [](Definition& d) { d.image = "postgres:17"; }},
      {"command", [](Definition& d) { d.command->push_back("-v"); }},
      {"command unset", [](Definition& d) { d.command.reset(); }},
      {"command empty vs unset", [](Definition& d) { d.command = std::vector<std::string>{}; }},
      {"entrypoint", [](Definition& d) { d.entrypoint = std::vector<std::string>{"sh"}; }},
      {"env value", [](Definition& d) { d.env[1].second = "prod"; }},
      {"env secret ref", [](Definition& d) { d.env[0].second = "${secret:env:OTHER}"; }},
      {"env added", [](Definition& d) { d.env.emplace_back("Z", ""); }},
      {"port", [](Definition& d) { d.interface.port = 5433; }},
      {"alias", [](Definition& d) { d.interface.aliases.push_back("pg"); }},
      {"kind", [](Definition& d) { d.interface.kind = InterfaceKind::Mcp; }},
      {"mcp path", [](Definition& d) { d.interface.mcp_path = "/mcp"; }},
      {"volume", [](Definition& d) { d.interface.volume = "cache"; }},
      {"mount mode", [](Definition& d) { d.mounts[0].read_only = false; }},
      {"mount added",
       [](Definition& d) {
         d.mounts.push_back({Mount::Kind::Workspace, true});
       }},
      {"memory", [](Definition& d) { d.resources.memory_bytes += 1; }},
      {"cpus", [](Definition& d) { d.resources.nano_cpus = 1000000000; }},
      {"restart", [](Definition& d) { d.restart = "always"; }},
      {"lifecycle", [](Definition& d) { d.lifecycle = Lifecycle::Session; }},
  };
  const std::string base = config_hash(postgres());
  for (const Change& change : changes) {
    Definition d = postgres();
    change.apply(d);
    EXPECT_NE(config_hash(d), base) << change.what;
  }
}

TEST(ConfigHashTest, IgnoresWhatDoesNotShapeTheContainer) {
  const std::vector<Change> changes = {
      {"description", [](Definition& d) { d.description = "another words"; }},
      {"readiness mode", [](Definition& d) { d.readiness.mode = ReadinessMode::Exec; }},
      {"readiness timeout", [](Definition& d) { d.readiness.timeout = std::chrono::seconds(90); }},
      {"readiness command", [](Definition& d) { d.readiness.command = {"pg_isready"}; }},
      {"depends_on", [](Definition& d) { d.depends_on = {"minio"}; }},
      {"layer", [](Definition& d) { d.layer = Layer::Workspace; }},
      {"file", [](Definition& d) { d.file = "/elsewhere/pg.toml"; }},
      {"lines", [](Definition& d) { d.lines["image"] = 12; }},
      {"disable", [](Definition& d) { d.disable = true; }},
      {"resources as written", [](Definition& d) { d.resources.memory = "0.5g"; }},
  };
  const std::string base = config_hash(postgres());
  for (const Change& change : changes) {
    Definition d = postgres();
    change.apply(d);
    EXPECT_EQ(config_hash(d), base) << change.what;
  }
}

TEST(ConfigHashTest, NeverContainsAResolvedSecretBecauseValuesStayUnresolved) {
  const std::string json = config_canonical_json(postgres());
  EXPECT_NE(json.find(R"("API_TOKEN":"${secret:env:HOST_TOKEN}")"), std::string::npos);
}

}  // namespace
}  // namespace run_anvil::sidecars
