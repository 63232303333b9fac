#include "run_anvil/sidecars/plan/config_hash.h"

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

// "named:NAME:TARGET:ro" | "bind:SOURCE:TARGET:rw", sorted: the order listed does not shape the
// container.
nlohmann::json canonical_volumes(const std::vector<Volume>& volumes) {
  std::vector<std::string> out;
  for (const Volume& v : volumes) {
    out.push_back(std::string(v.kind == Volume::Kind::Bind ? "bind:" : "named:") + v.source + ":" +
                  v.target + (v.read_only ? ":ro" : ":rw"));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Keys added after containers existed are hashed only when set, so a definition that does not
// use them keeps its hash and its running container (no mass recreation on upgrade).
void add_optional_keys(nlohmann::json& canonical, const Definition& d) {
  if (!d.volumes.empty()) canonical["volumes"] = canonical_volumes(d.volumes);
  if (!d.stop_signal.empty()) canonical["stop_signal"] = d.stop_signal;
  if (d.stop_timeout) canonical["stop_timeout_s"] = d.stop_timeout->count();
}

nlohmann::json canonical_healthcheck(const Healthcheck& hc) {
  return {{"test", hc.test},
          {"interval_ms", hc.interval.count()},
          {"timeout_ms", hc.timeout.count()},
          {"start_period_ms", hc.start_period.count()},
          {"retries", hc.retries}};
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// The SPEC §12 keys enter the canonical form only when set, so a definition that uses none of
// them keeps the hash it had before they existed (no sidecar is recreated by an upgrade).
void add_service_options(nlohmann::json& out, const Definition& d) {
  const ServiceOptions& s = d.service;
  if (!s.user.empty()) out["user"] = s.user;
  if (!s.working_dir.empty()) out["working_dir"] = s.working_dir;
  if (s.init) out["init"] = *s.init;
  if (s.shm_size_bytes) out["shm_size_bytes"] = s.shm_size_bytes;
  if (!s.tmpfs.empty()) {
    for (const auto& [path, options] : s.tmpfs) out["tmpfs"][path] = options;
  }
  if (!s.cap_add.empty()) out["cap_add"] = sorted(s.cap_add);
  if (!s.cap_drop.empty()) out["cap_drop"] = sorted(s.cap_drop);
  if (!s.extra_hosts.empty()) out["extra_hosts"] = sorted(s.extra_hosts);
  if (!s.ports.empty()) {
    std::vector<std::string> ports;  // order does not shape the container
    for (const auto& p : s.ports) {
      ports.push_back(p.host_ip + "|" + std::to_string(p.host_port) + "|" +
                      std::to_string(p.container_port) + "/" + p.protocol);
    }
    out["ports"] = sorted(ports);
  }
  for (const auto& u : s.ulimits) out["ulimits"][u.name] = {u.soft, u.hard};
  if (!s.labels.empty()) out["labels"] = s.labels;
  if (s.healthcheck) out["healthcheck"] = canonical_healthcheck(*s.healthcheck);
  if (d.resources.gpus != 0) out["resources"]["gpus"] = d.resources.gpus;
  // env_file is not hashed as names: its contents are merged into env, which is.
}

}  // namespace

std::string config_canonical_json(const Definition& definition) {
  // nlohmann::json objects are std::map-backed: keys come out sorted whatever the insertion order.
  nlohmann::json canonical = {
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
  add_optional_keys(canonical, definition);
  add_service_options(canonical, definition);
  // How secrets reach the process is part of the container: one created by an older delivery
  // (a file in its writable layer) must be recreated, never reused.
  if (definition.has_secrets()) canonical["secrets_delivery"] = "stdin";
  // TOML strings are valid UTF-8; a Definition built in code might not be. Replacing invalid
  // bytes keeps hashing total instead of throwing mid-launch.
  return canonical.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string config_hash(const Definition& definition) {
  return sha256_hex(config_canonical_json(definition));
}

}  // namespace run_anvil::sidecars
