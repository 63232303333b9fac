#include <map>
#include <set>

#include "run_anvil/launcher/doctor_findings.h"
#include "run_anvil/launcher/status_model.h"
#include "run_anvil/sidecars/naming.h"
#include "run_anvil/sidecars/recreation_policy.h"

namespace run_anvil::launcher {
namespace {

using Clock = std::chrono::system_clock;

struct Session {
  std::vector<ContainerInfo> containers;
  std::vector<std::string> networks;
};

// "<anvil>-tong-<token>" -> "<anvil>"; "" when the name does not have that shape.
std::string anvil_of(const ContainerInfo& c) {
  std::string suffix = "-tong-" + sidecars::container_token(label_of(c, sidecars::kLabelName));
  if (c.name.size() <= suffix.size() ||
      c.name.compare(c.name.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return "";
  }
  return c.name.substr(0, c.name.size() - suffix.size());
}

std::string session_of(const ContainerInfo& c) {
  std::string s = label_of(c, sidecars::kLabelSession);
  return s.empty() ? anvil_of(c) : s;
}

std::map<std::string, Session> sessions(const Inventory& inv) {
  std::map<std::string, Session> out;
  for (const auto& c : inv.managed) {
    bool session = label_of(c, sidecars::kLabelLifecycle) == "session" ||
                   c.labels.count(sidecars::kLabelSession);
    if (session) out[session_of(c)].containers.push_back(c);
  }
  for (const auto& n : inv.session_networks) {
    auto it = n.labels.find(sidecars::kLabelSession);
    out[it->second].networks.push_back(n.name);
  }
  return out;
}

// Exists and has not exited: created (about to start), running, restarting, paused.
bool anvil_present(const Inventory& inv, const std::string& name_or_id) {
  if (name_or_id.empty()) return false;
  for (const auto& c : inv.others) {
    if ((c.name == name_or_id || c.id == name_or_id) && c.state != "exited" && c.state != "dead") {
      return true;
    }
  }
  return false;
}

bool alive(const std::string& id, const Session& s, const Inventory& inv) {
  if (anvil_present(inv, id)) return true;
  for (const auto& c : s.containers) {
    if (anvil_present(inv, anvil_of(c))) return true;
  }
  std::set<std::string> nets(s.networks.begin(), s.networks.end());
  for (const auto& c : inv.others) {
    if (!c.running) continue;
    for (const auto& [net, unused] : c.networks) {
      if (nets.count(net)) return true;
    }
  }
  return false;
}

bool maybe_starting(const Session& s, Clock::time_point now) {
  for (const auto& c : s.containers) {
    if (c.state == "created") return true;
    auto started = epoch_seconds(c.started_at);
    auto age = std::chrono::seconds(
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count() -
        started.value_or(0));
    if (started && age < kSessionStartGrace) return true;
  }
  return false;
}

}  // namespace

void diagnose_sessions(const Inventory& inv, Clock::time_point now, std::vector<Finding>& out) {
  for (const auto& [id, s] : sessions(inv)) {
    if (alive(id, s, inv) || maybe_starting(s, now)) continue;
    std::vector<std::string> parts;
    for (const auto& c : s.containers) parts.push_back("container " + c.name);
    for (const auto& n : s.networks) parts.push_back("network " + n);
    std::string rm;
    for (const auto& c : s.containers) rm += (rm.empty() ? "" : " ") + c.name;
    std::string how = rm.empty() ? "" : "`docker rm -f " + rm + "`";
    for (const auto& n : s.networks) {
      how += (how.empty() ? "" : ", then ") + ("`docker network rm " + n + "`");
    }
    Finding f{"orphan-session", id.empty() ? "(unnamed session)" : id,
              "session " + id + " has ended (its anvil is gone) but its " +
                  sidecars::join_names(parts) + (parts.size() == 1 ? " remains" : " remain"),
              "remove " + std::string(parts.size() == 1 ? "it" : "them") + ": " + how +
                  " (doctor --fix does this)",
              FixAction::RemoveSession, s.containers, s.networks};
    out.push_back(std::move(f));
  }
}

}  // namespace run_anvil::launcher
