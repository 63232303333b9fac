#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fake_http_transport.h"
#include "run_anvil/launcher/engine_api.h"

// The Engine API calls sessions and secrets need: image defaults, archive upload, volumes.
namespace run_anvil::launcher {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

class EngineApiSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto transport = std::make_unique<FakeHttpTransport>();
    fake = transport.get();
    fake->on("GET /version", 200, R"({"ApiVersion":"1.41"})");
    api = make_engine_api(std::move(transport));
  }
  FakeHttpTransport* fake = nullptr;
  std::unique_ptr<DockerCLI> api;
};

TEST_F(EngineApiSessionTest, ImageConfigMapsEntrypointCmdAndUser) {
  fake->on("GET /v1.41/images/reg.io:5000/pg:16/json", 200,
           R"({"Id":"sha256:1","Config":{"Entrypoint":["docker-entrypoint.sh"],
               "Cmd":["postgres"],"User":"postgres"}})");
  auto config = api->image_config("reg.io:5000/pg:16");
  ASSERT_TRUE(config);
  EXPECT_THAT(config->entrypoint, ElementsAre("docker-entrypoint.sh"));
  EXPECT_THAT(config->cmd, ElementsAre("postgres"));
  EXPECT_EQ(config->user, "postgres");
}

TEST_F(EngineApiSessionTest, ImageConfigToleratesNullsAndAbsence) {
  fake->on("GET /v1.41/images/busybox/json", 200,
           R"({"Id":"sha256:1","Config":{"Entrypoint":null,"Cmd":null,"User":""}})");
  auto config = api->image_config("busybox");
  ASSERT_TRUE(config);
  EXPECT_TRUE(config->entrypoint.empty());
  EXPECT_TRUE(config->cmd.empty());
  fake->on("GET /v1.41/images/missing/json", 404, R"({"message":"No such image"})");
  EXPECT_FALSE(api->image_config("missing"));
}

TEST_F(EngineApiSessionTest, PutArchiveSendsTheTarToTheContainersArchive) {
  const std::string tar("binary\0tar", 10);
  fake->on("PUT /v1.41/containers/abc/archive?path=/", 200, "");
  api->put_archive("abc", "/", tar);
  EXPECT_EQ(fake->requests.back().method, "PUT");
  EXPECT_EQ(fake->requests.back().body, tar);
}

TEST_F(EngineApiSessionTest, PutArchiveErrorIsTheDaemonsWordsNotTheBody) {
  fake->on("PUT /v1.41/containers/abc/archive?path=/", 404,
           R"({"message":"Could not find the file / in container abc"})");
  try {
    api->put_archive("abc", "/", "SECRET-BYTES");
    FAIL() << "expected an error";
  } catch (const DockerError& e) {
    EXPECT_EQ(e.status(), 404);
    EXPECT_THAT(e.what(), Not(HasSubstr("SECRET-BYTES")));
  }
}

TEST_F(EngineApiSessionTest, VolumesAreCreatedWithLabelsListedByLabelAndRemoved) {
  fake->on("POST /v1.41/volumes/create", 201, R"({"Name":"a1-tong-cache"})");
  api->create_volume("a1-tong-cache", {{"swarmforge.session", "a1"}});
  json body = json::parse(fake->requests.back().body);
  EXPECT_EQ(body["Name"], "a1-tong-cache");
  EXPECT_EQ(body["Labels"]["swarmforge.session"], "a1");

  fake->on("GET /v1.41/volumes?filters=%7B%22label%22%3A%5B%22swarmforge.session%22%5D%7D", 200,
           R"({"Volumes":[{"Name":"a1-tong-cache","Labels":{"swarmforge.session":"a1"}},
                          {"Name":"x","Labels":null}],"Warnings":null})");
  auto volumes = api->list_volumes({{"swarmforge.session", ""}});
  ASSERT_EQ(volumes.size(), 2u);
  EXPECT_EQ(volumes[0].name, "a1-tong-cache");
  EXPECT_EQ(volumes[0].labels.at("swarmforge.session"), "a1");
  EXPECT_TRUE(volumes[1].labels.empty());

  fake->on("DELETE /v1.41/volumes/gone", 404, R"({"message":"no such volume"})");
  api->remove_volume("gone");  // absent is fine
  fake->on("DELETE /v1.41/volumes/busy", 409, R"({"message":"volume is in use"})");
  EXPECT_THROW(api->remove_volume("busy"), DockerError);
}

}  // namespace
}  // namespace run_anvil::launcher
