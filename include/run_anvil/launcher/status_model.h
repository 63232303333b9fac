#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "run_anvil/launcher/inventory.h"
#include "run_anvil/sidecars/definition.h"

// `run-anvil status` as data: one entry per sidecar, discovered or not (issue 4). A pure function
// of the definitions, the inventory and the readiness probe results; rendering is in
// status_output.h.
namespace run_anvil::launcher {

struct SidecarStatus {
  std::string name;
  bool discovered = false;       // a definition of this name is discovered here
  std::string layer;             // "user" | "org" | "repo" | "workspace"; "" when not discovered
  std::string definition;        // its file; for an undiscovered one, the file it was made from
  std::string lifecycle;         // "shared" | "session"
  std::string container;         // container name; "" for a session sidecar with no container
  std::string id;                // "" when absent
  std::string state = "absent";  // "running" | "stopped" | "absent"
  std::string docker_state;      // the daemon's own state ("exited", "restarting", ...)
  std::string health;            // "" when the container has no healthcheck
  std::optional<bool> ready;     // nullopt: not known (not running, not probed)
  std::optional<bool> stale;     // nullopt: no container, or no definition to compare with
  std::string stale_reason;      // "config changed" | "image rebuilt"
  bool name_clash = false;       // a container of this name exists that run-anvil does not manage
  std::string image;
  std::vector<std::string> networks;
  std::vector<std::string> used_by;  // running anvils using it
  std::string started_at;            // RFC 3339; "" when not running
  std::optional<long long> uptime_seconds;
};

struct StatusReport {
  std::vector<SidecarStatus> sidecars;
  int running_count = 0;
  int total_count = 0;
};

// Readiness probe outcome by container name (see status_probe.h); absent: not probed.
using ReadyResults = std::map<std::string, bool>;

StatusReport build_status(const std::vector<sidecars::Definition>& definitions,
                          const Inventory& inventory, const ReadyResults& ready,
                          std::chrono::system_clock::time_point now);

// Seconds since the epoch of an RFC 3339 UTC timestamp ("2024-05-01T12:00:00.123Z");
// nullopt when it cannot be read.
std::optional<long long> epoch_seconds(const std::string& rfc3339);

}  // namespace run_anvil::launcher
