#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fake_http_transport.h"
#include "run_anvil/launcher/docker/engine_api.h"
#include "run_anvil/launcher/docker/engine_json.h"

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
  std::unique_ptr<Engine> api;
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

TEST_F(EngineApiSessionTest, AttachStdinWritesThePayloadOnAnAttachedConnection) {
  fake->on("POST /v1.41/containers/abc/attach?stream=1&stdin=1", 101, "");
  api->attach_stdin("abc", "K='v'\n");
  EXPECT_EQ(fake->requests.back().method, "HIJACK");
  EXPECT_EQ(fake->requests.back().path, "/v1.41/containers/abc/attach?stream=1&stdin=1");
  EXPECT_EQ(fake->requests.back().body, "K='v'\n");
}

TEST_F(EngineApiSessionTest, AttachStdinErrorIsTheDaemonsWordsNotThePayload) {
  fake->on("POST /v1.41/containers/abc/attach?stream=1&stdin=1", 409,
           R"({"message":"container abc is not running"})");
  try {
    api->attach_stdin("abc", "SECRET-BYTES");
    FAIL() << "expected an error";
  } catch (const DockerError& e) {
    EXPECT_EQ(e.status(), 409);
    EXPECT_THAT(e.what(), Not(HasSubstr("SECRET-BYTES")));
  }
}

TEST_F(EngineApiSessionTest, StatPathDecodesTheDaemonsStatHeader) {
  // {"name":"sh","size":7,"mode":134218239,"mtime":"...","linkTarget":"/bin/busybox"}
  HttpResponse link{200, "", {}};
  link.headers["x-docker-container-path-stat"] =
      "eyJuYW1lIjoic2giLCJzaXplIjo3LCJtb2RlIjoxMzQyMTgyMzksIm10aW1lIjoiMjAyNC0wMS0wMVQwMDowMDowMFoi"
      "LCJsaW5rVGFyZ2V0IjoiL2Jpbi9idXN5Ym94In0=";
  auto stat = path_stat_from_header(link.headers["x-docker-container-path-stat"]);
  ASSERT_TRUE(stat);
  EXPECT_FALSE(stat->regular);
  EXPECT_EQ(stat->link_target, "/bin/busybox");
  // {"name":"busybox","size":1,"mode":493,"mtime":"x","linkTarget":""}
  stat = path_stat_from_header(
      "eyJuYW1lIjoiYnVzeWJveCIsInNpemUiOjEsIm1vZGUiOjQ5MywibXRpbWUiOiJ4IiwibGlua1RhcmdldCI6IiJ9");
  ASSERT_TRUE(stat);
  EXPECT_TRUE(stat->regular);
  EXPECT_FALSE(path_stat_from_header("not base64!"));
  fake->on("HEAD /v1.41/containers/abc/archive?path=/bin/sh", 404, "");
  EXPECT_FALSE(api->stat_path("abc", "/bin/sh"));
}

TEST_F(EngineApiSessionTest, ProcessCommandsReadTheTopCommandColumn) {
  fake->on(
      "GET /v1.41/containers/abc/top", 200,
      R"({"Titles":["UID","PID","PPID","C","STIME","TTY","TIME","CMD"],)"
      R"("Processes":[["root","1","0","0","t","?","0","/bin/sh -c : run-anvil-await-secrets"]]})");
  EXPECT_EQ(api->process_commands("abc"),
            std::vector<std::string>{"/bin/sh -c : run-anvil-await-secrets"});
  fake->on("GET /v1.41/containers/gone/top", 409, R"({"message":"is not running"})");
  EXPECT_TRUE(api->process_commands("gone").empty());
}

// podman 4.3 (the container's busybox ps, recorded): one title line, one string per process.
TEST_F(EngineApiSessionTest, ProcessCommandsReadPodmansUnsplitPsOutput) {
  fake->on("GET /v1.41/containers/abc/top", 200,
           R"({"Processes":[["1 root     /bin/sh -c : run-anvil-await-secrets;  read l"],)"
           R"(["7 root     sleep 100"]],"Titles":["PID   USER     COMMAND"]})");
  EXPECT_EQ(
      api->process_commands("abc"),
      (std::vector<std::string>{"/bin/sh -c : run-anvil-await-secrets;  read l", "sleep 100"}));
  // podman 4.3 once the process has ended.
  fake->on("GET /v1.41/containers/ended/top", 200, "");
  EXPECT_TRUE(api->process_commands("ended").empty());
  fake->on("GET /v1.41/containers/odd/top", 200,
           R"({"Processes":[["1 root"]],"Titles":["PID   USER"]})");
  EXPECT_TRUE(api->process_commands("odd").empty());
}

// podman 4.3 answers with full names; they are shown as docker shows them.
TEST_F(EngineApiSessionTest, LocalTagsAreInDockersFamiliarForm) {
  fake->on("GET /v1.41/images/json?filters=%7B%22reference%22%3A%5B%22redis%22%5D%7D", 200,
           R"([{"RepoTags":["docker.io/library/redis:7","<none>:<none>"]},)"
           R"({"RepoTags":["docker.io/library/redis:6"]}])");
  EXPECT_EQ(api->local_tags("redis"), (std::vector<std::string>{"redis:6", "redis:7"}));
  fake->on("GET /v1.41/images/json?filters=%7B%22reference%22%3A%5B%22a%2Fb%22%5D%7D", 200,
           R"([{"RepoTags":["docker.io/a/b:1","localhost/a/b:2"]}])");
  EXPECT_EQ(api->local_tags("a/b"), (std::vector<std::string>{"a/b:1", "localhost/a/b:2"}));
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
