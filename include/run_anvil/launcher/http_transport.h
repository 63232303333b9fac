#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

// A tiny HTTP seam under EngineApi so the JSON mapping is testable without a daemon.
namespace run_anvil::launcher {

struct HttpResponse {
  int status = 0;
  std::string body;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Sends one request (path includes the query string, e.g. "/v1.41/containers/json?all=1").
  // `body` is sent as application/json when non-empty. Throws DaemonUnavailable when the
  // endpoint cannot be reached or does not answer within `timeout`.
  virtual HttpResponse request(const std::string& method, const std::string& path,
                               const std::string& body, std::chrono::milliseconds timeout) = 0;
  // e.g. "unix:///var/run/docker.sock" or "tcp://10.0.0.5:2375".
  virtual std::string endpoint() const = 0;
  virtual bool is_local() const = 0;
};

// Where the daemon is: DOCKER_HOST if set (unix:// or tcp://), else the docker CLI's current
// context (DOCKER_CONTEXT, else ~/.docker/config.json currentContext, resolved through
// ~/.docker/contexts/meta/*/meta.json), else unix:///var/run/docker.sock. Throws Error for an
// unsupported scheme (e.g. ssh://, npipe://) naming it.
std::string resolve_docker_endpoint();

// libcurl over a unix socket or plain TCP. One handle per concurrent request, reused (keep-alive).
// `check_cancelled` (optional) is called before each request and every 50 ms while one is in
// flight; whatever it throws (e.g. Interrupted on a signal) abandons the request and propagates,
// so a launcher never waits out a slow daemon after Ctrl-C. The abandoned connection is closed.
// Requests made while an exception unwinds or is being handled (RAII cleanup in destructors,
// catch blocks) are cleanup: they are never cancelled, and last at most 5 s.
std::unique_ptr<HttpTransport> make_curl_transport(const std::string& endpoint,
                                                   std::function<void()> check_cancelled = {});

}  // namespace run_anvil::launcher
