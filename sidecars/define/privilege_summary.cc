#include "run_anvil/sidecars/define/privilege_summary.h"

#include <cstdio>
#include <string_view>

#include "run_anvil/sidecars/define/secret_ref.h"
#include "run_anvil/sidecars/text/terminal_text.h"

namespace run_anvil::launcher {
namespace {

using sidecars::Definition;
using sidecars::InterfaceKind;
using sidecars::Mount;

constexpr std::string_view kIndent = "              ";  // aligns continuation lines with values

// Every string here comes from an untrusted file and goes to the user's terminal: control bytes
// (and C1 controls such as CSI) are shown as \xNN so they cannot rewrite the prompt.
std::string printable(std::string_view s) { return sidecars::terminal_safe_line(s); }

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
  std::vector<std::string> refs;
  for (const auto& r : sidecars::secret_refs(value)) refs.push_back(r.text());
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

std::string port_line(const sidecars::PortBinding& p) {
  bool everywhere = p.host_ip == "0.0.0.0" || p.host_ip == "::";
  std::string where = everywhere ? "EVERY interface of this host (reachable from other machines)"
                                 : printable(p.host_ip) + " of this host";
  return "container port " + std::to_string(p.container_port) + "/" + p.protocol + " on " + where +
         ", host port " + (p.host_port ? std::to_string(p.host_port) : std::string("any free"));
}

// The SPEC §12 keys that widen what the sidecar can reach or do, one field each, shown only when
// set (a definition without them reads exactly as before).
void service_fields(std::string& out, const Definition& d) {
  const sidecars::ServiceOptions& s = d.service;
  if (!s.ports.empty()) {
    std::vector<std::string> lines;
    for (const auto& p : s.ports) lines.push_back(port_line(p));
    field(out, "published", lines);
  }
  if (!s.cap_add.empty() || !s.cap_drop.empty()) {
    std::vector<std::string> lines;
    for (const auto& c : s.cap_add) {
      lines.push_back("adds " + printable(c) +
                      (c == "ALL" ? " (every capability: near root on the host kernel)" : ""));
    }
    for (const auto& c : s.cap_drop) lines.push_back("drops " + printable(c));
    field(out, "capabilities", lines);
  }
  if (!s.extra_hosts.empty()) {
    std::vector<std::string> lines;
    for (const auto& h : s.extra_hosts) {
      lines.push_back(printable(h) + (h.ends_with(":host-gateway") ? " (reaches this host)" : ""));
    }
    field(out, "extra hosts", lines);
  }
  if (d.resources.gpus != 0) {
    field(out, "gpus",
          {d.resources.gpus < 0 ? std::string("all GPUs of this host")
                                : std::to_string(d.resources.gpus) + " GPU(s)"});
  }
  if (!s.env_files.empty()) {
    std::vector<std::string> lines;
    for (const auto& f : s.env_files) lines.push_back(printable(f) + " (values not shown)");
    field(out, "env files", lines);
  }
  if (!s.user.empty()) field(out, "user", {printable(s.user)});
  if (s.healthcheck) {
    std::optional<std::vector<std::string>> test = s.healthcheck->test;
    field(out, "healthcheck", {argv_text(test)});
  }
}

// Readiness decides what the launcher runs inside the sidecar (exec) or dials: shown because the
// approval covers it (SPEC §14), and an exec command is code run in the container.
std::string readiness_text(const sidecars::Readiness& r) {
  switch (r.mode) {
    case sidecars::ReadinessMode::Tcp:
      return "tcp connect to the port";
    case sidecars::ReadinessMode::Healthcheck:
      return "the container's healthcheck";
    case sidecars::ReadinessMode::Exec:
      return "runs " + argv_text(r.command) + " inside the sidecar (docker exec)";
    case sidecars::ReadinessMode::None:
      return "none (ready once started)";
    case sidecars::ReadinessMode::Http:
      return "http GET " + printable(r.path) + " on the port";
    case sidecars::ReadinessMode::Log:
      return "a log line matching " + printable(r.pattern);
  }
  return "?";
}

}  // namespace

std::string privilege_summary(const Definition& d, const std::string& workspace) {
  // Description and depends_on are left out: they grant nothing. The approval covers the whole
  // file as written (approval_hash), so nothing unshown can change unasked.
  std::string out = "Sidecar \"" + printable(d.name) + "\" from the workspace layer (untrusted)\n";
  field(out, "file", {printable(d.file)});
  field(out, "image", {printable(d.image)});
  field(out, "entrypoint", {argv_text(d.entrypoint)});
  field(out, "command", {argv_text(d.command)});
  field(out, "mounts", mounts_text(d, workspace));
  field(out, "env", env_text(d));
  field(out, "interface", interface_text(d));
  service_fields(out, d);
  field(out, "restart", {d.restart.empty() ? "(default)" : printable(d.restart)});
  field(out, "resources", {resources_text(d.resources)});
  field(out, "readiness", {readiness_text(d.readiness)});
  field(out, "lifecycle", {lifecycle_text(d)});
  return out;
}

}  // namespace run_anvil::launcher
