#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "run_anvil/launcher/docker/engine.h"
#include "run_anvil/launcher/os/clock.h"
#include "run_anvil/launcher/os/progress.h"
#include "run_anvil/sidecars/plan/plan.h"

// Joining the anvil to its own --network when session sidecars took its create-time network.
//
// Docker's API before 1.44 (Debian 12's daemon speaks 1.41) attaches a container to ONE network
// at create time. With session sidecars the anvil is created on the session network, so every
// sidecar (session and shared) is reachable from its first instruction. The network the user
// chose is connected right after the container appears: this thread polls for it by name while
// the anvil runs. The other way round, sidecars could be unreachable when the harness starts,
// which is exactly what run-anvil promises not to happen; the user's own network arriving a few
// milliseconds late is the lesser evil.
namespace run_anvil::launcher {

class AnvilNetworkJoin {
 public:
  // Starts polling when plan.session has an anvil_network; otherwise does nothing.
  AnvilNetworkJoin(Engine& docker, Clock& clock, Progress& progress, const sidecars::Plan& plan,
                   std::chrono::milliseconds give_up = std::chrono::minutes(10));
  ~AnvilNetworkJoin();  // stop()
  AnvilNetworkJoin(const AnvilNetworkJoin&) = delete;
  AnvilNetworkJoin& operator=(const AnvilNetworkJoin&) = delete;

  // Stops polling and waits for the thread.
  void stop();
  // True once the anvil was connected (for tests).
  bool joined() const { return joined_.load(); }

 private:
  void run();
  bool try_join();
  // Waits about `d` (real time: stop() must wake it at once); false when stopped. The clock
  // only measures how long the anvil has been awaited.
  bool pause(std::chrono::milliseconds d);

  Engine& docker_;
  Clock& clock_;
  Progress& progress_;
  std::string anvil_name_;
  std::string session_network_;
  std::string network_;
  std::vector<std::string> aliases_;
  std::chrono::milliseconds give_up_;
  std::atomic<bool> joined_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace run_anvil::launcher
