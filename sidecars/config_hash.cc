#include "run_anvil/sidecars/config_hash.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace run_anvil::sidecars {
namespace {

// Bump when the canonical form changes meaning, so every existing container reads as stale
// instead of being silently reused under a different interpretation.
constexpr int kCanonicalVersion = 1;

// The hash uses its own spellings rather than the display to_string() ones: renaming a word in
// user-facing output must never recreate every sidecar on every host.
const char* hash_word(Lifecycle lifecycle) {
  return lifecycle == Lifecycle::Session ? "session" : "shared";
}

const char* hash_word(InterfaceKind kind) {
  switch (kind) {
    case InterfaceKind::Port:
      return "port";
    case InterfaceKind::Volume:
      return "volume";
    case InterfaceKind::Mcp:
      return "mcp";
    case InterfaceKind::None:
      break;
  }
  return "none";
}

nlohmann::json optional_argv(const std::optional<std::vector<std::string>>& argv) {
  return argv ? nlohmann::json(*argv) : nlohmann::json(nullptr);
}

// Always "kind:ro" or "kind:rw": "workspace" and "workspace:rw" mean the same container. Sorted,
// because the order mounts are listed in does not shape the container.
nlohmann::json canonical_mounts(const std::vector<Mount>& mounts) {
  std::vector<std::string> out;
  out.reserve(mounts.size());
  for (const Mount& m : mounts) {
    const char* kind = m.kind == Mount::Kind::DockerSocket ? "docker-socket" : "workspace";
    out.push_back(std::string(kind) + (m.read_only ? ":ro" : ":rw"));
  }
  std::sort(out.begin(), out.end());
  return out;
}

nlohmann::json canonical_interface(const Interface& interface) {
  std::vector<std::string> aliases = interface.aliases;
  std::sort(aliases.begin(), aliases.end());
  // Every field is always present (empty when unused) so the shape never depends on the kind.
  return {
      {"kind", hash_word(interface.kind)},
      {"port", interface.port},
      {"aliases", aliases},
      {"mcp_name", interface.mcp_name},
      {"mcp_path", interface.mcp_path},
      {"volume", interface.volume},
      {"mountpoint", interface.mountpoint},
  };
}

nlohmann::json canonical_env(const std::vector<std::pair<std::string, std::string>>& env) {
  // Values stay unresolved: a `${secret:...}` reference is hashed, never the secret itself.
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, value] : env) out[key] = value;
  return out;
}

}  // namespace

std::string config_canonical_json(const Definition& definition) {
  // nlohmann::json objects are std::map-backed: keys come out sorted whatever the insertion order.
  const nlohmann::json canonical = {
      {"v", kCanonicalVersion},
      {"image", definition.image},
      {"command", optional_argv(definition.command)},
      {"entrypoint", optional_argv(definition.entrypoint)},
      {"env", canonical_env(definition.env)},
      {"mounts", canonical_mounts(definition.mounts)},
      {"interface", canonical_interface(definition.interface)},
      {"resources",
       {{"memory_bytes", definition.resources.memory_bytes},
        {"nano_cpus", definition.resources.nano_cpus}}},
      {"restart", definition.restart},
      {"lifecycle", hash_word(definition.lifecycle)},
  };
  // TOML strings are valid UTF-8; a Definition built in code might not be. Replacing invalid
  // bytes keeps hashing total instead of throwing mid-launch.
  return canonical.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string config_hash(const Definition& definition) {
  return sha256_hex(config_canonical_json(definition));
}

}  // namespace run_anvil::sidecars
