#include "run_anvil/launcher/run/executor.h"

#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <semaphore>
#include <sstream>
#include <thread>

#include "run_anvil/launcher/os/process.h"
#include "run_anvil/launcher/probe/readiness.h"
#include "run_anvil/sidecars/define/labels.h"
#include "run_anvil/sidecars/define/naming.h"
#include "run_anvil/sidecars/plan/container_spec.h"
#include "run_anvil/sidecars/plan/warm_readiness.h"

namespace run_anvil::launcher {
namespace {

using sidecars::Action;
using sidecars::SidecarStep;

// Thrown into a worker's wait when the run was interrupted; never reported itself.
struct Cancelled {};

// How long a name may stay taken by a container the daemon does not show yet (a peer's create in
// flight) before that is reported as an error.
constexpr std::chrono::milliseconds kConflictPatience{10000};

std::string elapsed_text(Clock::time_point from, Clock::time_point to) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
  std::ostringstream out;
  if (ms < 1000) {
    out << ms << "ms";
  } else {
    out.setf(std::ios::fixed);
    out.precision(1);
    out << static_cast<double>(ms) / 1000.0 << "s";
  }
  return out.str();
}

bool is_managed_with_hash(const ContainerInfo& c, const std::string& hash) {
  return sidecars::is_managed(c) && sidecars::label_of(c, sidecars::kLabelHash) == hash;
}

class Run {
 public:
  Run(ExecutorDeps& deps, const sidecars::Plan& plan,
      const std::vector<sidecars::Definition>& definitions)
      : deps_(deps), plan_(plan), slots_(std::max(1, deps.max_parallel)) {
    for (const auto& d : definitions) definitions_[d.name] = &d;
    for (const auto& s : plan.steps) state_[s.name] = State::Pending;
  }

  void go() {
    std::vector<std::thread> workers;
    workers.reserve(plan_.steps.size());
    for (const auto& step : plan_.steps) workers.emplace_back([this, &step] { work(step); });
    for (auto& t : workers) t.join();
    if (interruption_) std::rethrow_exception(interruption_);
    if (!failures_.empty()) {
      std::string message;
      for (const auto& f : failures_) message += (message.empty() ? "" : "\n") + f;
      throw Error(message);
    }
  }

 private:
  enum class State { Pending, Ready, Failed };

  // Polled by running work. A failure elsewhere does not abandon it (the user gets every
  // failure, not just the first); only an interruption does.
  void check() {
    deps_.check_interrupted();
    std::lock_guard<std::mutex> lock(mutex_);
    if (interruption_) throw Cancelled{};
  }

  // Blocks until every dependency is ready; false when one failed or the run was cancelled.
  bool wait_for_dependencies(const SidecarStep& step) {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      if (cancelled_) return false;
      bool all_ready = true;
      for (const auto& dep : step.depends_on) {
        State s = state_.at(dep);
        if (s == State::Failed) return false;
        if (s != State::Ready) all_ready = false;
      }
      if (all_ready) return true;
      // Wake periodically so a pending signal is noticed even if nothing else changes.
      changed_.wait_for(lock, std::chrono::milliseconds(100));
      lock.unlock();
      try {
        deps_.check_interrupted();
      } catch (...) {
        lock.lock();
        record_interruption(std::current_exception());
        return false;
      }
      lock.lock();
    }
  }

  void work(const SidecarStep& step) {
    if (!wait_for_dependencies(step)) return finish(step, State::Failed);
    slots_.acquire();
    try {
      bring_up(step);
      slots_.release();
      finish(step, State::Ready);
    } catch (const Cancelled&) {
      slots_.release();
      finish(step, State::Failed);
    } catch (const Error& e) {
      slots_.release();
      fail(step, e, std::current_exception());
    } catch (const std::exception& e) {
      slots_.release();
      fail(step, Error(e.what()), nullptr);
    }
  }

  // `original` keeps the dynamic type (Interrupted) so it can be rethrown as is.
  void fail(const SidecarStep& step, const Error& e, std::exception_ptr original) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (e.exit_code() != exit_codes::kLauncherFailure && original) {
      record_interruption(original);
    } else {
      failures_.push_back(e.what());
      deps_.progress.sidecar(step.name, "failed", true);
    }
    cancelled_ = true;
    state_[step.name] = State::Failed;
    changed_.notify_all();
  }

  void record_interruption(std::exception_ptr e) {
    if (!interruption_) interruption_ = e;
    cancelled_ = true;
    changed_.notify_all();
  }

  void finish(const SidecarStep& step, State s) {
    std::lock_guard<std::mutex> lock(mutex_);
    state_[step.name] = s;
    changed_.notify_all();
  }

  void bring_up(const SidecarStep& step) {
    auto start = deps_.clock.now();
    std::string id = step.existing_id;
    std::string ip;
    if (step.action == Action::Reuse) {
      if (step.connect) {
        connect(step, id);
      } else {
        ip = step.observed_ip;
      }
      deps_.progress.sidecar(step.name, "reusing " + step.container, false);
      // A reused container may wait for its secrets again (restarted since they were given).
      if (deps_.after_start) deps_.after_start(step, id, /*created_here=*/false);
    }
    bool joined_session = false;  // created here with the session network in the create call
    if (step.action == Action::Start) {
      check();
      id = start_existing(step, joined_session);
    } else if (step.action != Action::Reuse) {
      check();
      id = create_and_start(step, joined_session);
    }
    if (!step.session_network.empty() && !joined_session) {
      connect(step.session_network, step.aliases, id);
    }
    if (step.action == Action::Reuse && proven_ready(step, id)) {
      deps_.progress.sidecar(step.name, "reused, ready (proven since its last start)", false);
      return;
    }
    // The proof is recorded for the start seen before the probe, and only if the container did
    // not restart while it was probed: a start that was never probed is never recorded.
    std::string start_before = records_proofs(step) ? current_start(id) : "";
    ReadinessDeps rdeps{deps_.docker,        deps_.clock,       deps_.dialer,     deps_.progress,
                        [this] { check(); }, &degrade_warning_, deps_.probe_image};
    wait_ready(rdeps, step, id, ip);
    if (step.action == Action::Start) restore_restart_policy(step, id);
    if (!start_before.empty() && current_start(id) == start_before) {
      deps_.ready_records->record(id, sidecars::proof_of(start_before, step.probe));
    }
    bool notable = step.action != Action::Reuse;
    deps_.progress.sidecar(step.name,
                           std::string(step.action == Action::Reuse ? "reused, " : "") +
                               "ready in " + elapsed_text(start, deps_.clock.now()),
                           notable);
  }

  // A warm launch's only check of a proven sidecar: one inspect (running, same start, health).
  bool proven_ready(const SidecarStep& step, const std::string& id) {
    if (!records_proofs(step)) return false;
    auto proven = deps_.ready_records->proof(id);
    if (proven.empty()) return false;
    auto info = deps_.docker.inspect_container(id);
    if (!info) return false;
    return sidecars::may_skip_probe(step.probe,
                                    {info->running, info->started_at, info->health, proven});
  }

  bool records_proofs(const SidecarStep& step) const {
    return deps_.ready_records && step.probe.mode != sidecars::ReadinessMode::Tcp &&
           step.probe.mode != sidecars::ReadinessMode::None;
  }

  // State.StartedAt of a running container, "" otherwise.
  std::string current_start(const std::string& id) {
    auto info = deps_.docker.inspect_container(id);
    return info && info->running ? info->started_at : "";
  }

  void connect(const SidecarStep& step, const std::string& id) {
    connect(step.network, step.aliases, id);
  }

  void connect(const std::string& network, const std::vector<std::string>& aliases,
               const std::string& id) {
    try {
      deps_.docker.connect_network(network, id, aliases);
    } catch (const DockerError& e) {
      // A concurrent launcher may have attached it a moment ago: fine if it is attached now.
      auto info = deps_.docker.inspect_container(id);
      if (!info || !info->networks.count(network)) throw;
    }
  }

  // Starts the stopped (or never started) container whose config matches (SPEC §11): its file
  // system and volumes are kept as they are. One that cannot start (e.g. left in `created` by a
  // daemon that died during `start`, or attached to a network that is gone) is replaced, its
  // volumes kept, as a recreate would.
  std::string start_existing(const SidecarStep& step, bool& joined_session) {
    deps_.progress.sidecar(step.name, "starting " + step.container + " (" + step.reason + ")",
                           true);
    bool started = false;
    try {
      deps_.docker.start_container(step.existing_id);
      started = true;
    } catch (const DockerError& e) {
      check();
      deps_.progress.sidecar(step.name,
                             "cannot start " + step.container + " (the Docker daemon said: " +
                                 e.what() + "); replacing it: " + step.data_note,
                             true);
    }
    if (started) {
      // A secret-bearing sidecar's wrapper now waits for its secrets (secret_delivery.h).
      if (deps_.after_start) deps_.after_start(step, step.existing_id, /*created_here=*/false);
      return step.existing_id;
    }
    replace_old(step);
    return create_new(step, joined_session);
  }

  // The sidecar's shared settings once it proved ready: a failed start left the restart policy
  // at "no" (readiness.cc) so it would not crash-loop; a ready one gets its own back. An engine
  // that cannot change a policy (podman 4.3) never changed it: it is still the one created.
  void restore_restart_policy(const SidecarStep& step, const std::string& id) {
    if (!deps_.docker.updates_restart_policy()) return;
    const auto& definition = *definitions_.at(step.name);
    try {
      deps_.docker.update_restart_policy(id, definition.restart);
    } catch (const DockerError& e) {
      throw daemon_error(step, "cannot restore the restart policy of " + step.container, e);
    }
  }

  // The old container goes: stopped gracefully first (its own stop signal and stop_timeout,
  // SPEC §11), then removed without its volumes, which the replacement mounts again.
  void replace_old(const SidecarStep& step) {
    try {
      deps_.docker.stop_container(step.existing_id, std::nullopt);
      deps_.docker.remove_container_keeping_volumes(step.existing_id);
    } catch (const DockerError& e) {
      // 409 "removal ... is already in progress": a peer launcher is replacing it too.
      if (e.status() != 409) {
        throw daemon_error(step, "cannot remove the old container " + step.container, e);
      }
    }
  }

  // Shared sidecars' managed volumes are created (labelled) before the container; a session's
  // are created with the session.
  void ensure_volumes(const SidecarStep& step) {
    if (step.session) return;
    for (const auto& v : step.volumes) {
      if (v.origin != sidecars::PlannedVolume::Origin::Managed) continue;
      try {
        deps_.docker.create_volume(v.source, step.volume_labels);
      } catch (const DockerError& e) {
        throw daemon_error(step, "cannot create the volume " + v.source, e);
      }
    }
  }

  // Creates and starts the container, tolerating concurrent launchers bringing up the same one:
  // a name conflict with a matching managed container means a peer got there first, and that
  // container is adopted. Removal is only ever by the ID observed before planning, so a peer's
  // fresh container (a different ID) is never removed.
  std::string create_and_start(const SidecarStep& step, bool& joined_session) {
    if (step.action == Action::Recreate) {
      std::string why = step.reason;
      if (!step.data_note.empty()) why += "; " + step.data_note;
      deps_.progress.sidecar(step.name, "recreating (" + why + ")", true);
      replace_old(step);
    } else if (!step.existing_id.empty()) {
      deps_.progress.sidecar(step.name, "starting " + step.container + " (" + step.reason + ")",
                             true);
    } else {
      deps_.progress.sidecar(step.name, "creating " + step.container, true);
    }
    return create_new(step, joined_session);
  }

  std::string create_new(const SidecarStep& step, bool& joined_session) {
    const auto& definition = *definitions_.at(step.name);
    ensure_volumes(step);
    ContainerSpec spec = make_container_spec(definition, step);
    // On the session network before it starts (one create call from API 1.44), so the sidecar
    // never runs without it; an adopted container (a peer made it) is connected afterwards.
    if (!step.session_network.empty() && step.session_network != spec.network) {
      spec.more_networks[step.session_network] = step.aliases;
    }
    if (deps_.adjust_spec) deps_.adjust_spec(step, spec);
    const auto deadline = deps_.clock.now() + kConflictPatience;
    for (int attempt = 0;; ++attempt) {
      check();
      std::string id;
      try {
        id = deps_.docker.create_container(spec);
      } catch (const DockerError& e) {
        if (e.status() != 409) throw create_error(step, e);
      }
      if (!id.empty()) {
        start_prepared(step, id, /*created_here=*/true);
        joined_session = spec.more_networks.count(step.session_network) > 0;
        return id;
      }
      if (auto adopted = adopt(step)) return *adopted;
      // The daemon reserves a name before the container can be inspected, so a conflict with
      // nothing to inspect is a peer's create still in flight (or a removal): look again soon.
      if (deps_.clock.now() >= deadline) {
        throw Error("sidecar \"" + step.name + "\": the name " + step.container +
                    " stayed taken by a container the daemon would not show for " +
                    elapsed_text({}, Clock::time_point{} + kConflictPatience) +
                    "; check `docker ps -a --filter name=" + step.container + "`");
      }
      deps_.clock.sleep_for(std::min(std::chrono::milliseconds(10) * (1 << std::min(attempt, 4)),
                                     std::chrono::milliseconds(100)));
    }
  }

  // Starts the container and runs the after_start hook (the secrets delivery). A container this
  // run created is not left behind half-made when either fails: a later run would adopt it as it
  // is (SPEC §15).
  void start_prepared(const SidecarStep& step, const std::string& id, bool created_here) {
    try {
      start(step, id, created_here);
      if (deps_.after_start) deps_.after_start(step, id, created_here);
    } catch (const Interrupted&) {
      throw;  // a signal: exit promptly; the next launch adopts what is left (SPEC §9)
    } catch (const Cancelled&) {
      throw;
    } catch (...) {
      if (created_here) {
        try {
          deps_.docker.remove_container(id);
        } catch (const Error&) {
          // The original failure is what the user needs to see.
        }
      }
      throw;
    }
  }

  void start(const SidecarStep& step, const std::string& id, bool created_here) {
    try {
      deps_.docker.start_container(id);
    } catch (const DockerError& e) {
      // podman 4.3 fails the start of a process that exits at once though it ran ("read
      // /proc/PID/cgroup: no such process"): a container made here that has a start time did
      // run, and readiness reports its exit with its logs.
      if (created_here && ran(id)) return;
      throw daemon_error(step, "cannot start " + step.container, e);
    }
  }

  bool ran(const std::string& id) {
    try {
      auto info = deps_.docker.inspect_container(id);
      return info && !info->started_at.empty();
    } catch (const Error&) {
      return false;
    }
  }

  // The container now holding the sidecar's name, when it is managed and has this definition:
  // started (a no-op when a peer already did) and attached to this run's network. nullopt when
  // the daemon shows no container of that name, or only the old one being replaced.
  std::optional<std::string> adopt(const SidecarStep& step) {
    auto existing = deps_.docker.inspect_container(step.container);
    // The old container still holding the name is being removed (by us or a peer): not yet.
    if (!existing || (!step.existing_id.empty() && existing->id == step.existing_id)) {
      return std::nullopt;
    }
    if (step.session) {
      // A session sidecar belongs to one run only: never share another run's container.
      throw Error("sidecar \"" + step.name + "\": a container named " + step.container +
                  " already exists (another run of the same anvil name?); not touching it. " +
                  "Give the anvil another --name, or inspect it with `docker inspect " +
                  step.container + "`");
    }
    if (!is_managed_with_hash(*existing, step.config_hash)) {
      throw Error("sidecar \"" + step.name + "\": a container named " + step.container +
                  " appeared while creating it, with a different definition (another launcher " +
                  "or project defines \"" + step.name + "\" differently); not touching it. " +
                  "Inspect it with `docker inspect " + step.container + "`");
    }
    start_prepared(step, existing->id, /*created_here=*/false);
    // A peer may have created it for another network than this run's.
    if (!step.network.empty() && !existing->networks.count(step.network)) {
      connect(step, existing->id);
    }
    return existing->id;
  }

  // A docker-socket mount binds the path the launcher reached the daemon by; a daemon in another
  // mount namespace (the launcher in a container, a private mount) has nothing there, and the
  // strict bind fails rather than creating a directory in its place: say so.
  static Error create_error(const SidecarStep& step, const DockerError& e) {
    const std::string what = e.what();
    if (step.docker_socket.empty() || what.find(step.docker_socket) == std::string::npos) {
      return daemon_error(step, "cannot create " + step.container, e);
    }
    return Error(
        "sidecar \"" + step.name + "\": cannot create " + step.container +
        ": its docker-socket mount binds " + step.docker_socket +
        ", the socket this launcher reaches the daemon by, but the daemon has no such "
        "path where it runs (the launcher is in another mount namespace or container?); "
        "nothing was created there. Run the launcher where the socket has the same path as "
        "for the daemon, or drop the mount. The Docker daemon said: " +
        what);
  }

  static Error daemon_error(const SidecarStep& step, const std::string& what,
                            const DockerError& e) {
    return Error("sidecar \"" + step.name + "\": " + what +
                 ": the Docker daemon said: " + e.what());
  }

  ExecutorDeps& deps_;
  const sidecars::Plan& plan_;
  std::map<std::string, const sidecars::Definition*> definitions_;
  std::counting_semaphore<64> slots_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, State> state_;
  bool cancelled_ = false;
  std::vector<std::string> failures_;
  std::exception_ptr interruption_;
  std::once_flag degrade_warning_;
};

}  // namespace

void execute_plan(ExecutorDeps& deps, const sidecars::Plan& plan,
                  const std::vector<sidecars::Definition>& definitions) {
  Run(deps, plan, definitions).go();
}

}  // namespace run_anvil::launcher
