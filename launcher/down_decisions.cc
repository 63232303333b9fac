#include "run_anvil/launcher/down_decisions.h"

#include <algorithm>
#include <set>

#include "run_anvil/sidecars/naming.h"
#include "run_anvil/sidecars/recreation_policy.h"
#include "run_anvil/sidecars/validate.h"

namespace run_anvil::launcher {
namespace {

std::vector<std::string> all_shared(const std::vector<sidecars::Definition>& definitions) {
  std::vector<sidecars::Definition> shared;
  for (const auto& d : definitions) {
    if (d.lifecycle == sidecars::Lifecycle::Shared) shared.push_back(d);
  }
  // depends_on may name session sidecars, which down never takes: order the shared ones only.
  for (auto& d : shared) {
    std::erase_if(d.depends_on, [&](const std::string& dep) {
      return std::none_of(shared.begin(), shared.end(),
                          [&](const sidecars::Definition& o) { return o.name == dep; });
    });
  }
  auto order = sidecars::dependency_order(shared);
  std::reverse(order.begin(), order.end());
  return order;
}

DownDecision decide_one(const std::string& name, const Inventory& inv, bool force) {
  DownDecision d;
  d.name = name;
  d.container = sidecars::shared_container_name(name);
  for (const auto& c : inv.managed) {
    if (c.name != d.container) continue;
    d.target = c;
    if (auto u = inv.users.find(c.name); u != inv.users.end()) d.users = u->second;
    d.verdict = d.users.empty() ? DownVerdict::Remove
                : force         ? DownVerdict::RemoveInUse
                                : DownVerdict::RefuseInUse;
    return d;
  }
  for (const auto& c : inv.squatters) {
    if (c.name == d.container) {
      d.verdict = DownVerdict::RefuseUnmanaged;
      return d;
    }
  }
  for (const auto& c : inv.managed) {
    if (label_of(c, sidecars::kLabelName) == name) d.verdict = DownVerdict::NotShared;
  }
  return d;
}

}  // namespace

std::vector<DownDecision> decide_down(const std::vector<std::string>& requested,
                                      const std::vector<sidecars::Definition>& definitions,
                                      const Inventory& inventory, bool force) {
  std::vector<std::string> names = requested.empty() ? all_shared(definitions) : requested;
  std::vector<DownDecision> out;
  std::set<std::string> seen;
  for (const auto& name : names) {
    if (seen.insert(name).second) out.push_back(decide_one(name, inventory, force));
  }
  return out;
}

bool refused(const DownDecision& d) {
  return d.verdict == DownVerdict::RefuseInUse || d.verdict == DownVerdict::RefuseUnmanaged;
}

std::string describe(const DownDecision& d) {
  std::string users = sidecars::join_names(d.users);
  switch (d.verdict) {
    case DownVerdict::Remove:
      return "removed " + d.name + " (" + d.container + ")";
    case DownVerdict::RemoveInUse:
      return "removed " + d.name + " (" + d.container + ") although " + users + " used it " +
             "(--force)";
    case DownVerdict::RefuseInUse:
      return d.name + ": not removed: in use by " + users + "; stop " +
             (d.users.size() == 1 ? "it" : "them") + " first, or use --force";
    case DownVerdict::RefuseUnmanaged:
      return d.name + ": not removed: " + d.container + " is not managed by run-anvil (no label " +
             sidecars::kLabelManagedBy + "=" + sidecars::kManagedByValue +
             "), and run-anvil never touches such a container; if it is yours, `docker rm -f " +
             d.container + "`";
    case DownVerdict::NotFound:
      return d.name + ": nothing to remove (no container " + d.container + ")";
    case DownVerdict::NotShared:
      return d.name +
             ": session sidecar: its containers go when their anvil exits (see "
             "`run-anvil doctor` for leftovers)";
  }
  return d.name;
}

}  // namespace run_anvil::launcher
