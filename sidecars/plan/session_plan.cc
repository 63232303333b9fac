#include "session_plan.h"

#include <algorithm>

#include "run_anvil/errors.h"
#include "run_anvil/sidecars/define/naming.h"

namespace run_anvil::sidecars {

std::string docker_socket_source(const Definition& definition, const PlanOptions& options) {
  if (options.docker_socket.empty()) {
    throw Error(
        "sidecar \"" + definition.name + "\" (" + definition.file +
        ") mounts docker-socket, but the daemon in use" +
        (options.daemon_endpoint.empty() ? std::string() : " (" + options.daemon_endpoint + ")") +
        " is not reached through a unix socket, so there is no socket to hand it; "
        "use a local daemon (DOCKER_HOST=unix://...) or drop the mount");
  }
  if (options.docker_socket.find(':') != std::string::npos) {
    throw Error("sidecar \"" + definition.name + "\" mounts docker-socket, but the daemon's " +
                "socket path " + options.docker_socket +
                " contains ':', which a Docker bind cannot express");
  }
  return options.docker_socket;
}

}  // namespace run_anvil::sidecars

namespace run_anvil::sidecars::detail {
namespace {

bool is_session(const Definition& d) { return d.lifecycle == Lifecycle::Session; }

// Docker's rule for container names, which the session's container and network names build on.
bool valid_container_name(std::string_view name) {
  auto ok = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  };
  if (name.size() < 2 || name[0] == '_' || name[0] == '.' || name[0] == '-') return false;
  return std::all_of(name.begin(), name.end(), ok);
}

std::string anvil_name_of(const AnvilCommand& anvil, const PlanOptions& options) {
  if (anvil.name) {
    std::string name = *anvil.name;
    if (!name.empty() && name.front() == '/') name.erase(0, 1);  // docker accepts "/name"
    if (!valid_container_name(name)) {
      throw Error("the anvil's --name \"" + *anvil.name + "\" is not a valid container name " +
                  "([a-zA-Z0-9][a-zA-Z0-9_.-]+), and session sidecars are named after it");
    }
    return name;
  }
  if (options.generated_anvil_name.empty()) {
    throw Error("session sidecars are named after the anvil, which has no --name");
  }
  return options.generated_anvil_name;
}

}  // namespace

std::optional<SessionPlan> plan_session(const std::vector<Definition>& definitions,
                                        const AnvilCommand& anvil, const PlanOptions& options) {
  if (std::none_of(definitions.begin(), definitions.end(), is_session)) return std::nullopt;
  SessionPlan session;
  session.anvil_name = anvil_name_of(anvil, options);
  session.name_inserted = !anvil.name.has_value();
  session.labels = options.session_labels;
  session.labels[kLabelManagedBy] = kManagedByValue;
  session.labels[kLabelSession] = session.anvil_name;
  const bool network_facing =
      std::any_of(definitions.begin(), definitions.end(),
                  [](const Definition& d) { return is_session(d) && d.network_facing(); });
  if (network_facing) {
    session.network = session_network_name(session.anvil_name);
    // Docker's API (before 1.44) attaches a container to one network at create time. The
    // session network is the one that must be there from the anvil's first instruction (its
    // sidecars, shared ones included, are reached through it); the anvil's own network is
    // connected a moment later, once its container exists.
    if (anvil.network) {
      session.anvil_network = *anvil.network;
      session.anvil_network_aliases = anvil.network_aliases;
    }
  }
  for (const auto& d : definitions) {
    if (!is_session(d) || d.interface.kind != InterfaceKind::Volume) continue;
    std::string volume = session_volume_name(session.anvil_name, d.interface.volume);
    if (std::find(session.volumes.begin(), session.volumes.end(), volume) ==
        session.volumes.end()) {
      session.volumes.push_back(volume);
    }
  }
  return session;
}

void decide_session_step(SidecarStep& step, const SessionPlan& session,
                         const ObservedState& observed) {
  step.session = true;
  step.labels = session.labels;
  step.action = Action::Create;
  step.reason = "session";
  if (observed.containers.count(step.container)) {
    throw Error("sidecar \"" + step.name + "\": a container named " + step.container +
                " already exists: another run of the anvil \"" + session.anvil_name +
                "\" is using it (or it is the leftover of a launcher that was killed and whose " +
                "anvil still runs). Give this anvil another --name, or end the other run");
  }
}

void place_mounts(SidecarStep& step, const Definition& definition,
                  const std::optional<SessionPlan>& session, const PlanOptions& options) {
  if (definition.interface.kind == InterfaceKind::Volume) {
    step.volume = is_session(definition) && session
                      ? session_volume_name(session->anvil_name, definition.interface.volume)
                      : definition.interface.volume;
  }
  for (const auto& m : definition.mounts) {
    if (m.kind == Mount::Kind::DockerSocket) {
      step.docker_socket = docker_socket_source(definition, options);
      continue;
    }
    if (m.kind != Mount::Kind::Workspace) continue;
    if (options.workspace.empty()) {
      throw Error("sidecar \"" + definition.name + "\" mounts the workspace, but no workspace " +
                  "path is known");
    }
    if (options.workspace.find(':') != std::string::npos) {
      throw Error("sidecar \"" + definition.name + "\" mounts the workspace " + options.workspace +
                  ", whose path contains ':', which a Docker bind cannot " +
                  "express; use a workspace path without ':'");
    }
    step.workspace = options.workspace;
  }
}

std::vector<std::string> anvil_volume_options(const std::vector<SidecarStep>& steps,
                                              const std::vector<Definition>& definitions) {
  std::vector<std::string> out;
  for (const auto& step : steps) {
    if (step.volume.empty()) continue;
    auto d = std::find_if(definitions.begin(), definitions.end(),
                          [&](const Definition& x) { return x.name == step.name; });
    if (d == definitions.end()) continue;
    out.emplace_back("-v");
    out.push_back(step.volume + ":" + d->interface.mountpoint);
  }
  return out;
}

}  // namespace run_anvil::sidecars::detail
