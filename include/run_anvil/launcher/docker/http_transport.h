#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

// A tiny HTTP seam under EngineApi so the JSON mapping is testable without a daemon.
namespace run_anvil::launcher {

struct HttpResponse {
  int status = 0;
  std::string body;
  // Response headers by lower-cased name (the last one wins), e.g. "api-version" of GET /_ping.
  std::map<std::string, std::string> headers;
};

// Receives a response body piece by piece as it arrives.
using BodySink = std::function<void(std::string_view)>;

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Sends one request (path includes the query string, e.g. "/v1.41/containers/json?all=1").
  // `body` is sent as application/json when non-empty. Throws DaemonUnavailable when the
  // endpoint cannot be reached or does not answer within `timeout`.
  virtual HttpResponse request(const std::string& method, const std::string& path,
                               const std::string& body, std::chrono::milliseconds timeout) = 0;
  // The same, but a successful (< 400) response's body goes to `sink` as it arrives instead of
  // into memory (the returned body is then empty), so a stream of any length costs what the sink
  // keeps. An error response's body is returned as usual, cut at 64 KiB. The default feeds the
  // whole body of request() to the sink at once (for fakes).
  virtual HttpResponse request_streaming(const std::string& method, const std::string& path,
                                         const std::string& body, std::chrono::milliseconds timeout,
                                         const BodySink& sink);
  // POSTs `body` to `path` asking the daemon to take the connection over (Upgrade: tcp, as
  // `docker attach` does), then writes `payload` on the raw connection and closes it. Returns the
  // daemon's HTTP status (101 or 200 on success; an error status with its body otherwise). The
  // payload is never logged or part of an error. Throws DaemonUnavailable like request(). The
  // default throws Error: not every transport can hand over its connection.
  virtual HttpResponse hijack(const std::string& path, const std::string& body,
                              std::string_view payload, std::chrono::milliseconds timeout);
  // e.g. "unix:///var/run/docker.sock" or "tcp://10.0.0.5:2375".
  virtual std::string endpoint() const = 0;
  virtual bool is_local() const = 0;
};

struct DockerEndpoint;  // docker_endpoint.h

// find_docker_endpoint (docker_endpoint.h) over the process environment, host only.
std::string resolve_docker_endpoint();

// libcurl over a unix socket, TCP (with the endpoint's TLS files: https, the daemon's
// certificate checked against ca.pem unless verify is off, cert.pem/key.pem as the client's
// identity), or ssh: each connection is the stdio of `ssh [-l user] [-p port] -o
// ConnectTimeout=30 -T -- host docker system dial-stdio`, all multiplexed over ONE ssh
// connection (a ControlMaster this transport starts on first use and ends when destroyed), so
// sshd sees one login however many requests run in parallel; at most kSshSessions connections
// are open at once (sshd's MaxSessions defaults to 10). One handle per concurrent request,
// reused (keep-alive).
// `check_cancelled` (optional) is called before each request and every 50 ms while one is in
// flight; whatever it throws (e.g. Interrupted on a signal) abandons the request and propagates,
// so a launcher never waits out a slow daemon after Ctrl-C. The abandoned connection is closed.
// Requests made while an exception unwinds or is being handled (RAII cleanup in destructors,
// catch blocks) are cleanup: they are never cancelled, and last at most 5 s.
std::unique_ptr<HttpTransport> make_curl_transport(const DockerEndpoint& endpoint,
                                                   std::function<void()> check_cancelled = {});
// The transport to the daemon the process environment names (find_docker_endpoint).
std::unique_ptr<HttpTransport> make_environment_transport(
    std::function<void()> check_cancelled = {});
// A plain endpoint (no TLS).
std::unique_ptr<HttpTransport> make_curl_transport(const std::string& endpoint,
                                                   std::function<void()> check_cancelled = {});

}  // namespace run_anvil::launcher
