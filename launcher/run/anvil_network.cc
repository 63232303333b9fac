#include "run_anvil/launcher/run/anvil_network.h"

#include "run_anvil/errors.h"

namespace run_anvil::launcher {
namespace {

// Fast at first (docker run creates the container within milliseconds when the image is
// local), slower later (an image being pulled).
std::chrono::milliseconds poll_interval(std::chrono::milliseconds waited) {
  using std::chrono::milliseconds;
  if (waited < milliseconds(2000)) return milliseconds(5);
  if (waited < milliseconds(30000)) return milliseconds(100);
  return milliseconds(500);
}

}  // namespace

AnvilNetworkJoin::AnvilNetworkJoin(Engine& docker, Clock& clock, Progress& progress,
                                   const sidecars::Plan& plan, std::chrono::milliseconds give_up)
    : docker_(docker), clock_(clock), progress_(progress), give_up_(give_up) {
  if (!plan.session || plan.session->anvil_network.empty()) return;
  anvil_name_ = plan.session->anvil_name;
  session_network_ = plan.session->network;
  network_ = plan.session->anvil_network;
  aliases_ = plan.session->anvil_network_aliases;
  thread_ = std::thread([this] { run(); });
}

AnvilNetworkJoin::~AnvilNetworkJoin() { stop(); }

void AnvilNetworkJoin::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool AnvilNetworkJoin::pause(std::chrono::milliseconds d) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_for(lock, d, [this] { return stopping_; });
}

// True when done (joined, or it is not our anvil and never will be).
bool AnvilNetworkJoin::try_join() {
  auto anvil = docker_.inspect_container(anvil_name_);
  // Not there yet, or a container of that name that is not this run's anvil (docker run will
  // fail on the name conflict and the anvil never appears).
  if (!anvil || !anvil->networks.count(session_network_)) return false;
  if (!anvil->networks.count(network_)) {
    try {
      docker_.connect_network(network_, anvil->id, aliases_);
    } catch (const DockerError&) {
      // Attached in between (its own restart policy?): fine if it is there now.
      auto again = docker_.inspect_container(anvil->id);
      if (!again || !again->networks.count(network_)) throw;
    }
  }
  joined_ = true;
  return true;
}

void AnvilNetworkJoin::run() {
  const auto start = clock_.now();
  try {
    for (;;) {
      if (try_join()) return;
      const auto waited =
          std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now() - start);
      if (waited >= give_up_) {
        progress_.warn("the anvil " + anvil_name_ + " did not appear within " +
                       std::to_string(give_up_.count() / 1000) + "s; it was not connected to " +
                       network_);
        return;
      }
      if (!pause(poll_interval(waited))) return;
    }
  } catch (const Error& e) {
    // A signal abandons the daemon call: the run is ending anyway.
    if (e.exit_code() != exit_codes::kLauncherFailure) return;
    progress_.warn("cannot connect the anvil " + anvil_name_ + " to its network " + network_ +
                   ": " + e.what());
  } catch (const std::exception& e) {
    progress_.warn("cannot connect the anvil " + anvil_name_ + " to its network " + network_ +
                   ": " + e.what());
  }
}

}  // namespace run_anvil::launcher
