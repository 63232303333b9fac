#include "run_anvil/launcher/resources/session.h"

#include <algorithm>
#include <future>

#include "run_anvil/errors.h"
#include "run_anvil/launcher/docker/engine_api.h"
#include "run_anvil/launcher/docker/http_transport.h"
#include "run_anvil/launcher/os/session_lock.h"
#include "run_anvil/sidecars/define/labels.h"
#include "run_anvil/sidecars/define/naming.h"

namespace run_anvil::launcher {
namespace {

using sidecars::kLabelManagedBy;
using sidecars::kLabelSession;
using sidecars::kLabelSessionId;
using sidecars::kLabelSessionLauncher;
using sidecars::kManagedByValue;

// Adds a resource to its session; resources without a session id (not ours) are skipped.
SessionResources* session_of(std::map<std::string, SessionResources>& by_id,
                             const std::map<std::string, std::string>& labels) {
  const std::string id = sidecars::label_of(labels, kLabelSessionId);
  if (id.empty()) return nullptr;
  SessionResources& s = by_id[id];
  s.id = id;
  if (s.anvil_name.empty()) s.anvil_name = sidecars::label_of(labels, kLabelSession);
  if (s.launcher.empty()) s.launcher = sidecars::label_of(labels, kLabelSessionLauncher);
  return &s;
}

// The three listings run concurrently: every launch sweeps, so this must not add latency.
std::vector<SessionResources> list_with(EngineReader& docker,
                                        const std::map<std::string, std::string>& selector,
                                        const std::vector<ContainerInfo>* managed) {
  auto networks = std::async(std::launch::async, [&] { return docker.list_networks(selector); });
  auto volumes = std::async(std::launch::async, [&] { return docker.list_volumes(selector); });
  std::map<std::string, SessionResources> by_id;
  // session_of skips containers without a session id, so the wider managed listing will do.
  for (const auto& c : managed ? *managed : docker.list_containers(selector)) {
    if (auto* s = session_of(by_id, c.labels)) s->containers.push_back(c.id);
  }
  for (const auto& n : networks.get()) {
    if (auto* s = session_of(by_id, n.labels)) s->networks.push_back(n.name);
  }
  for (const auto& v : volumes.get()) {
    if (auto* s = session_of(by_id, v.labels)) s->volumes.push_back(v.name);
  }
  std::vector<SessionResources> out;
  out.reserve(by_id.size());
  for (auto& [id, s] : by_id) out.push_back(std::move(s));
  return out;
}

// Detaches everything from `network` (shared sidecars, the anvil) and removes it.
void remove_session_network(Engine& docker, const std::string& network,
                            const std::string& anvil_name) {
  auto info = docker.inspect_network(network);
  if (!info) return;
  for (const auto& container : info->container_ids) docker.disconnect_network(network, container);
  // A stopped anvil (run without --rm) has no endpoint but still names the network.
  if (!anvil_name.empty()) docker.disconnect_network(network, anvil_name);
  docker.remove_network(network);
}

template <typename F>
void attempt(std::vector<std::string>& problems, const std::string& what, F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    problems.push_back("cannot remove " + what + ": " + e.what());
  }
}

}  // namespace

std::vector<SessionResources> list_sessions(EngineReader& docker,
                                            const std::vector<ContainerInfo>* managed) {
  return list_with(docker, {{kLabelManagedBy, kManagedByValue}, {kLabelSession, ""}}, managed);
}

Liveness liveness_on_this_host(const std::string& launcher_label) {
  static const LauncherIdentity self = this_launcher();
  auto who = LauncherIdentity::parse(launcher_label);
  return who ? launcher_liveness(*who, self) : Liveness::Unknown;
}

std::vector<SessionResources> find_stale_sessions(EngineReader& docker, const LivenessCheck& alive,
                                                  const std::vector<ContainerInfo>* managed) {
  std::vector<SessionResources> stale;
  for (auto& s : list_sessions(docker, managed)) {
    if (alive(s.launcher) != Liveness::Dead) continue;
    if (!s.anvil_name.empty()) {
      auto anvil = docker.inspect_container(s.anvil_name);
      if (anvil && anvil->running) continue;
    }
    stale.push_back(std::move(s));
  }
  return stale;
}

std::vector<std::string> remove_session(Engine& docker, const SessionResources& session) {
  std::vector<std::string> problems;
  for (const auto& id : session.containers) {
    attempt(problems, "container " + id.substr(0, 12), [&] { docker.remove_container(id); });
  }
  for (const auto& network : session.networks) {
    attempt(problems, "network " + network,
            [&] { remove_session_network(docker, network, session.anvil_name); });
  }
  for (const auto& volume : session.volumes) {
    attempt(problems, "volume " + volume, [&] { docker.remove_volume(volume); });
  }
  // A dead launcher's lock file goes with its session (a live one's is locked: kept).
  if (auto who = LauncherIdentity::parse(session.launcher); problems.empty() && who) {
    if (!who->lock.empty()) remove_dead_session_lock(who->lock);
  }
  return problems;
}

namespace {

void sweep(Engine& docker, Progress& progress, std::vector<ContainerInfo>* managed,
           const LivenessCheck& alive) {
  try {
    for (const auto& s : find_stale_sessions(docker, alive, managed)) {
      progress.sidecar("session " + s.anvil_name, "removing what a killed launcher left behind",
                       false);
      for (const auto& problem : remove_session(docker, s)) {
        progress.warn("leftover session " + s.anvil_name + ": " + problem);
      }
      if (!managed) continue;
      std::erase_if(*managed, [&](const ContainerInfo& c) {
        return std::find(s.containers.begin(), s.containers.end(), c.id) != s.containers.end();
      });
    }
  } catch (const DockerError& e) {
    // The daemon answered, but not as hoped: the launch itself may still work. An unreachable
    // daemon or an interruption propagates: the launch could not go on anyway.
    progress.warn(std::string("could not look for leftover sessions: ") + e.what());
  }
}

}  // namespace

void sweep_stale_sessions(Engine& docker, Progress& progress, const LivenessCheck& alive) {
  sweep(docker, progress, nullptr, alive);
}

void sweep_stale_sessions(Engine& docker, Progress& progress, std::vector<ContainerInfo>& managed,
                          const LivenessCheck& alive) {
  sweep(docker, progress, &managed, alive);
}

std::unique_ptr<Engine> connect_docker_for_teardown() {
  return make_engine_api(make_environment_transport());
}

SessionGuard::SessionGuard(Engine& docker, const sidecars::Plan& plan, Progress& progress)
    : docker_(docker), plan_(plan), progress_(progress) {}

SessionGuard::~SessionGuard() { close(); }

void SessionGuard::open() {
  if (!plan_.session) return;
  const sidecars::SessionPlan& s = *plan_.session;
  if (!s.network.empty()) {
    const std::string in_use = "the session network " + s.network +
                               " already exists: another run of the anvil \"" + s.anvil_name +
                               "\" is active (or its anvil still runs after its launcher was " +
                               "killed); give this anvil another --name";
    if (docker_.inspect_network(s.network)) throw Error(in_use);
    NetworkInfo network = docker_.ensure_network(s.network, s.labels, s.internal);
    // A concurrent run of the same anvil name may have created it a moment before us.
    if (sidecars::label_of(network.labels, kLabelSessionId) !=
        sidecars::label_of(s.labels, kLabelSessionId)) {
      throw Error(in_use);
    }
  }
  for (const auto& volume : s.volumes) docker_.create_volume(volume, s.labels);
}

void SessionGuard::close() noexcept {
  if (closed_ || !plan_.session) return;
  closed_ = true;
  const sidecars::SessionPlan& s = *plan_.session;
  try {
    // Found by this session's id: never another run's resources, even of the same anvil name.
    auto mine = list_with(
        docker_, {{kLabelSessionId, sidecars::label_of(s.labels, kLabelSessionId)}}, nullptr);
    for (const auto& session : mine) {
      for (const auto& problem : remove_session(docker_, session)) {
        progress_.warn("session " + s.anvil_name + ": " + problem +
                       " (`run-anvil doctor --fix` removes such leftovers)");
      }
    }
    progress_.sidecar("session " + s.anvil_name, "torn down", false);
  } catch (const std::exception& e) {
    try {
      progress_.warn("session " + s.anvil_name + ": teardown failed: " + e.what() +
                     " (`run-anvil doctor --fix` removes such leftovers)");
    } catch (...) {
    }
  }
}

}  // namespace run_anvil::launcher
