// run-anvil-probe HOST PORT SECONDS [PATH STATUSES]: exits 0 as soon as HOST:PORT accepts a TCP
// connection, 2 when SECONDS pass without one, 64 on bad usage. With PATH (http readiness), a
// connection counts only once `GET PATH` answers a status in STATUSES ("200,204"; "" means any
// 2xx or 3xx); each new status is printed as "HTTP 503" on stdout, so the launcher can say what
// answered. Linked statically and shipped as the only
// file of a tiny image (run-anvil imports it into the daemon on first need), it is the
// in-network TCP probe for daemons whose container networks this host cannot dial: it runs on
// the anvil's network and resolves the sidecar's alias through the engine's DNS, exactly as
// the anvil will. glibc's built-in dns and files lookups work in a static binary with no
// /etc/nsswitch.conf, which a scratch image lacks.
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

namespace {

constexpr int kUsage = 64;
constexpr int kTimedOut = 2;
constexpr int kAttemptMs = 1000;

// What http readiness asks for; path empty: a TCP connection is enough.
struct Http {
  std::string path;
  std::string statuses;  // "200,204"; "" = any 2xx or 3xx
  std::string host;      // Host header
  int last_status = -1;  // the last one printed
};

bool accepted(const Http& http, int status) {
  if (http.statuses.empty()) return status >= 200 && status < 400;
  const std::string code = std::to_string(status);
  std::size_t start = 0;
  while (start <= http.statuses.size()) {
    std::size_t end = http.statuses.find(',', start);
    if (end == std::string::npos) end = http.statuses.size();
    if (http.statuses.compare(start, end - start, code) == 0) return true;
    start = end + 1;
  }
  return false;
}

bool wait_for(int fd, short events) {
  pollfd p{fd, events, 0};
  return poll(&p, 1, kAttemptMs) == 1 && (p.revents & (events | POLLHUP)) != 0;
}

// The status of `GET path` on a connected socket; 0 when no status line came in time. Only the
// status line is read: the body may be anything, and of any size.
int http_status(int fd, const Http& http) {
  const std::string request = "GET " + http.path + " HTTP/1.0\r\nHost: " + http.host +
                              "\r\nUser-Agent: run-anvil-probe\r\nConnection: close\r\n\r\n";
  std::size_t sent = 0;
  while (sent < request.size()) {
    if (!wait_for(fd, POLLOUT)) return 0;
    ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return 0;
    sent += static_cast<std::size_t>(n);
  }
  std::string line;
  char buf[256];
  while (line.find("\r\n") == std::string::npos && line.size() < 1024) {
    if (!wait_for(fd, POLLIN)) return 0;
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    line.append(buf, static_cast<std::size_t>(n));
  }
  // "HTTP/1.1 503 Service Unavailable"
  if (line.rfind("HTTP/", 0) != 0) return 0;
  std::size_t space = line.find(' ');
  if (space == std::string::npos || line.size() < space + 4) return 0;
  int status = 0;
  for (std::size_t i = space + 1; i < space + 4; ++i) {
    if (line[i] < '0' || line[i] > '9') return 0;
    status = status * 10 + (line[i] - '0');
  }
  return status;
}

bool connects(const addrinfo& address, Http& http) {
  const int fd = socket(address.ai_family, address.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                        address.ai_protocol);
  if (fd < 0) return false;
  bool ok = connect(fd, address.ai_addr, address.ai_addrlen) == 0;
  if (!ok && errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    if (poll(&p, 1, kAttemptMs) == 1) {
      int error = 0;
      socklen_t size = sizeof error;
      ok = getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) == 0 && error == 0;
    }
  }
  if (ok && !http.path.empty()) {
    const int status = http_status(fd, http);
    if (status != 0 && status != http.last_status) {
      std::printf("HTTP %d\n", status);
      std::fflush(stdout);
      http.last_status = status;
    }
    ok = status != 0 && accepted(http, status);
  }
  close(fd);
  return ok;
}

bool attempt(const char* host, const char* port, Http& http) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host, port, &hints, &found) != 0) return false;  // not resolvable (yet)
  bool ok = false;
  for (addrinfo* a = found; a != nullptr && !ok; a = a->ai_next) ok = connects(*a, http);
  freeaddrinfo(found);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 && argc != 6) return kUsage;
  Http http;
  if (argc == 6) {
    http.path = argv[4];
    http.statuses = argv[5];
    http.host = std::string(argv[1]) + ":" + argv[2];
    if (http.path.empty() || http.path[0] != '/') return kUsage;
  }
  char* end = nullptr;
  const long seconds = std::strtol(argv[3], &end, 10);
  if (end == argv[3] || *end != '\0' || seconds <= 0) return kUsage;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  for (;;) {
    if (attempt(argv[1], argv[2], http)) return 0;
    if (std::chrono::steady_clock::now() >= deadline) return kTimedOut;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}
