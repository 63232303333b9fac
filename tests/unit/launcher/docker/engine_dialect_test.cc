// The engines behind the Engine API (SPEC §16): negotiation from the daemon's own answer up to
// 1.52, newer API shapes (recorded 1.44 / 1.52 responses, written from the Engine API reference),
// and podman's departures, all against the fake transport.
#include "run_anvil/launcher/docker/engine_dialect.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fake_http_transport.h"
#include "run_anvil/errors.h"
#include "run_anvil/launcher/docker/engine_api.h"
#include "run_anvil/launcher/docker/engine_json.h"

namespace run_anvil::launcher {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

using Headers = std::map<std::string, std::string>;

// GET /_ping headers as the engines send them (names lower-cased by the transport).
const Headers kDocker20{{"api-version", "1.41"}, {"server", "Docker/20.10.24 (linux)"}};
const Headers kDocker29{{"api-version", "1.52"}, {"server", "Docker/29.1.0 (linux)"}};
const Headers kDocker30{{"api-version", "1.53"}};
const Headers kPodman43{
    {"api-version", "1.41"}, {"libpod-api-version", "4.3.1"}, {"server", "Libpod/4.3.1 (linux)"}};

// GET /containers/{id}/json from API 1.52 (Docker 29): no top-level NetworkSettings.IPAddress,
// Gateway, MacAddress ...; every address is per network.
constexpr const char* kInspect152 = R"({
  "Id": "c0ffee", "Name": "/swarmforge-shared-pg", "RestartCount": 0, "Image": "sha256:abc",
  "State": {"Status": "running", "Running": true, "ExitCode": 0,
            "StartedAt": "2026-01-02T03:04:05.123456789Z",
            "Health": {"Status": "healthy", "FailingStreak": 0, "Log": []}},
  "Config": {"Image": "postgres:16", "Labels": {"swarmforge.managed-by": "run-anvil"},
             "Env": ["A=1"], "Healthcheck": {"Test": ["CMD-SHELL", "pg_isready"]}},
  "NetworkSettings": {"SandboxID": "s", "SandboxKey": "/var/run/docker/netns/s", "Ports": {},
    "Networks": {"swarmforge-net": {"IPAMConfig": null, "Links": null,
      "Aliases": ["pg"], "DNSNames": ["pg", "swarmforge-shared-pg", "c0ffee"],
      "MacAddress": "02:42:ac:11:00:02", "DriverOpts": null, "GwPriority": 0,
      "NetworkID": "9f8e7d", "EndpointID": "e1", "Gateway": "172.18.0.1",
      "IPAddress": "172.18.0.2", "IPPrefixLen": 16, "IPv6Gateway": "",
      "GlobalIPv6Address": "", "GlobalIPv6PrefixLen": 0}}}
})";

// One element of GET /containers/json from API 1.52: it carries Health.
constexpr const char* kList152 = R"json([{
  "Id": "c0ffee", "Names": ["/swarmforge-shared-pg"], "Image": "postgres:16",
  "ImageID": "sha256:abc", "State": "running", "Status": "Up 3 minutes (healthy)",
  "Health": {"Status": "healthy", "FailingStreak": 0},
  "Labels": {"swarmforge.managed-by": "run-anvil"},
  "NetworkSettings": {"Networks": {"swarmforge-net": {"NetworkID": "9f8e7d",
    "IPAddress": "172.18.0.2", "Aliases": null, "DNSNames": ["pg"]}}}
}])json";

// podman 4.3's compat inspect of a container without a healthcheck, on its network: the
// NetworkID is the network's NAME, and State.Health is present but empty.
constexpr const char* kPodmanInspect = R"({
  "Id": "abc123", "Name": "/swarmforge-shared-web", "Image": "sha256:img",
  "State": {"Status": "running", "Running": true, "ExitCode": 0,
            "StartedAt": "2026-01-02T03:04:05Z",
            "Health": {"Status": "", "FailingStreak": 0, "Log": null}},
  "Config": {"Image": "busybox", "Labels": {}, "Env": [], "Healthcheck": null},
  "NetworkSettings": {"Networks": {"swarmforge-net": {"NetworkID": "swarmforge-net",
    "IPAddress": "10.89.0.2", "Aliases": ["web", "abc123"]}}}
})";

std::unique_ptr<Engine> engine_with(FakeHttpTransport*& fake, const Headers& ping) {
  auto transport = std::make_unique<FakeHttpTransport>();
  fake = transport.get();
  fake->on("GET /_ping", 200, "OK", ping);
  return make_engine_api(std::move(transport));
}

ContainerSpec two_network_spec() {
  ContainerSpec spec;
  spec.name = "swarmforge-shared-pg";
  spec.image = "postgres:16";
  spec.network = "swarmforge-net";
  spec.aliases = {"pg"};
  spec.more_networks["anvil-1-session"] = {"pg"};
  return spec;
}

// ---------------------------------------------------------------- negotiation

TEST(EngineDialectTest, SpeaksTheNewestApiTheDaemonNamesInItsPing) {
  EXPECT_EQ(dialect_from_ping(kDocker20, "e").api, (ApiVersion{1, 41}));
  EXPECT_EQ(dialect_from_ping(kDocker29, "e").api, (ApiVersion{1, 52}));
}

TEST(EngineDialectTest, CapsAtTheNewestApiItKnows) {
  EXPECT_EQ(dialect_from_ping(kDocker30, "e").api, kMaxApi);
}

TEST(EngineDialectTest, AssumesOneFortyOneWhenThePingNamesNoVersion) {
  EXPECT_EQ(dialect_from_ping({}, "e").api, kAssumedApi);
  EXPECT_EQ(dialect_from_ping({{"api-version", "banana"}}, "e").api, kAssumedApi);
}

TEST(EngineDialectTest, RefusesADaemonOlderThanTheMinimum) {
  try {
    dialect_from_ping({{"api-version", "1.12"}}, "unix:///old.sock");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("unix:///old.sock speaks Engine API 1.12"));
  }
}

TEST(EngineDialectTest, TellsPodmanByItsLibpodHeader) {
  const EngineDialect podman = dialect_from_ping(kPodman43, "e");
  EXPECT_TRUE(podman.podman);
  EXPECT_EQ(podman.libpod_api, "4.3.1");
  EXPECT_FALSE(dialect_from_ping(kDocker29, "e").podman);
}

TEST(EngineDialectTest, ReadsTheMinimumFromDocker29sRefusal) {
  EXPECT_EQ(version_named_in_refusal("client version 1.41 is too old. Minimum supported API "
                                     "version is 1.44, please upgrade your client to a newer "
                                     "version",
                                     "e"),
            (ApiVersion{1, 44}));
  EXPECT_EQ(version_named_in_refusal("client version 1.41 is too old. Minimum supported API "
                                     "version is 1.44.",
                                     "e"),
            (ApiVersion{1, 44}));
  EXPECT_EQ(version_named_in_refusal("No such container: x", "e"), std::nullopt);
}

TEST(EngineDialectTest, UsesThePingVersionForEveryPath) {
  FakeHttpTransport* fake = nullptr;
  auto api = engine_with(fake, kDocker29);
  fake->on("GET /v1.52/containers/json?all=1", 200, "[]");
  api->list_containers({});
  EXPECT_EQ(fake->requests.back().path, "/v1.52/containers/json?all=1");
}

TEST(EngineDialectTest, RetriesWithTheMinimumDocker29Names) {
  FakeHttpTransport* fake = nullptr;
  auto api = engine_with(fake, {});  // a ping without API-Version: 1.41 assumed
  fake->on(
      "POST /v1.41/containers/create?name=swarmforge-shared-pg", 400,
      R"({"message":"client version 1.41 is too old. Minimum supported API version is 1.44, please upgrade your client to a newer version"})");
  fake->on("POST /v1.44/containers/create?name=swarmforge-shared-pg", 201, R"({"Id":"new"})");
  fake->on("POST /v1.44/networks/anvil-1-session/connect", 200, "");
  EXPECT_EQ(api->create_container(two_network_spec()), "new");
  // The retried body was made for 1.41, so the second network is connected before start.
  EXPECT_EQ(fake->requests[2].path, "/v1.44/containers/create?name=swarmforge-shared-pg");
  EXPECT_EQ(fake->requests.back().path, "/v1.44/networks/anvil-1-session/connect");
  // From now on 1.44: both networks in the create call itself.
  fake->on("POST /v1.44/containers/create?name=swarmforge-shared-pg", 201, R"({"Id":"next"})");
  api->create_container(two_network_spec());
  const json body = json::parse(fake->requests.back().body);
  EXPECT_TRUE(body["NetworkingConfig"]["EndpointsConfig"].contains("anvil-1-session"));
}

// ---------------------------------------------------------------- newer API shapes

TEST(EngineDialectTest, JoinsEveryNetworkInTheCreateCallFromApi144) {
  FakeHttpTransport* fake = nullptr;
  auto api = engine_with(fake, {{"api-version", "1.44"}});
  fake->on("POST /v1.44/containers/create?name=swarmforge-shared-pg", 201, R"({"Id":"new"})");
  api->create_container(two_network_spec());
  const json endpoints =
      json::parse(fake->requests.back().body)["NetworkingConfig"]["EndpointsConfig"];
  EXPECT_EQ(endpoints["swarmforge-net"]["Aliases"], json({"pg"}));
  EXPECT_EQ(endpoints["anvil-1-session"]["Aliases"], json({"pg"}));
  EXPECT_EQ(fake->requests.size(), 2u);  // ping, create
}

TEST(EngineDialectTest, BeforeApi144ConnectsTheOtherNetworksBeforeStart) {
  FakeHttpTransport* fake = nullptr;
  auto api = engine_with(fake, kDocker20);
  fake->on("POST /v1.41/containers/create?name=swarmforge-shared-pg", 201, R"({"Id":"new"})");
  fake->on("POST /v1.41/networks/anvil-1-session/connect", 200, "");
  api->create_container(two_network_spec());
  const json endpoints = json::parse(fake->requests[1].body)["NetworkingConfig"]["EndpointsConfig"];
  EXPECT_FALSE(endpoints.contains("anvil-1-session"));
  ASSERT_EQ(fake->requests.size(), 3u);
  EXPECT_EQ(fake->requests[2].path, "/v1.41/networks/anvil-1-session/connect");
  EXPECT_EQ(json::parse(fake->requests[2].body)["Container"], "new");
}

TEST(EngineDialectTest, AFailedLateConnectRemovesTheHalfMadeContainer) {
  FakeHttpTransport* fake = nullptr;
  auto api = engine_with(fake, kDocker20);
  fake->on("POST /v1.41/containers/create?name=swarmforge-shared-pg", 201, R"({"Id":"new"})");
  fake->on("POST /v1.41/networks/anvil-1-session/connect", 404,
           R"({"message":"network anvil-1-session not found"})");
  fake->on("DELETE /v1.41/containers/new?force=1&v=1", 204, "");
  EXPECT_THROW(api->create_container(two_network_spec()), DockerError);
  EXPECT_EQ(fake->requests.back().path, "/v1.41/containers/new?force=1&v=1");
}

TEST(EngineDialectTest, ReadsAddressesPerNetworkFromApi152Inspect) {
  FakeHttpTransport* fake = nullptr;
  auto api = engine_with(fake, kDocker29);
  fake->on("GET /v1.52/containers/pg/json", 200, kInspect152);
  const auto info = api->inspect_container("pg");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->networks.at("swarmforge-net").ip, "172.18.0.2");
  EXPECT_EQ(info->networks.at("swarmforge-net").network_id, "9f8e7d");
  EXPECT_EQ(info->health, "healthy");
  EXPECT_TRUE(info->has_healthcheck);
}

TEST(EngineDialectTest, TakesHealthFromApi152ContainerLists) {
  FakeHttpTransport* fake = nullptr;
  auto api = engine_with(fake, kDocker29);
  fake->on("GET /v1.52/containers/json?all=1", 200, kList152);
  const auto list = api->list_containers({});
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].health, "healthy");
  EXPECT_TRUE(list[0].has_healthcheck);
  EXPECT_EQ(list[0].networks.at("swarmforge-net").ip, "172.18.0.2");
}

TEST(EngineDialectTest, OlderListsLeaveHealthUnknown) {
  const ContainerInfo info = container_from_summary_json(json::parse(
      R"json({"Id":"x","Names":["/x"],"State":"running","Status":"Up (healthy)"})json"));
  EXPECT_EQ(info.health, "");
  EXPECT_FALSE(info.has_healthcheck);
}

// ---------------------------------------------------------------- podman

TEST(EngineDialectTest, PodmansNameConflictIsAConflict) {
  FakeHttpTransport* fake = nullptr;
  auto api = engine_with(fake, kPodman43);
  fake->on(
      "POST /v1.41/containers/create?name=swarmforge-shared-pg", 500,
      R"({"cause":"that name is already in use","message":"creating container storage: the container name \"swarmforge-shared-pg\" is already in use by abc. You have to remove that container to be able to reuse that name: that name is already in use","response":500})");
  try {
    api->create_container(two_network_spec());
    FAIL() << "no error";
  } catch (const DockerError& e) {
    EXPECT_EQ(e.status(), 409);
    EXPECT_THAT(e.what(), HasSubstr("already in use"));
  }
}

// What podman 4.3.1 answered a launcher whose peer had just removed the container.
TEST(EngineDialectTest, PodmansContainerGoneMidCallIsNotFound) {
  FakeHttpTransport* fake = nullptr;
  auto api = engine_with(fake, kPodman43);
  fake->on(
      "DELETE /v4.3.1/libpod/containers/64eaf4?force=true&timeout=0", 500,
      R"({"cause":"no such container","message":"container 64eaf4 does not exist in database: no such container","response":500})");
  fake->on(
      "POST /v1.41/containers/64eaf4/stop", 500,
      R"({"cause":"no such container","message":"container 64eaf4 does not exist in database: no such container","response":500})");
  EXPECT_NO_THROW(api->stop_container("64eaf4", std::nullopt));
  EXPECT_NO_THROW(api->remove_container_keeping_volumes("64eaf4"));
}

// podman's compat forced removal waits the StopTimeout first (10 s for a probe container that
// ignores SIGTERM); libpod's removal with timeout=0 kills at once, as Docker's does.
TEST(EngineDialectTest, PodmanRemovesThroughLibpodWithoutAStopTimeout) {
  FakeHttpTransport* fake = nullptr;
  auto api = engine_with(fake, kPodman43);
  fake->on("DELETE /v4.3.1/libpod/containers/p1?force=true&timeout=0&volumes=true", 200, "[]");
  fake->on("DELETE /v4.3.1/libpod/containers/p2?force=true&timeout=0", 200, "[]");
  fake->on(
      "DELETE /v4.3.1/libpod/containers/gone?force=true&timeout=0", 404,
      R"({"cause":"no such container","message":"no container with name or ID \"gone\" found: no such container","response":404})");
  EXPECT_NO_THROW(api->remove_container("p1"));
  EXPECT_NO_THROW(api->remove_container_keeping_volumes("p2"));
  EXPECT_NO_THROW(api->remove_container_keeping_volumes("gone"));
}

TEST(EngineDialectTest, DockerRemovesThroughTheCompatApi) {
  FakeHttpTransport* fake = nullptr;
  auto api = engine_with(fake, kDocker20);
  fake->on("DELETE /v1.41/containers/d1?force=1&v=1", 204, "");
  fake->on("DELETE /v1.41/containers/d2?force=1", 204, "");
  EXPECT_NO_THROW(api->remove_container("d1"));
  EXPECT_NO_THROW(api->remove_container_keeping_volumes("d2"));
}

TEST(EngineDialectTest, DockersServerErrorsAboutContainersStayServerErrors) {
  EXPECT_EQ(response_status(dialect_from_ping(kDocker20, "e"), 500, "no such container"), 500);
  EXPECT_EQ(response_status(dialect_from_ping(kPodman43, "e"), 500, "disk full"), 500);
}

TEST(EngineDialectTest, OtherServerErrorsStayServerErrors) {
  EXPECT_EQ(create_status(500, "no space left on device"), 500);
  EXPECT_EQ(create_status(409, "Conflict."), 409);
}

TEST(EngineDialectTest, PodmanGetsRestartAlwaysForWhatDockerRestartsUnlessStopped) {
  FakeHttpTransport* fake = nullptr;
  auto api = engine_with(fake, kPodman43);
  fake->on("POST /v1.41/containers/create?name=swarmforge-shared-pg", 201, R"({"Id":"p"})");
  ContainerSpec spec = two_network_spec();
  spec.restart_policy = "unless-stopped";
  api->create_container(spec);
  const json body = json::parse(fake->requests.back().body);
  EXPECT_EQ(body["HostConfig"]["RestartPolicy"]["Name"], "always");
  // podman joins several networks at create whatever API version it reports.
  EXPECT_TRUE(body["NetworkingConfig"]["EndpointsConfig"].contains("anvil-1-session"));
}

TEST(EngineDialectTest, DockerKeepsUnlessStopped) {
  EXPECT_EQ(restart_policy_for(dialect_from_ping(kDocker29, "e"), "unless-stopped"),
            "unless-stopped");
  EXPECT_EQ(restart_policy_for(dialect_from_ping(kPodman43, "e"), "no"), "no");
}

// podman's compat create stores StopTimeout 0 when none is sent (measured on 4.3.1: `docker stop`
// then SIGKILLs right after SIGTERM, exit 137), so Docker's 10 s default is sent explicitly.
TEST(EngineDialectTest, PodmanGetsDockersTenSecondStopTimeoutWhenTheDefinitionSetsNone) {
  FakeHttpTransport* fake = nullptr;
  auto api = engine_with(fake, kPodman43);
  fake->on("POST /v1.41/containers/create?name=swarmforge-shared-pg", 201, R"({"Id":"p"})");
  ContainerSpec spec = two_network_spec();
  api->create_container(spec);
  EXPECT_EQ(json::parse(fake->requests.back().body)["StopTimeout"], 10);
  spec.stop_timeout = 3;
  api->create_container(spec);
  EXPECT_EQ(json::parse(fake->requests.back().body)["StopTimeout"], 3);
}

TEST(EngineDialectTest, DockerLeavesAnUnsetStopTimeoutToTheDaemon) {
  FakeHttpTransport* fake = nullptr;
  auto api = engine_with(fake, kDocker29);
  fake->on("POST /v1.52/containers/create?name=swarmforge-shared-pg", 201, R"({"Id":"p"})");
  api->create_container(two_network_spec());
  EXPECT_FALSE(json::parse(fake->requests.back().body).contains("StopTimeout"));
}

// podman 4.3: POST /containers/{id}/update is 404 and `podman update` has no --restart.
// What readiness needs to tell podman's "stopped" between two restarts from a stop for good.
TEST(EngineDialectTest, InspectCarriesTheRestartPolicy) {
  const ContainerInfo info = container_from_inspect_json(json::parse(R"({
    "Id": "p1", "Name": "/swarmforge-shared-fail", "RestartCount": 6,
    "State": {"Status": "stopped", "Running": false, "ExitCode": 3},
    "HostConfig": {"RestartPolicy": {"Name": "always", "MaximumRetryCount": 0}}})"));
  EXPECT_EQ(info.restart_policy, "always");
  EXPECT_EQ(info.state, "stopped");
  EXPECT_EQ(info.exit_code, 3);
  EXPECT_EQ(container_from_inspect_json(json::parse(R"({"Id": "d"})")).restart_policy, "");
}

TEST(EngineDialectTest, OnlyDockerUpdatesARestartPolicy) {
  FakeHttpTransport* fake = nullptr;
  EXPECT_FALSE(engine_with(fake, kPodman43)->updates_restart_policy());
  EXPECT_TRUE(engine_with(fake, kDocker20)->updates_restart_policy());
  EXPECT_TRUE(engine_with(fake, kDocker29)->updates_restart_policy());
}

TEST(EngineDialectTest, PodmansNetworkNameInNetworkIdIsNotTakenForAnId) {
  FakeHttpTransport* fake = nullptr;
  auto api = engine_with(fake, kPodman43);
  fake->on("GET /v1.41/containers/web/json", 200, kPodmanInspect);
  const auto info = api->inspect_container("web");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->networks.at("swarmforge-net").network_id, "");
  EXPECT_EQ(info->networks.at("swarmforge-net").ip, "10.89.0.2");
}

TEST(EngineDialectTest, PodmansEmptyHealthMeansNoHealthcheck) {
  FakeHttpTransport* fake = nullptr;
  auto api = engine_with(fake, kPodman43);
  fake->on("GET /v1.41/containers/web/json", 200, kPodmanInspect);
  const auto info = api->inspect_container("web");
  ASSERT_TRUE(info);
  EXPECT_FALSE(info->has_healthcheck);
  EXPECT_EQ(info->health, "");
  // Nothing to run: no libpod healthcheck call.
  EXPECT_EQ(fake->requests.size(), 2u);
}

json podman_with_healthcheck(const std::string& status) {
  json inspect = json::parse(kPodmanInspect);
  inspect["State"]["Health"]["Status"] = status;
  inspect["Config"]["Healthcheck"] = {{"Test", {"CMD-SHELL", "test -e /tmp/ok"}},
                                      {"Interval", 60000000000LL},
                                      {"Timeout", 2000000000LL}};
  return inspect;
}

TEST(EngineDialectTest, PodmanHealthcheckIsRunByTheLauncherAtMostOncePerInterval) {
  FakeHttpTransport* fake = nullptr;
  auto api = engine_with(fake, kPodman43);
  fake->on("GET /v1.41/containers/web/json", 200, podman_with_healthcheck("starting").dump());
  fake->on("GET /v4.3.1/libpod/containers/abc123/healthcheck", 200,
           R"({"Status":"healthy","FailingStreak":0,"Log":[]})");
  const auto first = api->inspect_container("web");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->health, "healthy");
  EXPECT_EQ(fake->requests.back().path, "/v4.3.1/libpod/containers/abc123/healthcheck");
  EXPECT_EQ(fake->requests.back().timeout, std::chrono::milliseconds(7000));  // 2 s + slack
  // Within the 60 s interval: looked at, not run again.
  const auto second = api->inspect_container("web");
  EXPECT_EQ(fake->requests.back().path, "/v1.41/containers/web/json");
  EXPECT_EQ(second->health, "starting");
}

TEST(EngineDialectTest, AFailedPodmanHealthcheckRunLeavesTheContainersOwnStatus) {
  FakeHttpTransport* fake = nullptr;
  auto api = engine_with(fake, kPodman43);
  fake->on("GET /v1.41/containers/web/json", 200, podman_with_healthcheck("starting").dump());
  // A failing run answers "unhealthy" while retries are left: still starting.
  fake->on("GET /v4.3.1/libpod/containers/abc123/healthcheck", 200,
           R"({"Status":"unhealthy","FailingStreak":1,"Log":[]})");
  EXPECT_EQ(api->inspect_container("web")->health, "starting");
}

TEST(EngineDialectTest, DockerHealthIsNeverRunByTheLauncher) {
  FakeHttpTransport* fake = nullptr;
  auto api = engine_with(fake, kDocker20);
  fake->on("GET /v1.41/containers/web/json", 200, podman_with_healthcheck("starting").dump());
  api->inspect_container("web");
  EXPECT_EQ(fake->requests.size(), 2u);
}

TEST(EngineDialectTest, PodmanNetworkWithoutDnsSaysSo) {
  FakeHttpTransport* fake = nullptr;
  auto api = engine_with(fake, kPodman43);
  fake->on("GET /v1.41/networks/podman", 200,
           R"({"Name":"podman","Id":"2f25","Driver":"bridge","Labels":{}})");
  fake->on("GET /v4.3.1/libpod/networks/2f25/json", 200,
           R"({"name":"podman","id":"2f25","driver":"bridge","dns_enabled":false})");
  const auto network = api->inspect_network("podman");
  ASSERT_TRUE(network);
  EXPECT_FALSE(api->network_resolves_names(*network));
}

TEST(EngineDialectTest, DockerNetworksLeaveDnsUnsaid) {
  FakeHttpTransport* fake = nullptr;
  auto api = engine_with(fake, kDocker20);
  fake->on("GET /v1.41/networks/n", 200, R"({"Name":"n","Id":"1","Driver":"bridge"})");
  EXPECT_TRUE(api->network_resolves_names(*api->inspect_network("n")));
  EXPECT_EQ(fake->requests.size(), 2u);  // ping, inspect: no libpod call
  EXPECT_FALSE(api->engine_is_podman());
}

TEST(EngineDialectTest, ImportsAnImageFromARootFileSystemTar) {
  FakeHttpTransport* fake = nullptr;
  auto api = engine_with(fake, kDocker20);
  fake->on("POST /v1.41/images/create?fromSrc=-&repo=run-anvil%2Fprobe&tag=0123456789ab", 200,
           R"({"status":"sha256:feed"})");
  fake->on("POST /v1.41/images/sha256:feed/tag?repo=run-anvil%2Fprobe&tag=0123456789ab", 201, "");
  api->import_image("run-anvil/probe:0123456789ab", "tar bytes");
  EXPECT_EQ(fake->requests[1].body, "tar bytes");
  // podman ignores repo/tag on import: the image is tagged by the id it reported.
  EXPECT_EQ(fake->requests.back().path,
            "/v1.41/images/sha256:feed/tag?repo=run-anvil%2Fprobe&tag=0123456789ab");
}

}  // namespace
}  // namespace run_anvil::launcher
