#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

// The network seam for TCP readiness: one connection attempt from the launcher's host to a
// container IP (routable when the daemon is local and the network is a bridge).
namespace run_anvil::launcher {

enum class DialResult {
  Connected,    // the port accepted a connection (closed again at once)
  Refused,      // reachable, nothing listening yet
  Unreachable,  // no route from here: probing from the host is impossible
  TimedOut,     // no answer within the timeout
};

// What one HTTP readiness request got (SPEC §13).
struct HttpAnswer {
  DialResult dial = DialResult::Refused;
  int status = 0;      // the response's status code; 0 when none arrived
  std::string detail;  // when connected without a status: "connection reset", "no HTTP answer"
};

class TcpDialer {
 public:
  virtual ~TcpDialer() = default;
  // Tries one IPv4 connect to ip:port, giving up after `timeout`. Never throws. The real dialer
  // says Unreachable, without sending anything, for an address not on a local link (see
  // on_local_link): readiness then looks from inside the container's network instead.
  virtual DialResult dial(const std::string& ip, int port, std::chrono::milliseconds timeout) = 0;
  // One `GET path HTTP/1.1` to ip:port with `Host: host`, reading only the status line; the
  // whole exchange is bounded by `timeout`. Never throws. The default (for dialers that cannot
  // speak HTTP) only dials.
  virtual HttpAnswer http_get(const std::string& ip, int port, const std::string& host,
                              const std::string& path, std::chrono::milliseconds timeout) {
    (void)host;
    (void)path;
    return HttpAnswer{dial(ip, port, timeout), 0, "no HTTP request made"};
  }
};

// True when the kernel would send to `ip` (dotted IPv4) directly on a local link or to itself:
// its route (one RTM_GETROUTE lookup) is local, or unicast without a gateway. A container address
// of a local daemon always is while the container runs (its bridge exists); one that is not is
// not reached from here at all: a dial would follow the default route and may be answered by
// something else entirely (a transparent proxy accepts every connection; podman removes a
// network's bridge with its last container). One lookup per dial, under RCU: an earlier
// getifaddrs here dumped every link (a veth per running container) under the kernel's rtnl
// lock, and a warm launch's 50 concurrent dials then spent 30 ms of system time contending.
bool on_local_link(const std::string& ip);

// The real HTTP readiness request (http_probe.cc).
HttpAnswer http_get_once(const std::string& ip, int port, const std::string& host,
                         const std::string& path, std::chrono::milliseconds timeout);

std::unique_ptr<TcpDialer> make_tcp_dialer();

}  // namespace run_anvil::launcher
