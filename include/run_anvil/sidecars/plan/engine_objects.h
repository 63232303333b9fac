#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "run_anvil/sidecars/define/definition.h"

// The daemon's objects as plain data: what observation reads (containers, networks, images,
// volumes) and what a step asks the daemon to create (ContainerSpec). Plain data so the pure
// decisions in sidecars/ (plan, status, doctor, down, users of a sidecar) can take them without
// depending on the daemon seam (launcher/docker/engine.h), which reads and writes them.
namespace run_anvil::sidecars {

struct NetworkAttachment {
  std::string network_id;
  std::string ip;                    // IPv4 address on that network, may be empty
  std::vector<std::string> aliases;  // as reported by inspect (may include the short id)
};

// One entry of a container's Mounts.
struct MountInfo {
  std::string type;         // "volume" | "bind" | "tmpfs" | ...
  std::string name;         // volume name; "" for binds
  std::string source;       // host path
  std::string destination;  // path in the container
  bool read_write = true;
};

struct ContainerInfo {
  std::string id;
  std::string name;   // without the leading '/'
  std::string state;  // "created" | "running" | "paused" | "restarting" | "exited" | "dead"
  bool running = false;
  std::string health;  // "" when no healthcheck; else "starting" | "healthy" | "unhealthy"
  bool has_healthcheck = false;
  std::string image;     // image reference it was created with
  std::string image_id;  // "sha256:..."
  std::map<std::string, std::string> labels;
  std::map<std::string, NetworkAttachment> networks;  // by network name
  std::string started_at;                             // RFC 3339, "" when never started
  std::string finished_at;     // RFC 3339 end of the previous run, "" when it never stopped
  int exit_code = 0;           // State.ExitCode of the last run (inspect only)
  int restart_count = 0;       // RestartCount: restarts by the restart policy (inspect only)
  std::string restart_policy;  // HostConfig.RestartPolicy.Name (inspect only; "" = unknown)
  // Names of Config.Env (inspect only), to tell which sidecars an anvil was given. Values are
  // never kept: they may be secrets.
  std::vector<std::string> env_keys;
  std::vector<MountInfo> mounts;  // list and inspect
  // Published ports as `docker ps` shows them, "127.0.0.1:49153->5432/tcp", sorted (list and
  // inspect); a port the container only exposes is not listed.
  std::vector<std::string> published;
};

struct NetworkInfo {
  std::string id;
  std::string name;
  std::string driver;  // "bridge", "host", "null", "overlay", ...
  std::map<std::string, std::string> labels;
  std::vector<std::string> container_ids;  // attached containers
  bool internal = false;                   // created with --internal: no route out of the network
  std::string gateway{};  // the first IPv4 gateway of its IPAM config ("" when none is reported)
};

// A bind whose source must already exist where the daemon runs.
struct StrictBind {
  std::string source;  // host path, as the daemon sees it
  std::string target;  // path in the container
  bool read_only = false;

  friend bool operator==(const StrictBind&, const StrictBind&) = default;
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
  // HostConfig.Mounts, Type=bind: unlike `binds`, a missing source is an error of the create
  // call, never a directory the daemon makes there (the docker-socket mount, SPEC §14).
  std::vector<StrictBind> strict_binds;
  std::string network;               // network to attach at create time ("" = daemon default)
  std::vector<std::string> aliases;  // DNS aliases on `network`
  // Further networks (name -> aliases) the container is on before it starts: in the create call
  // itself where the API allows several (1.44+, podman), else connected right after create.
  std::map<std::string, std::vector<std::string>> more_networks;
  std::string stop_signal;          // "" = the image's STOPSIGNAL, else SIGTERM
  std::optional<int> stop_timeout;  // seconds; nullopt = the daemon's default (10)
  // SPEC §12 (user, working_dir, init, shm_size, tmpfs, caps, extra_hosts, ports, ulimits,
  // healthcheck; labels are already in `labels`, env files in `env`). Empty: the daemon default.
  sidecars::ServiceOptions service;
  int gpus = 0;  // 0: none; -1: all; N: that many
  // OpenStdin + StdinOnce: the process reads what attach_stdin() writes once after start (the
  // secrets, secret_delivery.h). Its input is closed when that writer detaches.
  bool open_stdin = false;
};

// What an image runs when a container does not say otherwise (the image's Config).
struct ImageConfig {
  std::vector<std::string> entrypoint;  // empty when the image has none
  std::vector<std::string> cmd;         // empty when the image has none
  std::string user;                     // Config.User: "" (root), "1000", "1000:1000", "app", ...
  std::string id;                       // "sha256:...", as image_id() returns it
  std::vector<std::string> volumes;     // Config.Volumes: the image's VOLUME paths, sorted
};

struct VolumeInfo {
  std::string name;
  std::map<std::string, std::string> labels;
};

struct ExecResult {
  int exit_code = -1;
  std::string output;  // the last few KiB of combined stdout+stderr
};

// What the daemon says about one path inside a container's file system.
struct PathStat {
  bool regular = false;  // a regular file
  bool directory = false;
  std::string link_target;  // a symlink: its target, resolved inside the container; else ""
};

}  // namespace run_anvil::sidecars

// Transitional: the pure decisions moved out of launcher/ still live in namespace launcher.
namespace run_anvil::launcher {
using sidecars::ContainerInfo;
using sidecars::ContainerSpec;
using sidecars::ExecResult;
using sidecars::ImageConfig;
using sidecars::MountInfo;
using sidecars::NetworkAttachment;
using sidecars::NetworkInfo;
using sidecars::PathStat;
using sidecars::VolumeInfo;
}  // namespace run_anvil::launcher
