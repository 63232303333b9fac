#include <cstdio>
#include <string_view>

#include "run_anvil/launcher/approvals.h"

namespace run_anvil::launcher {
namespace {

using sidecars::Definition;
using sidecars::InterfaceKind;
using sidecars::Mount;

constexpr std::string_view kIndent = "              ";  // aligns continuation lines with values

// Every string here comes from an untrusted file and goes to the user's terminal: control bytes
// (and UTF-8 encoded C1 controls such as CSI) are shown as \xNN so they cannot rewrite the prompt.
std::string printable(std::string_view s) {
  std::string out;
  char hex[8];
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    bool c1 = c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
              static_cast<unsigned char>(s[i + 1]) <= 0x9F;
    if (c < 0x20 || c == 0x7F || c1) {
      std::snprintf(hex, sizeof hex, "\\x%02x", c1 ? static_cast<unsigned char>(s[++i]) : c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// Argv as a list so argument boundaries are visible: ["sh", "-c", "a b"].
std::string argv_text(const std::optional<std::vector<std::string>>& argv) {
  if (!argv) return "(the image's default)";
  std::string out = "[";
  for (const auto& arg : *argv) {
    if (out.size() > 1) out += ", ";
    out += '"';
    for (char c : arg) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return printable(out + "]");
}

void field(std::string& out, std::string_view label, const std::vector<std::string>& values) {
  std::string head = "  " + std::string(label) + ":";
  head.resize(kIndent.size(), ' ');
  for (std::size_t i = 0; i < values.size(); ++i) {
    out += (i == 0 ? head : std::string(kIndent)) + values[i] + "\n";
  }
}

std::string mount_text(const Mount& m, const std::string& workspace) {
  if (m.kind == Mount::Kind::DockerSocket) {
    // A read-only bind of a socket still lets the holder speak the whole Docker API.
    return std::string("the Docker socket: FULL CONTROL OF THIS HOST (root-equivalent)") +
           (m.read_only ? "; mounting it read-only does not limit that" : "");
  }
  std::string where = workspace.empty() ? "" : " " + printable(workspace);
  return "your workspace" + where + (m.read_only ? " read-only" : " read-write") + " at /workspace";
}

std::vector<std::string> mounts_text(const Definition& d, const std::string& workspace) {
  std::vector<std::string> lines;
  for (const auto& m : d.mounts) lines.push_back(mount_text(m, workspace));
  if (lines.empty()) lines.push_back("none");
  return lines;
}

// The `${secret:...}` references in a value: they name host secrets the sidecar will receive.
std::vector<std::string> secret_references(std::string_view value) {
  constexpr std::string_view kOpen = "${secret:";
  std::vector<std::string> refs;
  for (auto pos = value.find(kOpen); pos != std::string_view::npos; pos = value.find(kOpen, pos)) {
    auto close = value.find('}', pos);
    if (close == std::string_view::npos) break;
    refs.emplace_back(value.substr(pos, close + 1 - pos));
    pos = close + 1;
  }
  return refs;
}

// Plain values stay hidden (they may be credentials); keys and secret references are shown.
std::vector<std::string> env_text(const Definition& d) {
  std::vector<std::string> lines;
  for (const auto& [key, value] : d.env) {
    auto refs = secret_references(value);
    std::string line = printable(key);
    if (refs.empty()) {
      line += " (value not shown)";
    } else {
      line += " from host secret";
      for (std::size_t i = 0; i < refs.size(); ++i) line += (i ? ", " : " ") + printable(refs[i]);
    }
    lines.push_back(line);
  }
  if (lines.empty()) lines.push_back("none");
  return lines;
}

std::string names_text(const Definition& d) {
  std::string out = printable(d.canonical_alias());
  for (const auto& alias : d.interface.aliases) out += ", " + printable(alias);
  return out;
}

std::vector<std::string> interface_text(const Definition& d) {
  const auto& i = d.interface;
  std::string port = std::to_string(i.port);
  switch (i.kind) {
    case InterfaceKind::Port:
      return {"port " + port + " on the anvil's network as " + names_text(d),
              "(not published on the host)"};
    case InterfaceKind::Mcp:
      return {"MCP server on port " + port + " path " +
                  printable(i.mcp_path.empty() ? "/mcp" : i.mcp_path) +
                  " on the anvil's network as " + names_text(d),
              "(not published on the host)"};
    case InterfaceKind::Volume:
      return {"named volume " + printable(i.volume) + " at " + printable(i.mountpoint) +
              ", shared with the anvil"};
    case InterfaceKind::None:
      return {"none"};
  }
  return {"?"};
}

std::string lifecycle_text(const Definition& d) {
  return d.lifecycle == sidecars::Lifecycle::Shared
             ? "shared: one long-lived container that keeps running after the anvil exits"
             : "session: removed when the anvil exits";
}

std::string resources_text(const sidecars::Resources& r) {
  if (r.memory.empty() && r.cpus.empty()) return "no limits";
  std::string out;
  if (!r.memory.empty()) out += "memory " + printable(r.memory);
  if (!r.cpus.empty()) out += (out.empty() ? "cpus " : ", cpus ") + printable(r.cpus);
  return out;
}

}  // namespace

std::string privilege_summary(const Definition& d, const std::string& workspace) {
  // Description, readiness and depends_on are left out on purpose: they grant nothing and are not
  // in the config hash, so showing them would suggest the approval covers them.
  std::string out = "Sidecar \"" + printable(d.name) + "\" from the workspace layer (untrusted)\n";
  field(out, "file", {printable(d.file)});
  field(out, "image", {printable(d.image)});
  field(out, "entrypoint", {argv_text(d.entrypoint)});
  field(out, "command", {argv_text(d.command)});
  field(out, "mounts", mounts_text(d, workspace));
  field(out, "env", env_text(d));
  field(out, "interface", interface_text(d));
  field(out, "restart", {d.restart.empty() ? "(default)" : printable(d.restart)});
  field(out, "resources", {resources_text(d.resources)});
  field(out, "lifecycle", {lifecycle_text(d)});
  return out;
}

}  // namespace run_anvil::launcher
