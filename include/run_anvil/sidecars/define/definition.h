#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

// The types one sidecar definition file becomes (SPEC §4). Pure data; parsing lives in
// parse.h, cross-definition rules in validate.h.
namespace run_anvil::sidecars {

enum class Layer { User, Org, Repo, Workspace };
enum class Lifecycle { Shared, Session };
enum class InterfaceKind { Port, None, Volume, Mcp };
enum class ReadinessMode { Tcp, Healthcheck, Exec, None, Http, Log };

const char* to_string(Layer);
const char* to_string(Lifecycle);
const char* to_string(InterfaceKind);
const char* to_string(ReadinessMode);

struct Mount {
  enum class Kind { Workspace, DockerSocket };
  Kind kind = Kind::Workspace;
  bool read_only = false;  // "workspace" alone means rw; "docker-socket" alone means rw
  bool operator==(const Mount&) const = default;
};

// One entry of `volumes` (SPEC §11).
struct Volume {
  enum class Kind { Named, Bind };
  Kind kind = Kind::Named;
  // Named: the NAME as written (the Docker volume is named by naming.h). Bind: the host path,
  // absolute once discovery resolved it against the definition file's directory.
  std::string source;
  std::string target;  // absolute path in the container
  bool read_only = false;
  std::string written;  // the entry as written, for messages
  bool operator==(const Volume&) const = default;
};

struct Interface {
  InterfaceKind kind = InterfaceKind::None;
  int port = 0;                      // port and mcp: 1..65535
  std::vector<std::string> aliases;  // extra DNS names on the anvil's network
  std::string mcp_name;              // mcp: canonical alias (defaults to the sidecar name)
  std::string mcp_path;              // mcp: URL path, default "/mcp"
  std::string volume;                // volume: named volume
  std::string mountpoint;            // volume: where it is mounted in sidecar and anvil
};

struct Readiness {
  ReadinessMode mode = ReadinessMode::None;
  bool mode_explicit = false;
  std::chrono::milliseconds timeout{30000};
  std::optional<std::chrono::milliseconds> interval;  // nullopt: the launcher chooses
  std::vector<std::string> command;                   // exec mode
  std::string path = "/";                             // http mode: request path
  std::vector<int> status;                            // http mode: empty means any 2xx or 3xx
  std::string pattern;                                // log mode: ECMAScript regex
  int occurrences = 1;                                // log mode: matching lines needed
};

struct Resources {
  std::string memory;  // as written, e.g. "512m"; empty when unset
  std::string cpus;    // as written, e.g. "1.5"; empty when unset
  std::int64_t memory_bytes = 0;
  std::int64_t nano_cpus = 0;
  int gpus = 0;  // 0: none; -1: all; N: that many
};

// One published port (SPEC §12 `ports`).
struct PortBinding {
  std::string host_ip = "127.0.0.1";  // a bare port stays on the loopback interface
  int host_port = 0;                  // 0: any free port the daemon picks
  int container_port = 0;
  std::string protocol = "tcp";  // "tcp" | "udp"
  bool operator==(const PortBinding&) const = default;
};

struct Ulimit {
  std::string name;  // "nofile", "nproc", ...
  std::int64_t soft = 0;
  std::int64_t hard = 0;
  bool operator==(const Ulimit&) const = default;
};

// [healthcheck]: the container's HEALTHCHECK. Durations of zero mean "docker's default".
struct Healthcheck {
  std::vector<std::string> test;  // ["CMD", ...] | ["CMD-SHELL", "..."] | ["NONE"]
  std::chrono::milliseconds interval{0};
  std::chrono::milliseconds timeout{0};
  std::chrono::milliseconds start_period{0};
  int retries = 0;
};

// The SPEC §12 keys: what a real service needs beyond image and command. Empty means unset.
struct ServiceOptions {
  std::string user;         // "name" | "uid" | "uid:gid"
  std::string working_dir;  // absolute path
  std::optional<bool> init;
  std::string shm_size;  // as written
  std::int64_t shm_size_bytes = 0;
  std::vector<std::pair<std::string, std::string>> tmpfs;  // path -> mount options, sorted
  std::vector<std::string> cap_add;                        // upper case, without "CAP_"
  std::vector<std::string> cap_drop;
  std::vector<std::string> extra_hosts;  // "host:ip" (ip may be "host-gateway")
  std::vector<std::string> env_files;    // as written; read and merged into env at discovery
  std::vector<PortBinding> ports;
  std::vector<Ulimit> ulimits;                // sorted by name
  std::map<std::string, std::string> labels;  // never swarmforge.*
  std::optional<Healthcheck> healthcheck;
};

struct Definition {
  std::string name;  // file stem, matches [A-Za-z0-9][A-Za-z0-9_.-]*
  Layer layer = Layer::User;
  std::string file;  // path as discovered, used in every diagnostic
  bool disable = false;
  // sha256 (lower hex) of the file's bytes exactly as written: what an approval covers (every
  // key, readiness and healthcheck included, SPEC §14) and part of the definition's identity.
  std::string content_sha256{};

  std::string description;
  Lifecycle lifecycle = Lifecycle::Shared;
  std::string image;
  std::optional<std::vector<std::string>> command;
  std::optional<std::vector<std::string>> entrypoint;
  std::vector<std::string> depends_on;
  std::vector<Mount> mounts;
  std::string restart;  // resolved: explicit value, else "unless-stopped" (shared) / "no" (session)
  Interface interface;
  Readiness readiness;
  std::vector<std::pair<std::string, std::string>> env;  // sorted by key, values unresolved
  Resources resources;
  std::vector<Volume> volumes;  // SPEC §11, in the order written
  // SPEC §12: "" means the image's STOPSIGNAL, else SIGTERM; nullopt means 10 s.
  std::string stop_signal;
  std::optional<std::chrono::seconds> stop_timeout;
  ServiceOptions service;

  // Line of each dotted key as written ("interface.port" -> 7); 0 when absent.
  std::map<std::string, int> lines;
  int line_of(const std::string& key) const {
    auto it = lines.find(key);
    return it == lines.end() ? 0 : it->second;
  }

  // The DNS name the anvil reaches this sidecar by: interface.name for mcp, else the name.
  std::string canonical_alias() const {
    return interface.kind == InterfaceKind::Mcp && !interface.mcp_name.empty() ? interface.mcp_name
                                                                               : name;
  }
  bool network_facing() const {
    return interface.kind == InterfaceKind::Port || interface.kind == InterfaceKind::Mcp;
  }
  // True when any env value holds a `${secret:...}` reference.
  bool has_secrets() const;
};

}  // namespace run_anvil::sidecars
