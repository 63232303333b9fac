#include "run_anvil/sidecars/operate/doctor_findings.h"

#include <algorithm>
#include <map>

#include "run_anvil/sidecars/define/definition_origin.h"
#include "run_anvil/sidecars/define/naming.h"
#include "run_anvil/sidecars/operate/status_model.h"
#include "run_anvil/sidecars/plan/config_hash.h"
#include "run_anvil/sidecars/plan/recreation_policy.h"
#include "run_anvil/sidecars/plan/staleness.h"

namespace run_anvil::launcher {
namespace {

using sidecars::Definition;

const Definition* shared_definition(const std::vector<Definition>& defs, const std::string& name) {
  for (const auto& d : defs) {
    if (d.name == name && d.lifecycle == sidecars::Lifecycle::Shared) return &d;
  }
  return nullptr;
}

std::vector<std::string> users_of(const Inventory& inv, const ContainerInfo& c) {
  auto it = inv.users.find(c.name);
  return it == inv.users.end() ? std::vector<std::string>{} : it->second;
}

bool is_session(const ContainerInfo& c) {
  return label_of(c, sidecars::kLabelLifecycle) == "session" ||
         c.labels.count(sidecars::kLabelSession) > 0;
}

std::string in_use_text(const std::vector<std::string>& users) {
  return users.empty() ? "" : "; it is in use by " + sidecars::join_names(users);
}

// `--fix` removes only what is provably this project's (or provably nobody's) and never a
// running container (SPEC §11, §14: its data goes with it, it may serve a project this doctor
// cannot see, and the next launch replaces a stale one with its volumes kept); the finding says so.
Finding removal(std::string kind, const ContainerInfo& c, std::string what, std::string how,
                bool safe) {
  if (safe && c.running) {
    how += " (doctor --fix does not: it never removes a running container)";
  } else if (safe && how.find("doctor --fix") == std::string::npos) {
    how += " (doctor --fix does this)";
  }
  Finding f{std::move(kind), c.name, std::move(what), std::move(how), FixAction::None, {}, {}};
  if (safe && !c.running) {
    f.fix = FixAction::RemoveContainers;
    f.containers = {c};
  }
  return f;
}

std::string down_hint(const std::string& name, const std::vector<std::string>& users) {
  std::string cmd = "`run-anvil down " + name + "`";
  return users.empty() ? "remove it with " + cmd
                       : "remove it with " + cmd + " once " + sidecars::join_names(users) +
                             (users.size() == 1 ? " is" : " are") + " done";
}

// Why a container is not ours to touch, for a finding.
std::string not_ours_text(const ContainerInfo& c, sidecars::Origin origin) {
  std::string theirs = label_of(c, sidecars::kLabelDefinition);
  if (origin == sidecars::Origin::Foreign) return "it was created from " + theirs;
  if (theirs.empty()) {
    return "it carries no " + std::string(sidecars::kLabelDefinition) +
           " label, so where it came from is unknown";
  }
  return "it was created from " + theirs +
         ", which cannot be checked from here (unreadable, or recorded from another user's "
         "mount namespace, host or boot): that is not proof it is gone";
}

void check_stale(const Definition& d, const ContainerInfo& c, const Inventory& inv,
                 std::vector<Finding>& out) {
  auto image = inv.image_ids.find(d.image);
  std::string image_id = image != inv.image_ids.end() && image->second ? *image->second : "";
  auto reason = sidecars::stale_reason(c.labels, sidecars::config_hash(d), image_id);
  if (!reason) return;
  auto users = users_of(inv, c);
  auto origin = origin_of(c, &d, inv);
  if (!sidecars::may_remove(origin)) {
    out.push_back({"name-conflict",
                   c.name,
                   "two definitions of shared sidecar \"" + d.name +
                       "\" differ: " + not_ours_text(c, origin) + ", this project's is " +
                       definition_origin(d) + in_use_text(users) +
                       ". Each launch from one project replaces the " + "other's container",
                   "rename the sidecar in one of the projects (e.g. " + d.name +
                       "-<project>.toml) so each gets its own container",
                   FixAction::None,
                   {},
                   {}});
    return;
  }
  std::string what = "sidecar \"" + d.name + "\" is stale (" + *reason + ")" + in_use_text(users);
  std::string how =
      users.empty() ? "the next launch recreates it; to drop it now, " + down_hint(d.name, users)
                    : "launches keep the running one while it is in use; recreate it with "
                      "`run-anvil --recreate " +
                          d.name + " -- <your harness>` or " + down_hint(d.name, users);
  out.push_back(removal("stale", c, what, how, users.empty()));
}

void check_orphan(const ContainerInfo& c, const std::string& name, const Inventory& inv,
                  std::vector<Finding>& out) {
  auto origin = origin_of(c, nullptr, inv);
  // Defined elsewhere (another project, or a layer this doctor was not pointed at): not ours to
  // judge.
  if (origin == sidecars::Origin::Foreign) return;
  auto users = users_of(inv, c);
  std::string what = c.name + " holds shared sidecar \"" + name + "\", which has no definition";
  if (origin == sidecars::Origin::Gone) {
    what += " any more (" + label_of(c, sidecars::kLabelDefinition) + " is gone)";
  } else {
    what += " here (" + not_ours_text(c, origin) + ")";
  }
  what += in_use_text(users);
  std::string how = origin == sidecars::Origin::Gone
                        ? down_hint(name, users)
                        : "if no project of yours defines \"" + name +
                              "\", remove it with `run-anvil down --force " + name + "`";
  out.push_back(removal("orphan", c, what, how, users.empty() && origin == sidecars::Origin::Gone));
}

void check_networks(const ContainerInfo& c, const std::string& name, const Definition* d,
                    const Inventory& inv, std::vector<Finding>& out) {
  for (const auto& [net, attachment] : c.networks) {
    auto known = inv.networks.find(net);
    if (known == inv.networks.end()) continue;
    bool gone = !known->second;
    bool replaced = known->second && !attachment.network_id.empty() &&
                    known->second->id != attachment.network_id;
    if (!gone && !replaced) continue;
    auto users = users_of(inv, c);
    std::string what = c.name + " is attached to network " + net + ", which no longer exists" +
                       (replaced ? " (a new network of that name was created since)" : "") +
                       "; it cannot start again as it is" + in_use_text(users);
    auto origin = origin_of(c, d, inv);
    if (!sidecars::may_remove(origin)) what += "; " + not_ours_text(c, origin);
    out.push_back(removal("missing-network", c, what,
                          "remove it so the next launch recreates it: " + down_hint(name, users),
                          users.empty() && sidecars::may_remove(origin)));
    return;
  }
}

// A container that was created and never started: a daemon that died during `start` leaves
// it so, and then `start` may keep failing ("task ... already exists"). A concurrent launcher's
// fresh container looks the same for a moment, so --fix starts it rather than removing it.
void check_created(const ContainerInfo& c, const std::string& name, const Definition* d,
                   const Inventory& inv, std::vector<Finding>& out) {
  if (c.state != "created") return;
  std::string what = c.name + " (shared sidecar \"" + name +
                     "\") was created but never started; a " +
                     "Docker daemon that stopped during `start` leaves a container so";
  // Starting it may end in replacing it: only for a container provably ours (SPEC §14).
  auto origin = origin_of(c, d, inv);
  if (!sidecars::may_remove(origin)) {
    out.push_back({"stuck-created",
                   c.name,
                   what + "; " + not_ours_text(c, origin),
                   "if it is yours, `docker start " + c.name + "`; doctor --fix leaves it alone",
                   FixAction::None,
                   {},
                   {}});
    return;
  }
  out.push_back({"stuck-created",
                 c.name,
                 what,
                 "the next launch starts it, or replaces it (volumes kept) if it cannot start; "
                 "doctor --fix does this now",
                 FixAction::StartOrReplace,
                 {c},
                 {}});
}

void check_shared(const sidecars::Discovery& discovery, const std::vector<Definition>& unapproved,
                  const Inventory& inv, std::vector<Finding>& out) {
  for (const auto& c : inv.managed) {
    if (is_session(c)) continue;
    std::string name = label_of(c, sidecars::kLabelName);
    const Definition* d = shared_definition(discovery.definitions, name);
    check_created(c, name, d && c.name == sidecars::shared_container_name(d->name) ? d : nullptr,
                  inv, out);
    if (d && c.name == sidecars::shared_container_name(d->name)) {
      check_stale(*d, c, inv, out);
    } else if (!d && !shared_definition(unapproved, name)) {
      // An unapproved definition of the name is never used to judge (or remove) a container.
      check_orphan(c, name, inv, out);
    }
    check_networks(c, name, d, inv, out);
  }
}

// Listed, never used (SPEC §14).
void check_unapproved(const std::vector<Definition>& unapproved, std::vector<Finding>& out) {
  for (const auto& d : unapproved) {
    out.push_back({"needs-approval",
                   d.name,
                   "workspace sidecar \"" + d.name + "\" (" + d.file +
                       ") needs approval: until then nothing is probed, started or removed "
                       "because of it",
                   "review it and approve it by running run-anvil on a terminal without "
                   "--no-prompt",
                   FixAction::None,
                   {},
                   {}});
  }
}

void check_squatters(const std::vector<Definition>& defs, const Inventory& inv,
                     std::vector<Finding>& out) {
  for (const auto& c : inv.squatters) {
    std::string blocked;
    for (const auto& d : defs) {
      if (sidecars::shared_container_name(d.name) == c.name) {
        blocked = ", so sidecar \"" + d.name + "\" cannot start";
      }
    }
    out.push_back({"squatter",
                   c.name,
                   "container " + c.name +
                       " is named like a run-anvil shared sidecar but is not "
                       "managed by run-anvil (no label " +
                       std::string(sidecars::kLabelManagedBy) + "=" + sidecars::kManagedByValue +
                       ")" + blocked,
                   "if it is yours, rename it (`docker rename " + c.name + " " + c.name +
                       "-mine`) or remove it (`docker rm -f " + c.name +
                       "`); run-anvil never touches it, not even with --fix",
                   FixAction::None,
                   {},
                   {}});
  }
}

// A probe container exits on its own when its wait ends, and its launcher removes it; one that
// has exited and is still here was left by a launcher that could not remove it.
void check_probes(const Inventory& inv, std::vector<Finding>& out) {
  for (const auto& c : inv.probes) {
    if (c.running || c.state == "created") continue;
    out.push_back(removal("orphan-probe", c,
                          "readiness probe container " + c.name + " (for " +
                              label_of(c, sidecars::kLabelProbe) + ") was left behind",
                          "remove it with `docker rm " + c.name + "` (doctor --fix does this)",
                          true));
  }
}

void check_default_network(const std::vector<Definition>& defs, const Inventory& inv,
                           std::vector<Finding>& out) {
  std::vector<std::string> facing;
  for (const auto& d : defs) {
    if (d.network_facing()) facing.push_back(d.name);
  }
  auto net = inv.networks.find(sidecars::kDefaultNetwork);
  if (facing.empty() || (net != inv.networks.end() && net->second)) return;
  out.push_back({"missing-default-network",
                 sidecars::kDefaultNetwork,
                 std::string("network ") + sidecars::kDefaultNetwork + " does not exist, and " +
                     sidecars::join_names(facing) + (facing.size() == 1 ? " is" : " are") +
                     " network-facing: a harness launched without --network joins it",
                 "the next launch creates it; `docker network create --label " +
                     std::string(sidecars::kLabelManagedBy) + "=" + sidecars::kManagedByValue +
                     " " + sidecars::kDefaultNetwork + "` creates it now (doctor --fix does this)",
                 FixAction::CreateDefaultNetwork,
                 {},
                 {}});
}

void check_definitions(const sidecars::Discovery& discovery, std::vector<Finding>& out) {
  if (discovery.diagnostics.empty()) return;
  std::size_t n = discovery.diagnostics.size();
  out.push_back({"definitions",
                 "definitions",
                 std::to_string(n) + " problem" + (n == 1 ? "" : "s") +
                     " in sidecar definitions, the first: " + discovery.diagnostics.front().str(),
                 "run `run-anvil validate` and fix them",
                 FixAction::None,
                 {},
                 {}});
}

}  // namespace

std::vector<Finding> diagnose(const sidecars::Discovery& discovery, const Inventory& inventory,
                              const std::vector<Definition>& unapproved) {
  std::vector<Finding> out;
  check_definitions(discovery, out);
  check_unapproved(unapproved, out);
  check_shared(discovery, unapproved, inventory, out);
  diagnose_sessions(inventory, out);
  check_probes(inventory, out);
  check_squatters(discovery.definitions, inventory, out);
  check_default_network(discovery.definitions, inventory, out);
  return out;
}

}  // namespace run_anvil::launcher
