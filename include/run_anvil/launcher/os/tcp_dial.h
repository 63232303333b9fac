#pragma once

#include <chrono>
#include <memory>
#include <string>

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
  // Tries one IPv4 connect to ip:port, giving up after `timeout`. Never throws.
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

// The real HTTP readiness request (http_probe.cc).
HttpAnswer http_get_once(const std::string& ip, int port, const std::string& host,
                         const std::string& path, std::chrono::milliseconds timeout);

std::unique_ptr<TcpDialer> make_tcp_dialer();

}  // namespace run_anvil::launcher
