#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "run_anvil/launcher/docker/engine.h"
#include "run_anvil/launcher/docker/http_transport.h"

// An HttpTransport that answers canned responses per "METHOD /path" and records every request,
// so EngineApi's paths, bodies and JSON mapping are tested without a daemon.
namespace run_anvil::launcher {

class FakeHttpTransport final : public HttpTransport {
 public:
  struct Request {
    std::string method;
    std::string path;
    std::string body;
    std::chrono::milliseconds timeout;
  };

  // Answers for one request line are consumed in order; the last one repeats. A request with no
  // answer gets a 500 naming it, so a test fails loudly on an unexpected call.
  void on(const std::string& key, int status, std::string body) {
    answers_[key].push_back(Answer{HttpResponse{status, std::move(body), {}}, false});
  }
  // Likewise, with response headers (names lower-cased, as the real transport reports them).
  void on(const std::string& key, int status, std::string body,
          std::map<std::string, std::string> headers) {
    answers_[key].push_back(
        Answer{HttpResponse{status, std::move(body), std::move(headers)}, false});
  }
  // That request line throws DaemonUnavailable (as the transport does on no answer in time).
  void unreachable(const std::string& key) { answers_[key].push_back(Answer{{}, true}); }
  // A streaming request that delivers `body` and then times out (a command still running).
  void streams_then_unreachable(const std::string& key, std::string body) {
    answers_[key].push_back(Answer{HttpResponse{200, std::move(body), {}}, true});
  }

  HttpResponse request_streaming(const std::string& method, const std::string& path,
                                 const std::string& body, std::chrono::milliseconds timeout,
                                 const BodySink& sink) override {
    auto it = answers_.find(method + " " + path);
    if (it != answers_.end() && it->second.front().unreachable &&
        !it->second.front().response.body.empty()) {
      requests.push_back(Request{method, path, body, timeout});
      Answer answer = it->second.front();
      if (it->second.size() > 1) it->second.pop_front();
      sink(answer.response.body);
      throw DaemonUnavailable("the Docker daemon did not answer in time (fake)");
    }
    return HttpTransport::request_streaming(method, path, body, timeout, sink);
  }

  HttpResponse request(const std::string& method, const std::string& path, const std::string& body,
                       std::chrono::milliseconds timeout) override {
    requests.push_back(Request{method, path, body, timeout});
    auto it = answers_.find(method + " " + path);
    // The daemon's liveness check answers OK unless a test scripts it.
    if (it == answers_.end() && method == "GET" && path == "/_ping") return {200, "OK", {}};
    if (it == answers_.end()) {
      return {500, R"({"message":"unexpected request )" + method + " " + path + "\"}", {}};
    }
    Answer answer = it->second.front();
    if (it->second.size() > 1) it->second.pop_front();
    if (answer.unreachable) throw DaemonUnavailable("cannot reach the Docker daemon (fake)");
    return answer.response;
  }
  // Recorded as method "HIJACK" with the payload as its body; answered like "POST <path>".
  HttpResponse hijack(const std::string& path, const std::string&, std::string_view payload,
                      std::chrono::milliseconds timeout) override {
    requests.push_back(Request{"HIJACK", path, std::string(payload), timeout});
    auto it = answers_.find("POST " + path);
    if (it == answers_.end()) return {500, R"({"message":"unexpected hijack )" + path + "\"}", {}};
    Answer answer = it->second.front();
    if (it->second.size() > 1) it->second.pop_front();
    if (answer.unreachable) throw DaemonUnavailable("cannot reach the Docker daemon (fake)");
    return answer.response;
  }
  std::string endpoint() const override { return "unix:///fake.sock"; }
  bool is_local() const override { return true; }

  std::vector<Request> requests;

 private:
  struct Answer {
    HttpResponse response;
    bool unreachable;
  };
  std::map<std::string, std::deque<Answer>> answers_;
};

// One frame of the daemon's multiplexed stdout/stderr stream.
inline std::string docker_stream_frame(char stream, const std::string& payload) {
  std::string header(8, '\0');
  header[0] = stream;
  const auto size = static_cast<std::uint32_t>(payload.size());
  header[4] = static_cast<char>(size >> 24);
  header[5] = static_cast<char>(size >> 16);
  header[6] = static_cast<char>(size >> 8);
  header[7] = static_cast<char>(size);
  return header + payload;
}

}  // namespace run_anvil::launcher
