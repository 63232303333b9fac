#include "run_anvil/launcher/os/session_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace run_anvil::launcher {
namespace {

struct LockDir {
  const char* prefix;  // in the token
  const char* path;
};
// /run is per boot and shared by every mount namespace that did not remount it; /tmp is the
// fallback for launchers that cannot create a directory in /run (not root).
constexpr LockDir kDirs[] = {{"run", "/run/run-anvil"}, {"tmp", "/tmp/run-anvil-sessions"}};

bool valid_id(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

// A sticky, world-writable directory (like /tmp), so every user's launcher can add its lock and
// none can remove another's. A directory we did not make must be root's or ours to be trusted.
bool usable_dir(const char* path) {
  if (mkdir(path, 01777) == 0) {
    chmod(path, 01777);  // the umask trimmed it
    return true;
  }
  struct stat st {};
  if (errno != EEXIST || lstat(path, &st) != 0 || !S_ISDIR(st.st_mode)) return false;
  return st.st_uid == 0 || st.st_uid == geteuid();
}

int open_existing(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return -1;
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

std::optional<SessionLock> SessionLock::hold(const std::string& session_id) {
  if (!valid_id(session_id)) return std::nullopt;
  for (const auto& dir : kDirs) {
    if (!usable_dir(dir.path)) continue;
    std::string path = std::string(dir.path) + "/" + session_id + ".lock";
    // O_EXCL: the id is random; an existing file is someone else's (or a planted one).
    int fd = open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) continue;
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      close(fd);
      unlink(path.c_str());
      continue;
    }
    return SessionLock(fd, path, std::string(dir.prefix) + ":" + session_id);
  }
  return std::nullopt;
}

SessionLock::SessionLock(SessionLock&& other) noexcept
    : fd_(other.fd_), path_(std::move(other.path_)), token_(std::move(other.token_)) {
  other.fd_ = -1;
}

SessionLock::~SessionLock() {
  if (fd_ < 0) return;
  // Unlink while still holding the lock: a sweeper never sees it unlocked while we live.
  unlink(path_.c_str());
  close(fd_);
}

std::optional<std::string> session_lock_path(std::string_view token) {
  auto colon = token.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto prefix = token.substr(0, colon);
  auto id = token.substr(colon + 1);
  if (!valid_id(id)) return std::nullopt;
  for (const auto& dir : kDirs) {
    if (prefix == dir.prefix) return std::string(dir.path) + "/" + std::string(id) + ".lock";
  }
  return std::nullopt;
}

Liveness session_lock_liveness(std::string_view token) {
  auto path = session_lock_path(token);
  if (!path) return Liveness::Unknown;
  int fd = open_existing(*path);
  if (fd < 0) return Liveness::Unknown;
  // A shared lock is granted only when nobody holds the launcher's exclusive one.
  bool free = flock(fd, LOCK_SH | LOCK_NB) == 0;
  close(fd);
  return free ? Liveness::Dead : Liveness::Alive;
}

void remove_dead_session_lock(std::string_view token) {
  auto path = session_lock_path(token);
  if (!path) return;
  int fd = open_existing(*path);
  if (fd < 0) return;
  // Exclusive: nobody may be holding it as we unlink (a live launcher never is: it unlinks its
  // own file before letting go).
  if (flock(fd, LOCK_EX | LOCK_NB) == 0) unlink(path->c_str());
  close(fd);
}

}  // namespace run_anvil::launcher
