#include "run_anvil/sidecars/plan/anvil_argv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "run_anvil/errors.h"

namespace run_anvil::sidecars {
namespace {

using Argv = std::vector<std::string>;
using ::testing::ElementsAreArray;

std::size_t image_of(const Argv& argv) { return parse_anvil_argv(argv).image_index; }

Argv rewrite(const Argv& argv, const Injection& injection) {
  return rewrite_anvil_argv(parse_anvil_argv(argv), injection);
}

// --- recognising the command --------------------------------------------------------------------

TEST(AnvilArgvTest, RecognisesDockerRun) {
  const AnvilCommand c = parse_anvil_argv({"docker", "run", "--rm", "-it", "img", "sh"});
  EXPECT_TRUE(c.is_run);
  EXPECT_EQ(c.run_index, 1u);
  EXPECT_EQ(c.image_index, 4u);
  EXPECT_FALSE(c.network);
  EXPECT_FALSE(c.name);
}

TEST(AnvilArgvTest, RecognisesDockerContainerRun) {
  const AnvilCommand c = parse_anvil_argv({"docker", "container", "run", "img"});
  EXPECT_TRUE(c.is_run);
  EXPECT_EQ(c.run_index, 2u);
  EXPECT_EQ(c.image_index, 3u);
}

TEST(AnvilArgvTest, RecognisesPodmanRunAndEnginePaths) {
  EXPECT_TRUE(parse_anvil_argv({"podman", "run", "img"}).is_run);
  EXPECT_TRUE(parse_anvil_argv({"/usr/bin/docker", "run", "img"}).is_run);
  EXPECT_TRUE(parse_anvil_argv({"./bin/podman", "container", "run", "img"}).is_run);
}

TEST(AnvilArgvTest, SkipsDockerGlobalOptionsBeforeRun) {
  const AnvilCommand c = parse_anvil_argv(
      {"docker", "-H", "unix:///x", "--context", "foo", "-D", "--tls", "run", "img"});
  EXPECT_TRUE(c.is_run);
  EXPECT_EQ(c.run_index, 7u);
  EXPECT_EQ(c.image_index, 8u);
  EXPECT_TRUE(parse_anvil_argv({"docker", "--config=/cfg", "-c", "run", "run", "img"}).is_run);
  EXPECT_EQ(parse_anvil_argv({"docker", "-l", "debug", "--log-level", "run", "run", "i"}).run_index,
            5u);
}

TEST(AnvilArgvTest, SkipsPodmanGlobalOptionsBeforeRun) {
  const AnvilCommand c = parse_anvil_argv(
      {"podman", "--root", "/r", "--remote", "--url=unix:///s", "-c", "m", "run", "img"});
  EXPECT_TRUE(c.is_run);
  EXPECT_EQ(c.run_index, 7u);
  EXPECT_EQ(c.image_index, 8u);
}

TEST(AnvilArgvTest, OtherCommandsAreNotRunAndNotErrors) {
  for (const Argv& argv : std::vector<Argv>{
           {},
           {"docker"},
           {"docker", "ps"},
           {"docker", "exec", "-it", "c", "run"},
           {"docker", "container", "ls"},
           {"docker", "compose", "run", "svc"},
           {"docker", "--host", "run", "ps"},
           {"nerdctl", "run", "img"},
           {"dockerd", "run", "img"},
           {"/bin/sh", "-c", "docker run img"},
       }) {
    EXPECT_FALSE(parse_anvil_argv(argv).is_run) << ::testing::PrintToString(argv);
  }
}

TEST(AnvilArgvTest, RunWithoutAnImageIsAnError) {
  for (const Argv& argv : std::vector<Argv>{
           {"docker", "run"},
           {"docker", "run", "--rm", "-it"},
           {"docker", "run", "--network", "net"},
           {"docker", "run", "--name"},
           {"docker", "run", "-itp"},
           {"docker", "run", "--"},
       }) {
    try {
      parse_anvil_argv(argv);
      ADD_FAILURE() << "no error for " << ::testing::PrintToString(argv);
    } catch (const Error& e) {
      EXPECT_STREQ(e.what(), "the anvil command `docker run` has no image");
    }
  }
  EXPECT_THROW(parse_anvil_argv({"podman", "run", "--pod", "p"}), Error);
}

// --- finding the image --------------------------------------------------------------------------

TEST(AnvilArgvTest, ValueOptionsConsumeTheNextToken) {
  EXPECT_EQ(image_of({"docker", "run", "-e", "A=1", "--env", "B", "-v", "x:/y", "img"}), 8u);
  EXPECT_EQ(image_of({"docker", "run", "--entrypoint", "sh", "--user", "1000", "img"}), 6u);
  EXPECT_EQ(image_of({"docker", "run", "--health-cmd", "true", "--pull", "never", "img"}), 6u);
}

TEST(AnvilArgvTest, BooleanOptionsDoNotConsumeTheImage) {
  EXPECT_EQ(image_of({"docker", "run", "--rm", "--init", "--privileged", "img"}), 5u);
  EXPECT_EQ(image_of({"docker", "run", "--sig-proxy=false", "--read-only", "img"}), 4u);
  EXPECT_EQ(image_of({"docker", "run", "--use-api-socket", "img"}), 3u);
}

TEST(AnvilArgvTest, UnknownLongOptionsAreBooleanUnlessInline) {
  EXPECT_EQ(image_of({"docker", "run", "--future-flag", "img", "arg"}), 3u);
  EXPECT_EQ(image_of({"docker", "run", "--future-opt=v", "img"}), 3u);
}

TEST(AnvilArgvTest, ShortClusters) {
  EXPECT_EQ(image_of({"docker", "run", "-it", "img"}), 3u);
  EXPECT_EQ(image_of({"docker", "run", "-itd", "img"}), 3u);
  EXPECT_EQ(image_of({"docker", "run", "-dit", "img"}), 3u);
  EXPECT_EQ(image_of({"docker", "run", "-itp", "80:80", "img"}), 4u);
  EXPECT_EQ(image_of({"docker", "run", "-itp80:80", "img"}), 3u);
  EXPECT_EQ(image_of({"docker", "run", "-eFOO=1", "img"}), 3u);
  EXPECT_EQ(image_of({"docker", "run", "-d=false", "img"}), 3u);
  EXPECT_EQ(image_of({"docker", "run", "-P", "-q", "img"}), 4u);
}

TEST(AnvilArgvTest, DoubleDashEndsOptions) {
  EXPECT_EQ(image_of({"docker", "run", "--rm", "--", "-weird-image", "--network"}), 4u);
  EXPECT_EQ(image_of({"docker", "run", "--", "img"}), 3u);
}

TEST(AnvilArgvTest, PodmanValueOptions) {
  EXPECT_EQ(image_of({"podman", "run", "--pod", "p", "--secret", "s", "--userns", "keep-id", "i"}),
            8u);
  EXPECT_EQ(image_of({"podman", "run", "--systemd", "always", "--replace", "--env-host", "i"}), 6u);
  EXPECT_EQ(image_of({"podman", "run", "--uidmap", "0:1:1", "--gidmap", "0:1:1", "i"}), 6u);
}

TEST(AnvilArgvTest, RecordsNetworkInEveryForm) {
  struct Case {
    Argv argv;
    std::string value;
    std::size_t index;
    bool inline_form;
  };
  for (const Case& c : std::vector<Case>{
           {{"docker", "run", "--network", "agents", "img"}, "agents", 2, false},
           {{"docker", "run", "--rm", "--network=agents", "img"}, "agents", 3, true},
           {{"docker", "run", "--net", "host", "img"}, "host", 2, false},
           {{"docker", "run", "--net=container:x", "img"}, "container:x", 2, true},
           {{"docker", "run", "--network=", "img"}, "", 2, true},
           {{"docker", "run", "--network", "a", "--network", "b", "img"}, "a", 2, false},
       }) {
    const AnvilCommand parsed = parse_anvil_argv(c.argv);
    ASSERT_TRUE(parsed.network) << ::testing::PrintToString(c.argv);
    EXPECT_EQ(*parsed.network, c.value);
    EXPECT_EQ(parsed.network_index, c.index);
    EXPECT_EQ(parsed.network_inline, c.inline_form);
  }
}

TEST(AnvilArgvTest, NetworkAliasIsNotANetwork) {
  const AnvilCommand c =
      parse_anvil_argv({"docker", "run", "--network-alias", "x", "--net-alias=y", "img"});
  EXPECT_FALSE(c.network);
  EXPECT_EQ(c.image_index, 5u);
}

TEST(AnvilArgvTest, RecordsName) {
  EXPECT_EQ(parse_anvil_argv({"docker", "run", "--name", "agent-1", "img"}).name, "agent-1");
  EXPECT_EQ(parse_anvil_argv({"docker", "run", "--name=agent-2", "img"}).name, "agent-2");
}

TEST(AnvilArgvTest, OptionsAfterTheImageAreNotRecorded) {
  const AnvilCommand c =
      parse_anvil_argv({"docker", "run", "img", "--network", "x", "--name", "n", "-e", "A=1"});
  EXPECT_EQ(c.image_index, 2u);
  EXPECT_FALSE(c.network);
  EXPECT_FALSE(c.name);
}

TEST(AnvilArgvTest, ValuesThatLookLikeOptionsAreNotOptions) {
  const AnvilCommand c =
      parse_anvil_argv({"docker", "run", "-e", "--network=x", "--label", "--name", "img"});
  EXPECT_FALSE(c.network);
  EXPECT_FALSE(c.name);
  EXPECT_EQ(c.image_index, 6u);
}

// --- rewriting ----------------------------------------------------------------------------------

TEST(AnvilArgvTest, InsertsSortedEnvRightAfterRun) {
  Injection injection;
  injection.env = {{"SWARMFORGE_TONG_PG_PORT", "5432"}, {"SWARMFORGE_TONG_PG_HOST", "pg"}};
  EXPECT_THAT(rewrite({"docker", "run", "--rm", "img", "cmd"}, injection),
              ElementsAreArray(Argv{"docker", "run", "-e", "SWARMFORGE_TONG_PG_HOST=pg", "-e",
                                    "SWARMFORGE_TONG_PG_PORT=5432", "--rm", "img", "cmd"}));
}

TEST(AnvilArgvTest, InsertsNetworkWhenAbsent) {
  Injection injection;
  injection.env = {{"A", "1"}};
  injection.extra_options = {"-v", "cache:/cache"};
  injection.network = "swarmforge-net";
  EXPECT_THAT(rewrite({"docker", "container", "run", "-it", "img"}, injection),
              ElementsAreArray(Argv{"docker", "container", "run", "-e", "A=1", "-v", "cache:/cache",
                                    "--network", "swarmforge-net", "-it", "img"}));
}

TEST(AnvilArgvTest, ReplacesAnExistingNetworkInPlace) {
  Injection injection;
  injection.network = "agents-2";
  EXPECT_THAT(rewrite({"docker", "run", "--network", "agents", "--rm", "img"}, injection),
              ElementsAreArray(Argv{"docker", "run", "--network", "agents-2", "--rm", "img"}));
  EXPECT_THAT(rewrite({"docker", "run", "--net", "agents", "img"}, injection),
              ElementsAreArray(Argv{"docker", "run", "--net", "agents-2", "img"}));
}

TEST(AnvilArgvTest, KeepsTheInlineNetworkFormInline) {
  Injection injection;
  injection.network = "agents-2";
  injection.env = {{"K", "V"}};
  EXPECT_THAT(rewrite({"docker", "run", "--network=agents", "img"}, injection),
              ElementsAreArray(Argv{"docker", "run", "-e", "K=V", "--network=agents-2", "img"}));
  EXPECT_THAT(rewrite({"podman", "run", "--net=agents", "img"}, injection),
              ElementsAreArray(Argv{"podman", "run", "-e", "K=V", "--net=agents-2", "img"}));
}

TEST(AnvilArgvTest, LeavesAnExistingNetworkAloneWhenNoNetworkIsInjected) {
  Injection injection;
  injection.env = {{"K", "V"}};
  EXPECT_THAT(rewrite({"docker", "run", "--network", "agents", "img"}, injection),
              ElementsAreArray(Argv{"docker", "run", "-e", "K=V", "--network", "agents", "img"}));
}

TEST(AnvilArgvTest, NeverTouchesArgumentsFromTheImageOn) {
  Injection injection;
  injection.network = "swarmforge-net";
  injection.env = {{"K", "V"}};
  const Argv tail = {"img", "--network", "mine", "-e", "X=1", "--network=y", "--", "run"};
  Argv argv = {"docker", "run", "--rm"};
  argv.insert(argv.end(), tail.begin(), tail.end());
  const Argv out = rewrite(argv, injection);
  ASSERT_GE(out.size(), tail.size());
  EXPECT_EQ(Argv(out.end() - static_cast<std::ptrdiff_t>(tail.size()), out.end()), tail);
  EXPECT_THAT(
      Argv(out.begin(), out.begin() + 7),
      ElementsAreArray(Argv{"docker", "run", "-e", "K=V", "--network", "swarmforge-net", "--rm"}));
}

TEST(AnvilArgvTest, KeepsGlobalOptionsAndDoubleDash) {
  Injection injection;
  injection.network = "n";
  EXPECT_THAT(
      rewrite({"docker", "-H", "unix:///x", "--context", "foo", "run", "--", "img"}, injection),
      ElementsAreArray(Argv{"docker", "-H", "unix:///x", "--context", "foo", "run", "--network",
                            "n", "--", "img"}));
}

TEST(AnvilArgvTest, PreservesAwkwardArgumentBytes) {
  Injection injection;
  injection.env = {{"K", "a value with spaces\nand a newline"}};
  const Argv argv = {"docker",    "run",         "-l",       "", "-w", "/dir with space", "img", "",
                     "two words", "line\nbreak", "\xff\xfe", "-"};
  const Argv out = rewrite(argv, injection);
  EXPECT_THAT(out,
              ElementsAreArray(Argv{"docker", "run", "-e", "K=a value with spaces\nand a newline",
                                    "-l", "", "-w", "/dir with space", "img", "", "two words",
                                    "line\nbreak", "\xff\xfe", "-"}));
}

TEST(AnvilArgvTest, EmptyInjectionIsTheIdentity) {
  const Argv argv = {"docker", "run", "-itp", "80:80", "--name", "a", "img", "x"};
  EXPECT_EQ(rewrite(argv, Injection{}), argv);
}

TEST(AnvilArgvTest, InsertsNameAfterEnvAndExtraOptions) {
  Injection injection;
  injection.env = {{"K", "v"}};
  injection.extra_options = {"-v", "vol:/m"};
  injection.name = "anvil-1";
  injection.network = "n";
  EXPECT_THAT(rewrite({"docker", "run", "--rm", "img", "--name", "x"}, injection),
              ElementsAreArray(Argv{"docker", "run", "-e", "K=v", "-v", "vol:/m", "--name",
                                    "anvil-1", "--network", "n", "--rm", "img", "--name", "x"}));
}

TEST(AnvilArgvTest, RecordsNetworkAliasesBeforeTheImageOnly) {
  const AnvilCommand c = parse_anvil_argv(
      {"docker", "run", "--network-alias", "a", "--net-alias=b", "img", "--network-alias", "c"});
  EXPECT_EQ(c.network_aliases, (Argv{"a", "b"}));
}

TEST(AnvilArgvTest, RewritingANonRunCommandIsAnError) {
  EXPECT_THROW(rewrite_anvil_argv(parse_anvil_argv({"docker", "ps"}), Injection{}), Error);
}

}  // namespace
}  // namespace run_anvil::sidecars

namespace run_anvil::sidecars {
namespace {

TEST(AnvilArgvDaemonTest, RecordsADockerGlobalOptionThatPicksTheDaemon) {
  EXPECT_EQ(parse_anvil_argv({"docker", "-H", "tcp://h:2375", "run", "i"}).other_daemon_option,
            "-H tcp://h:2375");
  EXPECT_EQ(parse_anvil_argv({"docker", "--host=unix:///x", "run", "i"}).other_daemon_option,
            "--host=unix:///x");
  EXPECT_EQ(parse_anvil_argv({"docker", "-D", "--context", "far", "container", "run", "i"})
                .other_daemon_option,
            "--context far");
  EXPECT_EQ(parse_anvil_argv({"docker", "-Dc", "far", "run", "i"}).other_daemon_option, "-Dc far");
}

TEST(AnvilArgvDaemonTest, RecordsAPodmanGlobalOptionThatPicksTheEngine) {
  EXPECT_EQ(parse_anvil_argv({"podman", "--url", "unix:///s", "run", "i"}).other_daemon_option,
            "--url unix:///s");
  EXPECT_EQ(parse_anvil_argv({"podman", "--remote", "run", "i"}).other_daemon_option, "--remote");
  EXPECT_EQ(parse_anvil_argv({"podman", "-r", "run", "i"}).other_daemon_option, "-r");
  EXPECT_EQ(parse_anvil_argv({"podman", "--connection=m", "run", "i"}).other_daemon_option,
            "--connection=m");
}

TEST(AnvilArgvDaemonTest, OtherGlobalOptionsAndRunOptionsPickNoDaemon) {
  EXPECT_EQ(
      parse_anvil_argv({"docker", "-D", "--log-level", "debug", "run", "i"}).other_daemon_option,
      "");
  // Run's own -h (hostname) and a -H after the image belong to the container.
  EXPECT_EQ(parse_anvil_argv({"docker", "run", "-h", "box", "i", "-H", "x"}).other_daemon_option,
            "");
  EXPECT_EQ(parse_anvil_argv({"podman", "--root", "/r", "run", "i"}).other_daemon_option, "");
}

TEST(AnvilArgvDaemonTest, RecordsProgramAndRm) {
  EXPECT_TRUE(parse_anvil_argv({"/usr/bin/podman", "run", "i"}).podman);
  EXPECT_FALSE(parse_anvil_argv({"docker", "run", "i"}).podman);
  EXPECT_TRUE(parse_anvil_argv({"docker", "run", "--rm", "i"}).remove);
  EXPECT_FALSE(parse_anvil_argv({"docker", "run", "--rm=false", "i"}).remove);
  EXPECT_FALSE(parse_anvil_argv({"docker", "run", "i", "--rm"}).remove);
}

}  // namespace
}  // namespace run_anvil::sidecars
