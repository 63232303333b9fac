#pragma once

#include <chrono>
#include <memory>

// The time seam: readiness waits and timeouts read the clock and sleep only through this, so
// orchestration tests run instantly against a fake clock.
namespace run_anvil::launcher {

class Clock {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  // Monotonic now.
  virtual time_point now() = 0;
  // Blocks the calling thread for about `d` (a fake advances its time instead).
  virtual void sleep_for(std::chrono::milliseconds d) = 0;
};

std::unique_ptr<Clock> make_system_clock();

}  // namespace run_anvil::launcher
