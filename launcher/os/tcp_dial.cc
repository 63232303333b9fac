#include "run_anvil/launcher/os/tcp_dial.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

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
    if (!on_local_link(ip)) return DialResult::Unreachable;
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

bool on_local_link(const std::string& ip) {
  in_addr dst{};
  if (inet_pton(AF_INET, ip.c_str(), &dst) != 1) return false;
  Fd fd(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
  if (fd.get() < 0) return false;
  struct {
    nlmsghdr header;
    rtmsg route;
    char attributes[RTA_SPACE(sizeof(in_addr))];
  } request{};
  request.header.nlmsg_len = NLMSG_LENGTH(sizeof(rtmsg)) + RTA_LENGTH(sizeof(in_addr));
  request.header.nlmsg_type = RTM_GETROUTE;
  request.header.nlmsg_flags = NLM_F_REQUEST;
  request.header.nlmsg_seq = 1;
  request.route.rtm_family = AF_INET;
  request.route.rtm_dst_len = 32;
  auto* attribute = reinterpret_cast<rtattr*>(request.attributes);
  attribute->rta_type = RTA_DST;
  attribute->rta_len = RTA_LENGTH(sizeof(in_addr));
  std::memcpy(RTA_DATA(attribute), &dst, sizeof dst);
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (sendto(fd.get(), &request, request.header.nlmsg_len, 0, reinterpret_cast<sockaddr*>(&kernel),
             sizeof kernel) < 0) {
    return false;
  }
  alignas(nlmsghdr) char answer[4096];
  ssize_t n;
  do {
    n = recv(fd.get(), answer, sizeof answer, 0);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) return false;
  auto* header = reinterpret_cast<nlmsghdr*>(answer);
  if (!NLMSG_OK(header, static_cast<unsigned>(n)) || header->nlmsg_type != RTM_NEWROUTE) {
    return false;  // NLMSG_ERROR: no route at all (ENETUNREACH)
  }
  auto* route = static_cast<rtmsg*>(NLMSG_DATA(header));
  if (route->rtm_type == RTN_LOCAL) return true;  // one of this host's own addresses
  if (route->rtm_type != RTN_UNICAST) return false;
  int length = static_cast<int>(RTM_PAYLOAD(header));
  for (auto* a = RTM_RTA(route); RTA_OK(a, length); a = RTA_NEXT(a, length)) {
    if (a->rta_type == RTA_GATEWAY) return false;  // routed on, not on a local link
  }
  return true;
}

std::unique_ptr<TcpDialer> make_tcp_dialer() { return std::make_unique<PosixDialer>(); }

}  // namespace run_anvil::launcher
