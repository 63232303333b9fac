#pragma once

#include <optional>
#include <string>
#include <string_view>

// Which launcher process owns a session, written into the `swarmforge.session.launcher` label so
// a later launcher (or `doctor --fix`) can tell the leftovers of a launcher killed with SIGKILL
// from a session that is still running.
namespace run_anvil::launcher {

struct LauncherIdentity {
  std::string host;     // hostname
  std::string boot_id;  // /proc/sys/kernel/random/boot_id: changes on every boot
  long pid = 0;
  // /proc/<pid>/stat field 22 (clock ticks after boot): tells a reused PID from the original.
  unsigned long long start_time = 0;
  // The session lock token (session_lock.h) this launcher holds, "" when none: when set, it
  // alone decides liveness on this host, because a PID means nothing in another PID namespace.
  std::string lock{};

  // "<host>/<boot id>/<pid>/<start time>", then "/<lock>" when there is a lock
  std::string label() const;
  // nullopt for anything that is not a label() value.
  static std::optional<LauncherIdentity> parse(std::string_view label);
  bool operator==(const LauncherIdentity&) const = default;
};

// This process.
LauncherIdentity this_launcher();

enum class Liveness { Alive, Dead, Unknown };

// Judged from this host: a launcher of another boot of this host is Dead; one of another host is
// Unknown (its processes are not visible from here). On this host and boot, a launcher with a
// lock is judged by it (session_lock_liveness: held = Alive, free = Dead, absent = Unknown),
// whatever PID namespace either runs in; one without (an older launcher) is Dead when its PID is
// gone or now belongs to a younger process. `self` is this host's identity (this_launcher() in
// production).
Liveness launcher_liveness(const LauncherIdentity& who, const LauncherIdentity& self);

// The start time of a process of this host, nullopt when there is no such process.
std::optional<unsigned long long> process_start_time(long pid);

}  // namespace run_anvil::launcher
