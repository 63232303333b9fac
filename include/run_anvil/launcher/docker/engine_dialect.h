#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "run_anvil/launcher/docker/engine.h"

// What differs between the engines behind the Engine API, decided in one place: the API version
// to speak (from the daemon's own answer), and podman's departures from Docker's behaviour.
// EngineApi applies these rules; nothing above the Engine seam needs to know which engine
// answered (SPEC §16).
namespace run_anvil::launcher {

using ApiVersion = std::pair<int, int>;  // {1, 41}

// The oldest API that has everything we send (NanoCpus, health), and the newest we know.
inline constexpr ApiVersion kMinApi{1, 25};
inline constexpr ApiVersion kMaxApi{1, 52};
// Used when the daemon does not say (no API-Version header): Debian 12's docker.io speaks
// exactly this and Docker 20.10 to 28 accept it; a newer minimum is named in the daemon's 400.
inline constexpr ApiVersion kAssumedApi{1, 41};

struct EngineDialect {
  ApiVersion api = kAssumedApi;
  bool podman = false;     // podman's Docker-compatible service (libpod)
  std::string libpod_api;  // podman: its own API version ("4.3.1"), the prefix of /libpod paths
};

// "1.41" -> {1, 41}; {0, 0} when it is not a version.
ApiVersion parse_api_version(const std::string& text);
std::string api_text(ApiVersion version);

// The dialect from GET /_ping's headers (lower-cased names): API-Version is the newest API the
// daemon speaks, capped at kMaxApi; Libpod-Api-Version marks podman. Throws Error when the
// daemon's newest is older than kMinApi.
EngineDialect dialect_from_ping(const std::map<std::string, std::string>& headers,
                                const std::string& endpoint);

// The version a daemon's 400 asks for ("client version 1.41 is too old. Minimum supported API
// version is 1.44", or "... too new. Maximum supported API version is 1.40"); nullopt when the
// message names none. Throws Error when that version is older than kMinApi.
std::optional<ApiVersion> version_named_in_refusal(const std::string& message,
                                                   const std::string& endpoint);

// Docker answers a taken container name with 409; podman with 500 "... that name is already in
// use". Both mean the same to a caller.
int create_status(int status, const std::string& message);

// Docker answers a container that is gone with 404; podman, when another client removed it while
// this call was under way (8 launchers replacing one stale sidecar), with 500 "container ... does
// not exist in database: no such container". That is a 404 to every caller.
int response_status(const EngineDialect& dialect, int status, const std::string& message);

// podman-restart.service (what brings containers back after a reboot) starts only containers
// whose policy is "always"; podman has no daemon to restart, so "always" there means what
// "unless-stopped" means to dockerd: a container stopped by hand stays stopped until the next
// boot. Other policies pass unchanged.
std::string restart_policy_for(const EngineDialect& dialect, const std::string& policy);

// podman 4.3 has no compat /containers/{id}/update (404) and its libpod update changes only
// cgroup limits: a restart policy is fixed at create there.
bool updates_restart_policy(const EngineDialect& dialect);

// The StopTimeout a create sends. Docker stops a container that has none after 10 s; podman's
// compat create stores 0 instead, so its `stop` would SIGKILL right after the stop signal (a
// database killed mid-write): on podman Docker's 10 s is sent explicitly.
std::optional<int> stop_timeout_for(const EngineDialect& dialect, std::optional<int> requested);

// A container can join several networks in one create call from API 1.44 on (and on podman).
bool creates_with_several_networks(const EngineDialect& dialect);

// Podman writes the network's name into NetworkSettings.Networks.<name>.NetworkID; the real id
// is unknown there, so it is cleared (callers compare a non-empty id only). Podman cannot
// remove a network its containers use, so "replaced under the same name" cannot happen there.
void normalize_networks(const EngineDialect& dialect, ContainerInfo& info);

}  // namespace run_anvil::launcher
