#include "run_anvil/launcher/os/tcp_dial.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace run_anvil::launcher {
namespace {

using std::chrono::milliseconds;

std::uint32_t v4(const char* dotted) {
  in_addr a{};
  inet_pton(AF_INET, dotted, &a);
  return ntohl(a.s_addr);
}

TEST(LocalNet, AnAddressIsOnANetworkWhenItsNetworkPartMatches) {
  std::vector<LocalNet> nets{{v4("10.89.1.1"), v4("255.255.255.0")},
                             {v4("127.0.0.1"), v4("255.0.0.0")}};
  EXPECT_TRUE(on_local_net("10.89.1.200", nets));
  EXPECT_TRUE(on_local_net("127.0.0.53", nets));
  EXPECT_FALSE(on_local_net("10.89.2.200", nets));  // a neighbouring /24: not on link
  EXPECT_FALSE(on_local_net("198.51.100.7", nets));
  EXPECT_FALSE(on_local_net("not an address", nets));
  EXPECT_FALSE(on_local_net("10.89.1.200", {}));
}

TEST(LocalNet, TheHostsOwnNetworksIncludeLoopback) {
  EXPECT_TRUE(on_local_net("127.0.0.1", local_nets()));
}

// A container address whose bridge is gone (podman removes it with the network's last
// container) must not be dialled along the default route: something out there may accept
// (this VM's transparent proxy accepts every connection), which read as "ready" for a sidecar
// that had already exited.
TEST(TcpDialer, AnAddressOnNoLocalNetworkIsUnreachableWithoutDialling) {
  const std::string far = "198.51.100.7";  // TEST-NET-2: on no network of a normal host
  if (on_local_net(far, local_nets())) GTEST_SKIP() << far << " is on a local network here";
  auto dialer = make_tcp_dialer();
  EXPECT_EQ(dialer->dial(far, 8080, milliseconds(300)), DialResult::Unreachable);
  EXPECT_EQ(dialer->http_get(far, 8080, "x", "/", milliseconds(300)).dial, DialResult::Unreachable);
}

TEST(TcpDialer, ALocalListenerStillConnects) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(s, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(s, 1), 0);
  socklen_t len = sizeof addr;
  getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len);
  auto dialer = make_tcp_dialer();
  EXPECT_EQ(dialer->dial("127.0.0.1", ntohs(addr.sin_port), milliseconds(1000)),
            DialResult::Connected);
  close(s);
}

}  // namespace
}  // namespace run_anvil::launcher
