#include "run_anvil/launcher/os/host_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <thread>

namespace run_anvil::launcher {

HostLock::HostLock(const std::string& name, std::chrono::milliseconds wait) {
  const std::string path = "/tmp/run-anvil-" + name + ".lock";
  // O_NOFOLLOW: /tmp is shared, a planted symlink must not redirect us.
  fd_ = open(path.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666);
  if (fd_ < 0) fd_ = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd_ < 0) return;
  // Other users' launchers share the daemon, so the file must stay openable for them (umask).
  struct stat st {};
  if (fstat(fd_, &st) == 0 && st.st_uid == geteuid()) fchmod(fd_, 0666);

  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (!(held_ = flock(fd_, LOCK_EX | LOCK_NB) == 0)) {
    if (std::chrono::steady_clock::now() >= deadline) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

HostLock::~HostLock() {
  // Closing the descriptor releases the flock.
  if (fd_ >= 0) close(fd_);
}

}  // namespace run_anvil::launcher
