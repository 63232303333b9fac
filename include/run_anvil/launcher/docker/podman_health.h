#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "run_anvil/launcher/docker/engine.h"
#include "run_anvil/launcher/docker/http_transport.h"

// Podman runs a container's HEALTHCHECK from a systemd timer. Without systemd (a container, a
// CI runner, WSL) no timer exists and the health stays "starting" forever. So when run-anvil
// looks at a podman container that has a healthcheck, it runs the check itself through libpod's
// GET /libpod/containers/{id}/healthcheck, which runs the test once and records the result
// (failing streak, retries, start period) exactly as a timer run would. Runs are spaced by the
// healthcheck's own interval: looking more often than that never runs it more often. With
// systemd the timers keep running too; the extra runs only make the status fresher.
namespace run_anvil::launcher {

class PodmanHealth {
 public:
  explicit PodmanHealth(HttpTransport& transport) : transport_(transport) {}

  // `inspect` is the container's GET /containers/{id}/json, `info` its mapping; updates
  // info.health from a check run when one is due. A failed run leaves info as it was.
  void refresh(const std::string& libpod_api, const nlohmann::json& inspect, ContainerInfo& info);

 private:
  bool due(const std::string& id, std::chrono::nanoseconds interval);

  HttpTransport& transport_;
  std::mutex mutex_;
  std::map<std::string, std::chrono::steady_clock::time_point> last_run_;  // by container id
};

// Interval and Timeout of Config.Healthcheck (nanoseconds in the API); podman's defaults (30 s)
// when absent or zero. Exposed for tests.
std::chrono::nanoseconds healthcheck_interval(const nlohmann::json& inspect);
std::chrono::nanoseconds healthcheck_timeout(const nlohmann::json& inspect);

}  // namespace run_anvil::launcher
