#include <nlohmann/json.hpp>

#include "operate_fixture.h"
#include "run_anvil/sidecars/operate/status_model.h"

namespace run_anvil::launcher {
namespace {

using fakes::none_sidecar;
using fakes::port_sidecar;
using nlohmann::json;

class StatusTest : public OperateTest {
 protected:
  json status_json() {
    auto d = deps();
    EXPECT_EQ(show_status(d, discovery, StatusFormat::Json), 0);
    return json::parse(out.str());
  }
  json row(const json& j, const std::string& name) {
    for (const auto& s : j.at("sidecars")) {
      if (s.at("name") == name) return s;
    }
    ADD_FAILURE() << "no row " << name << " in " << j.dump();
    return {};
  }
};

TEST_F(StatusTest, DeclaredSidecarWithoutContainerIsAbsent) {
  define(port_sidecar("pg", 5432));
  auto j = status_json();
  EXPECT_EQ(j.at("total_count"), 1);
  EXPECT_EQ(j.at("running_count"), 0);
  auto pg = row(j, "pg");
  EXPECT_EQ(pg.at("state"), "absent");
  EXPECT_EQ(pg.at("discovered"), true);
  EXPECT_EQ(pg.at("layer"), "repo");
  EXPECT_EQ(pg.at("container"), "swarmforge-shared-pg");
  EXPECT_TRUE(pg.at("id").is_null());
  EXPECT_TRUE(pg.at("stale").is_null());
  EXPECT_TRUE(pg.at("ready").is_null());
}

TEST_F(StatusTest, RunningUpToDateSidecarIsReadyNotStaleWithUptime) {
  auto& d = define(port_sidecar("pg", 5432));
  add_sidecar(d);
  auto pg = row(status_json(), "pg");
  EXPECT_EQ(pg.at("state"), "running");
  EXPECT_EQ(pg.at("stale"), false);
  EXPECT_EQ(pg.at("ready"), true);
  EXPECT_EQ(pg.at("uptime_seconds"), 600);
  EXPECT_EQ(pg.at("networks"), json::array({"swarmforge-net"}));
  EXPECT_EQ(pg.at("used_by"), json::array());
  EXPECT_EQ(dialer.dials, 1);
}

TEST_F(StatusTest, RefusedPortIsNotReady) {
  auto& d = define(port_sidecar("pg", 5432));
  add_sidecar(d);
  dialer.answer = [](const std::string&, int) { return DialResult::Refused; };
  EXPECT_EQ(row(status_json(), "pg").at("ready"), false);
}

TEST_F(StatusTest, TcpReadinessIsUnknownWithRemoteDaemon) {
  auto& d = define(port_sidecar("pg", 5432));
  add_sidecar(d);
  docker.local = false;
  EXPECT_TRUE(row(status_json(), "pg").at("ready").is_null());
  EXPECT_EQ(dialer.dials, 0);
}

TEST_F(StatusTest, UnroutableNetworkLeavesReadinessUnknownInsteadOfARunningCheck) {
  auto& d = define(port_sidecar("pg", 5432));
  add_sidecar(d);
  dialer.answer = [](const std::string&, int) { return DialResult::Unreachable; };
  auto pg = row(status_json(), "pg");
  EXPECT_TRUE(pg.at("ready").is_null()) << pg.dump();
  EXPECT_EQ(err.str(), "") << "no degrade warning from status";
  EXPECT_EQ(docker.count_calls("create "), 0) << "status never starts a probe container";
}

TEST_F(StatusTest, ExecReadinessRunsTheCommandOnce) {
  auto& d = define(none_sidecar("db", sidecars::ReadinessMode::Exec));
  d.readiness.command = {"pg_isready"};
  add_sidecar(d);
  docker.exec_exit_codes["swarmforge-shared-db"] = 1;
  EXPECT_EQ(row(status_json(), "db").at("ready"), false);
  EXPECT_GE(docker.count_calls("exec "), 1);
}

TEST_F(StatusTest, ChangedDefinitionMarksStale) {
  auto& d = define(port_sidecar("pg", 5432));
  add_sidecar(d, true, "an-older-hash");
  auto pg = row(status_json(), "pg");
  EXPECT_EQ(pg.at("stale"), true);
  EXPECT_EQ(pg.at("stale_reason"), "config changed");
}

TEST_F(StatusTest, ImageRebuiltUnderSameTagMarksStale) {
  auto& d = define(port_sidecar("pg", 5432));
  add_sidecar(d);
  docker.images[d.image] = "sha256:rebuilt";
  auto pg = row(status_json(), "pg");
  EXPECT_EQ(pg.at("stale"), true);
  EXPECT_EQ(pg.at("stale_reason"), "image rebuilt");
}

TEST_F(StatusTest, StoppedSidecarIsStoppedWithoutUptime) {
  auto& d = define(port_sidecar("pg", 5432));
  add_sidecar(d, false);
  auto j = status_json();
  auto pg = row(j, "pg");
  EXPECT_EQ(pg.at("state"), "stopped");
  EXPECT_EQ(pg.at("docker_state"), "exited");
  EXPECT_TRUE(pg.at("uptime_seconds").is_null());
  EXPECT_EQ(j.at("running_count"), 0);
}

TEST_F(StatusTest, ManagedContainerWithoutDefinitionHereIsListedUndiscovered) {
  add_sidecar(port_sidecar("old", 80), true, "", "/gone/old.toml");
  auto j = status_json();
  auto old = row(j, "old");
  EXPECT_EQ(old.at("discovered"), false);
  EXPECT_TRUE(old.at("layer").is_null());
  EXPECT_EQ(old.at("definition"), "/gone/old.toml");
  EXPECT_TRUE(old.at("stale").is_null());
  EXPECT_EQ(j.at("running_count"), 1);
  EXPECT_EQ(j.at("total_count"), 1);
}

TEST_F(StatusTest, UsersAreRunningAnvilsWithItsCoordinatesOnASharedNetwork) {
  auto& pg = define(port_sidecar("pg", 5432));
  auto& pgt = define(port_sidecar("pg-test", 5433));
  add_sidecar(pg);
  add_sidecar(pgt);
  add_anvil("agent-1", "pg");
  add_anvil("agent-2", "pg-test");                               // PG_TEST_* is not pg's
  add_anvil("agent-3", "pg", "elsewhere");                       // no network shared with pg
  add_anvil("agent-4", "pg", sidecars::kDefaultNetwork, false);  // not running
  add_anvil("agent-5", "");                                      // no coordinates at all
  auto j = status_json();
  EXPECT_EQ(row(j, "pg").at("used_by"), json::array({"agent-1"}));
  EXPECT_EQ(row(j, "pg-test").at("used_by"), json::array({"agent-2"}));
}

TEST_F(StatusTest, UnmanagedContainerOnTheNameIsAClash) {
  define(port_sidecar("pg", 5432));
  docker.add_container("swarmforge-shared-pg", true, {});
  auto pg = row(status_json(), "pg");
  EXPECT_EQ(pg.at("name_clash"), true);
  EXPECT_EQ(pg.at("state"), "absent");
}

TEST_F(StatusTest, SessionDefinitionShowsOneRowPerSessionContainer) {
  auto d = none_sidecar("cache");
  d.lifecycle = sidecars::Lifecycle::Session;
  define(d);
  auto labels = sidecars::container_labels(d, sidecars::config_hash(d), "sha256:cache");
  labels[sidecars::kLabelSession] = "agent-1";
  docker.add_container("agent-1-tong-cache", true, labels);
  docker.add_container("agent-2-tong-cache", true, labels);
  auto j = status_json();
  EXPECT_EQ(j.at("total_count"), 2);
  EXPECT_EQ(j.at("sidecars")[0].at("lifecycle"), "session");
  EXPECT_EQ(j.at("sidecars")[0].at("container"), "agent-1-tong-cache");
}

TEST_F(StatusTest, ProbeContainersAreNotSidecars) {
  docker.add_container(
      "swarmforge-probe-pg-1a2b", true,
      {{sidecars::kLabelManagedBy, sidecars::kManagedByValue}, {sidecars::kLabelProbe, "pg"}});
  EXPECT_EQ(status_json().at("total_count"), 0);
}

TEST_F(StatusTest, JsonListsThePortsPublishedOnTheHost) {
  auto& d = define(port_sidecar("pg", 5432));
  add_sidecar(d).published = {"127.0.0.1:49153->5432/tcp"};
  EXPECT_EQ(row(status_json(), "pg").at("ports"), json::array({"127.0.0.1:49153->5432/tcp"}));
}

TEST_F(StatusTest, JsonSchemaHasEveryDocumentedField) {
  auto& d = define(port_sidecar("pg", 5432));
  add_sidecar(d);
  auto j = status_json();
  EXPECT_EQ(j.at("schema_version"), 1);
  for (const char* key :
       {"name",         "discovered", "layer",          "definition", "lifecycle",     "container",
        "id",           "state",      "docker_state",   "health",     "ready",         "stale",
        "stale_reason", "name_clash", "needs_approval", "origin",     "image",         "networks",
        "used_by",      "volumes",    "ports",          "started_at", "uptime_seconds"}) {
    EXPECT_TRUE(j.at("sidecars")[0].contains(key)) << key;
  }
  EXPECT_EQ(j.at("sidecars")[0].size(), 23u) << "a new field must be documented in the README";
}

TEST_F(StatusTest, PlainTextIsOneLinePerSidecarPlusSummary) {
  auto& d = define(port_sidecar("pg", 5432));
  add_sidecar(d);
  add_anvil("agent-1", "pg");
  define(port_sidecar("web", 80));
  auto dd = deps();
  show_status(dd, discovery, StatusFormat::Plain);
  EXPECT_EQ(out.str(),
            "pg layer=repo lifecycle=shared state=running ready=yes stale=no uptime=10m "
            "image=img/pg:1 ports=- networks=swarmforge-net used_by=agent-1 "
            "container=swarmforge-shared-pg\n"
            "web layer=repo lifecycle=shared state=absent ready=- stale=- uptime=- "
            "image=img/web:1 ports=- networks=- used_by=- container=swarmforge-shared-web\n"
            "1 of 2 running\n");
}

TEST_F(StatusTest, TableAlignsColumnsUnderAHeader) {
  auto& d = define(port_sidecar("pg", 5432));
  add_sidecar(d, true, "old");
  auto dd = deps();
  show_status(dd, discovery, StatusFormat::Table);
  std::string text = out.str();
  EXPECT_EQ(text.rfind("NAME  LAYER  LIFECYCLE  STATE    READY  STALE", 0), 0u) << text;
  EXPECT_NE(text.find("pg    repo   shared     running  yes    yes: config changed"),
            std::string::npos)
      << text;
}

TEST_F(StatusTest, NothingDeclaredNorManagedSaysSo) {
  auto dd = deps();
  show_status(dd, discovery, StatusFormat::Table);
  EXPECT_EQ(out.str(), "no sidecars: none is declared here and run-anvil manages no container\n");
}

TEST_F(StatusTest, DefinitionProblemsAreAWarningNotAFailure) {
  discovery.diagnostics.push_back({"/repo/bad.toml", 3, "unknown key \"x\""});
  auto dd = deps();
  EXPECT_EQ(show_status(dd, discovery, StatusFormat::Json), 0);
  EXPECT_NE(err.str().find("/repo/bad.toml:3: unknown key"), std::string::npos) << err.str();
}

TEST(StatusModel, ReadsDaemonTimestamps) {
  EXPECT_EQ(epoch_seconds("2024-05-01T12:00:00.5Z"), 1714564800);
  EXPECT_EQ(epoch_seconds("2024-05-01T12:00:00Z"), 1714564800);
  EXPECT_EQ(epoch_seconds(""), std::nullopt);
  EXPECT_EQ(epoch_seconds("2024-05-01T12:00:00+02:00"), std::nullopt);
}

TEST(StatusOutput, UptimeIsShortAndHuman) {
  EXPECT_EQ(uptime_text(45), "45s");
  EXPECT_EQ(uptime_text(600), "10m");
  EXPECT_EQ(uptime_text(3 * 3600 + 5 * 60), "3h05m");
  EXPECT_EQ(uptime_text(2 * 86400 + 4 * 3600), "2d04h");
}

TEST_F(StatusTest, NeverExecsIntoAContainerMadeFromAnotherDefinition) {
  // Another project's db of the same name: our readiness command must not run in it.
  auto& d = define(none_sidecar("db", sidecars::ReadinessMode::Exec));
  d.readiness.command = {"sh", "-c", "cat /run/secrets/*"};
  add_sidecar(d, true, "", RUN_ANVIL_TEST_DATA "/definitions/pg.toml");
  auto db = row(status_json(), "db");
  EXPECT_EQ(docker.count_calls("exec "), 0);
  EXPECT_TRUE(db.at("ready").is_null());
  EXPECT_EQ(db.at("origin"), "foreign");
}

TEST_F(StatusTest, UnapprovedWorkspaceDefinitionIsListedButNeverProbes) {
  auto ws = none_sidecar("db", sidecars::ReadinessMode::Exec);
  ws.readiness.command = {"touch", "/tmp/pwned"};
  ws.layer = sidecars::Layer::Workspace;
  add_sidecar(ws);  // even its own container
  GatedDiscovery gated;
  gated.unapproved = {ws};
  gated.all = {ws};
  auto dd = deps();
  show_status(dd, gated, StatusFormat::Json);
  auto db = row(json::parse(out.str()), "db");
  EXPECT_EQ(docker.count_calls("exec "), 0);
  EXPECT_EQ(db.at("needs_approval"), true);
  EXPECT_TRUE(db.at("ready").is_null());
}

}  // namespace
}  // namespace run_anvil::launcher
