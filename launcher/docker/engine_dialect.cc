#include "run_anvil/launcher/docker/engine_dialect.h"

#include <cstring>
#include <exception>

#include "run_anvil/errors.h"

namespace run_anvil::launcher {

ApiVersion parse_api_version(const std::string& text) {
  const auto dot = text.find('.');
  if (dot == std::string::npos || dot == 0) return {0, 0};
  try {
    std::size_t used = 0;
    const int major = std::stoi(text.substr(0, dot), &used);
    if (used != dot) return {0, 0};
    const int minor = std::stoi(text.substr(dot + 1));
    return {major, minor};
  } catch (const std::exception&) {
    return {0, 0};
  }
}

std::string api_text(ApiVersion version) {
  return std::to_string(version.first) + "." + std::to_string(version.second);
}

namespace {

void require_usable(ApiVersion version, const std::string& text, const std::string& endpoint) {
  if (version < kMinApi) {
    throw Error("the Docker daemon at " + endpoint + " speaks Engine API " + text +
                "; run-anvil needs " + api_text(kMinApi) + " or newer");
  }
}

}  // namespace

EngineDialect dialect_from_ping(const std::map<std::string, std::string>& headers,
                                const std::string& endpoint) {
  EngineDialect dialect;
  if (auto libpod = headers.find("libpod-api-version"); libpod != headers.end()) {
    dialect.podman = true;
    dialect.libpod_api = libpod->second;
  }
  auto it = headers.find("api-version");
  if (it == headers.end()) return dialect;
  const ApiVersion newest = parse_api_version(it->second);
  if (newest == ApiVersion{0, 0}) return dialect;
  require_usable(newest, it->second, endpoint);
  dialect.api = std::min(newest, kMaxApi);
  return dialect;
}

std::optional<ApiVersion> version_named_in_refusal(const std::string& message,
                                                   const std::string& endpoint) {
  for (const char* marker :
       {"Maximum supported API version is ", "Minimum supported API version is "}) {
    const auto at = message.find(marker);
    if (at == std::string::npos) continue;
    std::string wanted = message.substr(at + std::strlen(marker));
    wanted = wanted.substr(0, wanted.find_first_not_of("0123456789."));
    while (!wanted.empty() && wanted.back() == '.') wanted.pop_back();  // end of the sentence
    const ApiVersion parsed = parse_api_version(wanted);
    require_usable(parsed, wanted, endpoint);
    return parsed;
  }
  return std::nullopt;
}

int create_status(int status, const std::string& message) {
  if (status == 500 && message.find("that name is already in use") != std::string::npos) {
    return 409;
  }
  return status;
}

int response_status(const EngineDialect& dialect, int status, const std::string& message) {
  if (dialect.podman && status == 500 && message.find("no such container") != std::string::npos) {
    return 404;
  }
  return status;
}

std::string restart_policy_for(const EngineDialect& dialect, const std::string& policy) {
  if (dialect.podman && policy == "unless-stopped") return "always";
  return policy;
}

bool updates_restart_policy(const EngineDialect& dialect) { return !dialect.podman; }

std::optional<int> stop_timeout_for(const EngineDialect& dialect, std::optional<int> requested) {
  constexpr int kDockerDefaultStopTimeout = 10;
  if (dialect.podman && !requested) return kDockerDefaultStopTimeout;
  return requested;
}

bool creates_with_several_networks(const EngineDialect& dialect) {
  return dialect.podman || dialect.api >= ApiVersion{1, 44};
}

void normalize_networks(const EngineDialect& dialect, ContainerInfo& info) {
  if (!dialect.podman) return;
  for (auto& [name, attachment] : info.networks) {
    if (attachment.network_id == name) attachment.network_id.clear();
  }
}

}  // namespace run_anvil::launcher
