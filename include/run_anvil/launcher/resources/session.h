#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "run_anvil/launcher/docker/engine.h"
#include "run_anvil/launcher/os/launcher_identity.h"
#include "run_anvil/launcher/os/progress.h"
#include "run_anvil/sidecars/operate/inventory.h"
#include "run_anvil/sidecars/plan/plan.h"

// Session resources (SPEC §10): the session sidecars' containers, the session network and
// session volumes of one anvil run. They carry the labels swarmforge.session=<anvil name>,
// swarmforge.session.id=<random id> and swarmforge.session.launcher=<owner>, so teardown removes
// exactly one run's resources, and leftovers of a launcher killed with SIGKILL are found by the
// next launch (sweep_stale_sessions) or by `doctor --fix` (find_stale_sessions + remove_session).
namespace run_anvil::launcher {

// Every session's resources, grouped by session id, sorted by id. Three daemon calls (one list
// each of containers, networks, volumes with the session label); two when `managed` (every
// managed container, already listed by the caller) supplies the containers.
std::vector<SessionResources> list_sessions(EngineReader& docker,
                                            const std::vector<ContainerInfo>* managed = nullptr);

// Decides whether a session's owner is alive, from its launcher label.
using LivenessCheck = std::function<Liveness(const std::string& launcher_label)>;
// Judges labels from this host against this process (launcher_liveness).
Liveness liveness_on_this_host(const std::string& launcher_label);

// Sessions nobody will tear down: the launcher is known to be dead (Unknown never counts, so a
// session of another host is left alone) and the anvil container (named after the session) is
// not running. A dead launcher's anvil that still runs keeps its sidecars.
std::vector<SessionResources> find_stale_sessions(
    EngineReader& docker, const LivenessCheck& alive = liveness_on_this_host,
    const std::vector<ContainerInfo>* managed = nullptr);

// Removes a session's resources: its containers; everything attached to its networks is
// detached (shared sidecars, the anvil) and the networks removed; its volumes. Best effort:
// every step is tried, and the problems are returned (empty when all went).
std::vector<std::string> remove_session(Engine& docker, const SessionResources& session);

// What the next launch does first: removes every stale session, reporting each on `progress`
// (verbose) and any problem as a warning. A daemon error answer is a warning too; an unreachable
// daemon (DaemonUnavailable) or an interruption propagates, since the launch cannot go on.
void sweep_stale_sessions(Engine& docker, Progress& progress,
                          const LivenessCheck& alive = liveness_on_this_host);
// The same, reusing a run's one listing of managed containers (observe needs it too); the
// containers it removes are erased from `managed`, so the listing stays true for the plan.
void sweep_stale_sessions(Engine& docker, Progress& progress, std::vector<ContainerInfo>& managed,
                          const LivenessCheck& alive = liveness_on_this_host);

// A client for teardown: unlike connect_docker()'s, its calls are not abandoned when a signal
// arrives, because teardown runs precisely after Ctrl-C, SIGTERM or SIGHUP.
std::unique_ptr<Engine> connect_docker_for_teardown();

// This run's session, torn down on every exit path: the destructor runs after a normal exit, a
// non-zero exit, a signal, a readiness failure or any error after open(), and removes the
// session's containers, network and volumes (found by this session's id) and detaches the
// shared sidecars. Does nothing for a plan without a session.
class SessionGuard {
 public:
  // `docker` must stay usable after signals (connect_docker_for_teardown()).
  SessionGuard(Engine& docker, const sidecars::Plan& plan, Progress& progress);
  ~SessionGuard();
  SessionGuard(const SessionGuard&) = delete;
  SessionGuard& operator=(const SessionGuard&) = delete;

  // Creates the session network and volumes with the session's labels. Throws Error when the
  // session network exists already for another session (the same anvil name is in use).
  void open();
  // Tears down now (idempotent; the destructor calls it). Never throws.
  void close() noexcept;

 private:
  Engine& docker_;
  const sidecars::Plan& plan_;
  Progress& progress_;
  bool closed_ = false;
};

}  // namespace run_anvil::launcher
