#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "run_anvil/launcher/os/fd.h"
#include "run_anvil/launcher/os/tcp_dial.h"

// HTTP readiness (SPEC §13): a plain GET over a socket, reading no more than the status line.
// No libcurl on purpose: one request, one line, and the failure modes (refused, reset, a
// non-HTTP answer) must be told apart for the message.
namespace run_anvil::launcher {
namespace {

using Clock = std::chrono::steady_clock;

int millis_left(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// Waits for `events`; false on timeout.
bool wait_for(int fd, short events, Clock::time_point deadline) {
  pollfd p{fd, events, 0};
  int r;
  do {
    r = poll(&p, 1, millis_left(deadline));
  } while (r < 0 && errno == EINTR);
  return r > 0;
}

DialResult connect_error(int err) {
  switch (err) {
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

DialResult connect_to(int fd, const std::string& ip, int port, Clock::time_point deadline) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, ip.c_str(), &addr.sin_addr) != 1) return DialResult::Unreachable;
  if (!on_local_link(ip)) return DialResult::Unreachable;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    return DialResult::Connected;
  }
  if (errno != EINPROGRESS) return connect_error(errno);
  if (!wait_for(fd, POLLOUT, deadline)) return DialResult::TimedOut;
  int err = 0;
  socklen_t len = sizeof err;
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
  return err == 0 ? DialResult::Connected : connect_error(err);
}

// "HTTP/1.1 503 Service Unavailable" -> 503; 0 when the line is not an HTTP status line.
int status_of(const std::string& line) {
  if (!line.starts_with("HTTP/") || line.size() < 12) return 0;
  auto space = line.find(' ');
  if (space == std::string::npos || space + 4 > line.size()) return 0;
  int code = 0;
  for (std::size_t i = space + 1; i < space + 4; ++i) {
    if (line[i] < '0' || line[i] > '9') return 0;
    code = code * 10 + (line[i] - '0');
  }
  return code >= 100 && code <= 599 ? code : 0;
}

}  // namespace

HttpAnswer http_get_once(const std::string& ip, int port, const std::string& host,
                         const std::string& path, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  Fd sock(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (sock.get() < 0) return {DialResult::Unreachable, 0, "no socket"};
  HttpAnswer answer;
  answer.dial = connect_to(sock.get(), ip, port, deadline);
  if (answer.dial != DialResult::Connected) return answer;
  const std::string request = "GET " + path + " HTTP/1.1\r\nHost: " + host + ":" +
                              std::to_string(port) +
                              "\r\nUser-Agent: run-anvil\r\nConnection: close\r\n\r\n";
  std::size_t sent = 0;
  while (sent < request.size()) {
    if (!wait_for(sock.get(), POLLOUT, deadline)) return {answer.dial, 0, "no HTTP answer in time"};
    ssize_t n = send(sock.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) return {answer.dial, 0, "connection reset"};
    sent += static_cast<std::size_t>(n);
  }
  std::string line;  // bounded: the status line is all we read
  char buffer[512];
  while (line.find('\n') == std::string::npos && line.size() < 1024) {
    if (!wait_for(sock.get(), POLLIN, deadline)) return {answer.dial, 0, "no HTTP answer in time"};
    ssize_t n = recv(sock.get(), buffer, sizeof buffer, 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) return {answer.dial, 0, "connection reset"};
    if (n == 0) break;
    line.append(buffer, static_cast<std::size_t>(n));
  }
  answer.status = status_of(line.substr(0, line.find('\r')));
  if (answer.status == 0)
    answer.detail = line.empty() ? "closed without an answer" : "not an HTTP answer";
  return answer;
}

}  // namespace run_anvil::launcher
