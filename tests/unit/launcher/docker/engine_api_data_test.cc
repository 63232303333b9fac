#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fake_http_transport.h"
#include "run_anvil/launcher/docker/engine_api.h"
#include "run_anvil/launcher/docker/engine_json.h"

// The Engine API calls keeping data needs (SPEC §11): mounts, the image's VOLUMEs, stop settings,
// removal without volumes, graceful stop by the container's own settings, restart policy update.
namespace run_anvil::launcher {
namespace {

class EngineApiDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto transport = std::make_unique<FakeHttpTransport>();
    fake = transport.get();
    api = make_engine_api(std::move(transport));
  }
  FakeHttpTransport* fake = nullptr;
  std::unique_ptr<Engine> api;
};

TEST_F(EngineApiDataTest, RemovalKeepingVolumesDoesNotAskForThem) {
  fake->on("DELETE /v1.41/containers/c1?force=1", 204, "");
  api->remove_container_keeping_volumes("c1");
  EXPECT_EQ(fake->requests.back().path, "/v1.41/containers/c1?force=1");
}

TEST_F(EngineApiDataTest, StopWithoutGraceLeavesItToTheContainersStopTimeout) {
  fake->on("POST /v1.41/containers/c1/stop", 204, "");
  api->stop_container("c1", std::nullopt);
  EXPECT_EQ(fake->requests.back().path, "/v1.41/containers/c1/stop");
}

TEST_F(EngineApiDataTest, RestartPolicyIsUpdatedInPlace) {
  fake->on("POST /v1.41/containers/c1/update", 200, R"({"Warnings":null})");
  api->update_restart_policy("c1", "no");
  EXPECT_EQ(nlohmann::json::parse(fake->requests.back().body),
            nlohmann::json::parse(R"({"RestartPolicy":{"Name":"no"}})"));
}

TEST(EngineJsonData, CreateCarriesStopSignalAndTimeoutOnlyWhenSet) {
  ContainerSpec spec;
  spec.image = "pg";
  EXPECT_FALSE(container_create_json(spec).contains("StopSignal"));
  EXPECT_FALSE(container_create_json(spec).contains("StopTimeout"));
  spec.stop_signal = "SIGINT";
  spec.stop_timeout = 30;
  EXPECT_EQ(container_create_json(spec)["StopSignal"], "SIGINT");
  EXPECT_EQ(container_create_json(spec)["StopTimeout"], 30);
}

// podman refuses a create that names endpoints without a network to put them on.
TEST(EngineJsonData, NoEndpointsWithoutANetwork) {
  ContainerSpec spec;
  spec.image = "busybox";
  for (const std::string mode : {"none", "host", "container:abc"}) {
    spec.network = mode;
    const auto body = container_create_json(spec);
    EXPECT_EQ(body["HostConfig"]["NetworkMode"], mode);
    EXPECT_FALSE(body.contains("NetworkingConfig")) << mode;
  }
  spec.network = "swarmforge-net";
  spec.aliases = {"db"};
  EXPECT_EQ(container_create_json(
                spec)["NetworkingConfig"]["EndpointsConfig"]["swarmforge-net"]["Aliases"][0],
            "db");
}

// `status --json` shows what `ports` published, as `docker ps` does; exposed-only ports are not.
TEST(EngineJsonData, PublishedPortsAreReadFromListAndInspect) {
  auto listed = container_from_summary_json(nlohmann::json::parse(R"({"Id":"c1","Names":["/x"],
    "Ports":[{"IP":"127.0.0.1","PrivatePort":5432,"PublicPort":49153,"Type":"tcp"},
             {"PrivatePort":80,"Type":"tcp"},
             {"IP":"::1","PrivatePort":5432,"PublicPort":49153,"Type":"tcp"}]})"));
  EXPECT_THAT(listed.published,
              ::testing::ElementsAre("127.0.0.1:49153->5432/tcp", "[::1]:49153->5432/tcp"));
  auto inspected = container_from_inspect_json(nlohmann::json::parse(R"({"Id":"c1","Name":"/x",
    "NetworkSettings":{"Ports":{"5432/tcp":[{"HostIp":"127.0.0.1","HostPort":"49153"}],
                                "80/tcp":null,
                                "53/udp":[{"HostIp":"0.0.0.0","HostPort":"5353"}]}}})"));
  EXPECT_THAT(inspected.published,
              ::testing::ElementsAre("0.0.0.0:5353->53/udp", "127.0.0.1:49153->5432/tcp"));
}

TEST(EngineJsonData, MountsAndImageVolumesAreRead) {
  auto info = container_from_summary_json(nlohmann::json::parse(R"({"Id":"c1","Names":["/x"],
    "Mounts":[{"Type":"volume","Name":"v1","Source":"/var/lib/docker/volumes/v1/_data",
               "Destination":"/data","RW":true},
              {"Type":"bind","Source":"/srv/seed","Destination":"/seed","RW":false}]})"));
  ASSERT_EQ(info.mounts.size(), 2u);
  EXPECT_EQ(info.mounts[0].name, "v1");
  EXPECT_EQ(info.mounts[0].destination, "/data");
  EXPECT_EQ(info.mounts[1].type, "bind");
  EXPECT_FALSE(info.mounts[1].read_write);
  auto image = image_config_from_inspect_json(nlohmann::json::parse(
      R"({"Id":"sha256:ab","Config":{"Volumes":{"/var/lib/postgresql/data":{},"/a":{}}}})"));
  EXPECT_EQ(image.id, "sha256:ab");
  EXPECT_EQ(image.volumes, (std::vector<std::string>{"/a", "/var/lib/postgresql/data"}));
}

}  // namespace
}  // namespace run_anvil::launcher
