#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "run_anvil/launcher/os/launcher_identity.h"

// Liveness of a session's launcher that holds across PID namespaces (SPEC §14). A PID means
// nothing outside its namespace: two launchers on one host (same host name and boot id), one
// under `unshare -p`, each saw the other's PID as dead and swept a live session. Instead every
// launching run holds an exclusive flock on its own lock file in a directory all launchers of
// the host share (/run/run-anvil, else /tmp/run-anvil-sessions). The kernel drops the lock when
// the process dies however it dies (SIGKILL included); a lock file that exists and is not locked
// is a dead launcher's. A file that is not there (another mount namespace, cleaned up) proves
// nothing.
namespace run_anvil::launcher {

class SessionLock {
 public:
  // Creates the lock file for `session_id` ([0-9a-f]+) and holds its lock; nullopt when no
  // shared directory is writable (the session then falls back to PID liveness).
  static std::optional<SessionLock> hold(const std::string& session_id);
  SessionLock(SessionLock&& other) noexcept;
  SessionLock& operator=(SessionLock&&) = delete;
  SessionLock(const SessionLock&) = delete;
  ~SessionLock();  // removes the file, then drops the lock

  // What the launcher label carries (LauncherIdentity::lock): "run:<id>" or "tmp:<id>".
  const std::string& token() const { return token_; }

 private:
  SessionLock(int fd, std::string path, std::string token)
      : fd_(fd), path_(std::move(path)), token_(std::move(token)) {}
  int fd_ = -1;
  std::string path_;
  std::string token_;
};

// The lock file a token names; nullopt for anything that is not a token of ours (a label is
// daemon data: it must not steer us to an arbitrary path).
std::optional<std::string> session_lock_path(std::string_view token);

// Alive while some process holds the lock; Dead when the file exists and nobody does; Unknown
// when it does not exist or cannot be opened.
Liveness session_lock_liveness(std::string_view token);

// Removes a dead launcher's lock file once its session is gone (only when not locked).
void remove_dead_session_lock(std::string_view token);

}  // namespace run_anvil::launcher
