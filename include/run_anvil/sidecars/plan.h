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
  // Docker's state ("created", "running", "exited", ...). "created" with a matching config is a
  // container another launcher is about to start (or was stopped before it could): it is started,
  // never removed, so a peer's fresh container is never destroyed.
  std::string state;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> network_ips;  // network name -> IPv4 ("" if none)
};

struct ObservedState {
  std::map<std::string, ObservedContainer> containers;              // by container name
  // image ref -> local ID; nullopt (or no entry) when not present locally: the plan pulls it.
  std::map<std::string, std::optional<std::string>> image_ids;
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
                             // | "created, not started yet" (Create that adopts existing_id)
  std::string existing_id;   // Reuse/Recreate: the observed container
  std::string config_hash;
  std::string image_id;      // local image ID to record in the label ("" when unknown)
  // The image reference to pull before anything is created: the image is not present locally
  // (image_id is then ""). "" when it is present. `run` pulls before planning, so only `plan`
  // shows pulls.
  std::string pull_image;
  std::string network;       // "" when not network-facing
  std::vector<std::string> aliases;  // on `network`: canonical alias, then interface.aliases
  bool connect = false;      // Reuse: attach to `network` (not attached yet)
  std::string observed_ip;   // Reuse: IP on `network` when already attached
  std::vector<std::string> depends_on;
  Probe probe;
  // Session sidecar (SPEC §10): created fresh for this run as <anvil name>-tong-<token>, on the
  // session network, removed when the run ends; never adopted from or shared with another run.
  bool session = false;
  // A shared network-facing sidecar in a run with a session network also joins that network
  // under `aliases` (and leaves it when the run ends), so the anvil reaches it there.
  std::string session_network;
  // Labels added to the container's own (the session's labels, for session sidecars).
  std::map<std::string, std::string> labels;
  // volume interface: the Docker volume mounted at interface.mountpoint ("" otherwise).
  std::string volume;
  // Source of a `workspace` mount (the --workspace path); "" when the sidecar mounts none.
  std::string workspace;
};

// A run with session sidecars (SPEC §10). Everything here lives exactly as long as the run.
struct SessionPlan {
  std::string anvil_name;       // the anvil's --name, given or generated
  bool name_inserted = false;   // --name was added to the anvil argv
  // "swarmforge-session-<anvil name>": the anvil's create-time network. "" when no session
  // sidecar is network-facing.
  std::string network;
  // The anvil's own --network, replaced by `network` in its argv; the launcher connects the
  // anvil container to it (under these aliases) as soon as the container exists.
  std::string anvil_network;
  std::vector<std::string> anvil_network_aliases;
  std::vector<std::string> volumes;           // session volumes to create, then remove
  std::map<std::string, std::string> labels;  // on every session container, network, volume
};

struct Plan {
  std::string network;             // "" when no sidecar is network-facing
  bool create_network = false;     // the managed default network must be created
  bool network_inserted = false;   // --network was added to the anvil argv
  std::vector<SidecarStep> steps;  // dependency order
  std::vector<std::pair<std::string, std::string>> env;  // injected, sorted by key
  std::vector<std::string> anvil_argv;                    // what will be executed
  std::optional<SessionPlan> session;  // set when a session sidecar is declared
};

// What the launcher decides outside the pure plan and hands in.
struct PlanOptions {
  // The anvil name when a session needs one and the argv has no --name (e.g. "anvil-1f2e...").
  std::string generated_anvil_name;
  // Source of `workspace` mounts: the absolute --workspace path.
  std::string workspace;
  // Labels of this session beyond managed-by and swarmforge.session (id, launcher).
  std::map<std::string, std::string> session_labels;
  // More for the anvil (e.g. the harness's MCP config mount): env and run options.
  std::vector<std::pair<std::string, std::string>> anvil_env;
  std::vector<std::string> anvil_options;
};

// Throws run_anvil::Error when the plan is impossible: the anvil command is not a run command,
// its network cannot carry sidecars (host, none, container:, default bridge) or does not exist,
// or a container of a sidecar's name is not managed by run-anvil (an image not present locally
// is no error: its steps say pull_image); with
// session sidecars also when the anvil name is not a valid container name, no name is available,
// or a session container of that name already exists (another run of the same anvil name).
// Precondition: `definitions` passed validate_set.
Plan make_plan(const std::vector<Definition>& definitions, const ObservedState& observed,
               const AnvilCommand& anvil, const PlanOptions& options = {});

// The network the sidecars join: "" when none is network-facing, the anvil's --network, else the
// managed default. Throws run_anvil::Error for networks that cannot carry sidecars.
std::string sidecar_network(const AnvilCommand& anvil, const std::vector<Definition>& definitions);

// Labels every managed container of this definition carries.
std::map<std::string, std::string> container_labels(const Definition& definition,
                                                    const std::string& config_hash,
                                                    const std::string& image_id);

}  // namespace run_anvil::sidecars
