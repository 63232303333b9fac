#include "run_anvil/launcher/os/tcp_dial.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "run_anvil/launcher/os/fd.h"

namespace run_anvil::launcher {
namespace {

DialResult classify(int err) {
  switch (err) {
    case 0:
      return DialResult::Connected;
    case ECONNREFUSED:
    case ECONNRESET:
      return DialResult::Refused;
    case ENETUNREACH:
    case EHOSTUNREACH:
    case EACCES:
    case EPERM:
      return DialResult::Unreachable;
    case ETIMEDOUT:
      return DialResult::TimedOut;
    default:
      return DialResult::Refused;
  }
}

class PosixDialer : public TcpDialer {
 public:
  DialResult dial(const std::string& ip, int port, std::chrono::milliseconds timeout) override {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    if (inet_pton(AF_INET, ip.c_str(), &addr.sin_addr) != 1) return DialResult::Unreachable;
    if (!on_local_net(ip, local_nets())) return DialResult::Unreachable;
    Fd fd(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (fd.get() < 0) return DialResult::Unreachable;
    if (connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
      return DialResult::Connected;
    }
    if (errno != EINPROGRESS) return classify(errno);
    pollfd p{fd.get(), POLLOUT, 0};
    int r;
    do {
      r = poll(&p, 1, static_cast<int>(timeout.count()));
    } while (r < 0 && errno == EINTR);
    if (r == 0) return DialResult::TimedOut;
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
    return classify(err);
  }

  HttpAnswer http_get(const std::string& ip, int port, const std::string& host,
                      const std::string& path, std::chrono::milliseconds timeout) override {
    return http_get_once(ip, port, host, path, timeout);
  }
};

}  // namespace

bool on_local_net(const std::string& ip, const std::vector<LocalNet>& nets) {
  in_addr a{};
  if (inet_pton(AF_INET, ip.c_str(), &a) != 1) return false;
  const std::uint32_t host = ntohl(a.s_addr);
  for (const auto& n : nets) {
    if ((host & n.netmask) == (n.address & n.netmask)) return true;
  }
  return false;
}

std::vector<LocalNet> local_nets() {
  std::vector<LocalNet> out;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_netmask == nullptr || i->ifa_addr->sa_family != AF_INET ||
        (i->ifa_flags & IFF_UP) == 0) {
      continue;
    }
    out.push_back({ntohl(reinterpret_cast<const sockaddr_in*>(i->ifa_addr)->sin_addr.s_addr),
                   ntohl(reinterpret_cast<const sockaddr_in*>(i->ifa_netmask)->sin_addr.s_addr)});
  }
  freeifaddrs(list);
  return out;
}

std::unique_ptr<TcpDialer> make_tcp_dialer() { return std::make_unique<PosixDialer>(); }

}  // namespace run_anvil::launcher
