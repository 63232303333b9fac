#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "run_anvil/errors.h"

// The Docker seam: every daemon operation the launcher performs goes through DockerCLI.
// The real implementation is EngineApi (engine_api.h, Engine API over libcurl); unit tests use
// fakes/mock_docker_cli.h and fakes/fake_docker.h. Every method may throw DockerError (the daemon
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

struct NetworkAttachment {
  std::string network_id;
  std::string ip;                    // IPv4 address on that network, may be empty
  std::vector<std::string> aliases;  // as reported by inspect (may include the short id)
};

struct ContainerInfo {
  std::string id;
  std::string name;   // without the leading '/'
  std::string state;  // "created" | "running" | "paused" | "restarting" | "exited" | "dead"
  bool running = false;
  std::string health;          // "" when no healthcheck; else "starting" | "healthy" | "unhealthy"
  bool has_healthcheck = false;
  std::string image;           // image reference it was created with
  std::string image_id;        // "sha256:..."
  std::map<std::string, std::string> labels;
  std::map<std::string, NetworkAttachment> networks;  // by network name
  std::string started_at;      // RFC 3339, "" when never started
  int exit_code = 0;           // State.ExitCode of the last run (inspect only)
  int restart_count = 0;       // RestartCount: restarts by the restart policy (inspect only)
  // Names of Config.Env (inspect only), to tell which sidecars an anvil was given. Values are
  // never kept: they may be secrets.
  std::vector<std::string> env_keys;
};

struct NetworkInfo {
  std::string id;
  std::string name;
  std::string driver;  // "bridge", "host", "null", "overlay", ...
  std::map<std::string, std::string> labels;
  std::vector<std::string> container_ids;  // attached containers
};

struct ContainerSpec {
  std::string name;
  std::string image;
  std::optional<std::vector<std::string>> cmd;
  std::optional<std::vector<std::string>> entrypoint;
  std::vector<std::string> env;  // "KEY=VALUE"
  std::map<std::string, std::string> labels;
  std::string restart_policy = "no";  // "no" | "always" | "unless-stopped" | "on-failure"
  std::int64_t memory_bytes = 0;      // 0: unlimited
  std::int64_t nano_cpus = 0;         // 0: unlimited
  std::vector<std::string> binds;     // "source:target[:ro]"
  std::string network;                // network to attach at create time ("" = daemon default)
  std::vector<std::string> aliases;   // DNS aliases on `network`
};

// What an image runs when a container does not say otherwise (the image's Config).
struct ImageConfig {
  std::vector<std::string> entrypoint;  // empty when the image has none
  std::vector<std::string> cmd;         // empty when the image has none
  std::string user;                     // Config.User: "" (root), "1000", "1000:1000", "app", ...
};

struct VolumeInfo {
  std::string name;
  std::map<std::string, std::string> labels;
};

struct ExecResult {
  int exit_code = -1;
  std::string output;  // combined stdout+stderr, truncated to a few KiB
};

class DockerCLI {
 public:
  virtual ~DockerCLI() = default;

  // Human-readable endpoint for messages, e.g. "unix:///var/run/docker.sock".
  virtual std::string endpoint() const = 0;
  // True when the daemon runs on this host (unix socket), so bridge-network container IPs are
  // routable from the launcher's own network namespace.
  virtual bool daemon_is_local() const = 0;

  // Containers (all states) carrying every label in `labels` ("key" or "key=value" semantics of
  // docker's label filter: empty value means "key present"). One daemon call. Fills every field
  // of ContainerInfo except health/has_healthcheck/started_at.
  virtual std::vector<ContainerInfo> list_containers(
      const std::map<std::string, std::string>& labels) = 0;
  // Full inspect by name or id; nullopt when no such container.
  virtual std::optional<ContainerInfo> inspect_container(const std::string& name_or_id) = 0;
  // The local image's ID ("sha256:...") for a reference; nullopt when not present locally.
  virtual std::optional<std::string> image_id(const std::string& reference) = 0;
  // The local image's default entrypoint, command and user; nullopt when not present locally.
  virtual std::optional<ImageConfig> image_config(const std::string& reference) = 0;
  // Pulls `reference` from its registry, like `docker pull`, waiting at most `timeout`; once it
  // returns, image_id(reference) finds the image. An untagged reference pulls `latest` (never
  // every tag); a digest reference pulls exactly that digest. No registry credentials are sent,
  // so only public images can be pulled: a private one must be `docker login` + `docker pull`ed
  // first. Throws DockerError with the daemon's own message when the pull fails, including the
  // failures the Engine API reports inside an HTTP 200 progress stream (a line
  // {"error": "...", "errorDetail": {...}}).
  virtual void pull_image(const std::string& reference, std::chrono::milliseconds timeout) = 0;

  // Creates (does not start) a container; returns its id. Throws DockerError with status 409
  // when the name is taken, 404 when the image is not present locally.
  virtual std::string create_container(const ContainerSpec& spec) = 0;
  // Starts a created or stopped container; starting a running one is not an error.
  virtual void start_container(const std::string& id) = 0;
  // Force-removes a container (and its anonymous volumes). An absent container is not an error.
  virtual void remove_container(const std::string& id) = 0;
  // Stops a container gracefully (SIGTERM, then SIGKILL after `grace`). Stopped or absent is
  // not an error.
  virtual void stop_container(const std::string& id, std::chrono::seconds grace) = 0;

  // nullopt when no network of that name exists.
  virtual std::optional<NetworkInfo> inspect_network(const std::string& name) = 0;
  // Networks carrying every label in `labels` (same semantics as list_containers). One daemon
  // call; container_ids is left empty (the daemon's list does not fill it: inspect for that).
  virtual std::vector<NetworkInfo> list_networks(
      const std::map<std::string, std::string>& labels) = 0;
  // Creates a user-defined bridge network with `labels` unless one of that name exists; never
  // creates a duplicate (a concurrent creator winning is not an error). Returns the network.
  virtual NetworkInfo ensure_network(const std::string& name,
                                     const std::map<std::string, std::string>& labels) = 0;
  // Removes a network; absent is not an error.
  virtual void remove_network(const std::string& name) = 0;
  // Attaches a container under `aliases`. Throws DockerError if already attached (status 403
  // on older daemons); callers check attachment first.
  virtual void connect_network(const std::string& network, const std::string& container,
                               const std::vector<std::string>& aliases) = 0;
  // Detaches (force). Not attached / absent is not an error.
  virtual void disconnect_network(const std::string& network, const std::string& container) = 0;

  // Extracts the tar archive `tar` into the container's file system at directory `path` (which
  // must exist; "/" always does). Works on a created, not yet started container. The archive's
  // bytes are sent to the daemon only: never logged, never part of an error message.
  virtual void put_archive(const std::string& container, const std::string& path,
                           const std::string& tar) = 0;

  // Creates a local named volume with `labels`; one that exists already is left as it is.
  virtual void create_volume(const std::string& name,
                             const std::map<std::string, std::string>& labels) = 0;
  // Removes a volume; absent is not an error. Throws DockerError (409) while a container uses it.
  virtual void remove_volume(const std::string& name) = 0;
  // Volumes carrying every label in `labels` (same semantics as list_containers). One call.
  virtual std::vector<VolumeInfo> list_volumes(
      const std::map<std::string, std::string>& labels) = 0;

  // Runs argv inside a running container, waits at most `timeout`, returns its exit code
  // (-1 when it did not finish in time) and combined output.
  virtual ExecResult exec(const std::string& container, const std::vector<std::string>& argv,
                          std::chrono::milliseconds timeout) = 0;
  // The last `lines` lines of the container's stdout+stderr ("" when none or absent).
  virtual std::string logs_tail(const std::string& container, int lines) = 0;
};

}  // namespace run_anvil::launcher
