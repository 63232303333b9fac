#include "run_anvil/launcher/docker/podman_health.h"

#include "run_anvil/launcher/docker/engine_json.h"

namespace run_anvil::launcher {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

constexpr nanoseconds kPodmanDefault = std::chrono::seconds(30);
// The call returns when the check has run; the daemon needs a moment beyond the check's own
// timeout to record it.
constexpr milliseconds kCallSlack{5000};

nanoseconds healthcheck_field(const json& inspect, const char* key) {
  const json* config = &inspect;
  for (const char* step : {"Config", "Healthcheck", key}) {
    if (!config->is_object() || !config->contains(step)) return kPodmanDefault;
    config = &(*config)[step];
  }
  if (!config->is_number_integer() || config->get<std::int64_t>() <= 0) return kPodmanDefault;
  return nanoseconds(config->get<std::int64_t>());
}

}  // namespace

nanoseconds healthcheck_interval(const json& inspect) {
  return healthcheck_field(inspect, "Interval");
}

nanoseconds healthcheck_timeout(const json& inspect) {
  return healthcheck_field(inspect, "Timeout");
}

bool PodmanHealth::due(const std::string& id, nanoseconds interval) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  auto it = last_run_.find(id);
  if (it != last_run_.end() && now - it->second < interval) return false;
  last_run_[id] = now;
  return true;
}

void PodmanHealth::refresh(const std::string& libpod_api, const json& inspect,
                           ContainerInfo& info) {
  if (!info.has_healthcheck || !info.running || info.id.empty()) return;
  if (!due(info.id, healthcheck_interval(inspect))) return;
  const auto timeout =
      std::chrono::duration_cast<milliseconds>(healthcheck_timeout(inspect)) + kCallSlack;
  const HttpResponse response = transport_.request(
      "GET", "/v" + libpod_api + "/libpod/containers/" + percent_encode(info.id) + "/healthcheck",
      "", timeout);
  if (response.status >= 400) return;  // e.g. 409: it stopped in between
  // The answer is this run's result. A pass makes the container healthy at once; a failure
  // only counts towards `retries` (podman records the streak), so the container's own status
  // (read on the next look) is what says "unhealthy".
  const json result = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (result.is_object() && result.contains("Status") && result["Status"] == "healthy") {
    info.health = "healthy";
  }
}

}  // namespace run_anvil::launcher
