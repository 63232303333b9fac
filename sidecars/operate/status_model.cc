#include "run_anvil/sidecars/operate/status_model.h"

#include <algorithm>
#include <ctime>
#include <set>

#include "run_anvil/sidecars/define/definition_origin.h"
#include "run_anvil/sidecars/define/naming.h"
#include "run_anvil/sidecars/plan/config_hash.h"
#include "run_anvil/sidecars/plan/staleness.h"

namespace run_anvil::launcher {
namespace {

using sidecars::Definition;

int running(const std::vector<SidecarStatus>& rows) {
  return static_cast<int>(std::count_if(
      rows.begin(), rows.end(), [](const SidecarStatus& s) { return s.state == "running"; }));
}

void fill_from_container(SidecarStatus& s, const ContainerInfo& c, const Inventory& inv,
                         const ReadyResults& ready, std::chrono::system_clock::time_point now) {
  s.container = c.name;
  s.id = c.id;
  s.docker_state = c.state;
  s.state = c.running ? "running" : "stopped";
  s.health = c.has_healthcheck ? c.health : "";
  s.image = c.image;
  for (const auto& [net, unused] : c.networks) s.networks.push_back(net);
  s.ports = c.published;
  if (auto u = inv.users.find(c.name); u != inv.users.end()) s.used_by = u->second;
  if (!c.running) return;
  s.started_at = c.started_at;
  if (auto started = epoch_seconds(c.started_at)) {
    long long now_s =
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    s.uptime_seconds = std::max(0LL, now_s - *started);
  }
  if (auto r = ready.find(c.name); r != ready.end()) {
    s.ready = r->second;
  } else if (c.has_healthcheck) {
    s.ready = c.health == "healthy";
  }
}

// The definition's volumes, named for `container` ("" when absent: a shared sidecar's names do
// not depend on it; a session sidecar's volumes are named after its container).
void add_definition_volumes(SidecarStatus& s, const Definition& d, const std::string& container) {
  for (const auto& v : d.volumes) {
    std::string source = v.source;
    if (v.kind == sidecars::Volume::Kind::Named) {
      if (d.lifecycle == sidecars::Lifecycle::Shared) {
        source = sidecars::shared_data_volume_name(d.name, v.source);
      } else if (!container.empty()) {
        source = container + "-" + v.source;
      }
    }
    s.volumes.push_back({v.kind == sidecars::Volume::Kind::Bind ? "bind" : "volume", source,
                         v.target, v.read_only ? "ro" : "rw"});
  }
}

// Volumes the container has at paths the rows do not list yet (with no definition: all of them).
void add_container_volumes(SidecarStatus& s, const ContainerInfo& c) {
  for (const auto& m : c.mounts) {
    if (m.type != "volume" && m.type != "bind") continue;
    bool listed = std::any_of(s.volumes.begin(), s.volumes.end(),
                              [&](const StatusVolume& v) { return v.target == m.destination; });
    if (listed) continue;
    std::string kind = m.type == "bind" ? "bind" : "volume";
    if (m.type == "volume" && m.name.size() == 64 &&
        m.name.find_first_not_of("0123456789abcdef") == std::string::npos) {
      kind = "anonymous";
    }
    s.volumes.push_back(
        {kind, m.type == "bind" ? m.source : m.name, m.destination, m.read_write ? "rw" : "ro"});
  }
}

void fill_from_definition(SidecarStatus& s, const Definition& d) {
  s.name = d.name;
  s.discovered = true;
  s.layer = sidecars::to_string(d.layer);
  s.definition = definition_origin(d);
  s.lifecycle = sidecars::to_string(d.lifecycle);
  s.image = d.image;
}

void mark_staleness(SidecarStatus& s, const ContainerInfo& c, const Definition& d,
                    const Inventory& inv) {
  auto image = inv.image_ids.find(d.image);
  std::string image_id = image != inv.image_ids.end() && image->second ? *image->second : "";
  auto reason = sidecars::stale_reason(c.labels, sidecars::config_hash(d), image_id);
  s.stale = reason.has_value();
  s.stale_reason = reason.value_or("");
}

std::vector<SidecarStatus> shared_rows(const Definition& d, const Inventory& inv,
                                       const ReadyResults& ready,
                                       std::chrono::system_clock::time_point now,
                                       std::set<std::string>& covered) {
  SidecarStatus s;
  fill_from_definition(s, d);
  s.container = sidecars::shared_container_name(d.name);
  for (const auto& c : inv.managed) {
    if (c.name != s.container) continue;
    covered.insert(c.id);
    fill_from_container(s, c, inv, ready, now);
    s.image = d.image;
    mark_staleness(s, c, d, inv);
    s.origin = sidecars::to_string(origin_of(c, &d, inv));
  }
  add_definition_volumes(s, d, "");
  for (const auto& c : inv.managed) {
    if (c.name == s.container) add_container_volumes(s, c);
  }
  s.name_clash = std::any_of(inv.squatters.begin(), inv.squatters.end(),
                             [&](const ContainerInfo& c) { return c.name == s.container; });
  return {s};
}

// A session sidecar has one container per running anvil (SPEC §10), or none.
std::vector<SidecarStatus> session_rows(const Definition& d, const Inventory& inv,
                                        const ReadyResults& ready,
                                        std::chrono::system_clock::time_point now,
                                        std::set<std::string>& covered) {
  std::vector<SidecarStatus> rows;
  for (const auto& c : inv.managed) {
    if (label_of(c, sidecars::kLabelName) != d.name ||
        label_of(c, sidecars::kLabelLifecycle) != "session") {
      continue;
    }
    covered.insert(c.id);
    SidecarStatus s;
    fill_from_definition(s, d);
    fill_from_container(s, c, inv, ready, now);
    mark_staleness(s, c, d, inv);
    add_definition_volumes(s, d, c.name);
    add_container_volumes(s, c);
    s.origin = sidecars::to_string(origin_of(c, &d, inv));
    rows.push_back(std::move(s));
  }
  if (rows.empty()) {
    SidecarStatus s;
    fill_from_definition(s, d);
    add_definition_volumes(s, d, "");
    rows.push_back(std::move(s));
  }
  return rows;
}

SidecarStatus undiscovered_row(const ContainerInfo& c, const Inventory& inv,
                               const ReadyResults& ready,
                               std::chrono::system_clock::time_point now) {
  SidecarStatus s;
  s.name = label_of(c, sidecars::kLabelName);
  if (s.name.empty()) s.name = c.name;
  s.lifecycle = label_of(c, sidecars::kLabelLifecycle);
  s.definition = label_of(c, sidecars::kLabelDefinition);
  fill_from_container(s, c, inv, ready, now);
  add_container_volumes(s, c);
  s.origin = sidecars::to_string(origin_of(c, nullptr, inv));
  return s;
}

}  // namespace

std::optional<long long> epoch_seconds(const std::string& rfc3339) {
  std::tm tm{};
  if (rfc3339.size() < 20) return std::nullopt;
  int parsed = std::sscanf(rfc3339.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon,
                           &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec);
  // The daemon reports UTC ("Z"); anything else is not worth guessing at.
  if (parsed != 6 || rfc3339.back() != 'Z') return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<long long>(timegm(&tm));
}

StatusReport build_status(const std::vector<Definition>& definitions, const Inventory& inventory,
                          const ReadyResults& ready, std::chrono::system_clock::time_point now) {
  StatusReport report;
  std::set<std::string> covered;  // container ids already shown under a definition
  for (const auto& d : definitions) {
    auto rows = d.lifecycle == sidecars::Lifecycle::Session
                    ? session_rows(d, inventory, ready, now, covered)
                    : shared_rows(d, inventory, ready, now, covered);
    for (auto& r : rows) report.sidecars.push_back(std::move(r));
  }
  std::vector<SidecarStatus> rest;
  for (const auto& c : inventory.managed) {
    if (!covered.count(c.id)) rest.push_back(undiscovered_row(c, inventory, ready, now));
  }
  std::sort(rest.begin(), rest.end(), [](const SidecarStatus& a, const SidecarStatus& b) {
    return std::tie(a.name, a.container) < std::tie(b.name, b.container);
  });
  for (auto& r : rest) report.sidecars.push_back(std::move(r));
  report.total_count = static_cast<int>(report.sidecars.size());
  report.running_count = running(report.sidecars);
  report.all = true;
  return report;
}

namespace {

bool inside_any(const std::string& file, const std::vector<std::string>& dirs) {
  for (std::string dir : dirs) {
    if (dir.empty()) continue;
    if (!dir.ends_with('/')) dir += '/';
    if (file.starts_with(dir)) return true;
  }
  return false;
}

}  // namespace

StatusReport scope_to_project(StatusReport report, const std::vector<std::string>& project_dirs) {
  std::vector<SidecarStatus> kept;
  for (auto& s : report.sidecars) {
    if (s.discovered || inside_any(s.definition, project_dirs)) {
      kept.push_back(std::move(s));
    } else {
      ++report.other_count;
    }
  }
  report.sidecars = std::move(kept);
  report.total_count = static_cast<int>(report.sidecars.size());
  report.running_count = running(report.sidecars);
  report.all = false;
  return report;
}

}  // namespace run_anvil::launcher
