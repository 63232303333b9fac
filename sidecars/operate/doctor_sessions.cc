#include "run_anvil/sidecars/operate/doctor_findings.h"
#include "run_anvil/sidecars/plan/recreation_policy.h"

namespace run_anvil::launcher {
namespace {

std::string what_remains(const SessionResources& s) {
  std::vector<std::string> parts;
  auto count = [&](std::size_t n, const char* one, const char* many) {
    if (n > 0) parts.push_back(std::to_string(n) + " " + (n == 1 ? one : many));
  };
  count(s.containers.size(), "container", "containers");
  count(s.networks.size(), "network", "networks");
  count(s.volumes.size(), "volume", "volumes");
  return sidecars::join_names(parts);
}

}  // namespace

void diagnose_sessions(const Inventory& inventory, std::vector<Finding>& out) {
  for (const auto& s : inventory.stale_sessions) {
    std::string anvil = s.anvil_name.empty() ? "(unnamed)" : s.anvil_name;
    std::string networks;
    for (const auto& n : s.networks) networks += (networks.empty() ? " (" : ", ") + n;
    if (!networks.empty()) networks += ")";
    Finding f{"orphan-session",
              anvil,
              "the session of anvil " + anvil + " (id " + s.id + ") was left behind: its " +
                  "launcher is gone and the anvil is not running, but its " + what_remains(s) +
                  networks + " remain",
              "`run-anvil doctor --fix` removes them (or `docker rm -f` its containers, then "
              "`docker network rm` / `docker volume rm` the rest)",
              FixAction::RemoveSession,
              {},
              {s}};
    out.push_back(std::move(f));
  }
}

}  // namespace run_anvil::launcher
