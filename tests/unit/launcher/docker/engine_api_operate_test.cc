#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fake_http_transport.h"
#include "run_anvil/launcher/docker/engine_api.h"

// The Engine API calls `status`, `doctor` and `down` added: env names, network listing, stop.
namespace run_anvil::launcher {
namespace {

using ::testing::ElementsAre;

class EngineApiOperateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto transport = std::make_unique<FakeHttpTransport>();
    fake = transport.get();
    fake->on("GET /version", 200, R"({"Version":"20.10.24","ApiVersion":"1.41"})");
    api = make_engine_api(std::move(transport));
  }
  FakeHttpTransport* fake = nullptr;
  std::unique_ptr<Engine> api;
};

TEST_F(EngineApiOperateTest, InspectKeepsEnvNamesAndDropsValues) {
  fake->on("GET /v1.41/containers/agent/json", 200, R"({"Id":"c1","Name":"/agent",
    "State":{"Status":"running","Running":true},
    "Config":{"Env":["SWARMFORGE_TONG_PG_HOST=pg","API_TOKEN=s3cr3t-value","EMPTY=","NOEQUALS"]}})");
  auto info = api->inspect_container("agent");
  ASSERT_TRUE(info);
  EXPECT_THAT(info->env_keys,
              ElementsAre("SWARMFORGE_TONG_PG_HOST", "API_TOKEN", "EMPTY", "NOEQUALS"));
  for (const auto& key : info->env_keys) EXPECT_EQ(key.find("s3cr3t"), std::string::npos);
}

TEST_F(EngineApiOperateTest, ListNetworksFiltersByLabelAndLeavesContainersToInspect) {
  fake->on("GET /v1.41/networks?filters=%7B%22label%22%3A%5B%22swarmforge.session%22%5D%7D", 200,
           R"([{"Id":"n1","Name":"s-1","Driver":"bridge","Labels":{"swarmforge.session":"a"},
               "Containers":{}}])");
  auto nets = api->list_networks({{"swarmforge.session", ""}});
  ASSERT_EQ(nets.size(), 1u);
  EXPECT_EQ(nets[0].name, "s-1");
  EXPECT_EQ(nets[0].labels.at("swarmforge.session"), "a");
  EXPECT_TRUE(nets[0].container_ids.empty());
}

TEST_F(EngineApiOperateTest, StopSendsTheGracePeriodAndWaitsLongerThanIt) {
  fake->on("POST /v1.41/containers/c1/stop?t=10", 204, "");
  api->stop_container("c1", std::chrono::seconds(10));
  const auto& stop = fake->requests.back();
  EXPECT_EQ(stop.path, "/v1.41/containers/c1/stop?t=10");
  EXPECT_GT(stop.timeout, std::chrono::milliseconds(10000));
}

TEST_F(EngineApiOperateTest, StopOfAStoppedOrAbsentContainerIsNotAnError) {
  fake->on("POST /v1.41/containers/c1/stop?t=1", 304, "");
  fake->on("POST /v1.41/containers/gone/stop?t=1", 404, R"({"message":"No such container"})");
  EXPECT_NO_THROW(api->stop_container("c1", std::chrono::seconds(1)));
  EXPECT_NO_THROW(api->stop_container("gone", std::chrono::seconds(1)));
}

TEST_F(EngineApiOperateTest, StopFailureCarriesTheDaemonMessage) {
  fake->on("POST /v1.41/containers/c1/stop?t=1", 500, R"({"message":"cannot stop"})");
  try {
    api->stop_container("c1", std::chrono::seconds(1));
    ADD_FAILURE() << "no error";
  } catch (const DockerError& e) {
    EXPECT_EQ(std::string(e.what()), "cannot stop");
    EXPECT_EQ(e.status(), 500);
  }
}

}  // namespace
}  // namespace run_anvil::launcher
