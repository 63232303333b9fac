#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "run_anvil/sidecars/define/definition.h"
#include "run_anvil/sidecars/operate/inventory.h"

// `run-anvil status` as data: one entry per sidecar, discovered or not (issue 4). A pure function
// of the definitions, the inventory and the readiness probe results; rendering is in
// status_output.h.
namespace run_anvil::launcher {

// One volume or bind of a sidecar (SPEC §11): its definition's `volumes` (named as the daemon
// knows them), then the anonymous volumes its container has at other paths.
struct StatusVolume {
  std::string kind;    // "volume" | "bind" | "anonymous"
  std::string source;  // Docker volume name, or host path
  std::string target;
  std::string mode;  // "ro" | "rw"
};

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
  // A workspace definition not approved as written: listed, never probed (SPEC §14).
  bool needs_approval = false;
  // Who made the container (sidecars::to_string(Origin)): "ours" (this definition), "gone",
  // "foreign" (another project's definition), "unknown"; "" when there is no container.
  std::string origin{};
  std::string image;
  std::vector<std::string> networks;
  std::vector<std::string> used_by;  // running anvils using it
  std::vector<StatusVolume> volumes;
  std::vector<std::string> ports;  // published on the host: "127.0.0.1:49153->5432/tcp"
  std::string started_at;          // RFC 3339; "" when not running
  std::optional<long long> uptime_seconds;
};

struct StatusReport {
  std::vector<SidecarStatus> sidecars;
  int running_count = 0;
  int total_count = 0;
  bool all = false;     // every managed container (--all), not only this project's
  int other_count = 0;  // managed containers of other projects left out (not --all)
};

// Readiness probe outcome by container name (see status_probe.h); absent: not probed.
using ReadyResults = std::map<std::string, bool>;

StatusReport build_status(const std::vector<sidecars::Definition>& definitions,
                          const Inventory& inventory, const ReadyResults& ready,
                          std::chrono::system_clock::time_point now);

// The report of one project (SPEC §17): its declared sidecars, plus managed containers made from
// a definition file inside one of `project_dirs` (its layer directories) that is no longer
// declared. Every other managed container is counted in other_count, not listed.
StatusReport scope_to_project(StatusReport report, const std::vector<std::string>& project_dirs);

// Seconds since the epoch of an RFC 3339 UTC timestamp ("2024-05-01T12:00:00.123Z");
// nullopt when it cannot be read.
std::optional<long long> epoch_seconds(const std::string& rfc3339);

}  // namespace run_anvil::launcher
