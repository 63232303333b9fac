#include "run_anvil/launcher/run/safe_recreation.h"

#include "run_anvil/launcher/os/origin_facts.h"
#include "run_anvil/launcher/resources/find_sidecar_users.h"
#include "run_anvil/sidecars/define/definition_origin.h"
#include "run_anvil/sidecars/plan/recreation_policy.h"

namespace run_anvil::launcher {
namespace {

// Who made the observed container of each shared step (one lstat per recorded path).
void judge_step_origins(const sidecars::ObservedState& observed,
                        const std::vector<sidecars::Definition>& definitions,
                        const sidecars::Plan& plan, sidecars::RecreationInputs& in) {
  std::vector<std::map<std::string, std::string>> labels;
  for (const auto& step : plan.steps) {
    if (auto c = observed.containers.find(step.container); c != observed.containers.end()) {
      labels.push_back(c->second.labels);
    }
  }
  const sidecars::OriginFacts facts = origin_facts(labels);
  for (const auto& d : definitions) {
    if (d.layer == sidecars::Layer::Workspace) in.untrusted.insert(d.name);
    for (const auto& step : plan.steps) {
      auto c = observed.containers.find(step.container);
      if (step.name != d.name || step.session || c == observed.containers.end()) continue;
      auto ref = definition_ref(d);
      in.container_origins[step.container] = sidecars::judge_origin(c->second.labels, &ref, facts);
    }
  }
}

}  // namespace

std::vector<std::string> apply_safe_recreation(EngineReader& docker,
                                               const sidecars::ObservedState& observed,
                                               const std::vector<sidecars::Definition>& definitions,
                                               const std::vector<std::string>& forced,
                                               sidecars::Plan& plan) {
  sidecars::SidecarUsers users;
  const std::vector<std::string> needing = sidecars::containers_needing_users(plan, observed);
  if (!needing.empty()) {
    std::vector<SidecarContainer> sidecars;
    for (const auto& name : needing)
      sidecars.push_back(sidecar_container(observed.containers.at(name)));
    std::set<std::string> known_ids;
    for (const auto& [name, c] : observed.containers) known_ids.insert(c.id);
    users = find_sidecar_users(docker, sidecars, known_ids);
  }
  sidecars::RecreationInputs in{
      observed, users, {forced.begin(), forced.end()}, definition_origins(definitions)};
  judge_step_origins(observed, definitions, plan, in);
  return sidecars::apply_recreation_policy(plan, in);
}

}  // namespace run_anvil::launcher
