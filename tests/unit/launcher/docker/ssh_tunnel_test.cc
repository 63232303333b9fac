#include "run_anvil/launcher/docker/ssh_tunnel.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "run_anvil/launcher/docker/engine.h"

namespace run_anvil::launcher {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> without_control_path(std::vector<std::string> argv) {
  for (std::size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] == "-o" && argv[i + 1].starts_with("ControlPath=")) {
      argv.erase(argv.begin() + static_cast<long>(i), argv.begin() + static_cast<long>(i) + 2);
      break;
    }
  }
  return argv;
}

TEST(SshTunnelTest, EachConnectionIsDialStdioAsTheDockerCliRunsIt) {
  SshTunnel tunnel(parse_docker_endpoint("ssh://root@127.0.0.1:2222"));
  EXPECT_THAT(
      without_control_path(tunnel.connection_argv()),
      ElementsAre("ssh", "-l", "root", "-p", "2222", "-o", "ConnectTimeout=30", "-o",
                  "ControlMaster=no", "-T", "--", "127.0.0.1", "docker", "system", "dial-stdio"));
}

TEST(SshTunnelTest, LeavesUserAndPortToSshWhenTheEndpointHasNone) {
  SshTunnel tunnel(parse_docker_endpoint("ssh://build-box"));
  EXPECT_THAT(without_control_path(tunnel.connection_argv()),
              ElementsAre("ssh", "-o", "ConnectTimeout=30", "-o", "ControlMaster=no", "-T", "--",
                          "build-box", "docker", "system", "dial-stdio"));
}

TEST(SshTunnelTest, ConnectionsAndMasterShareOnePrivateControlSocket) {
  SshTunnel tunnel(parse_docker_endpoint("ssh://me@far"));
  const auto master = tunnel.master_argv();
  EXPECT_THAT(master, AllOf(Contains("ControlMaster=yes"), Contains("-N"), Contains("far")));
  std::string control;
  for (const auto& word : master) {
    if (word.starts_with("ControlPath=")) control = word;
  }
  EXPECT_THAT(control, HasSubstr("/tmp/run-anvil-ssh-"));
  EXPECT_THAT(tunnel.connection_argv(), Contains(control));
}

TEST(SshTunnelTest, AFailedLoginIsReportedWithSshsOwnWords) {
  // A fake `ssh` first in PATH that fails as ssh does when the key is refused.
  char dir[] = "/tmp/ssh-fake-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string fake = std::string(dir) + "/ssh";
  FILE* f = std::fopen(fake.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs("#!/bin/sh\necho 'me@far: Permission denied (publickey).' >&2\nexit 255\n", f);
  std::fclose(f);
  chmod(fake.c_str(), 0755);
  const std::string old_path = std::getenv("PATH");
  setenv("PATH", (std::string(dir) + ":" + old_path).c_str(), 1);
  {
    SshTunnel tunnel(parse_docker_endpoint("ssh://me@far"));
    try {
      tunnel.ready();
      ADD_FAILURE() << "no error";
    } catch (const DaemonUnavailable& e) {
      EXPECT_THAT(e.what(), AllOf(HasSubstr("ssh://me@far"), HasSubstr("ssh could not log in"),
                                  HasSubstr("Permission denied (publickey)")));
    }
  }
  setenv("PATH", old_path.c_str(), 1);
  std::remove(fake.c_str());
  rmdir(dir);
}

}  // namespace
}  // namespace run_anvil::launcher
