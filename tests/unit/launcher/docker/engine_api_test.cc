#include "run_anvil/launcher/docker/engine_api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "fake_http_transport.h"

namespace run_anvil::launcher {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class EngineApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto transport = std::make_unique<FakeHttpTransport>();
    fake = transport.get();
    fake->on("GET /version", 200, R"({"Version":"20.10.24","ApiVersion":"1.41"})");
    api = make_engine_api(std::move(transport));
  }

  const FakeHttpTransport::Request& last() const { return fake->requests.back(); }

  FakeHttpTransport* fake = nullptr;
  std::unique_ptr<Engine> api;
};

TEST_F(EngineApiTest, PingsOnceThenPrefixesEveryPathWithTheAssumedVersion) {
  fake->on("GET /v1.41/containers/json?all=1", 200, "[]");
  api->list_containers({});
  api->list_containers({});
  ASSERT_EQ(fake->requests.size(), 3u);
  EXPECT_EQ(fake->requests[0].path, "/_ping");
  EXPECT_EQ(fake->requests[1].path, "/v1.41/containers/json?all=1");
  EXPECT_EQ(fake->requests[2].path, "/v1.41/containers/json?all=1");
}

TEST_F(EngineApiTest, SwitchesToTheVersionAnOlderDaemonNamesAndRetries) {
  fake->on(
      "GET /v1.41/containers/json?all=1", 400,
      R"({"message":"client version 1.41 is too new. Maximum supported API version is 1.40"})");
  fake->on("GET /v1.40/containers/json?all=1", 200, "[]");
  EXPECT_NO_THROW(api->list_containers({}));
  api->list_containers({});
  EXPECT_EQ(fake->requests.back().path, "/v1.40/containers/json?all=1");
}

TEST_F(EngineApiTest, SwitchesToTheMinimumANewerDaemonNames) {
  fake->on(
      "POST /v1.41/containers/abc/start", 400,
      R"({"message":"client version 1.41 is too old. Minimum supported API version is 1.44, please upgrade your client to a newer version"})");
  fake->on("POST /v1.44/containers/abc/start", 204, "");
  EXPECT_NO_THROW(api->start_container("abc"));
  EXPECT_EQ(fake->requests.back().path, "/v1.44/containers/abc/start");
}

TEST_F(EngineApiTest, RejectsDaemonsOlderThanTheMinimumApi) {
  fake->on(
      "GET /v1.41/containers/json?all=1", 400,
      R"({"message":"client version 1.41 is too new. Maximum supported API version is 1.12"})");
  EXPECT_THROW(
      {
        try {
          api->list_containers({});
        } catch (const Error& e) {
          EXPECT_THAT(e.what(), HasSubstr("speaks Engine API 1.12"));
          throw;
        }
      },
      Error);
}

TEST_F(EngineApiTest, RetriesFirstContactAfterDaemonWasUnavailable) {
  auto transport = std::make_unique<FakeHttpTransport>();
  FakeHttpTransport* flaky = transport.get();
  flaky->unreachable("GET /_ping");
  flaky->on("GET /_ping", 200, "OK");
  flaky->on("GET /v1.41/containers/json?all=1", 200, "[]");
  auto engine = make_engine_api(std::move(transport));
  EXPECT_THROW(engine->list_containers({}), DaemonUnavailable);
  EXPECT_NO_THROW(engine->list_containers({}));
}

TEST_F(EngineApiTest, ReadsCarryAFifteenSecondTimeout) {
  fake->on("GET /v1.41/containers/json?all=1", 200, "[]");
  api->list_containers({});
  EXPECT_EQ(last().timeout, milliseconds(15000));
}

TEST_F(EngineApiTest, ChangesCarryASixtySecondTimeout) {
  fake->on("POST /v1.41/containers/abc/start", 204, "");
  api->start_container("abc");
  EXPECT_EQ(last().timeout, milliseconds(60000));
}

TEST_F(EngineApiTest, FirstContactCarriesAFiveSecondTimeout) {
  fake->on("GET /v1.41/containers/abc/json", 404, R"({"message":"No such container: abc"})");
  api->inspect_container("abc");
  ASSERT_FALSE(fake->requests.empty());
  EXPECT_EQ(fake->requests.front().path, "/_ping");
  EXPECT_EQ(fake->requests.front().timeout, milliseconds(5000));
}

TEST_F(EngineApiTest, EndpointAndLocalityComeFromTheTransport) {
  EXPECT_EQ(api->endpoint(), "unix:///fake.sock");
  EXPECT_TRUE(api->daemon_is_local());
}

TEST_F(EngineApiTest, ListContainersUrlEncodesLabelFilters) {
  const std::string path =
      "/v1.41/containers/json?all=1&filters="
      "%7B%22label%22%3A%5B%22swarmforge.tong%22%2C%22swarmforge.tong.session%3Da%20b%22%5D%7D";
  fake->on("GET " + path, 200, "[]");
  api->list_containers({{"swarmforge.tong", ""}, {"swarmforge.tong.session", "a b"}});
  EXPECT_EQ(last().path, path);
  EXPECT_EQ(last().method, "GET");
}

TEST_F(EngineApiTest, ListContainersMapsSummaryFields) {
  fake->on("GET /v1.41/containers/json?all=1", 200, R"([{
    "Id": "abc123", "Names": ["/tong-pg"], "Image": "postgres:16", "ImageID": "sha256:feed",
    "State": "running", "Labels": {"swarmforge.tong": "pg"},
    "NetworkSettings": {"Networks": {"agents": {"NetworkID": "net1", "IPAddress": "172.18.0.2",
                                                "Aliases": null}}}
  }, {"Id": "def", "Names": ["/other"], "State": "exited", "Labels": null,
      "NetworkSettings": {"Networks": null}}])");
  const auto list = api->list_containers({});
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, "abc123");
  EXPECT_EQ(list[0].name, "tong-pg");
  EXPECT_EQ(list[0].state, "running");
  EXPECT_TRUE(list[0].running);
  EXPECT_EQ(list[0].image, "postgres:16");
  EXPECT_EQ(list[0].image_id, "sha256:feed");
  EXPECT_EQ(list[0].labels.at("swarmforge.tong"), "pg");
  ASSERT_EQ(list[0].networks.count("agents"), 1u);
  EXPECT_EQ(list[0].networks.at("agents").network_id, "net1");
  EXPECT_EQ(list[0].networks.at("agents").ip, "172.18.0.2");
  EXPECT_TRUE(list[0].networks.at("agents").aliases.empty());
  EXPECT_FALSE(list[1].running);
  EXPECT_TRUE(list[1].labels.empty());
  EXPECT_TRUE(list[1].networks.empty());
}

TEST_F(EngineApiTest, InspectContainerMapsStateHealthAndNetworks) {
  fake->on("GET /v1.41/containers/tong-pg/json", 200, R"({
    "Id": "abc123", "Name": "/tong-pg", "Image": "sha256:feed",
    "State": {"Status": "running", "Running": true, "StartedAt": "2024-05-01T10:00:00.5Z",
              "Health": {"Status": "healthy", "Log": []}},
    "Config": {"Image": "postgres:16", "Labels": {"k": "v"},
               "Healthcheck": {"Test": ["CMD-SHELL", "pg_isready"]}},
    "NetworkSettings": {"Networks": {"agents": {"NetworkID": "net1", "IPAddress": "172.18.0.2",
                                                "Aliases": ["db", "abc123"]}}}})");
  const auto info = api->inspect_container("tong-pg");
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->name, "tong-pg");
  EXPECT_EQ(info->state, "running");
  EXPECT_TRUE(info->running);
  EXPECT_TRUE(info->has_healthcheck);
  EXPECT_EQ(info->health, "healthy");
  EXPECT_EQ(info->image, "postgres:16");
  EXPECT_EQ(info->image_id, "sha256:feed");
  EXPECT_EQ(info->labels.at("k"), "v");
  EXPECT_THAT(info->networks.at("agents").aliases, ElementsAre("db", "abc123"));
  EXPECT_EQ(info->started_at, "2024-05-01T10:00:00.5Z");
}

TEST_F(EngineApiTest, InspectContainerTreatsDisabledHealthcheckAsNone) {
  fake->on("GET /v1.41/containers/c/json", 200, R"({
    "Id": "c", "Name": "/c", "State": {"Status": "created", "Running": false,
                                       "StartedAt": "0001-01-01T00:00:00Z"},
    "Config": {"Image": "busybox", "Labels": null, "Healthcheck": {"Test": ["NONE"]}}})");
  const auto info = api->inspect_container("c");
  ASSERT_TRUE(info.has_value());
  EXPECT_FALSE(info->has_healthcheck);
  EXPECT_EQ(info->health, "");
  EXPECT_FALSE(info->running);
  EXPECT_EQ(info->started_at, "");
}

TEST_F(EngineApiTest, InspectContainerReportsDeclaredHealthcheckBeforeFirstStart) {
  fake->on("GET /v1.41/containers/c/json", 200, R"({
    "Id": "c", "State": {"Status": "created"},
    "Config": {"Healthcheck": {"Test": ["CMD", "true"]}}})");
  const auto info = api->inspect_container("c");
  ASSERT_TRUE(info.has_value());
  EXPECT_TRUE(info->has_healthcheck);
  EXPECT_EQ(info->health, "");
}

TEST_F(EngineApiTest, InspectContainerReturnsNulloptWhenAbsent) {
  fake->on("GET /v1.41/containers/gone/json", 404, R"({"message":"No such container: gone"})");
  EXPECT_FALSE(api->inspect_container("gone").has_value());
}

TEST_F(EngineApiTest, ImageIdKeepsReferenceStructureAndEscapesTheRest) {
  fake->on("GET /v1.41/images/registry:5000/team/pg@sha256:ab%20c/json", 200,
           R"({"Id":"sha256:feed"})");
  EXPECT_EQ(api->image_id("registry:5000/team/pg@sha256:ab c"), "sha256:feed");
}

TEST_F(EngineApiTest, ImageIdReturnsNulloptWhenImageIsNotLocal) {
  fake->on("GET /v1.41/images/postgres:16/json", 404, R"({"message":"No such image"})");
  EXPECT_FALSE(api->image_id("postgres:16").has_value());
}

TEST_F(EngineApiTest, CreateContainerSendsTheSpecAsEngineJson) {
  fake->on("POST /v1.41/containers/create?name=tong-pg", 201, R"({"Id":"new1","Warnings":[]})");
  ContainerSpec spec;
  spec.name = "tong-pg";
  spec.image = "postgres:16";
  spec.cmd = std::vector<std::string>{"postgres", "-c", "fsync=off"};
  spec.entrypoint = std::vector<std::string>{"/init"};
  spec.env = {"A=1"};
  spec.labels = {{"swarmforge.tong", "pg"}};
  spec.restart_policy = "unless-stopped";
  spec.memory_bytes = 1 << 20;
  spec.nano_cpus = 500000000;
  spec.binds = {"/src:/work:ro"};
  spec.network = "agents";
  spec.aliases = {"pg", "db"};
  EXPECT_EQ(api->create_container(spec), "new1");
  EXPECT_EQ(last().method, "POST");
  const json body = json::parse(last().body);
  EXPECT_EQ(body["Image"], "postgres:16");
  EXPECT_EQ(body["Cmd"], json({"postgres", "-c", "fsync=off"}));
  EXPECT_EQ(body["Entrypoint"], json({"/init"}));
  EXPECT_EQ(body["Env"], json({"A=1"}));
  EXPECT_EQ(body["Labels"]["swarmforge.tong"], "pg");
  EXPECT_EQ(body["HostConfig"]["RestartPolicy"]["Name"], "unless-stopped");
  EXPECT_EQ(body["HostConfig"]["Memory"], 1 << 20);
  EXPECT_EQ(body["HostConfig"]["NanoCpus"], 500000000);
  EXPECT_EQ(body["HostConfig"]["Binds"], json({"/src:/work:ro"}));
  EXPECT_EQ(body["HostConfig"]["NetworkMode"], "agents");
  EXPECT_EQ(body["NetworkingConfig"]["EndpointsConfig"]["agents"]["Aliases"], json({"pg", "db"}));
}

TEST_F(EngineApiTest, StrictBindsGoInMountsAsTypeBindSoAMissingSourceFailsTheCreate) {
  fake->on("POST /v1.41/containers/create?name=ops", 201, R"({"Id":"new1"})");
  ContainerSpec spec;
  spec.name = "ops";
  spec.image = "busybox";
  spec.binds = {"/src:/work"};
  spec.strict_binds = {{"/run/ra-dockerd-2/docker.sock", "/var/run/docker.sock", true}};
  api->create_container(spec);
  const json body = json::parse(last().body);
  EXPECT_EQ(body["HostConfig"]["Binds"], json({"/src:/work"}));
  EXPECT_EQ(body["HostConfig"]["Mounts"], json::parse(R"([{"Type":"bind",
      "Source":"/run/ra-dockerd-2/docker.sock","Target":"/var/run/docker.sock","ReadOnly":true}])"));
}

TEST_F(EngineApiTest, CreateContainerLeavesImageDefaultsAndDaemonNetworkAlone) {
  fake->on("POST /v1.41/containers/create?name=c", 201, R"({"Id":"new1"})");
  ContainerSpec spec;
  spec.name = "c";
  spec.image = "busybox";
  api->create_container(spec);
  const json body = json::parse(last().body);
  EXPECT_FALSE(body.contains("Cmd"));
  EXPECT_FALSE(body.contains("Entrypoint"));
  EXPECT_FALSE(body.contains("NetworkingConfig"));
  EXPECT_FALSE(body["HostConfig"].contains("NetworkMode"));
  EXPECT_FALSE(body["HostConfig"].contains("Mounts"));
}

TEST_F(EngineApiTest, CreateContainerThrowsDaemonMessageWhenNameIsTaken) {
  const std::string message =
      R"(Conflict. The container name "/tong-pg" is already in use by container "abc".)";
  fake->on("POST /v1.41/containers/create?name=tong-pg", 409, json{{"message", message}}.dump());
  ContainerSpec spec;
  spec.name = "tong-pg";
  spec.image = "postgres:16";
  try {
    api->create_container(spec);
    FAIL() << "expected DockerError";
  } catch (const DockerError& e) {
    EXPECT_EQ(e.status(), 409);
    EXPECT_EQ(std::string(e.what()), message);
  }
}

TEST_F(EngineApiTest, ErrorWithoutJsonBodyCarriesTheBodyText) {
  fake->on("POST /v1.41/containers/x/start", 500, "boom\n");
  try {
    api->start_container("x");
    FAIL() << "expected DockerError";
  } catch (const DockerError& e) {
    EXPECT_EQ(e.status(), 500);
    EXPECT_EQ(std::string(e.what()), "boom");
  }
}

TEST_F(EngineApiTest, StartContainerAcceptsAlreadyRunning) {
  fake->on("POST /v1.41/containers/x/start", 304, "");
  EXPECT_NO_THROW(api->start_container("x"));
}

TEST_F(EngineApiTest, RemoveContainerForcesAndIgnoresAbsent) {
  fake->on("DELETE /v1.41/containers/x?force=1&v=1", 404, R"({"message":"No such container: x"})");
  EXPECT_NO_THROW(api->remove_container("x"));
  EXPECT_EQ(last().method, "DELETE");
}

}  // namespace
}  // namespace run_anvil::launcher
