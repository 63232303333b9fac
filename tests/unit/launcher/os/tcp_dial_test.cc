#include "run_anvil/launcher/os/tcp_dial.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace run_anvil::launcher {
namespace {

using std::chrono::milliseconds;

// Whether `ip route get` (not the code under test) sends `ip` to a gateway: the skips below
// must not be decided by the function they test, or a broken one would skip instead of fail.
bool routed_via_a_gateway(const std::string& ip) {
  std::string out;
  if (FILE* p = ::popen(("ip -4 route get " + ip + " 2>/dev/null").c_str(), "r")) {
    char buf[512];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    ::pclose(p);
  }
  return out.find(" via ") != std::string::npos;
}

TEST(LocalLink, LoopbackAndThisHostsOwnAddressesAreOnALocalLink) {
  EXPECT_TRUE(on_local_link("127.0.0.1"));
  EXPECT_TRUE(on_local_link("127.0.0.53"));
  EXPECT_FALSE(on_local_link("not an address"));
}

// What a container on a bridge is: an address of a connected route (no gateway). The test makes
// one: a bridge without ports when this process may (root in CI), else it is skipped.
TEST(LocalLink, AnAddressOnAConnectedRouteIsOnALocalLinkAndGoesAwayWithIt) {
  if (::geteuid() != 0 || std::system("ip link add ra-ll-test type bridge 2>/dev/null") != 0) {
    GTEST_SKIP() << "needs root to add a bridge";
  }
  std::system("ip addr add 198.18.77.1/24 dev ra-ll-test && ip link set ra-ll-test up");
  bool on = on_local_link("198.18.77.20");
  std::system("ip link del ra-ll-test");
  EXPECT_TRUE(on);
  bool after = on_local_link("198.18.77.20");
  if (!routed_via_a_gateway("198.18.77.20")) GTEST_SKIP() << "198.18.77.0/24 is local here anyway";
  EXPECT_FALSE(after);
}

// A container address whose bridge is gone (podman removes it with the network's last
// container) must not be dialled along the default route: something out there may accept
// (this VM's transparent proxy accepts every connection), which read as "ready" for a sidecar
// that had already exited.
TEST(TcpDialer, AnAddressOnNoLocalNetworkIsUnreachableWithoutDialling) {
  const std::string far = "198.51.100.7";  // TEST-NET-2: on no network of a normal host
  if (!routed_via_a_gateway(far)) GTEST_SKIP() << far << " is on a local network here";
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
