#include "run_anvil/launcher/os/clock.h"

#include <thread>

namespace run_anvil::launcher {
namespace {

class SystemClock : public Clock {
 public:
  time_point now() override { return std::chrono::steady_clock::now(); }
  void sleep_for(std::chrono::milliseconds d) override { std::this_thread::sleep_for(d); }
};

}  // namespace

std::unique_ptr<Clock> make_system_clock() { return std::make_unique<SystemClock>(); }

}  // namespace run_anvil::launcher
