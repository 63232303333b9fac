#include "run_anvil/launcher/operate/status_output.h"

#include <nlohmann/json.hpp>
#include <vector>

namespace run_anvil::launcher {
namespace {

using json = nlohmann::ordered_json;

json or_null(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

template <typename T>
json or_null(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

json volumes_json(const std::vector<StatusVolume>& volumes) {
  json out = json::array();
  for (const auto& v : volumes) {
    out.push_back({{"kind", v.kind}, {"source", v.source}, {"target", v.target}, {"mode", v.mode}});
  }
  return out;
}

json sidecar_json(const SidecarStatus& s) {
  return {{"name", s.name},
          {"discovered", s.discovered},
          {"layer", or_null(s.layer)},
          {"definition", or_null(s.definition)},
          {"lifecycle", or_null(s.lifecycle)},
          {"container", or_null(s.container)},
          {"id", or_null(s.id)},
          {"state", s.state},
          {"docker_state", or_null(s.docker_state)},
          {"health", or_null(s.health)},
          {"ready", or_null(s.ready)},
          {"stale", or_null(s.stale)},
          {"stale_reason", or_null(s.stale_reason)},
          {"name_clash", s.name_clash},
          {"needs_approval", s.needs_approval},
          {"origin", or_null(s.origin)},
          {"image", or_null(s.image)},
          {"networks", s.networks},
          {"used_by", s.used_by},
          {"volumes", volumes_json(s.volumes)},
          {"ports", s.ports},
          {"started_at", or_null(s.started_at)},
          {"uptime_seconds", or_null(s.uptime_seconds)}};
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
  return out.empty() ? "-" : out;
}

std::string yes_no(const std::optional<bool>& v) { return v ? (*v ? "yes" : "no") : "-"; }

std::string state_text(const SidecarStatus& s) {
  std::string state = s.state;
  if (s.state == "stopped" && s.docker_state != "exited" && !s.docker_state.empty()) {
    state += " (" + s.docker_state + ")";
  }
  if (s.name_clash) state += " (name taken by an unmanaged container)";
  return state;
}

std::string stale_text(const SidecarStatus& s) {
  if (!s.stale) return "-";
  return *s.stale ? "yes: " + s.stale_reason : "no";
}

std::string layer_text(const SidecarStatus& s) {
  if (!s.discovered) return "not discovered";
  return s.needs_approval ? s.layer + " (needs approval)" : s.layer;
}

std::vector<std::vector<std::string>> cells(const StatusReport& report) {
  std::vector<std::vector<std::string>> rows{{"NAME", "LAYER", "LIFECYCLE", "STATE", "READY",
                                              "STALE", "UPTIME", "IMAGE", "PORTS", "NETWORKS",
                                              "USED BY", "CONTAINER"}};
  for (const auto& s : report.sidecars) {
    rows.push_back({s.name, layer_text(s), s.lifecycle.empty() ? "-" : s.lifecycle, state_text(s),
                    yes_no(s.ready), stale_text(s),
                    s.uptime_seconds ? uptime_text(*s.uptime_seconds) : "-",
                    s.image.empty() ? "-" : s.image, joined(s.ports), joined(s.networks),
                    joined(s.used_by), s.container.empty() ? "-" : s.container});
  }
  return rows;
}

void print_table(std::ostream& out, const StatusReport& report) {
  auto rows = cells(report);
  std::vector<std::size_t> width(rows.front().size(), 0);
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 2, ' ');
    }
    out << line << "\n";
  }
}

// One line per sidecar, `key=value` words: greppable, and stable without column alignment.
void print_plain(std::ostream& out, const StatusReport& report) {
  for (const auto& s : report.sidecars) {
    out << s.name << " layer=" << (s.discovered ? s.layer : "-")
        << " lifecycle=" << (s.lifecycle.empty() ? "-" : s.lifecycle) << " state=" << s.state
        << " ready=" << yes_no(s.ready) << " stale=" << (s.stale ? (*s.stale ? "yes" : "no") : "-");
    if (!s.stale_reason.empty()) out << " stale_reason=\"" << s.stale_reason << "\"";
    if (s.name_clash) out << " name_clash=yes";
    if (s.needs_approval) out << " needs_approval=yes";
    if (!s.origin.empty() && s.origin != "ours") out << " origin=" << s.origin;
    out << " uptime=" << (s.uptime_seconds ? uptime_text(*s.uptime_seconds) : "-")
        << " image=" << (s.image.empty() ? "-" : s.image) << " ports=" << joined(s.ports)
        << " networks=" << joined(s.networks) << " used_by=" << joined(s.used_by)
        << " container=" << (s.container.empty() ? "-" : s.container) << "\n";
  }
}

}  // namespace

std::string uptime_text(long long seconds) {
  char buf[32];
  if (seconds < 60) {
    std::snprintf(buf, sizeof buf, "%llds", seconds);
  } else if (seconds < 3600) {
    std::snprintf(buf, sizeof buf, "%lldm", seconds / 60);
  } else if (seconds < 86400) {
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", seconds / 3600, seconds % 3600 / 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lldd%02lldh", seconds / 86400, seconds % 86400 / 3600);
  }
  return buf;
}

void print_status(std::ostream& out, const StatusReport& report, StatusFormat format) {
  if (format == StatusFormat::Json) {
    json j{{"schema_version", kStatusSchemaVersion}, {"scope", report.all ? "all" : "project"},
           {"other_count", report.other_count},      {"running_count", report.running_count},
           {"total_count", report.total_count},      {"sidecars", json::array()}};
    for (const auto& s : report.sidecars) j["sidecars"].push_back(sidecar_json(s));
    out << j.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    return;
  }
  if (report.sidecars.empty()) {
    out << (report.all ? "no sidecars: none is declared here and run-anvil manages no container\n"
                       : "no sidecars: none is declared in this project\n");
  } else {
    if (format == StatusFormat::Table) {
      print_table(out, report);
    } else {
      print_plain(out, report);
    }
    out << report.running_count << " of " << report.total_count << " running\n";
  }
  if (report.other_count > 0) {
    out << report.other_count << " more managed container" << (report.other_count == 1 ? "" : "s")
        << " of other projects on this daemon: run-anvil status --all\n";
  }
}

}  // namespace run_anvil::launcher
