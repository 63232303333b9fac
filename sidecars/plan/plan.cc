#include "run_anvil/sidecars/plan/plan.h"

#include <algorithm>

#include "run_anvil/errors.h"
#include "run_anvil/sidecars/define/labels.h"
#include "run_anvil/sidecars/define/naming.h"
#include "run_anvil/sidecars/define/ownership.h"
#include "run_anvil/sidecars/define/validate.h"
#include "run_anvil/sidecars/plan/config_hash.h"
#include "session_plan.h"
#include "volume_plan.h"

namespace run_anvil::sidecars {
namespace {}  // namespace

std::string sidecar_network(const AnvilCommand& anvil, const std::vector<Definition>& definitions) {
  bool any_network_facing = std::any_of(definitions.begin(), definitions.end(),
                                        [](const Definition& d) { return d.network_facing(); });
  if (!any_network_facing) return "";
  if (!anvil.network) return kDefaultNetwork;
  const std::string& net = *anvil.network;
  if (net == "host" || net == "none" || net.rfind("container:", 0) == 0) {
    throw Error("the anvil uses --network " + net +
                ", which cannot carry sidecars; use a user-defined network (or omit --network to "
                "let run-anvil use " +
                kDefaultNetwork + ")");
  }
  if (net == "bridge" || net == "default") {
    throw Error("the anvil uses --network " + net +
                ": docker's default bridge does not resolve container names, so sidecars would "
                "be unreachable; use a user-defined network (or omit --network to let run-anvil "
                "use " +
                std::string(kDefaultNetwork) + ")");
  }
  return net;
}

namespace {

// The anvil must start where its sidecars are (SPEC §16): the docker CLI follows DOCKER_HOST and
// DOCKER_CONTEXT as run-anvil does, unless a global option redirects it; podman's CLI ignores
// both and uses its own local engine, which is run-anvil's only when that is podman's local
// service.
void check_same_daemon(const AnvilCommand& anvil, const ObservedState& observed) {
  if (!anvil.other_daemon_option.empty()) {
    throw Error("the anvil command's `" + anvil.other_daemon_option +
                "` sends it to another daemon than the one its sidecars are started on; drop "
                "it and select the daemon for both with DOCKER_HOST or DOCKER_CONTEXT");
  }
  if (anvil.podman && !(observed.engine_podman && observed.engine_local)) {
    throw Error(std::string("`podman run` starts the anvil on this host's own podman engine, but "
                            "the sidecars are on ") +
                (observed.engine_podman ? "a remote podman service" : "a Docker daemon") +
                " (DOCKER_HOST / docker context); use `docker run` as the anvil command, or "
                "point DOCKER_HOST at podman's socket (e.g. unix:///run/podman/podman.sock)");
  }
}

Probe make_probe(const Definition& d) {
  Probe p;
  p.mode = d.readiness.mode;
  p.host = d.canonical_alias();
  p.port = d.interface.port;
  p.command = d.readiness.command;
  p.timeout = d.readiness.timeout;
  p.interval = d.readiness.interval;
  p.http_path = d.readiness.path;
  p.http_status = d.readiness.status;
  p.pattern = d.readiness.pattern;
  p.occurrences = d.readiness.occurrences;
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
                "sidecar \"" +
                step.name + "\"");
  }
  step.existing_id = c.id;
  step.action = Action::Recreate;
  if (label_of(c, kLabelHash) != step.config_hash) {
    step.reason = "config changed";
  } else if (!step.image_id.empty() && label_of(c, kLabelImageId) != step.image_id) {
    step.reason = "image rebuilt";
  } else if (!c.running && c.state == "created") {
    // Never started: a concurrent launcher's fresh container (starting it too is harmless), or
    // one left by a daemon that died during `start`. Started; the executor replaces it only if
    // it cannot start. Never removed unasked, so a peer's fresh container is never destroyed.
    step.action = Action::Start;
    step.reason = "created, not started yet";
  } else if (!c.running && c.state != "dead" && c.state != "restarting") {
    // Stopped (docker stop, docker kill, a crash, `run-anvil stop`) with the same config: its
    // file system holds the data, so it is started again, as compose does (SPEC §11).
    step.action = Action::Start;
    step.reason = "stopped, config matches";
  } else if (!c.running && c.state == "dead") {
    step.reason = "dead";
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

// On podman the anvil's resolv.conf lists aardvark-dns (the network's gateway) and then the
// host's own resolvers. aardvark-dns 1.4 drops its sockets for a moment on every reload, which
// every container joining or leaving the network causes; a lookup in that moment goes on to the
// host's resolver, whose NXDOMAIN for the sidecar's name is final ("bad address"; 2-3 of 3000
// lookups while 24 containers start, 0 without them). With the gateway as the only resolver a
// lost query is retried instead (aardvark-dns forwards other names to the host's resolvers, so
// nothing else changes). Only for the shared network, when its gateway is known and the anvil
// names no resolver of its own.
std::optional<std::string> podman_dns_server(const AnvilCommand& anvil, const Plan& plan,
                                             const ObservedState& observed) {
  if (!observed.engine_podman || anvil.dns || plan.session || plan.network.empty()) {
    return std::nullopt;
  }
  if (!observed.network_resolves_names || observed.network_gateway.empty()) return std::nullopt;
  return observed.network_gateway;
}

}  // namespace

const char* to_string(Action a) {
  switch (a) {
    case Action::Reuse:
      return "reuse";
    case Action::Start:
      return "start";
    case Action::Create:
      return "create";
    case Action::Recreate:
      return "recreate";
  }
  return "?";
}

std::string Probe::describe() const {
  switch (mode) {
    case ReadinessMode::Tcp:
      return "tcp " + host + ":" + std::to_string(port);
    case ReadinessMode::Healthcheck:
      return "healthcheck";
    case ReadinessMode::Exec: {
      std::string s = "exec";
      for (const auto& a : command) s += " " + a;
      return s;
    }
    case ReadinessMode::None:
      return "running";
    case ReadinessMode::Http:
      return "http " + host + ":" + std::to_string(port) + http_path;
    case ReadinessMode::Log: {
      std::string s = "log line matching /" + pattern + "/";
      if (occurrences > 1) s += " " + std::to_string(occurrences) + " times";
      return s;
    }
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
  if (definition.network_facing()) {
    std::string aliases;
    for (const auto& a : network_aliases(definition)) aliases += (aliases.empty() ? "" : ",") + a;
    labels[kLabelAliases] = aliases;
  }
  return labels;
}

std::optional<std::string> engine_warning(const AnvilCommand& anvil,
                                          const ObservedState& observed) {
  if (!observed.engine_podman || anvil.podman || !anvil.remove) return std::nullopt;
  return "through podman's Docker-compatible API, `docker run --rm` always exits 0 (the anvil's "
         "own exit code is lost); use `podman run --rm ...` as the anvil command to keep it";
}

namespace {

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// Every alias a step would claim on the anvil's network that another managed sidecar holds there
// already: all named in one error, both sides each time.
void refuse_held_aliases(const std::vector<SidecarStep>& steps, const std::string& network,
                         const ObservedState& observed) {
  std::string clashes;
  for (const auto& step : steps) {
    if (step.session || step.network.empty() || step.network != network) continue;
    for (const auto& alias : step.aliases) {
      auto held = observed.held_aliases.find(lower(alias));
      if (held == observed.held_aliases.end() || held->second == step.container) continue;
      clashes += std::string(clashes.empty() ? "" : "; ") + "alias \"" + alias +
                 "\" of sidecar \"" + step.name + "\" is already held on network " + network +
                 " by " + held->second;
    }
  }
  if (clashes.empty()) return;
  throw Error(clashes + ". Two sidecars answering to one name would split the anvil's traffic " +
              "between them; rename the alias in one of the definitions (or take the other " +
              "down)");
}

}  // namespace

namespace {

void apply_recreate(const std::vector<std::string>& names, Plan& plan) {
  for (const auto& name : names) {
    auto it = std::find_if(plan.steps.begin(), plan.steps.end(),
                           [&](const SidecarStep& s) { return s.name == name; });
    if (it == plan.steps.end()) throw UsageError("--recreate " + name + ": no such sidecar");
    if (it->action == Action::Reuse || it->action == Action::Start) {
      it->action = Action::Recreate;
      it->reason = "--recreate";
      it->connect = false;
      it->observed_ip.clear();
    }
  }
}

}  // namespace

Plan make_plan(const std::vector<Definition>& definitions, const ObservedState& observed,
               const AnvilCommand& anvil, const PlanOptions& options) {
  if (!anvil.is_run) {
    throw Error(
        "sidecars are declared, so the anvil command must be `docker run`, "
        "`docker container run` or `podman run` (got `" +
        (anvil.argv.empty() ? std::string() : anvil.argv[0]) + " ...`)");
  }
  check_same_daemon(anvil, observed);
  Plan plan;
  plan.network = sidecar_network(anvil, definitions);
  if (!plan.network.empty() && !observed.network_driver) {
    if (plan.network != kDefaultNetwork) {
      throw Error("the anvil's network " + plan.network +
                  " does not exist; create it with "
                  "`docker network create " +
                  plan.network + "`");
    }
    plan.create_network = true;
  }
  plan.session = detail::plan_session(definitions, anvil, options);
  if (plan.session) {
    for (auto& volume : detail::session_data_volumes(definitions, plan.session->anvil_name)) {
      plan.session->volumes.push_back(std::move(volume));
    }
    if (!plan.session->anvil_network.empty()) plan.session->internal = observed.network_internal;
  }
  const bool shared_network_facing = std::any_of(
      definitions.begin(), definitions.end(),
      [](const Definition& d) { return d.lifecycle == Lifecycle::Shared && d.network_facing(); });
  if (plan.session && !plan.session->network.empty() && !shared_network_facing) {
    // Only session sidecars face the network: they live on the session network alone.
    plan.network.clear();
    plan.create_network = false;
  }
  if (!plan.network.empty() && !observed.network_resolves_names) {
    throw Error("the anvil's network " + plan.network +
                " has DNS turned off (as podman's default network \"podman\" does), so the anvil "
                "could not resolve its sidecars by name; use a network with DNS (`podman network "
                "create NAME`), or omit --network to let run-anvil use " +
                std::string(kDefaultNetwork));
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
    step.service = d.service;
    step.gpus = d.resources.gpus;
    if (session) {
      detail::decide_session_step(step, *plan.session, observed);
    } else {
      decide_action(step, observed);
      if (plan.session && d.network_facing()) step.session_network = plan.session->network;
    }
    detail::place_mounts(step, d, plan.session, options);
    detail::place_volumes(step, d, plan.session, observed);
    if (!options.origin_vantage.empty()) step.labels[kLabelDefinitionSeen] = options.origin_vantage;
    plan.steps.push_back(std::move(step));
  }

  refuse_held_aliases(plan.steps, plan.network, observed);
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
  if (auto dns = podman_dns_server(anvil, plan, observed)) {
    injection.extra_options.insert(injection.extra_options.end(), {"--dns", *dns});
  }
  plan.anvil_argv = rewrite_anvil_argv(anvil, injection);
  apply_recreate(options.recreate, plan);
  return plan;
}

}  // namespace run_anvil::sidecars
