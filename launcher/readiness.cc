#include "run_anvil/launcher/readiness.h"

#include <algorithm>
#include <cstdlib>
#include <memory>

#include "run_anvil/launcher/probe_container.h"
#include <sstream>

namespace run_anvil::launcher {
namespace {

using std::chrono::milliseconds;
using sidecars::ReadinessMode;

std::string seconds_text(milliseconds d) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(d.count() < 10000 ? 1 : 0);
  out << static_cast<double>(d.count()) / 1000.0 << "s";
  return out.str();
}

// One probe attempt's outcome.
enum class Check { Ready, NotYet, Stopped, Degraded };

class Waiter {
 public:
  Waiter(ReadinessDeps& deps, const sidecars::SidecarStep& step, std::string id, std::string ip)
      : deps_(deps), step_(step), id_(std::move(id)), ip_(std::move(ip)) {}

  void run() {
    auto start = deps_.clock.now();
    auto deadline = start + step_.probe.timeout;
    bool announced = false;
    for (int n = 0;; ++n) {
      deps_.check_cancelled();
      Check c = check_once();
      if (c == Check::Ready) return;
      if (c == Check::Stopped) fail_stopped();
      if (!announced) {
        // Only a wait that did not succeed at once is worth showing.
        deps_.progress.waiting(step_.name, what());
        announced = true;
      }
      auto now = deps_.clock.now();
      if (now >= deadline) fail_timeout(now - start);
      auto left = std::chrono::duration_cast<milliseconds>(deadline - now);
      pause(std::max(milliseconds(1), std::min(poll_interval(step_.probe, n), left)));
    }
  }

 private:
  // Sleeps in short slices so a signal or a peer's failure ends the wait promptly even with a
  // long readiness.interval.
  void pause(milliseconds d) {
    constexpr milliseconds kSlice{100};
    while (d > milliseconds(0)) {
      const milliseconds step = std::min(d, kSlice);
      deps_.clock.sleep_for(step);
      d -= step;
      if (d > milliseconds(0)) deps_.check_cancelled();
    }
  }

  std::string what() const {
    return degraded_ ? "running " + step_.container : step_.probe.describe();
  }

  Check check_once() {
    switch (step_.probe.mode) {
      case ReadinessMode::Tcp: return check_tcp();
      case ReadinessMode::Healthcheck: return check_health();
      case ReadinessMode::Exec: return check_exec();
      case ReadinessMode::None: return check_running();
    }
    return Check::NotYet;
  }

  // True when the container is gone, exited, or crash-looping under its restart policy (a
  // restart during our wait means the process exited: waiting for the timeout would only hide
  // that).
  bool stopped(const std::optional<ContainerInfo>& info) {
    if (!info) {
      last_state_ = "removed";
      return true;
    }
    if (first_restart_count_ < 0) first_restart_count_ = info->restart_count;
    bool restarted = info->restart_count > first_restart_count_ || info->state == "restarting";
    if (restarted || (!info->running && info->state != "created")) {
      last_state_ = (restarted ? "restarting after it exited" : info->state) +
                    std::string(" with code ") + std::to_string(info->exit_code);
      return true;
    }
    return false;
  }

  Check check_running() {
    auto info = deps_.docker.inspect_container(id_);
    if (stopped(info)) return Check::Stopped;
    return info->running ? Check::Ready : Check::NotYet;
  }

  Check check_tcp() {
    if (probe_) return check_probe_container();
    if (degraded_) return check_running();
    if (!deps_.docker.daemon_is_local() || force_container_probe()) return probe_from_network();
    if (ip_.empty()) {
      auto info = deps_.docker.inspect_container(id_);
      if (stopped(info)) return Check::Stopped;
      auto net = info->networks.find(step_.network);
      if (net == info->networks.end() || net->second.ip.empty()) return Check::NotYet;
      ip_ = net->second.ip;
    }
    ++attempts_;
    switch (deps_.dialer.dial(ip_, step_.probe.port, milliseconds(500))) {
      case DialResult::Connected: return Check::Ready;
      case DialResult::Unreachable: return probe_from_network();
      case DialResult::Refused:
      case DialResult::TimedOut: break;
    }
    // A refused port may mean the process died: look every few attempts, not every time.
    if (attempts_ % 8 == 0) {
      Check r = check_running();
      if (r == Check::Stopped) return r;
    }
    return Check::NotYet;
  }

  // RUN_ANVIL_PROBE=container takes the in-network path even for a local daemon, to check that
  // an --anvil-image can probe before relying on it against a remote daemon.
  static bool force_container_probe() {
    const char* mode = std::getenv("RUN_ANVIL_PROBE");
    return mode != nullptr && std::string(mode) == "container";
  }

  Check probe_from_network() {
    if (deps_.probe_image.empty()) {
      return degrade("cannot dial sidecar ports from here (daemon at " + deps_.docker.endpoint() +
                     " is not local or its networks are not routable); pass --anvil-image IMAGE "
                     "(an image with sh and nc) to probe from inside the network");
    }
    Check c = check_running();
    if (c != Check::Ready) return c;
    try {
      probe_ = std::make_unique<ProbeContainer>(deps_.docker, deps_.probe_image, step_.network,
                                                step_.probe.host, step_.probe.port,
                                                step_.probe.timeout);
    } catch (const Error& e) {
      return degrade("cannot start a probe container from " + deps_.probe_image + ": " +
                     e.what());
    }
    return check_probe_container();
  }

  Check check_probe_container() {
    Check c = check_running();
    if (c != Check::Ready) return c;
    switch (probe_->poll()) {
      case ProbeContainer::State::Succeeded: probe_.reset(); return Check::Ready;
      case ProbeContainer::State::Waiting: return Check::NotYet;
      case ProbeContainer::State::Unusable: break;
    }
    probe_.reset();
    return degrade("the probe container from " + deps_.probe_image +
                   " could not dial (does the image have sh and nc?)");
  }

  Check degrade(const std::string& why) {
    if (!degraded_) {
      degraded_ = true;
      std::call_once(*deps_.degrade_warning, [&] {
        deps_.progress.warn(why + "; tcp readiness degrades to checking that the container is "
                                  "running");
      });
    }
    return check_running();
  }

  Check check_health() {
    auto info = deps_.docker.inspect_container(id_);
    if (stopped(info)) return Check::Stopped;
    if (!info->has_healthcheck) {
      throw Error("sidecar \"" + step_.name + "\" uses readiness mode \"healthcheck\" but its "
                  "image " + info->image + " defines no HEALTHCHECK; use mode \"tcp\" or "
                  "\"exec\", or add a HEALTHCHECK to the image");
    }
    last_health_ = info->health;
    return info->health == "healthy" ? Check::Ready : Check::NotYet;
  }

  Check check_exec() {
    auto info = deps_.docker.inspect_container(id_);
    if (stopped(info)) return Check::Stopped;
    if (!info->running) return Check::NotYet;
    auto r = deps_.docker.exec(id_, step_.probe.command, std::min(step_.probe.timeout,
                                                                  milliseconds(10000)));
    last_exec_code_ = r.exit_code;
    return r.exit_code == 0 ? Check::Ready : Check::NotYet;
  }

  std::string logs_section() {
    std::string tail;
    try {
      tail = deps_.docker.logs_tail(id_, 20);
    } catch (const Error&) {
      return "";
    }
    if (tail.empty()) return "\n(no output in its logs)";
    if (tail.back() == '\n') tail.pop_back();
    return "\n--- last lines of " + step_.container + " logs ---\n" + tail;
  }

  [[noreturn]] void fail_stopped() {
    throw Error("sidecar \"" + step_.name + "\" stopped before it was ready (container " +
                step_.container + " is " + last_state_ + ") while waiting for " + what() +
                logs_section());
  }

  [[noreturn]] void fail_timeout(std::chrono::steady_clock::duration waited) {
    std::string detail;
    if (step_.probe.mode == ReadinessMode::Healthcheck && !last_health_.empty()) {
      detail = " (last health status: " + last_health_ + ")";
    } else if (step_.probe.mode == ReadinessMode::Exec && last_exec_code_ >= 0) {
      detail = " (last exit code: " + std::to_string(last_exec_code_) + ")";
    }
    throw Error("sidecar \"" + step_.name + "\" was not ready after " +
                seconds_text(std::chrono::duration_cast<milliseconds>(waited)) + ": " + what() +
                " did not succeed" + detail + "; raise readiness.timeout in " +
                "its definition if it is just slow" + logs_section());
  }

  ReadinessDeps& deps_;
  const sidecars::SidecarStep& step_;
  std::string id_;
  std::string ip_;
  bool degraded_ = false;
  std::unique_ptr<ProbeContainer> probe_;
  int attempts_ = 0;
  int last_exec_code_ = -1;
  int first_restart_count_ = -1;
  std::string last_state_;
  std::string last_health_;
};

}  // namespace

std::chrono::milliseconds poll_interval(const sidecars::Probe& probe, int n) {
  if (probe.interval) return *probe.interval;
  // TCP dials are cheap local syscalls; daemon-backed checks cost a round trip each. The TCP
  // cap bounds how late an open port is noticed: 100 ms made the median detection latency
  // 64 ms (tests/bench), 25 ms makes it 18 ms, for a refused dial every 25 ms.
  milliseconds first = probe.mode == ReadinessMode::Tcp ? milliseconds(10) : milliseconds(50);
  milliseconds cap = probe.mode == ReadinessMode::Tcp ? milliseconds(25) : milliseconds(250);
  milliseconds d = first * (1 << std::min(n, 5));
  return std::min(d, cap);
}

void wait_ready(ReadinessDeps& deps, const sidecars::SidecarStep& step,
                const std::string& container_id, std::string ip) {
  Waiter(deps, step, container_id, std::move(ip)).run();
}

}  // namespace run_anvil::launcher
