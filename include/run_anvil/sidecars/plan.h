#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "run_anvil/sidecars/anvil_argv.h"
#include "run_anvil/sidecars/definition.h"

// The plan: a pure function from (validated definitions, one observed snapshot, the anvil argv)
// to what must happen before the anvil runs (SPEC §5-§8). No I/O; the executor carries it out.
namespace run_anvil::sidecars {

// What the launcher saw of one container, taken from a single daemon listing.
struct ObservedContainer {
  std::string id;
  std::string name;
  bool running = false;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> network_ips;  // network name -> IPv4 ("" if none)
};

struct ObservedState {
  std::map<std::string, ObservedContainer> containers;              // by container name
  std::map<std::string, std::optional<std::string>> image_ids;      // image ref -> local ID
  // The anvil's network as the daemon knows it: nullopt when it does not exist.
  std::optional<std::string> network_driver;
};

enum class Action { Reuse, Create, Recreate };
const char* to_string(Action);

// How readiness is confirmed for one sidecar (SPEC §7).
struct Probe {
  ReadinessMode mode = ReadinessMode::None;
  std::string host;  // canonical alias on the anvil network
  int port = 0;
  std::vector<std::string> command;  // exec mode
  std::chrono::milliseconds timeout{30000};
  std::optional<std::chrono::milliseconds> interval;  // nullopt: executor's adaptive default
  // e.g. "tcp pg:5432", "healthcheck", "exec pg_isready -U postgres", "running"
  std::string describe() const;
};

struct SidecarStep {
  std::string name;
  std::string container;  // container name
  Action action = Action::Create;
  std::string reason;        // "running, config matches" | "absent" | "stopped" | "config changed" | "image rebuilt"
  std::string existing_id;   // Reuse/Recreate: the observed container
  std::string config_hash;
  std::string image_id;      // local image ID to record in the label ("" when unknown)
  std::string network;       // "" when not network-facing
  std::vector<std::string> aliases;  // on `network`: canonical alias, then interface.aliases
  bool connect = false;      // Reuse: attach to `network` (not attached yet)
  std::string observed_ip;   // Reuse: IP on `network` when already attached
  std::vector<std::string> depends_on;
  Probe probe;
};

struct Plan {
  std::string network;             // "" when no sidecar is network-facing
  bool create_network = false;     // the managed default network must be created
  bool network_inserted = false;   // --network was added to the anvil argv
  std::vector<SidecarStep> steps;  // dependency order
  std::vector<std::pair<std::string, std::string>> env;  // injected, sorted by key
  std::vector<std::string> anvil_argv;                    // what will be executed
};

// Throws run_anvil::Error when the plan is impossible: the anvil command is not a run command,
// its network cannot carry sidecars (host, none, container:, default bridge) or does not exist,
// a container of a sidecar's name is not managed by run-anvil, or an image is not present.
// Precondition: `definitions` passed validate_set.
Plan make_plan(const std::vector<Definition>& definitions, const ObservedState& observed,
               const AnvilCommand& anvil);

// The network the sidecars join: "" when none is network-facing, the anvil's --network, else the
// managed default. Throws run_anvil::Error for networks that cannot carry sidecars.
std::string sidecar_network(const AnvilCommand& anvil, const std::vector<Definition>& definitions);

// Labels every managed container of this definition carries.
std::map<std::string, std::string> container_labels(const Definition& definition,
                                                    const std::string& config_hash,
                                                    const std::string& image_id);

}  // namespace run_anvil::sidecars
