#include "run_anvil/sidecars/operate/down_decisions.h"

#include <algorithm>
#include <set>

#include "run_anvil/sidecars/define/naming.h"
#include "run_anvil/sidecars/define/validate.h"
#include "run_anvil/sidecars/plan/recreation_policy.h"
#include "run_anvil/sidecars/text/suggest.h"

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

const sidecars::Definition* named_in(const std::vector<sidecars::Definition>& defs,
                                     const std::string& name) {
  for (const auto& d : defs) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

DownDecision decide_one(const std::string& name, const sidecars::Definition* mine,
                        const Inventory& inv, bool force, bool named) {
  DownDecision d;
  d.name = name;
  d.named = named;
  d.container = sidecars::shared_container_name(name);
  for (const auto& c : inv.managed) {
    if (c.name != d.container) continue;
    d.target = c;
    d.origin = origin_of(c, mine, inv);
    d.theirs = label_of(c, sidecars::kLabelDefinition);
    if (auto u = inv.users.find(c.name); u != inv.users.end()) d.users = u->second;
    if (!sidecars::may_remove(d.origin) && !(named && force)) {
      d.verdict = DownVerdict::RefuseNotOurs;
      return d;
    }
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
                                      const Inventory& inventory, bool force,
                                      const std::vector<sidecars::Definition>& known) {
  const bool named = !requested.empty();
  std::vector<std::string> names = named ? requested : all_shared(definitions);
  std::vector<DownDecision> out;
  std::set<std::string> seen;
  for (const auto& name : names) {
    if (!seen.insert(name).second) continue;
    // Unnamed, only a usable definition speaks for "ours"; a name the user typed may be matched
    // against any file of this project (an unapproved one included: comparing paths runs
    // nothing of it).
    const sidecars::Definition* mine = named_in(definitions, name);
    if (!mine && named) mine = named_in(known, name);
    out.push_back(decide_one(name, mine, inventory, force, named));
  }
  return out;
}

std::vector<std::string> known_sidecar_names(const std::vector<sidecars::Definition>& definitions,
                                             const Inventory& inventory) {
  std::set<std::string> names;
  for (const auto& d : definitions) names.insert(d.name);
  for (const auto& c : inventory.managed) {
    if (auto n = label_of(c, sidecars::kLabelName); !n.empty()) names.insert(n);
  }
  return {names.begin(), names.end()};
}

namespace {

bool has_container(const std::string& name, const Inventory& inv) {
  return std::any_of(inv.managed.begin(), inv.managed.end(), [&](const ContainerInfo& c) {
    return label_of(c, sidecars::kLabelName) == name;
  });
}

bool held_by_squatter(const std::string& name, const Inventory& inv) {
  std::string container = sidecars::shared_container_name(name);
  return std::any_of(inv.squatters.begin(), inv.squatters.end(),
                     [&](const ContainerInfo& c) { return c.name == container; });
}

}  // namespace

std::vector<std::string> down_preflight(const std::vector<std::string>& requested,
                                        const std::vector<sidecars::Definition>& definitions,
                                        const Inventory& inventory, bool force) {
  std::vector<std::string> problems;
  const auto known = known_sidecar_names(definitions, inventory);
  const std::set<std::string> named(requested.begin(), requested.end());
  for (const auto& name : requested) {
    if (std::find(known.begin(), known.end(), name) == known.end() &&
        !held_by_squatter(name, inventory)) {
      problems.push_back("no sidecar \"" + name + "\" is declared here or managed on this daemon" +
                         sidecars::did_you_mean(name, known) + "; `run-anvil status` lists them");
    }
  }
  if (force) return problems;
  for (const auto& name : requested) {
    std::vector<std::string> dependents;
    for (const auto& d : definitions) {
      bool depends =
          std::find(d.depends_on.begin(), d.depends_on.end(), name) != d.depends_on.end();
      if (depends && !named.count(d.name) && has_container(d.name, inventory)) {
        dependents.push_back(d.name);
      }
    }
    if (dependents.empty()) continue;
    std::string list = sidecars::join_names(dependents);
    problems.push_back(name + ": not removed: " + list +
                       (dependents.size() == 1 ? " depends" : " depend") + " on it; take " +
                       (dependents.size() == 1 ? "it" : "them") + " down too (run-anvil down " +
                       list + " " + name + "), or use --force");
  }
  return problems;
}

bool refused(const DownDecision& d) {
  return d.verdict == DownVerdict::RefuseInUse || d.verdict == DownVerdict::RefuseUnmanaged ||
         d.verdict == DownVerdict::RefuseNotOurs;
}

std::string describe(const DownDecision& d) {
  std::string users = sidecars::join_names(d.users);
  switch (d.verdict) {
    case DownVerdict::Remove:
      return "removed " + d.name + " (" + d.container + ")" +
             (d.named && !sidecars::may_remove(d.origin) ? ", made from " + d.theirs + " (--force)"
                                                         : "");
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
    case DownVerdict::RefuseNotOurs: {
      std::string why =
          d.origin == sidecars::Origin::Foreign
              ? "it was created from " + d.theirs + ", another project's definition"
          : d.theirs.empty()
              ? "it does not say which definition it was created from"
              : "it was created from " + d.theirs +
                    ", which cannot be checked from here (that is not proof it is gone)";
      return d.name + ": not removed: " + why + "; run `run-anvil down` in that project, or " +
             "`run-anvil down --force " + d.name + "` if it is yours";
    }
    case DownVerdict::NotShared:
      return d.name +
             ": session sidecar: its containers go when their anvil exits (see "
             "`run-anvil doctor` for leftovers)";
  }
  return d.name;
}

}  // namespace run_anvil::launcher
