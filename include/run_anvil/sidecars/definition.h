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
enum class ReadinessMode { Tcp, Healthcheck, Exec, None };

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
};

struct Resources {
  std::string memory;        // as written, e.g. "512m"; empty when unset
  std::string cpus;          // as written, e.g. "1.5"; empty when unset
  std::int64_t memory_bytes = 0;
  std::int64_t nano_cpus = 0;
};

struct Definition {
  std::string name;  // file stem, matches [A-Za-z0-9][A-Za-z0-9_.-]*
  Layer layer = Layer::User;
  std::string file;  // path as discovered, used in every diagnostic
  bool disable = false;

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
