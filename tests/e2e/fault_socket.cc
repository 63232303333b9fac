// Test helper for the daemon-fault and signal tests: a unix socket standing where the Docker
// daemon's would be, misbehaving on purpose.
//
//   fault_socket PATH refuse                 bind PATH but never listen (connect: ECONNREFUSED)
//   fault_socket PATH silent                 accept every connection, read, never answer
//   fault_socket PATH proxy UPSTREAM [RULE]  relay to the real daemon at UPSTREAM, except:
//     hang-on TEXT           a request containing TEXT is not forwarded and never answered
//     hold-response-on TEXT  a request containing TEXT is forwarded, its answer never relayed
//     die-on TEXT            a request containing TEXT makes the helper exit at once, closing
//                            every connection (the daemon going away mid-launch)
//
// Every request line it sees is appended to stdout, and "TRIGGERED <line>" when a rule fires, so
// a test can wait for exactly the moment it wants to interrupt.
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

struct Pair {
  int client = -1;
  int upstream = -1;
  std::string seen;            // recent client bytes, to find triggers across reads
  bool hold_request = false;   // stop relaying client -> upstream
  bool hold_response = false;  // stop relaying upstream -> client
};

sockaddr_un address(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
  return addr;
}

[[noreturn]] void die(const std::string& what) {
  std::perror(what.c_str());
  std::exit(2);
}

int bound_socket(const std::string& path) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr = address(path);
  unlink(path.c_str());
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) die("bind");
  return fd;
}

int dial(const std::string& path) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr = address(path);
  if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) die("upstream");
  return fd;
}

void note(const std::string& line) {
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

// The request lines in a chunk of client bytes, for the log.
void log_request_lines(const std::string& chunk) {
  for (const char* method : {"GET ", "POST ", "DELETE ", "PUT ", "HEAD "}) {
    for (auto at = chunk.find(method); at != std::string::npos; at = chunk.find(method, at + 1)) {
      if (at != 0 && chunk[at - 1] != '\n') continue;
      note(chunk.substr(at, chunk.find("\r\n", at) - at));
    }
  }
}

class Proxy {
 public:
  Proxy(std::string upstream, std::string rule, std::string text)
      : upstream_(std::move(upstream)), rule_(std::move(rule)), text_(std::move(text)) {}

  void serve(int listener) {
    for (;;) {
      std::vector<pollfd> fds{{listener, POLLIN, 0}};
      for (const Pair& p : pairs_) {
        fds.push_back({p.client, static_cast<short>(p.hold_request ? 0 : POLLIN), 0});
        fds.push_back({p.upstream, static_cast<short>(p.hold_response ? 0 : POLLIN), 0});
      }
      if (poll(fds.data(), fds.size(), -1) < 0) continue;
      if (fds[0].revents & POLLIN) accept_one(listener);
      for (std::size_t i = 0; i < pairs_.size(); ++i) {
        short from_client = fds[1 + 2 * i].revents;
        short from_upstream = fds[2 + 2 * i].revents;
        if ((from_client && !relay_request(pairs_[i])) ||
            (from_upstream && !relay(pairs_[i].upstream, pairs_[i].client))) {
          close(pairs_[i].client);
          close(pairs_[i].upstream);
          pairs_[i].client = -1;
        }
      }
      std::erase_if(pairs_, [](const Pair& p) { return p.client < 0; });
    }
  }

 private:
  void accept_one(int listener) {
    int client = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) return;
    Pair p;
    p.client = client;
    p.upstream = dial(upstream_);
    pairs_.push_back(p);
  }

  static bool relay(int from, int to) {
    char buf[65536];
    ssize_t n = read(from, buf, sizeof buf);
    if (n <= 0) return false;
    return write(to, buf, static_cast<std::size_t>(n)) == n;
  }

  bool relay_request(Pair& p) {
    char buf[65536];
    ssize_t n = read(p.client, buf, sizeof buf);
    if (n <= 0) return false;
    std::string chunk(buf, static_cast<std::size_t>(n));
    log_request_lines(chunk);
    p.seen += chunk;
    bool fired = !text_.empty() && p.seen.find(text_) != std::string::npos;
    if (p.seen.size() > 4096) p.seen.erase(0, p.seen.size() - 4096);
    if (fired) {
      note("TRIGGERED " + rule_ + " " + text_);
      p.seen.clear();
      if (rule_ == "die-on") std::_Exit(0);
      if (rule_ == "hang-on") {
        p.hold_request = p.hold_response = true;
        return true;
      }
      if (rule_ == "hold-response-on") p.hold_response = true;
    }
    return write(p.upstream, chunk.data(), chunk.size()) == n;
  }

  std::string upstream_, rule_, text_;
  std::vector<Pair> pairs_;
};

void serve_silently(int listener) {
  std::vector<int> clients;
  for (;;) {
    std::vector<pollfd> fds{{listener, POLLIN, 0}};
    for (int c : clients) fds.push_back({c, POLLIN, 0});
    if (poll(fds.data(), fds.size(), -1) < 0) continue;
    if (fds[0].revents & POLLIN) {
      int c = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
      if (c >= 0) clients.push_back(c);
    }
    for (std::size_t i = 1; i < fds.size(); ++i) {
      if (!fds[i].revents) continue;
      char buf[4096];
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) log_request_lines(std::string(buf, static_cast<std::size_t>(n)));
      if (n <= 0) {
        close(fds[i].fd);
        std::erase(clients, fds[i].fd);
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() < 2) {
    std::fprintf(stderr, "usage: fault_socket PATH refuse|silent|proxy UPSTREAM [RULE TEXT]\n");
    return 2;
  }
  int listener = bound_socket(args[0]);
  if (args[1] == "refuse") return 0;  // the socket file stays; nobody will ever listen on it
  if (listen(listener, 64) != 0) die("listen");
  note("listening on " + args[0]);
  if (args[1] == "silent") serve_silently(listener);
  if (args[1] == "proxy" && args.size() >= 3) {
    Proxy(args[2], args.size() >= 5 ? args[3] : "", args.size() >= 5 ? args[4] : "")
        .serve(listener);
  }
  std::fprintf(stderr, "fault_socket: unknown mode %s\n", args[1].c_str());
  return 2;
}
