#include "run_anvil/launcher/docker/http_transport.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "run_anvil/launcher/docker/engine.h"

namespace run_anvil::launcher {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// A one-thread HTTP/1.1 server on a unix socket: answers every request with 200 and a body
// echoing the request line, keeps connections open, counts accepted connections.
class UnixHttpServer {
 public:
  explicit UnixHttpServer(bool answer) : answer_(answer) {
    path_ = (fs::temp_directory_path() / ("anvil-http-" + std::to_string(getpid()) + ".sock"));
    fs::remove(path_);
    listen_fd_ = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path_.c_str());
    if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        listen(listen_fd_, 4) != 0) {
      throw std::runtime_error("cannot listen on " + path_.string());
    }
    thread_ = std::thread([this] { serve(); });
  }
  ~UnixHttpServer() {
    shutdown(listen_fd_, SHUT_RDWR);
    close(listen_fd_);
    thread_.join();
    fs::remove(path_);
  }
  UnixHttpServer(const UnixHttpServer&) = delete;
  UnixHttpServer& operator=(const UnixHttpServer&) = delete;

  std::string endpoint() const { return "unix://" + path_.string(); }
  int connections() const { return connections_; }

 private:
  void serve() {
    for (;;) {
      const int fd = accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      ++connections_;
      std::string buffer;
      char chunk[4096];
      ssize_t n;
      while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
        buffer.append(chunk, static_cast<size_t>(n));
        // Every request in these tests fits one read and carries a small or no body.
        for (auto end = buffer.find("\r\n\r\n"); end != std::string::npos;
             end = buffer.find("\r\n\r\n")) {
          std::string head = buffer.substr(0, end);
          size_t length = 0;
          if (auto at = head.find("Content-Length: "); at != std::string::npos) {
            length = std::stoul(head.substr(at + 16));
          }
          if (buffer.size() < end + 4 + length) break;
          const std::string body = buffer.substr(end + 4, length);
          buffer.erase(0, end + 4 + length);
          if (!answer_) continue;
          const std::string reply =
              head.substr(0, head.find("\r\n")) + "|" + body +
              (head.find("application/json") != std::string::npos ? "|json" : "");
          const std::string response =
              "HTTP/1.1 201 Created\r\nContent-Length: " + std::to_string(reply.size()) +
              "\r\n\r\n" + reply;
          if (write(fd, response.data(), response.size()) < 0) break;
        }
      }
      close(fd);
    }
  }

  bool answer_;
  fs::path path_;
  int listen_fd_ = -1;
  std::atomic<int> connections_{0};
  std::thread thread_;
};

TEST(HttpTransportTest, SendsMethodPathAndJsonBodyOverUnixSocket) {
  UnixHttpServer server(true);
  auto transport = make_curl_transport(server.endpoint());
  const HttpResponse response =
      transport->request("POST", "/v1.41/networks/create", R"({"Name":"n"})", milliseconds(2000));
  EXPECT_EQ(response.status, 201);
  EXPECT_EQ(response.body, R"(POST /v1.41/networks/create HTTP/1.1|{"Name":"n"}|json)");
  EXPECT_TRUE(transport->is_local());
  EXPECT_EQ(transport->endpoint(), server.endpoint());
}

TEST(HttpTransportTest, ReusesOneConnectionAcrossSequentialRequests) {
  UnixHttpServer server(true);
  auto transport = make_curl_transport(server.endpoint());
  EXPECT_EQ(transport->request("GET", "/a", "", milliseconds(2000)).body, "GET /a HTTP/1.1|");
  EXPECT_EQ(transport->request("DELETE", "/b", "", milliseconds(2000)).body, "DELETE /b HTTP/1.1|");
  EXPECT_EQ(server.connections(), 1);
}

TEST(HttpTransportTest, SilentDaemonIsReportedAsNotAnsweringInTime) {
  UnixHttpServer server(false);
  auto transport = make_curl_transport(server.endpoint());
  try {
    transport->request("GET", "/version", "", milliseconds(200));
    FAIL() << "expected DaemonUnavailable";
  } catch (const DaemonUnavailable& e) {
    EXPECT_THAT(e.what(), HasSubstr("did not answer GET /version within 200 ms"));
  }
}

TEST(HttpTransportTest, MissingSocketNamesEndpointAndHint) {
  auto transport = make_curl_transport("unix:///nonexistent/docker.sock");
  try {
    transport->request("GET", "/version", "", milliseconds(1000));
    FAIL() << "expected DaemonUnavailable";
  } catch (const DaemonUnavailable& e) {
    EXPECT_THAT(e.what(),
                StartsWith("cannot reach the Docker daemon at "
                           "unix:///nonexistent/docker.sock (No such file or directory)"));
    EXPECT_THAT(e.what(), HasSubstr("DOCKER_HOST"));
  }
}

struct Cancelled {};

TEST(HttpTransportTest, CancellationAbandonsARequestTheDaemonNeverAnswers) {
  UnixHttpServer server(false);
  std::atomic<bool> cancel{false};
  auto transport = make_curl_transport(server.endpoint(), [&] {
    if (cancel) throw Cancelled{};
  });
  std::thread signal([&] {
    std::this_thread::sleep_for(milliseconds(100));
    cancel = true;
  });
  // Without cancellation this would wait the whole minute and end as DaemonUnavailable.
  EXPECT_THROW(transport->request("GET", "/version", "", milliseconds(60000)), Cancelled);
  signal.join();
}

TEST(HttpTransportTest, PendingCancellationSendsNothing) {
  UnixHttpServer server(true);
  auto transport = make_curl_transport(server.endpoint(), [] { throw Cancelled{}; });
  EXPECT_THROW(transport->request("GET", "/a", "", milliseconds(2000)), Cancelled);
  EXPECT_EQ(server.connections(), 0);
}

// RAII cleanup after a signal (e.g. removing a probe container) must still reach the daemon.
struct CleanupOnUnwind {
  HttpTransport& transport;
  HttpResponse* seen;
  ~CleanupOnUnwind() { *seen = transport.request("DELETE", "/probe", "", milliseconds(2000)); }
};

TEST(HttpTransportTest, CleanupWhileUnwindingIsNotCancelled) {
  UnixHttpServer server(true);
  bool cancelled = false;
  auto transport = make_curl_transport(server.endpoint(), [&] {
    if (cancelled) throw Cancelled{};
  });
  HttpResponse cleanup;
  try {
    CleanupOnUnwind guard{*transport, &cleanup};
    cancelled = true;
    transport->request("GET", "/wait", "", milliseconds(2000));
  } catch (const Cancelled&) {
  }
  EXPECT_EQ(cleanup.body, "DELETE /probe HTTP/1.1|");
}

TEST(HttpTransportTest, RejectsUnsupportedScheme) {
  EXPECT_THROW(make_curl_transport("npipe:////./pipe/docker_engine"), Error);
}

}  // namespace
}  // namespace run_anvil::launcher
