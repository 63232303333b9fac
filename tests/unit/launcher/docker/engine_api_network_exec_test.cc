#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "fake_http_transport.h"
#include "run_anvil/launcher/docker/engine_api.h"
#include "run_anvil/launcher/docker/engine_json.h"

namespace run_anvil::launcher {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using ::testing::ElementsAre;

const std::string kAgentsByName = "/v1.41/networks?filters=%7B%22name%22%3A%5B%22agents%22%5D%7D";

class EngineApiNetworkExecTest : public ::testing::Test {
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

TEST_F(EngineApiNetworkExecTest, InspectNetworkIgnoresAnotherNetworkMatchedByIdPrefix) {
  fake->on("GET /v1.41/networks/abc", 200, R"({"Id":"ffff","Name":"other"})");
  fake->on("GET /v1.41/networks/ff", 200, R"({"Id":"ffff","Name":"other"})");
  EXPECT_FALSE(api->inspect_network("abc").has_value());
  EXPECT_TRUE(api->inspect_network("ff").has_value());
}

TEST_F(EngineApiNetworkExecTest, InspectNetworkMapsFields) {
  fake->on("GET /v1.41/networks/agents", 200, R"({"Id":"n1","Name":"agents","Driver":"bridge",
    "Labels":{"swarmforge.tong.managed":"1"},"Containers":{"c1":{},"c2":{}}})");
  const auto net = api->inspect_network("agents");
  ASSERT_TRUE(net.has_value());
  EXPECT_EQ(net->id, "n1");
  EXPECT_EQ(net->driver, "bridge");
  EXPECT_EQ(net->labels.at("swarmforge.tong.managed"), "1");
  EXPECT_THAT(net->container_ids, ElementsAre("c1", "c2"));
}

// The gateway is where podman's aardvark-dns answers; an IPv6 entry first is skipped.
TEST_F(EngineApiNetworkExecTest, InspectNetworkReadsTheFirstIpv4Gateway) {
  fake->on("GET /v1.41/networks/agents", 200, R"({"Id":"n1","Name":"agents","Driver":"bridge",
    "IPAM":{"Driver":"default","Config":[{"Subnet":"fd00::/64","Gateway":"fd00::1"},
    {"Subnet":"10.89.1.0/24","Gateway":"10.89.1.1"}]}})");
  fake->on("GET /v1.41/networks/bare", 200, R"({"Id":"n2","Name":"bare","IPAM":{"Config":null}})");
  EXPECT_EQ(api->inspect_network("agents")->gateway, "10.89.1.1");
  EXPECT_EQ(api->inspect_network("bare")->gateway, "");
}

TEST_F(EngineApiNetworkExecTest, EnsureNetworkReturnsExistingWithoutCreating) {
  fake->on("GET " + kAgentsByName, 200, R"([{"Id":"n1","Name":"agents"}])");
  fake->on("GET /v1.41/networks/n1", 200, R"({"Id":"n1","Name":"agents","Containers":{"c":{}}})");
  const NetworkInfo net = api->ensure_network("agents", {});
  EXPECT_EQ(net.id, "n1");
  EXPECT_THAT(net.container_ids, ElementsAre("c"));
  for (const auto& request : fake->requests) EXPECT_NE(request.method, "POST");
}

TEST_F(EngineApiNetworkExecTest, EnsureNetworkCreatesLabelledBridgeWhenMissing) {
  // Absent when first looked at, and again under the host lock.
  fake->on("GET " + kAgentsByName, 200, "[]");
  fake->on("GET " + kAgentsByName, 200, "[]");
  fake->on("GET " + kAgentsByName, 200, R"([{"Id":"n1","Name":"agents"}])");
  fake->on("POST /v1.41/networks/create", 201, R"({"Id":"n1"})");
  fake->on("GET /v1.41/networks/n1", 200, R"({"Id":"n1","Name":"agents"})");
  EXPECT_EQ(api->ensure_network("agents", {{"managed", "1"}}).id, "n1");
  const auto create = std::find_if(fake->requests.begin(), fake->requests.end(),
                                   [](const auto& r) { return r.method == "POST"; });
  ASSERT_NE(create, fake->requests.end());
  const json body = json::parse(create->body);
  EXPECT_EQ(body["Name"], "agents");
  EXPECT_EQ(body["Driver"], "bridge");
  EXPECT_EQ(body["CheckDuplicate"], true);
  EXPECT_EQ(body["Labels"]["managed"], "1");
}

TEST_F(EngineApiNetworkExecTest, EnsureNetworkReturnsTheWinnerWhenAConcurrentCreateConflicts) {
  // Absent when first looked at, and again under the host lock.
  fake->on("GET " + kAgentsByName, 200, "[]");
  fake->on("GET " + kAgentsByName, 200, "[]");
  fake->on("GET " + kAgentsByName, 200, R"([{"Id":"winner","Name":"agents"}])");
  fake->on("POST /v1.41/networks/create", 409,
           R"({"message":"network with name agents already exists"})");
  fake->on("GET /v1.41/networks/winner", 200, R"({"Id":"winner","Name":"agents"})");
  EXPECT_EQ(api->ensure_network("agents", {}).id, "winner");
}

TEST_F(EngineApiNetworkExecTest, EnsureNetworkKeepsTheOldestDuplicateAndRemovesYoungerOnes) {
  // Absent when first looked at, and again under the host lock.
  fake->on("GET " + kAgentsByName, 200, "[]");
  fake->on("GET " + kAgentsByName, 200, "[]");
  fake->on("GET " + kAgentsByName, 200, R"([
    {"Id":"young","Name":"agents","Created":"2024-05-01T10:00:05.2Z"},
    {"Id":"old","Name":"agents","Created":"2024-05-01T10:00:05.12Z"},
    {"Id":"other","Name":"agents-2","Created":"2020-01-01T00:00:00Z"}])");
  fake->on("POST /v1.41/networks/create", 201, R"({"Id":"young"})");
  fake->on("DELETE /v1.41/networks/young", 204, "");
  fake->on("GET /v1.41/networks/old", 200, R"({"Id":"old","Name":"agents"})");
  EXPECT_EQ(api->ensure_network("agents", {}).id, "old");
  EXPECT_EQ(std::count_if(fake->requests.begin(), fake->requests.end(),
                          [](const auto& r) { return r.method == "POST"; }),
            1);
  std::vector<std::string> deleted;
  for (const auto& r : fake->requests) {
    if (r.method == "DELETE") deleted.push_back(r.path);
  }
  EXPECT_THAT(deleted, ElementsAre("/v1.41/networks/young"));
}

TEST_F(EngineApiNetworkExecTest, EnsureNetworkRetriesWhenAnotherLauncherRemovedItsPick) {
  fake->on("GET " + kAgentsByName, 200, R"([{"Id":"young","Name":"agents"}])");
  fake->on("GET " + kAgentsByName, 200, R"([{"Id":"old","Name":"agents"}])");
  fake->on("GET /v1.41/networks/young", 404, R"({"message":"network young not found"})");
  fake->on("GET /v1.41/networks/old", 200, R"({"Id":"old","Name":"agents"})");
  EXPECT_EQ(api->ensure_network("agents", {}).id, "old");
}

TEST_F(EngineApiNetworkExecTest, EnsureNetworkPropagatesOtherCreateFailures) {
  fake->on("GET " + kAgentsByName, 200, "[]");
  fake->on("POST /v1.41/networks/create", 500, R"({"message":"no free address pool"})");
  EXPECT_THROW(api->ensure_network("agents", {}), DockerError);
}

TEST_F(EngineApiNetworkExecTest, InspectNetworkPicksTheOldestWhenTheNameIsAmbiguous) {
  fake->on("GET /v1.41/networks/agents", 400,
           R"({"message":"2 matches found based on name: network agents is ambiguous"})");
  fake->on("GET " + kAgentsByName, 200, R"([
    {"Id":"b","Name":"agents","Created":"2024-05-01T10:00:06Z"},
    {"Id":"a","Name":"agents","Created":"2024-05-01T10:00:05.999Z"}])");
  fake->on("GET /v1.41/networks/a", 200, R"({"Id":"a","Name":"agents"})");
  EXPECT_EQ(api->inspect_network("agents")->id, "a");
}

TEST_F(EngineApiNetworkExecTest, RemoveNetworkRemovesEveryDuplicateWhenTheNameIsAmbiguous) {
  fake->on("DELETE /v1.41/networks/agents", 400,
           R"j({"message":"network agents is ambiguous (2 matches found based on name)"})j");
  fake->on("GET " + kAgentsByName, 200,
           R"([{"Id":"a","Name":"agents"},{"Id":"b","Name":"agents"}])");
  fake->on("DELETE /v1.41/networks/a", 204, "");
  fake->on("DELETE /v1.41/networks/b", 404, R"({"message":"gone"})");
  EXPECT_NO_THROW(api->remove_network("agents"));
  EXPECT_EQ(last().path, "/v1.41/networks/b");
}

TEST(EngineApiWireTest, SortableTimestampOrdersTrimmedFractions) {
  EXPECT_LT(sortable_timestamp("2024-05-01T10:00:05.12Z"),
            sortable_timestamp("2024-05-01T10:00:05.2Z"));
  EXPECT_LT(sortable_timestamp("2024-05-01T10:00:05Z"),
            sortable_timestamp("2024-05-01T10:00:05.000000001Z"));
  EXPECT_EQ(sortable_timestamp("2024-05-01T10:00:05.5+02:00"),
            "2024-05-01T10:00:05.500000000+02:00");
}

TEST_F(EngineApiNetworkExecTest, RemoveNetworkIgnoresAbsent) {
  fake->on("DELETE /v1.41/networks/agents", 404, R"({"message":"not found"})");
  EXPECT_NO_THROW(api->remove_network("agents"));
}

TEST_F(EngineApiNetworkExecTest, ConnectNetworkSendsContainerAndAliases) {
  fake->on("POST /v1.41/networks/agents/connect", 200, "");
  api->connect_network("agents", "c1", {"db", "pg"});
  const json body = json::parse(last().body);
  EXPECT_EQ(body["Container"], "c1");
  EXPECT_EQ(body["EndpointConfig"]["Aliases"], json({"db", "pg"}));
}

TEST_F(EngineApiNetworkExecTest, DisconnectNetworkForcesAndToleratesNotConnected) {
  fake->on("POST /v1.41/networks/agents/disconnect", 403,
           R"({"message":"container c1 is not connected to network agents"})");
  EXPECT_NO_THROW(api->disconnect_network("agents", "c1"));
  EXPECT_EQ(json::parse(last().body)["Force"], true);
}

TEST_F(EngineApiNetworkExecTest, DisconnectNetworkPropagatesOtherFailures) {
  fake->on("POST /v1.41/networks/agents/disconnect", 500, R"({"message":"boom"})");
  EXPECT_THROW(api->disconnect_network("agents", "c1"), DockerError);
}

TEST_F(EngineApiNetworkExecTest, ExecDemultiplexesOutputAndReadsExitCode) {
  fake->on("POST /v1.41/containers/c1/exec", 201, R"({"Id":"e1"})");
  fake->on("POST /v1.41/exec/e1/start", 200,
           docker_stream_frame(1, "4") + docker_stream_frame(1, "2\naccepting ") +
               docker_stream_frame(2, "connections\n"));
  fake->on("GET /v1.41/exec/e1/json", 200, R"({"Running":false,"ExitCode":3})");
  const ExecResult result = api->exec("c1", {"pg_isready"}, milliseconds(1500));
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.output, "accepting connections\n");  // the wrapper's PID line is not output
  const json create = json::parse(fake->requests[1].body);
  EXPECT_EQ(create["Cmd"],
            json({"/bin/sh", "-c", "echo $$; exec \"$@\"", "run-anvil-exec", "pg_isready"}));
  EXPECT_EQ(create["AttachStdout"], true);
  EXPECT_EQ(create["AttachStderr"], true);
  EXPECT_EQ(fake->requests[2].timeout, milliseconds(1500));
}

TEST_F(EngineApiNetworkExecTest, ExecReturnsMinusOneWhenTheDeadlinePasses) {
  fake->on("POST /v1.41/containers/c1/exec", 201, R"({"Id":"e1"})");
  fake->unreachable("POST /v1.41/exec/e1/start");
  fake->on("GET /v1.41/exec/e1/json", 200, R"({"Running":true,"ExitCode":null})");
  EXPECT_EQ(api->exec("c1", {"sleep", "9"}, milliseconds(10)).exit_code, -1);
}

TEST_F(EngineApiNetworkExecTest, ExecReportsDaemonUnavailableWhenTheDaemonIsGone) {
  fake->on("POST /v1.41/containers/c1/exec", 201, R"({"Id":"e1"})");
  fake->unreachable("POST /v1.41/exec/e1/start");
  fake->unreachable("GET /v1.41/exec/e1/json");
  EXPECT_THROW(api->exec("c1", {"true"}, milliseconds(10)), DaemonUnavailable);
}

TEST_F(EngineApiNetworkExecTest, ExecKeepsOnlyTheTailOfLongOutput) {
  fake->on("POST /v1.41/containers/c1/exec", 201, R"({"Id":"e1"})");
  fake->on("POST /v1.41/exec/e1/start", 200,
           docker_stream_frame(1, "7\n" + std::string(10000, 'a') + "END"));
  fake->on("GET /v1.41/exec/e1/json", 200, R"({"Running":false,"ExitCode":0})");
  const ExecResult result = api->exec("c1", {"cat"}, milliseconds(1000));
  EXPECT_EQ(result.output.size(), 4096u);
  EXPECT_TRUE(result.output.ends_with("END"));
}

TEST_F(EngineApiNetworkExecTest, ExecKillsAnOverrunningAttemptInsideTheContainer) {
  fake->on("POST /v1.41/containers/c1/exec", 201, R"({"Id":"e1"})");
  fake->on("POST /v1.41/containers/c1/exec", 201, R"({"Id":"k1"})");
  fake->streams_then_unreachable("POST /v1.41/exec/e1/start", docker_stream_frame(1, "57\n"));
  fake->on("GET /v1.41/exec/e1/json", 200, R"({"Running":true,"ExitCode":null})");
  fake->on("POST /v1.41/exec/k1/start", 200, "");
  fake->on("GET /v1.41/exec/k1/json", 200, R"({"Running":false,"ExitCode":0})");
  EXPECT_EQ(api->exec("c1", {"sleep", "300"}, milliseconds(10)).exit_code, -1);
  const auto kill = std::find_if(fake->requests.begin(), fake->requests.end(), [](const auto& r) {
    return r.path == "/v1.41/containers/c1/exec" && r.body.find("kill") != std::string::npos;
  });
  ASSERT_NE(kill, fake->requests.end()) << "no kill was sent into the container";
  EXPECT_EQ(json::parse(kill->body)["Cmd"],
            json({"/bin/sh", "-c", "kill -s KILL -- -57 2>/dev/null || kill -s KILL 57"}));
}

TEST_F(EngineApiNetworkExecTest, ExecRunsTheArgvAsItIsInAnImageWithoutAShell) {
  fake->on("POST /v1.41/containers/c1/exec", 201, R"({"Id":"e1"})");
  fake->on("POST /v1.41/containers/c1/exec", 201, R"({"Id":"e2"})");
  fake->on("POST /v1.41/exec/e1/start", 200,
           docker_stream_frame(1,
                               "OCI runtime exec failed: exec failed: unable to start container "
                               "process: exec: \"/bin/sh\": stat /bin/sh: no such file or "
                               "directory: unknown\r\n"));
  fake->on("GET /v1.41/exec/e1/json", 200, R"({"Running":false,"ExitCode":126})");
  fake->on("POST /v1.41/exec/e2/start", 200, docker_stream_frame(1, "ok\n"));
  fake->on("GET /v1.41/exec/e2/json", 200, R"({"Running":false,"ExitCode":0})");
  const ExecResult result = api->exec("c1", {"/bin/check"}, milliseconds(1000));
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.output, "ok\n");
  std::vector<json> cmds;
  for (const auto& r : fake->requests) {
    if (r.path == "/v1.41/containers/c1/exec") cmds.push_back(json::parse(r.body)["Cmd"]);
  }
  ASSERT_EQ(cmds.size(), 2u);
  EXPECT_EQ(cmds[1], json({"/bin/check"}));
}

TEST(StreamDemuxTest, HeadersSplitAcrossPiecesAndOnlyTheTailIsKept) {
  const std::string stream = docker_stream_frame(1, "12\n") +
                             docker_stream_frame(2, std::string(5000, 'x')) +
                             docker_stream_frame(1, "END");
  StreamDemux demux(100, /*first_line_apart=*/true);
  for (char c : stream) demux.feed(std::string_view(&c, 1));  // the worst case: byte by byte
  EXPECT_EQ(demux.first_line(), "12");
  EXPECT_EQ(demux.tail(), std::string(97, 'x') + "END");
  StreamDemux raw(8);
  raw.feed("plain tty output");
  EXPECT_EQ(raw.tail(), "y output");
}

TEST_F(EngineApiNetworkExecTest, ExecOnStoppedContainerThrowsDaemonMessage) {
  fake->on("POST /v1.41/containers/c1/exec", 409, R"({"message":"Container c1 is not running"})");
  EXPECT_THROW(api->exec("c1", {"true"}, milliseconds(1000)), DockerError);
}

TEST_F(EngineApiNetworkExecTest, LogsTailDemultiplexesFrames) {
  fake->on("GET /v1.41/containers/c1/logs?stdout=1&stderr=1&tail=20", 200,
           docker_stream_frame(1, "ready\n") + docker_stream_frame(2, "warn\n"));
  EXPECT_EQ(api->logs_tail("c1", 20), "ready\nwarn\n");
}

TEST_F(EngineApiNetworkExecTest, LogsTailReturnsTtyOutputAsIs) {
  fake->on("GET /v1.41/containers/c1/logs?stdout=1&stderr=1&tail=5", 200, "plain tty\r\n");
  EXPECT_EQ(api->logs_tail("c1", 5), "plain tty\r\n");
}

TEST_F(EngineApiNetworkExecTest, LogsTailIsEmptyForAbsentContainer) {
  fake->on("GET /v1.41/containers/c1/logs?stdout=1&stderr=1&tail=5", 404,
           R"({"message":"No such container: c1"})");
  EXPECT_EQ(api->logs_tail("c1", 5), "");
}

}  // namespace
}  // namespace run_anvil::launcher
