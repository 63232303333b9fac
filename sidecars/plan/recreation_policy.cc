#include "run_anvil/sidecars/plan/recreation_policy.h"

#include "run_anvil/errors.h"
#include "run_anvil/sidecars/define/labels.h"
#include "run_anvil/sidecars/define/naming.h"

namespace run_anvil::sidecars {
namespace {

const ObservedContainer* running_container(const SidecarStep& step, const ObservedState& observed) {
  if (step.action != Action::Recreate) return nullptr;
  auto it = observed.containers.find(step.container);
  if (it == observed.containers.end() || !it->second.running) return nullptr;
  return &it->second;
}

Origin origin_of(const SidecarStep& step, const RecreationInputs& in) {
  auto it = in.container_origins.find(step.container);
  return it == in.container_origins.end() ? Origin::Ours : it->second;
}

// The container was made from another file's definition of the same name that still exists
// (or cannot be checked), and that definition differs (same content from two checkouts is no
// conflict; a definition whose old path is gone, e.g. a moved project, is not another project).
std::string foreign_origin(const SidecarStep& step, const ObservedContainer& c,
                           const RecreationInputs& in) {
  if (step.reason != "config changed" || may_remove(origin_of(step, in))) return "";
  std::string theirs = label_of(c, kLabelDefinition);
  return theirs.empty() ? "a definition it does not name" : theirs;
}

void refuse_foreign_for_untrusted(const Plan& plan, const RecreationInputs& in) {
  for (const auto& step : plan.steps) {
    if (step.session || !in.untrusted.count(step.name)) continue;
    auto observed = in.observed.containers.find(step.container);
    if (observed == in.observed.containers.end() || may_remove(origin_of(step, in))) continue;
    std::string theirs = label_of(observed->second, kLabelDefinition);
    throw Error("workspace sidecar \"" + step.name + "\" would use " + step.container +
                ", which was created from " +
                (theirs.empty() ? std::string("a definition it does not name") : theirs) +
                (origin_of(step, in) == Origin::Foreign ? ", another project's definition"
                                                        : ", which cannot be checked from here") +
                ". A workspace definition never touches a container made from another "
                "project's; rename the sidecar in this workspace, or take the other one down "
                "from its project");
  }
}

void keep_running(SidecarStep& step, const ObservedContainer& c, const std::string& users) {
  std::string stale = step.reason;
  step.action = Action::Reuse;
  step.reason = "stale (" + stale + "), kept: in use by " + users;
  step.connect = false;
  step.observed_ip.clear();
  if (!step.network.empty()) {
    auto net = c.network_ips.find(step.network);
    step.connect = net == c.network_ips.end();
    if (!step.connect) step.observed_ip = net->second;
  }
}

std::string mine_of(const SidecarStep& step, const RecreationInputs& in) {
  auto it = in.origins.find(step.name);
  return it == in.origins.end() ? std::string("this project's") : "this project's, " + it->second;
}

}  // namespace

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
    out += names[i];
  }
  return out;
}

std::vector<std::string> containers_needing_users(const Plan& plan, const ObservedState& observed) {
  std::vector<std::string> out;
  for (const auto& step : plan.steps) {
    if (running_container(step, observed)) out.push_back(step.container);
  }
  return out;
}

std::vector<std::string> apply_recreation_policy(Plan& plan, const RecreationInputs& in) {
  refuse_foreign_for_untrusted(plan, in);
  std::vector<std::string> warnings;
  for (auto& step : plan.steps) {
    if (step.action != Action::Recreate) continue;
    auto observed = in.observed.containers.find(step.container);
    if (observed == in.observed.containers.end()) continue;
    const ObservedContainer& c = observed->second;
    std::string theirs = foreign_origin(step, c, in);
    std::vector<std::string> users;
    if (running_container(step, in.observed)) {
      if (auto u = in.users.find(step.container); u != in.users.end()) users = u->second;
    }
    const std::string& name = step.name;
    if (in.forced.count(name)) {
      if (!users.empty()) {
        warnings.push_back("recreating " + name + " although " + join_names(users) +
                           (users.size() == 1 ? " uses" : " use") +
                           " it (--recreate): their connections to it drop until the new "
                           "container is ready");
      }
      continue;
    }
    if (!users.empty() && theirs.empty()) {
      warnings.push_back(name + " is stale (" + step.reason + ") but in use by " +
                         join_names(users) + "; keeping the running one. Recreate with " +
                         "`run-anvil --recreate " + name + "` or `run-anvil down " + name +
                         "` when it is free");
      keep_running(step, c, join_names(users));
    } else if (!users.empty()) {
      warnings.push_back(name + " is in use by " + join_names(users) +
                         " and was created from a different definition of \"" + name + "\" (" +
                         theirs + ", not " + mine_of(step, in) +
                         "): two projects define a "
                         "shared sidecar of this name differently. Keeping the running one; "
                         "rename the sidecar in one of the projects so each gets its own "
                         "container (or take it over with `run-anvil --recreate " +
                         name + "` when it is free)");
      keep_running(step, c, join_names(users));
    } else if (!theirs.empty()) {
      warnings.push_back("replacing " + step.container +
                         ", which was created from a different "
                         "definition of \"" +
                         name + "\" (" + theirs + ", not " + mine_of(step, in) +
                         "): two projects that define a shared sidecar of "
                         "the same name differently replace each other's container on every "
                         "launch; rename the sidecar in one of them");
    }
  }
  return warnings;
}

}  // namespace run_anvil::sidecars
