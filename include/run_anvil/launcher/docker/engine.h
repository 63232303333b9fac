#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "run_anvil/errors.h"
#include "run_anvil/sidecars/plan/engine_objects.h"

// The Docker seam: every daemon operation the launcher performs goes through Engine.
// The real implementation is EngineApi (engine_api.h, Engine API over libcurl); unit tests use
// fakes/mock_engine.h and fakes/fake_docker.h. Every method may throw DockerError (the daemon
// answered with an error; the message is the daemon's own) or DaemonUnavailable (no answer).
// Implementations must be safe to call from several threads at once.
namespace run_anvil::launcher {

class DockerError : public Error {
 public:
  DockerError(int status, const std::string& message) : Error(message), status_(status) {}
  int status() const { return status_; }  // HTTP status, e.g. 404, 409, 500

 private:
  int status_;
};

class DaemonUnavailable : public Error {
 public:
  explicit DaemonUnavailable(const std::string& message) : Error(message) {}
};

// What `run-anvil logs` asks for.
struct LogsRequest {
  int tail = -1;            // the last N lines; -1: all
  bool timestamps = false;  // prefix each line with its RFC 3339 nano timestamp and a space
  std::string since;        // only lines at or after this time ("<epoch seconds>.<nanos>"); "": all
};

// The read-only side of the daemon seam: what `plan`, `status` and observation may call. Nothing
// here creates, changes or removes anything in the daemon, so code that holds only an
// EngineReader cannot (the compiler checks "plan touches nothing").
class EngineReader {
 public:
  virtual ~EngineReader() = default;

  // Human-readable endpoint for messages, e.g. "unix:///var/run/docker.sock".
  virtual std::string endpoint() const = 0;

  // True when the daemon runs on this host (unix socket), so bridge-network container IPs are
  // routable from the launcher's own network namespace.
  virtual bool daemon_is_local() const = 0;

  // True when the engine is podman's Docker-compatible service (asks the daemon on first use).
  // The differences are handled behind this seam; callers only need it to tell whether a
  // `podman run` anvil lands on the same engine.
  virtual bool engine_is_podman() { return false; }
  // Containers (all states) carrying every label in `labels` ("key" or "key=value" semantics of
  // docker's label filter: empty value means "key present"). One daemon call. Fills every field
  // of ContainerInfo except started_at, and health/has_healthcheck where the daemon's list
  // carries them (API 1.52); inspect for those.
  virtual std::vector<ContainerInfo> list_containers(
      const std::map<std::string, std::string>& labels) = 0;
  // Full inspect by name or id; nullopt when no such container.
  virtual std::optional<ContainerInfo> inspect_container(const std::string& name_or_id) = 0;

  // The local image's ID ("sha256:...") for a reference; nullopt when not present locally.
  virtual std::optional<std::string> image_id(const std::string& reference) = 0;

  // The local image's default entrypoint, command and user; nullopt when not present locally.
  virtual std::optional<ImageConfig> image_config(const std::string& reference) = 0;

  // False when the engine cannot change a restart policy after create (podman 4.3's APIs have no
  // restart-policy update): a container keeps the policy it was created with.
  virtual bool updates_restart_policy() { return true; }
  // nullopt when no network of that name exists.
  virtual std::optional<NetworkInfo> inspect_network(const std::string& name) = 0;

  // False when containers on `network` cannot resolve each other's names (podman's default
  // network "podman" has DNS off); true when they can or the engine does not say (Docker's
  // user-defined networks always resolve; its default bridge is refused by name elsewhere).
  virtual bool network_resolves_names(const NetworkInfo& network) {
    (void)network;
    return true;
  }

  // Networks carrying every label in `labels` (same semantics as list_containers). One daemon
  // call; container_ids is left empty (the daemon's list does not fill it: inspect for that).
  virtual std::vector<NetworkInfo> list_networks(
      const std::map<std::string, std::string>& labels) = 0;
  // The path in the container's file system (works on a created, never started container);
  // nullopt when nothing is there.
  virtual std::optional<PathStat> stat_path(const std::string& container,
                                            const std::string& path) = 0;
  // The command line of every process running in the container (like `docker top`); empty when
  // it is not running.
  virtual std::vector<std::string> process_commands(const std::string& container) = 0;

  // Volumes carrying every label in `labels` (same semantics as list_containers). One call.
  virtual std::vector<VolumeInfo> list_volumes(
      const std::map<std::string, std::string>& labels) = 0;
  // The last `lines` lines of the container's stdout+stderr ("" when none or absent).
  virtual std::string logs_tail(const std::string& container, int lines) = 0;

  // The container's stdout+stderr lines written at or after `since` (unix time "secs.nanos"),
  // each prefixed by its RFC 3339 timestamp and one space; "" when none or absent. Used by log
  // readiness (SPEC §13). The default throws Error: a client without it cannot do log readiness.
  virtual std::string logs_since(const std::string& container, const std::string& since) {
    (void)container;
    (void)since;
    throw Error("this daemon client cannot read timestamped logs (log readiness)");
  }

  // The container's stdout+stderr as `request` says ("" when none or absent). The default serves
  // fakes that only know logs_tail: no timestamps, no since.
  virtual std::string logs(const std::string& container, const LogsRequest& request) {
    return logs_tail(container, request.tail < 0 ? 1 << 30 : request.tail);
  }

  // The tags the daemon holds locally for `repository` ("redis" -> {"redis:7", "redis:6"}), to
  // say what is there when a pull fails. The default (fakes) knows none.
  virtual std::vector<std::string> local_tags(const std::string& repository) {
    (void)repository;
    return {};
  }
};

// The whole daemon seam: the reads, and everything that creates, starts, changes, runs or
// removes. The Engine API client (engine_api.h) is the real one; fakes/ has a mock and a fake.
class Engine : public EngineReader {
 public:
  // Pulls `reference` from its registry, like `docker pull`, waiting at most `timeout`; once it
  // returns, image_id(reference) finds the image. An untagged reference pulls `latest` (never
  // every tag); a digest reference pulls exactly that digest. No registry credentials are sent,
  // so only public images can be pulled: a private one must be `docker login` + `docker pull`ed
  // first. Throws DockerError with the daemon's own message when the pull fails, including the
  // failures the Engine API reports inside an HTTP 200 progress stream (a line
  // {"error": "...", "errorDetail": {...}}).
  virtual void pull_image(const std::string& reference, std::chrono::milliseconds timeout) = 0;

  // Creates (does not start) a container on spec.network and spec.more_networks; returns its id.
  // Throws DockerError with status 409 when the name is taken (whatever status the engine used),
  // 404 when the image is not present locally.
  virtual std::string create_container(const ContainerSpec& spec) = 0;

  // Starts a created or stopped container; starting a running one is not an error.
  virtual void start_container(const std::string& id) = 0;

  // Force-removes a container (and its anonymous volumes). An absent container is not an error.
  virtual void remove_container(const std::string& id) = 0;

  // Force-removes a container and nothing else: its anonymous volumes stay (SPEC §11: they may
  // go over to a replacement, and only `down --volumes` removes data). Absent is not an error.
  virtual void remove_container_keeping_volumes(const std::string& id) = 0;

  // Stops a container gracefully: its stop signal (Config.StopSignal, else the image's, else
  // SIGTERM), then SIGKILL after `grace`, or after the container's own StopTimeout (else 10 s)
  // when `grace` is nullopt. Stopped or absent is not an error.
  virtual void stop_container(const std::string& id, std::optional<std::chrono::seconds> grace) = 0;

  // Sets the container's restart policy ("no", "always", "unless-stopped", "on-failure") without
  // recreating it. Absent is an error (DockerError 404). Call only when
  // updates_restart_policy() says the engine can.
  virtual void update_restart_policy(const std::string& id, const std::string& policy) = 0;

  // Creates a user-defined bridge network with `labels` unless one of that name exists; never
  // creates a duplicate (a concurrent creator winning is not an error). Returns the network.
  // `internal`: like `docker network create --internal`, no route out (SPEC §14: a session
  // network beside an internal anvil network must not give the anvil a default route).
  virtual NetworkInfo ensure_network(const std::string& name,
                                     const std::map<std::string, std::string>& labels,
                                     bool internal = false) = 0;
  // Removes a network; absent is not an error.
  virtual void remove_network(const std::string& name) = 0;

  // Attaches a container under `aliases`. Throws DockerError if already attached (status 403
  // on older daemons); callers check attachment first.
  virtual void connect_network(const std::string& network, const std::string& container,
                               const std::vector<std::string>& aliases) = 0;
  // Detaches (force). Not attached / absent is not an error.
  virtual void disconnect_network(const std::string& network, const std::string& container) = 0;

  // Writes `payload` to the input of running container `id` (created with open_stdin) and
  // detaches, which closes that input. The bytes go over the daemon connection only: never
  // logged, never part of an error message, never on any disk.
  virtual void attach_stdin(const std::string& container, const std::string& payload) = 0;

  // Creates image `reference` ("repo:tag") from the root file system in `tar`, as `docker
  // import` does (no CMD, no ENTRYPOINT). Replaces the tag if it exists.
  virtual void import_image(const std::string& reference, const std::string& tar) = 0;

  // Creates a local named volume with `labels`; one that exists already is left as it is.
  virtual void create_volume(const std::string& name,
                             const std::map<std::string, std::string>& labels) = 0;
  // Removes a volume; absent is not an error. Throws DockerError (409) while a container uses it.
  virtual void remove_volume(const std::string& name) = 0;

  // Runs argv inside a running container, waits at most `timeout`, returns its exit code
  // (-1 when it did not finish in time) and the tail of its combined output; memory stays
  // bounded however much it prints. An attempt that overruns is killed INSIDE the container,
  // with its process group, before this returns (where the image has /bin/sh to report the
  // PID; otherwise, for a local daemon, by its host PID), so no attempt outlives its call.
  virtual ExecResult exec(const std::string& container, const std::vector<std::string>& argv,
                          std::chrono::milliseconds timeout) = 0;
};

}  // namespace run_anvil::launcher
