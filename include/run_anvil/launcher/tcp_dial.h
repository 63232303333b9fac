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

class TcpDialer {
 public:
  virtual ~TcpDialer() = default;
  // Tries one IPv4 connect to ip:port, giving up after `timeout`. Never throws.
  virtual DialResult dial(const std::string& ip, int port, std::chrono::milliseconds timeout) = 0;
};

std::unique_ptr<TcpDialer> make_tcp_dialer();

}  // namespace run_anvil::launcher
