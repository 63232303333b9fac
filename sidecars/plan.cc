#include "run_anvil/sidecars/plan.h"

#include <algorithm>

#include "run_anvil/errors.h"
#include "run_anvil/sidecars/config_hash.h"
#include "run_anvil/sidecars/naming.h"
#include "run_anvil/sidecars/validate.h"
#include "session_plan.h"

namespace run_anvil::sidecars {
namespace {

bool is_managed(const ObservedContainer& c) {
  auto it = c.labels.find(kLabelManagedBy);
  return it != c.labels.end() && it->second == kManagedByValue;
}

std::string label_or_empty(const ObservedContainer& c, const char* key) {
  auto it = c.labels.find(key);
  return it == c.labels.end() ? std::string() : it->second;
}

}  // namespace

std::string sidecar_network(const AnvilCommand& anvil,
                            const std::vector<Definition>& definitions) {
  bool any_network_facing = std::any_of(definitions.begin(), definitions.end(),
                                        [](const Definition& d) { return d.network_facing(); });
  if (!any_network_facing) return "";
  if (!anvil.network) return kDefaultNetwork;
  const std::string& net = *anvil.network;
  if (net == "host" || net == "none" || net.rfind("container:", 0) == 0) {
    throw Error("the anvil uses --network " + net +
                ", which cannot carry sidecars; use a user-defined network (or omit --network to "
                "let run-anvil use " + kDefaultNetwork + ")");
  }
  if (net == "bridge" || net == "default") {
    throw Error("the anvil uses --network " + net +
                ": docker's default bridge does not resolve container names, so sidecars would "
                "be unreachable; use a user-defined network (or omit --network to let run-anvil "
                "use " + std::string(kDefaultNetwork) + ")");
  }
  return net;
}

namespace {

Probe make_probe(const Definition& d) {
  Probe p;
  p.mode = d.readiness.mode;
  p.host = d.canonical_alias();
  p.port = d.interface.port;
  p.command = d.readiness.command;
  p.timeout = d.readiness.timeout;
  p.interval = d.readiness.interval;
  return p;
}

std::vector<std::string> network_aliases(const Definition& d) {
  std::vector<std::string> aliases{d.canonical_alias()};
  for (const auto& a : d.interface.aliases) {
    if (std::find(aliases.begin(), aliases.end(), a) == aliases.end()) aliases.push_back(a);
  }
  return aliases;
}

// Decides reuse vs (re)create for one sidecar against what was observed.
void decide_action(SidecarStep& step, const ObservedState& observed) {
  auto it = observed.containers.find(step.container);
  if (it == observed.containers.end()) {
    step.action = Action::Create;
    step.reason = "absent";
    return;
  }
  const ObservedContainer& c = it->second;
  if (!is_managed(c)) {
    throw Error("a container named " + step.container + " already exists and is not managed by " +
                "run-anvil (no label " + kLabelManagedBy + "=" + kManagedByValue +
                "); run-anvil will not touch it. Rename or remove it yourself, or rename the "
                "sidecar \"" + step.name + "\"");
  }
  step.existing_id = c.id;
  step.action = Action::Recreate;
  if (label_or_empty(c, kLabelHash) != step.config_hash) {
    step.reason = "config changed";
  } else if (!step.image_id.empty() && label_or_empty(c, kLabelImageId) != step.image_id) {
    step.reason = "image rebuilt";
  } else if (!c.running && c.state == "created") {
    // Created by a concurrent launcher that has not started it yet (or was interrupted between
    // create and start). Removing it could destroy a peer's fresh container: create instead,
    // which conflicts on the name and adopts (starts) this very container.
    step.action = Action::Create;
    step.reason = "created, not started yet";
  } else if (!c.running) {
    step.reason = "stopped";
  } else {
    step.action = Action::Reuse;
    step.reason = "running, config matches";
    if (!step.network.empty()) {
      auto net = c.network_ips.find(step.network);
      step.connect = net == c.network_ips.end();
      if (!step.connect) step.observed_ip = net->second;
    }
  }
}

std::vector<std::pair<std::string, std::string>> injected_env(
    const std::vector<Definition>& definitions) {
  std::vector<std::pair<std::string, std::string>> env;
  for (const auto& d : definitions) {
    if (d.interface.kind == InterfaceKind::Port) {
      env.emplace_back(env_name(d.name, "HOST"), d.canonical_alias());
      env.emplace_back(env_name(d.name, "PORT"), std::to_string(d.interface.port));
    } else if (d.interface.kind == InterfaceKind::Mcp) {
      env.emplace_back(env_name(d.name, "URL"), "http://" + d.canonical_alias() + ":" +
                                                    std::to_string(d.interface.port) +
                                                    d.interface.mcp_path);
    } else if (d.interface.kind == InterfaceKind::Volume) {
      env.emplace_back(env_name(d.name, "PATH"), d.interface.mountpoint);
    }
  }
  std::sort(env.begin(), env.end());
  return env;
}

}  // namespace

const char* to_string(Action a) {
  switch (a) {
    case Action::Reuse: return "reuse";
    case Action::Create: return "create";
    case Action::Recreate: return "recreate";
  }
  return "?";
}

std::string Probe::describe() const {
  switch (mode) {
    case ReadinessMode::Tcp: return "tcp " + host + ":" + std::to_string(port);
    case ReadinessMode::Healthcheck: return "healthcheck";
    case ReadinessMode::Exec: {
      std::string s = "exec";
      for (const auto& a : command) s += " " + a;
      return s;
    }
    case ReadinessMode::None: return "running";
  }
  return "?";
}

std::map<std::string, std::string> container_labels(const Definition& definition,
                                                    const std::string& config_hash,
                                                    const std::string& image_id) {
  std::map<std::string, std::string> labels{
      {kLabelName, definition.name},
      {kLabelHash, config_hash},
      {kLabelLifecycle, to_string(definition.lifecycle)},
      {kLabelManagedBy, kManagedByValue},
  };
  if (!image_id.empty()) labels[kLabelImageId] = image_id;
  return labels;
}

Plan make_plan(const std::vector<Definition>& definitions, const ObservedState& observed,
               const AnvilCommand& anvil, const PlanOptions& options) {
  if (!anvil.is_run) {
    throw Error("sidecars are declared, so the anvil command must be `docker run`, "
                "`docker container run` or `podman run` (got `" +
                (anvil.argv.empty() ? std::string() : anvil.argv[0]) + " ...`)");
  }
  Plan plan;
  plan.network = sidecar_network(anvil, definitions);
  if (!plan.network.empty() && !observed.network_driver) {
    if (plan.network != kDefaultNetwork) {
      throw Error("the anvil's network " + plan.network + " does not exist; create it with "
                  "`docker network create " + plan.network + "`");
    }
    plan.create_network = true;
  }
  plan.session = detail::plan_session(definitions, anvil, options);
  const bool shared_network_facing =
      std::any_of(definitions.begin(), definitions.end(), [](const Definition& d) {
        return d.lifecycle == Lifecycle::Shared && d.network_facing();
      });
  if (plan.session && !plan.session->network.empty() && !shared_network_facing) {
    // Only session sidecars face the network: they live on the session network alone.
    plan.network.clear();
    plan.create_network = false;
  }

  std::map<std::string, const Definition*> by_name;
  for (const auto& d : definitions) by_name[d.name] = &d;
  for (const auto& name : dependency_order(definitions)) {
    const Definition& d = *by_name.at(name);
    SidecarStep step;
    step.name = d.name;
    const bool session = d.lifecycle == Lifecycle::Session;
    step.container = session ? session_container_name(plan.session->anvil_name, d.name)
                              : shared_container_name(d.name);
    step.config_hash = config_hash(d);
    auto image = observed.image_ids.find(d.image);
    if (image == observed.image_ids.end() || !image->second) {
      step.pull_image = d.image;  // like `docker run`: pulled first, then created
    } else {
      step.image_id = *image->second;
    }
    if (d.network_facing()) {
      step.network = session ? plan.session->network : plan.network;
      step.aliases = network_aliases(d);
    }
    step.depends_on = d.depends_on;
    step.probe = make_probe(d);
    if (session) {
      detail::decide_session_step(step, *plan.session, observed);
    } else {
      decide_action(step, observed);
      if (plan.session && d.network_facing()) step.session_network = plan.session->network;
    }
    detail::place_mounts(step, d, plan.session, options);
    plan.steps.push_back(std::move(step));
  }

  plan.env = injected_env(definitions);
  plan.env.insert(plan.env.end(), options.anvil_env.begin(), options.anvil_env.end());
  std::sort(plan.env.begin(), plan.env.end());
  Injection injection;
  injection.env = plan.env;
  injection.extra_options = detail::anvil_volume_options(plan.steps, definitions);
  injection.extra_options.insert(injection.extra_options.end(), options.anvil_options.begin(),
                                 options.anvil_options.end());
  if (plan.session && !plan.session->network.empty()) {
    // Replaces the anvil's own --network in place (it is connected later), else inserted.
    injection.network = plan.session->network;
    plan.network_inserted = !anvil.network;
  } else if (!plan.network.empty() && !anvil.network) {
    injection.network = plan.network;
    plan.network_inserted = true;
  }
  if (plan.session && plan.session->name_inserted) injection.name = plan.session->anvil_name;
  plan.anvil_argv = rewrite_anvil_argv(anvil, injection);
  return plan;
}

}  // namespace run_anvil::sidecars
