#pragma once

#include <chrono>
#include <string>

// An advisory lock shared by every run-anvil process on this host (flock on
// /tmp/run-anvil-<name>.lock), for the few daemon operations that have no atomic form (network
// creation: the daemon's CheckDuplicate is racy). Best effort by design: when the file cannot be
// opened (read-only /tmp, another user's file under fs.protected_regular) or the lock is not
// granted within `wait`, the holder proceeds unlocked, so callers must stay correct without it.
namespace run_anvil::launcher {

class HostLock {
 public:
  explicit HostLock(const std::string& name,
                    std::chrono::milliseconds wait = std::chrono::milliseconds(60000));
  ~HostLock();
  HostLock(const HostLock&) = delete;
  HostLock& operator=(const HostLock&) = delete;

  bool held() const { return held_; }

 private:
  int fd_ = -1;
  bool held_ = false;
};

}  // namespace run_anvil::launcher
