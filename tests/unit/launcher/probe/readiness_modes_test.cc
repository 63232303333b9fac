// SPEC §13: http and log readiness, and what every readiness failure says.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <optional>

#include "definitions_builder.h"
#include "fake_docker.h"
#include "run_anvil/launcher/probe/probe_image.h"
#include "run_anvil/launcher/probe/readiness.h"
#include "run_anvil/launcher/run/executor.h"
#include "run_anvil/sidecars/plan/log_matcher.h"

namespace run_anvil::launcher {
namespace {

using sidecars::Definition;
using sidecars::ReadinessMode;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

class ReadinessModesTest : public ::testing::Test {
 protected:
  fakes::FakeDocker docker;
  fakes::FakeClock clock;
  fakes::FakeDialer dialer;
  fakes::RecordingProgress progress;
  ExecutorDeps deps{docker, clock, dialer, progress, [] {}};

  sidecars::Plan plan_for(const std::vector<Definition>& defs) {
    for (const auto& d : defs) docker.images[d.image] = "sha256:" + d.name;
    docker.networks["swarmforge-net"] = {"n1", "swarmforge-net", "bridge", {}, {}};
    sidecars::ObservedState o;
    for (const auto& d : defs) o.image_ids[d.image] = docker.images[d.image];
    o.network_driver = "bridge";
    return sidecars::make_plan(defs, o, sidecars::parse_anvil_argv({"docker", "run", "h"}));
  }

  std::string error_of(const std::vector<Definition>& defs) {
    try {
      execute_plan(deps, plan_for(defs), defs);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }

  static Definition http_sidecar() {
    Definition d = fakes::port_sidecar("web", 8080);
    d.readiness.mode = ReadinessMode::Http;
    d.readiness.mode_explicit = true;
    d.readiness.path = "/healthz";
    d.readiness.timeout = std::chrono::milliseconds(1000);
    return d;
  }

  static Definition log_sidecar(const std::string& pattern, int occurrences) {
    Definition d = fakes::none_sidecar("pg", ReadinessMode::Log);
    d.readiness.pattern = pattern;
    d.readiness.occurrences = occurrences;
    d.readiness.timeout = std::chrono::milliseconds(1000);
    return d;
  }

  // `finished`: the end of the container's previous run ("" when it never stopped).
  void started_at(const std::string& when, const std::string& finished = "") {
    docker.on_start = [this, when, finished](const std::string& name) {
      docker.containers.at(name).started_at = when;
      docker.containers.at(name).finished_at = finished;
    };
  }
};

// --- http
// -----------------------------------------------------------------------------------------

TEST_F(ReadinessModesTest, HttpIsReadyOnA2xxOfThePath) {
  int calls = 0;
  dialer.http_status = [&](const std::string&) { return ++calls < 3 ? 503 : 204; };
  std::vector<Definition> defs{http_sidecar()};
  execute_plan(deps, plan_for(defs), defs);
  EXPECT_EQ(calls, 3);
  EXPECT_THAT(dialer.http_requests.back(), HasSubstr(":8080/healthz"));
}

TEST_F(ReadinessModesTest, HttpTimeoutSaysWhatAnswered) {
  dialer.http_status = [](const std::string&) { return 503; };
  std::string err = error_of({http_sidecar()});
  EXPECT_THAT(err, HasSubstr("http web:8080/healthz did not succeed: GET /healthz answered HTTP "
                             "503 (expected any 2xx or 3xx)"));
  EXPECT_THAT(err, HasSubstr("raise readiness.timeout"));
}

TEST_F(ReadinessModesTest, HttpHonoursTheStatusList) {
  Definition d = http_sidecar();
  d.readiness.status = {401};
  dialer.http_status = [](const std::string&) { return 200; };
  EXPECT_THAT(error_of({d}), HasSubstr("answered HTTP 200 (expected one of readiness.status)"));
  dialer.http_status = [](const std::string&) { return 401; };
  EXPECT_EQ(error_of({d}), "");
}

// --- http from inside the network (remote daemon: run-anvil's own probe image)
// ----------------------------------------------------------------------------

class HttpProbeImageTest : public ReadinessModesTest {
 protected:
  void SetUp() override {
    if (access(probe_binary_path().c_str(), X_OK) != 0) {
      GTEST_SKIP() << "no run-anvil-probe beside the test binary: " << probe_binary_path();
    }
    docker.local = false;
    docker.importable = true;
    // The fake creates containers only from images it lists by name: list the imported id too.
    const std::string id = ensure_probe_image(docker).reference;
    docker.images[id] = id;
  }
  // Each probe container prints `printed` and then exits with `code` (running: never exits).
  void probes(const std::string& printed, std::optional<int> code) {
    docker.on_start = [this, printed, code](const std::string& name) {
      if (name.rfind("swarmforge-probe-", 0) != 0) return;
      docker.logs[name] = printed;
      if (!code) return;
      auto& c = docker.containers.at(name);
      c.running = false;
      c.state = "exited";
      c.exit_code = *code;
    };
  }
  std::vector<std::string> probe_entrypoint() {
    for (const auto& [name, spec] : docker.last_spec) {
      if (name.rfind("swarmforge-probe-", 0) == 0 && spec.entrypoint) return *spec.entrypoint;
    }
    return {};
  }
};

TEST_F(HttpProbeImageTest, AsksThePathAndStatusesFromInsideTheNetwork) {
  Definition d = http_sidecar();
  d.readiness.status = {200, 204};
  probes("HTTP 204\n", 0);
  std::vector<Definition> defs{d};
  execute_plan(deps, plan_for(defs), defs);
  EXPECT_THAT(progress.warnings, ElementsAre());
  EXPECT_EQ(dialer.http_requests.size(), 0u);
  auto argv = probe_entrypoint();
  ASSERT_EQ(argv.size(), 6u);
  EXPECT_THAT(std::vector<std::string>(argv.begin() + 1, argv.end()),
              ElementsAre("web", "8080", "2", "/healthz", "200,204"));
}

TEST_F(HttpProbeImageTest, TimeoutSaysWhatAnsweredInsideTheNetwork) {
  probes("HTTP 500\nHTTP 503\n", std::nullopt);
  std::string err = error_of({http_sidecar()});
  EXPECT_THAT(err, HasSubstr("GET /healthz from inside the network answered HTTP 503 (expected "
                             "any 2xx or 3xx)"));
}

TEST_F(HttpProbeImageTest, TcpReadinessStillAsksOnlyForThePort) {
  Definition d = fakes::port_sidecar("pg", 5432);
  probes("", 0);
  std::vector<Definition> defs{d};
  execute_plan(deps, plan_for(defs), defs);
  auto argv = probe_entrypoint();
  ASSERT_EQ(argv.size(), 4u);
  EXPECT_EQ(argv[1], "pg");
}

// --- tcp/http refused
// -----------------------------------------------------------------------------

TEST_F(ReadinessModesTest, RefusedWhileRunningSaysNothingListensAndWhereItDoes) {
  Definition d = fakes::port_sidecar("pg", 5432);
  d.readiness.timeout = std::chrono::milliseconds(1000);
  dialer.answer = [](const std::string&, int) { return DialResult::Refused; };
  // 0x1F90 = 8080 in LISTEN (0A); 0x1538 = 5432 in TIME_WAIT (06) does not count.
  docker.exec_outputs["swarmforge-shared-pg"] =
      "  sl  local_address rem_address   st\n"
      "   0: 00000000:1F90 00000000:0000 0A 00000000:00000000\n"
      "   1: 0100007F:1538 0100007F:9C40 06 00000000:00000000\n";
  std::string err = error_of({d});
  EXPECT_THAT(err, HasSubstr("nothing listens on port 5432 (connection refused while the process "
                             "runs; it listens on 8080); check interface.port"));
  EXPECT_THAT(err, Not(HasSubstr("raise readiness.timeout")));
}

TEST(ListeningPorts, ReadsListenStateFromProcNetTcp) {
  EXPECT_THAT(listening_ports("  sl  local_address\n"
                              "   0: 00000000:1F90 00000000:0000 0A x\n"
                              "   1: 00000000000000000000000000000000:1538 0000:0000 0A x\n"
                              "   2: 0100007F:0050 0100007F:9C40 01 x\n"
                              "   3: 0B00007F:80AD 00000000:0000 0A x\n"),  // Docker's DNS
              ElementsAre(5432, 8080));
  EXPECT_THAT(listening_ports("garbage"), ElementsAre());
}

// --- log
// ------------------------------------------------------------------------------------------

TEST_F(ReadinessModesTest, LogCountsMatchingLinesSinceTheCurrentStart) {
  started_at("2026-01-01T00:00:10.5Z", "2026-01-01T00:00:09.5Z");
  docker.timestamped_logs["swarmforge-shared-pg"] = {
      "2026-01-01T00:00:09Z ready to accept connections",  // the previous run: not counted
      "2026-01-01T00:00:11Z init",
      "2026-01-01T00:00:12Z database system is ready to accept connections",
      "2026-01-01T00:00:13Z database system is ready to accept connections",
  };
  std::vector<Definition> defs{log_sidecar("ready to accept connections", 2)};
  execute_plan(deps, plan_for(defs), defs);
  EXPECT_EQ(docker.logs_since_calls.front(), "1767225609.500000000");
}

// The daemon stamps a line when it reads it, StartedAt once the process runs: a first line can
// be stamped before StartedAt, and it is still this run's.
TEST_F(ReadinessModesTest, LogCountsALineStampedBeforeStartedAtOfAContainerThatNeverStopped) {
  started_at("2026-01-01T00:00:10.5Z");
  docker.timestamped_logs["swarmforge-shared-pg"] = {
      "2026-01-01T00:00:10.499Z Ready to accept connections",
  };
  std::vector<Definition> defs{log_sidecar("Ready to accept", 1)};
  execute_plan(deps, plan_for(defs), defs);
  EXPECT_EQ(docker.logs_since_calls.front(), "0.000000000");
}

TEST_F(ReadinessModesTest, LogTimeoutSaysHowOftenThePatternWasSeen) {
  started_at("2026-01-01T00:00:10Z");
  docker.timestamped_logs["swarmforge-shared-pg"] = {
      "2026-01-01T00:00:11Z database system is ready to accept connections",
      "2026-01-01T00:00:12Z something else"};
  std::string err = error_of({log_sidecar("ready to accept", 2)});
  EXPECT_THAT(err, HasSubstr("log line matching /ready to accept/ 2 times did not succeed: the "
                             "pattern was seen 1 of 2 time(s) in 2 log line(s) since the "
                             "container started"));
}

TEST(LogMatcher, NeverCountsALineTwiceAcrossBatches) {
  sidecars::LogMatcher m("x", *sidecars::parse_rfc3339("2026-01-01T00:00:00Z"));
  m.feed("2026-01-01T00:00:01Z x\n2026-01-01T00:00:01Z x\n");
  EXPECT_EQ(m.matches(), 2);
  // The daemon answers `since` inclusively: the two lines at the cursor come again, then a third
  // line with the same timestamp that is new.
  m.feed("2026-01-01T00:00:01Z x\n2026-01-01T00:00:01Z x\n2026-01-01T00:00:01Z x\n");
  EXPECT_EQ(m.matches(), 3);
  m.feed("2026-01-01T00:00:02.5Z no\n2026-01-01T00:00:03Z x\n");
  EXPECT_EQ(m.matches(), 4);
  EXPECT_EQ(sidecars::since_text(m.since()), "1767225600.000000000");  // never before the start
  m.feed("2026-01-01T00:00:09.25Z x\n");
  EXPECT_EQ(sidecars::since_text(m.since()), "1767225604.250000000");  // 5 s before the newest
  EXPECT_EQ(m.matches(), 5);
  EXPECT_EQ(m.lines_seen(), 6u);
}

// Measured on dockerd 20.10 under load: a stdout line stamped before a stderr line can be
// written to the log after it (the CI failure of test_log_readiness_counts_lines_since_the_start).
TEST(LogMatcher, CountsALineWrittenAfterALaterStampedLineOfTheOtherStream) {
  sidecars::LogMatcher m("^ready: [0-9]$", *sidecars::parse_rfc3339("2026-01-01T00:00:00Z"));
  m.feed("2026-01-01T00:00:01.000002Z ready: 2\n2026-01-01T00:00:01.000001Z ready: 1\n");
  EXPECT_EQ(m.matches(), 2);

  sidecars::LogMatcher split("^ready: [0-9]$", *sidecars::parse_rfc3339("2026-01-01T00:00:00Z"));
  split.feed("2026-01-01T00:00:01.000002Z ready: 2\n");  // read before the other line was written
  split.feed("2026-01-01T00:00:01.000002Z ready: 2\n2026-01-01T00:00:01.000001Z ready: 1\n");
  EXPECT_EQ(split.matches(), 2);
  EXPECT_EQ(split.lines_seen(), 2u);
}

TEST(LogMatcher, NeverCountsALineOlderThanTheWindowAgain) {
  sidecars::LogMatcher m("x", *sidecars::parse_rfc3339("2026-01-01T00:00:00Z"));
  m.feed("2026-01-01T00:00:01Z x\n2026-01-01T00:00:10Z x\n");
  EXPECT_EQ(m.matches(), 2);
  // A daemon that ignored `since` and answered from the start.
  m.feed("2026-01-01T00:00:01Z x\n2026-01-01T00:00:10Z x\n2026-01-01T00:00:11Z x\n");
  EXPECT_EQ(m.matches(), 3);
}

TEST(LogMatcher, UsesEcmaScriptRegexAndBoundsTheMatchedLine) {
  sidecars::LogMatcher m("^ready( now)?$", {0, 0});
  m.feed("1970-01-01T00:00:01Z ready now\n1970-01-01T00:00:02Z not ready\n");
  EXPECT_EQ(m.matches(), 1);
  sidecars::LogMatcher long_line("a$", {0, 0});
  long_line.feed("1970-01-01T00:00:01Z " + std::string(100000, 'a') + "\n");
  EXPECT_EQ(long_line.matches(), 1);  // cut at 4 KiB, still ends in "a"
}

TEST(Rfc3339, ParsesDockerTimestampsAndOffsets) {
  EXPECT_EQ(sidecars::parse_rfc3339("1970-01-01T00:00:00Z"), (sidecars::UnixTime{0, 0}));
  EXPECT_EQ(sidecars::parse_rfc3339("2026-12-01T22:30:00.123456789Z"),
            (sidecars::UnixTime{1796164200, 123456789}));
  EXPECT_EQ(sidecars::parse_rfc3339("1970-01-01T01:00:00+01:00"), (sidecars::UnixTime{0, 0}));
  EXPECT_FALSE(sidecars::parse_rfc3339("yesterday"));
}

}  // namespace
}  // namespace run_anvil::launcher
