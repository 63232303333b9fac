#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "run_anvil/sidecars/define/definition.h"
#include "run_anvil/sidecars/plan/anvil_argv.h"

// The plan: a pure function from (validated definitions, one observed snapshot, the anvil argv)
// to what must happen before the anvil runs (SPEC §5-§8). No I/O; the executor carries it out.
namespace run_anvil::sidecars {

// One mount of an observed container (the daemon's Mounts entry).
struct ObservedMount {
  std::string type;         // "volume" | "bind" | "tmpfs" | ...
  std::string name;         // volume name ("" for binds)
  std::string destination;  // path in the container
  bool operator==(const ObservedMount&) const = default;
};

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
  std::vector<ObservedMount> mounts;
};

struct ObservedState {
  std::map<std::string, ObservedContainer> containers;  // by container name
  // image ref -> local ID; nullopt (or no entry) when not present locally: the plan pulls it.
  std::map<std::string, std::optional<std::string>> image_ids;
  // image ref -> the image's own VOLUME paths (Config.Volumes); absent when not known.
  std::map<std::string, std::vector<std::string>> image_volumes;
  // The anvil's network as the daemon knows it: nullopt when it does not exist.
  std::optional<std::string> network_driver;
  // False when the engine says containers on that network cannot resolve each other's names
  // (podman's default network "podman" has DNS off).
  bool network_resolves_names = true;
  // The engine the sidecars are on: podman's service, and on this host (a unix socket).
  bool engine_podman = false;
  bool engine_local = true;
  // The anvil's network was created --internal (no route out).
  bool network_internal = false;
  // The anvil's network's IPv4 gateway ("" when unknown): where podman's aardvark-dns answers.
  std::string network_gateway;
  // DNS names managed sidecars already answer to on the anvil's network: lower-cased alias ->
  // the container holding it. A step claiming one its own container does not hold is an error
  // (SPEC §14: one project's alias must not capture another's traffic).
  std::map<std::string, std::string> held_aliases{};
};

// Start: a stopped, exited or never-started container whose config matches is started again
// (SPEC §11), keeping its file system; if it cannot start, the executor replaces it as a
// Recreate would (volumes kept).
enum class Action { Reuse, Start, Create, Recreate };
const char* to_string(Action);

// How readiness is confirmed for one sidecar (SPEC §7).
struct Probe {
  ReadinessMode mode = ReadinessMode::None;
  std::string host;  // canonical alias on the anvil network
  int port = 0;
  std::vector<std::string> command;  // exec mode
  std::chrono::milliseconds timeout{30000};
  std::optional<std::chrono::milliseconds> interval;  // nullopt: executor's adaptive default
  std::string http_path = "/";                        // http mode
  std::vector<int> http_status;                       // http mode: empty means any 2xx or 3xx
  std::string pattern;                                // log mode: ECMAScript regex
  int occurrences = 1;                                // log mode
  // e.g. "tcp pg:5432", "healthcheck", "exec pg_isready -U postgres", "running"
  std::string describe() const;
};

// A volume or bind the sidecar's container gets (SPEC §11).
struct PlannedVolume {
  enum class Origin {
    Managed,  // `volumes` NAME: a labelled Docker volume run-anvil creates and keeps
    Bind,     // `volumes` host path
    Carried,  // the old container's anonymous volume at one of the image's VOLUME paths
  };
  Origin origin = Origin::Managed;
  std::string source;  // Docker volume name, or host path for Bind
  std::string target;
  bool read_only = false;
  bool operator==(const PlannedVolume&) const = default;
};

struct SidecarStep {
  std::string name;
  std::string container;  // container name
  Action action = Action::Create;
  std::string
      reason;  // "running, config matches" | "absent" | "stopped" | "config changed" | "image
               // rebuilt" | "created, not started yet" (Create that adopts existing_id)
  std::string existing_id;  // Reuse/Recreate: the observed container
  std::string config_hash;
  std::string image_id;  // local image ID to record in the label ("" when unknown)
  // The image reference to pull before anything is created: the image is not present locally
  // (image_id is then ""). "" when it is present. `run` pulls before planning, so only `plan`
  // shows pulls.
  std::string pull_image;
  std::string network;               // "" when not network-facing
  std::vector<std::string> aliases;  // on `network`: canonical alias, then interface.aliases
  bool connect = false;              // Reuse: attach to `network` (not attached yet)
  std::string observed_ip;           // Reuse: IP on `network` when already attached
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
  // `volumes`, then the image's anonymous volumes carried over from the existing container.
  std::vector<PlannedVolume> volumes;
  // Labels of the managed volumes the executor creates (shared sidecars; a session's volumes
  // are created with the session).
  std::map<std::string, std::string> volume_labels;
  // What replacing the existing container keeps and discards, said in `plan` and progress
  // (SPEC §11): "keeps volume data (/data); discards the rest of the container's file system",
  // or "discards all data in the container's file system: no volume holds it". "" when there
  // is no existing container.
  std::string data_note;
  // The SPEC §12 options the container is created with, shown by `plan` (ports above all).
  ServiceOptions service;
  int gpus = 0;
  // Source of a `docker-socket` mount: the socket of the daemon in use; "" when none.
  std::string docker_socket{};
  // A workspace definition not approved as written (SPEC §14): `plan` shows the step, `run`
  // asks first (or fails closed).
  bool needs_approval = false;
};

// A run with session sidecars (SPEC §10). Everything here lives exactly as long as the run.
struct SessionPlan {
  std::string anvil_name;      // the anvil's --name, given or generated
  bool name_inserted = false;  // --name was added to the anvil argv
  // "swarmforge-session-<anvil name>": the anvil's create-time network. "" when no session
  // sidecar is network-facing.
  std::string network;
  // The anvil's own --network, replaced by `network` in its argv; the launcher connects the
  // anvil container to it (under these aliases) as soon as the container exists.
  std::string anvil_network;
  std::vector<std::string> anvil_network_aliases;
  // The session network is created --internal because the anvil's own network is: joining the
  // session network must not give the anvil the default route its network withholds (SPEC §14).
  bool internal = false;
  std::vector<std::string> volumes;           // session volumes to create, then remove
  std::map<std::string, std::string> labels;  // on every session container, network, volume
};

struct Plan {
  std::string network;             // "" when no sidecar is network-facing
  bool create_network = false;     // the managed default network must be created
  bool network_inserted = false;   // --network was added to the anvil argv
  std::vector<SidecarStep> steps;  // dependency order
  std::vector<std::pair<std::string, std::string>> env;  // injected, sorted by key
  std::vector<std::string> anvil_argv;                   // what will be executed
  std::optional<SessionPlan> session;                    // set when a session sidecar is declared
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
  // The host path of the unix socket of the daemon in use: what a `docker-socket` mount binds
  // (SPEC §14). "" when the daemon is not reached through a unix socket: such a mount is then
  // an error.
  std::string docker_socket{};
  std::string daemon_endpoint{};  // for that error message, e.g. "tcp://10.0.0.5:2376"
  // Where this launcher sees definition paths from (launcher/os/origin_facts.h), recorded on
  // every container as swarmforge.tong.definition-seen: a path can be proven gone only from the
  // vantage it was recorded from. "" when unknown (nothing then is ever provably gone).
  std::string origin_vantage{};
  // `--recreate NAME`: these sidecars are recreated even when their container could be reused or
  // started (reason "--recreate"); a name no definition has is a UsageError. Safe recreation
  // (recreation_policy.h) may still keep one that is in use.
  std::vector<std::string> recreate{};
};

// Throws run_anvil::Error when the plan is impossible: the anvil command is not a run command,
// its network cannot carry sidecars (host, none, container:, default bridge) or does not exist,
// or a container of a sidecar's name is not managed by run-anvil (an image not present locally
// is no error: its steps say pull_image); with
// session sidecars also when the anvil name is not a valid container name, no name is available,
// or a session container of that name already exists (another run of the same anvil name).
// Precondition: `definitions` passed validate_set.
// What the user should know about running this anvil on this engine, if anything: through
// podman's Docker-compatible API, `docker run --rm` always exits 0 (podman 4.x answers
// wait?condition=removed with 0), so the anvil's exit code would be lost.
std::optional<std::string> engine_warning(const AnvilCommand& anvil, const ObservedState& observed);

Plan make_plan(const std::vector<Definition>& definitions, const ObservedState& observed,
               const AnvilCommand& anvil, const PlanOptions& options = {});

// The socket a `docker-socket` mount of `definition` binds: options.docker_socket, the daemon in
// use (SPEC §14). Throws Error naming the sidecar and the daemon when there is none (the daemon
// is not reached through a unix socket) or it cannot be expressed as a bind.
std::string docker_socket_source(const Definition& definition, const PlanOptions& options);

// The network the sidecars join: "" when none is network-facing, the anvil's --network, else the
// managed default. Throws run_anvil::Error for networks that cannot carry sidecars.
std::string sidecar_network(const AnvilCommand& anvil, const std::vector<Definition>& definitions);

// Labels every managed container of this definition carries.
std::map<std::string, std::string> container_labels(const Definition& definition,
                                                    const std::string& config_hash,
                                                    const std::string& image_id);

}  // namespace run_anvil::sidecars
