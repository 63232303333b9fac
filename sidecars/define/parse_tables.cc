#include <algorithm>
#include <cmath>
#include <set>

#include "definition_keys.h"
#include "parse_section.h"
#include "parse_values.h"
#include "run_anvil/sidecars/define/parse.h"

// [interface], [readiness], [env] and [resources] of a definition file (SPEC §4).
namespace run_anvil::sidecars::detail {
namespace {

// The rule a resolvable name breaks, for the error message.
std::string name_rule(bool workspace) {
  return workspace ? "([A-Za-z0-9][A-Za-z0-9_-]*, at most 63 characters: the workspace layer may "
                     "only claim single DNS labels, never dotted names like github.com)"
                   : "([A-Za-z0-9][A-Za-z0-9_.-]*, at most 63 characters)";
}

std::string kind_name(InterfaceKind kind) { return std::string("\"") + to_string(kind) + "\""; }

// Keys that only make sense for some interface kinds are errors elsewhere: a silently
// ignored key is a misunderstanding waiting to happen.
void forbid(Section& s, std::string_view key, InterfaceKind kind) {
  if (s.has(key)) {
    s.error_at(key, s.dotted(key) + " is not allowed for interface kind " + kind_name(kind));
  }
}

std::optional<InterfaceKind> parse_kind(Section& s) {
  constexpr const char* kMust = "one of \"port\", \"none\", \"volume\", \"mcp\"";
  s.require("kind", std::string("interface.kind is required (") + kMust + ")");
  auto value = s.string("kind", kMust);
  if (!value) return std::nullopt;
  for (auto kind :
       {InterfaceKind::Port, InterfaceKind::None, InterfaceKind::Volume, InterfaceKind::Mcp}) {
    if (*value == to_string(kind)) return kind;
  }
  s.error_at("kind", std::string("interface.kind must be ") + kMust);
  return std::nullopt;
}

void parse_port(Section& s, InterfaceKind kind) {
  if (kind == InterfaceKind::None || kind == InterfaceKind::Volume) return forbid(s, "port", kind);
  constexpr const char* kMust = "an integer 1..65535";
  s.require("port", "interface.port is required for interface kind " + kind_name(kind));
  auto port = s.integer("port", kMust);
  if (!port) return;
  if (*port < 1 || *port > 65535) {
    s.error_at("port", std::string("interface.port must be ") + kMust);
    return;
  }
  s.def().interface.port = static_cast<int>(*port);
}

void parse_aliases(Section& s, InterfaceKind kind) {
  if (kind == InterfaceKind::None || kind == InterfaceKind::Volume) {
    return forbid(s, "aliases", kind);
  }
  auto aliases = s.strings("aliases", "an array of names", false);
  if (!aliases) return;
  const bool workspace = s.def().layer == Layer::Workspace;
  std::set<std::string> seen;  // DNS is case-insensitive
  for (const auto& alias : *aliases) {
    std::string folded = alias;  // ASCII only: valid names are ASCII, and locales vary
    for (char& c : folded) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    if (!valid_dns_name(alias, workspace)) {
      s.error_at("aliases", "interface.aliases: " + quoted(alias) + " is not a valid name " +
                                name_rule(workspace));
    } else if (!seen.insert(folded).second) {
      s.error_at("aliases", "interface.aliases lists " + quoted(alias) + " more than once");
    } else {
      s.def().interface.aliases.push_back(alias);
    }
  }
}

void parse_mcp(Section& s, InterfaceKind kind) {
  if (kind != InterfaceKind::Mcp) {
    forbid(s, "name", kind);
    forbid(s, "path", kind);
    return;
  }
  Interface& iface = s.def().interface;
  iface.mcp_name = s.def().name;
  iface.mcp_path = "/mcp";
  if (auto name = s.string("name", "a string")) {
    const bool workspace = s.def().layer == Layer::Workspace;
    if (valid_dns_name(*name, workspace)) {
      iface.mcp_name = *name;
    } else {
      s.error_at("name", "interface.name must be a name " + name_rule(workspace));
    }
  }
  if (auto path = s.string("path", "a string")) {
    if (valid_url_path(*path)) {
      iface.mcp_path = *path;
    } else {
      s.error_at("path",
                 "interface.path must be a URL path starting with \"/\", without "
                 "whitespace or control characters");
    }
  }
}

void parse_volume(Section& s, InterfaceKind kind) {
  if (kind != InterfaceKind::Volume) {
    forbid(s, "volume", kind);
    forbid(s, "mountpoint", kind);
    return;
  }
  Interface& iface = s.def().interface;
  s.require("volume", "interface.volume is required for interface kind \"volume\"");
  s.require("mountpoint", "interface.mountpoint is required for interface kind \"volume\"");
  if (auto volume = s.string("volume", "a string")) {
    if (valid_simple_name(*volume)) {
      iface.volume = *volume;
    } else {
      s.error_at("volume",
                 "interface.volume must be a volume name matching "
                 "[A-Za-z0-9][A-Za-z0-9_.-]*");
    }
  }
  if (auto mountpoint = s.string("mountpoint", "a string")) {
    if (valid_mountpoint(*mountpoint)) {
      iface.mountpoint = *mountpoint;
    } else {
      s.error_at("mountpoint",
                 "interface.mountpoint must be an absolute path other than \"/\", "
                 "without \"..\", \":\" or control characters");
    }
  }
}

// Kind-dependent readiness rules: the default mode, and "tcp" needing a port.
void resolve_mode(Section& s, bool interface_ok) {
  Definition& def = s.def();
  Readiness& r = def.readiness;
  bool has_port = def.network_facing();
  if (!r.mode_explicit) {
    if (has_port) {
      r.mode = ReadinessMode::Tcp;
    } else if (def.service.healthcheck) {
      r.mode = ReadinessMode::Healthcheck;        // the definition says how health is known
    } else if (interface_ok && !s.has("mode")) {  // a bad mode value is already reported
      int line = s.header_line() > 0 ? s.header_line() : def.line_of("interface.kind");
      s.error(line, "readiness.mode is required for interface kind " +
                        kind_name(def.interface.kind) + " (\"none\", \"exec\" or \"healthcheck\")");
    }
  } else if ((r.mode == ReadinessMode::Tcp || r.mode == ReadinessMode::Http) && !has_port &&
             interface_ok) {
    s.error_at("mode", std::string("readiness.mode \"") + to_string(r.mode) +
                           "\" needs a port, but interface kind " + kind_name(def.interface.kind) +
                           " has none");
  }
}

void parse_mode(Section& s) {
  constexpr const char* kMust =
      "one of \"tcp\", \"http\", \"log\", \"healthcheck\", \"exec\", \"none\"";
  auto value = s.string("mode", kMust);
  if (!value) return;
  for (auto mode : {ReadinessMode::Tcp, ReadinessMode::Http, ReadinessMode::Log,
                    ReadinessMode::Healthcheck, ReadinessMode::Exec, ReadinessMode::None}) {
    if (*value == to_string(mode)) {
      s.def().readiness.mode = mode;
      s.def().readiness.mode_explicit = true;
      return;
    }
  }
  s.error_at("mode", std::string("readiness.mode must be ") + kMust);
}

void parse_readiness_command(Section& s) {
  Readiness& r = s.def().readiness;
  auto command = s.strings("command", "a non-empty array of strings", true);
  bool exec = r.mode_explicit && r.mode == ReadinessMode::Exec;
  if (exec) {
    s.require("command", "readiness.command is required when readiness.mode is \"exec\"");
    if (command) r.command = *command;
  } else if (s.has("command")) {
    s.error_at("command", "readiness.command is only allowed when readiness.mode is \"exec\"");
  }
}

void parse_memory_value(Section& s) {
  Resources& res = s.def().resources;
  const toml::node* node = s.table().get("memory");
  if (!node) return;
  s.def().lines["resources.memory"] = line_of(*node);
  std::optional<std::int64_t> bytes;
  if (const auto* text = node->as_string()) {
    bytes = parse_memory(text->get());
    res.memory = text->get();
  } else if (const auto* number = node->as_integer()) {
    if (number->get() >= kMinMemoryBytes && number->get() <= kMaxMemoryBytes) {
      bytes = number->get();
    }
    res.memory = std::to_string(number->get());
  }
  if (!bytes) {
    res.memory.clear();
    s.error_at("memory",
               "resources.memory must be a size like \"512m\" or \"2g\" (suffix b, k, m "
               "or g; at least 6m, at most 1024g)");
    return;
  }
  res.memory_bytes = *bytes;
}

void parse_cpus_value(Section& s) {
  Resources& res = s.def().resources;
  const toml::node* node = s.table().get("cpus");
  if (!node) return;
  s.def().lines["resources.cpus"] = line_of(*node);
  std::optional<std::int64_t> nano;
  if (const auto* text = node->as_string()) {
    nano = parse_nano_cpus(text->get());
  } else if (const auto* integer = node->as_integer()) {
    if (integer->get() > 0 && integer->get() <= kMaxNanoCpus / 1000000000) {
      nano = integer->get() * 1000000000;
    }
  } else if (const auto* number = node->as_floating_point()) {
    double cpus = number->get();
    if (std::isfinite(cpus) && cpus > 0 && cpus <= 1024) {
      auto rounded = std::llround(cpus * 1e9);
      if (rounded > 0) nano = rounded;
    }
  }
  if (!nano) {
    s.error_at("cpus",
               "resources.cpus must be a number of CPUs like \"1.5\" (more than 0, at "
               "most 1024)");
    return;
  }
  // A string is kept as written; a TOML number is spelled canonically ("1.5", not "1.500000").
  res.cpus = node->is_string() ? node->as_string()->get() : format_nano_cpus(*nano);
  res.nano_cpus = *nano;
}

}  // namespace

void parse_interface(Section& top) {
  const toml::table* table = top.subtable("interface");
  if (!table) return;  // no [interface]: kind "none"
  Section s = top.child(*table, "interface");
  s.reject_unknown(keys_of("interface"));
  auto kind = parse_kind(s);
  if (!kind) return;
  s.def().interface.kind = *kind;
  parse_port(s, *kind);
  parse_aliases(s, *kind);
  parse_mcp(s, *kind);
  parse_volume(s, *kind);
}

void parse_readiness(Section& top, bool interface_ok) {
  static const toml::table kEmpty;
  const toml::table* table = top.subtable("readiness");
  bool present = table != nullptr;
  // An absent [readiness] is read as an empty one so defaults and required keys are checked
  // by the same code.
  Section s = top.child(present ? *table : kEmpty, "readiness");
  s.reject_unknown(keys_of("readiness"));
  parse_mode(s);
  if (auto timeout = s.duration("timeout")) s.def().readiness.timeout = *timeout;
  if (auto interval = s.duration("interval")) s.def().readiness.interval = *interval;
  parse_readiness_command(s);
  parse_readiness_modes(s);
  resolve_mode(s, interface_ok);
}

// Values are never echoed in messages: they may be secrets pasted in by mistake.
void parse_env(Section& top) {
  const toml::table* table = top.subtable("env");
  if (!table) return;
  Section s = top.child(*table, "env");
  auto& env = s.def().env;
  for (auto&& [key, node] : *table) {
    std::string name(key.str());
    int line = line_of(node);
    if (!valid_env_key(name)) {
      s.error(line, "env key " + quoted(name) +
                        " is not a valid variable name "
                        "([A-Za-z_][A-Za-z0-9_]*)");
      continue;
    }
    s.def().lines["env." + name] = line;
    const auto* value = node.as_string();
    if (!value) {
      s.error(line, "env." + name + " must be a string");
    } else if (value->get().find('\0') != std::string::npos) {
      s.error(line, "env." + name + " must not contain a NUL character");
    } else if (!valid_secret_references(value->get())) {
      s.error(line, "env." + name +
                        " holds a malformed secret reference; expected "
                        "${secret:<provider>:<ref>} with provider [a-z0-9_-]+");
    } else {
      env.emplace_back(name, value->get());
    }
  }
  std::sort(env.begin(), env.end());
}

void parse_resources(Section& top) {
  const toml::table* table = top.subtable("resources");
  if (!table) return;
  Section s = top.child(*table, "resources");
  s.reject_unknown(keys_of("resources"));
  parse_table_keys(s, "resources");
  parse_memory_value(s);
  parse_cpus_value(s);
}

}  // namespace run_anvil::sidecars::detail
