#include "run_anvil/launcher/probe/readiness.h"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <set>
#include <sstream>

#include "run_anvil/launcher/os/env.h"
#include "run_anvil/launcher/probe/probe_container.h"
#include "run_anvil/launcher/probe/probe_image.h"
#include "run_anvil/sidecars/plan/log_matcher.h"
#include "run_anvil/sidecars/text/durations.h"

namespace run_anvil::launcher {
namespace {

using sidecars::ReadinessMode;
using std::chrono::milliseconds;

using sidecars::seconds_text;

// One probe attempt's outcome.
enum class Check { Ready, NotYet, Stopped, Degraded };

class Waiter {
 public:
  Waiter(ReadinessDeps& deps, const sidecars::SidecarStep& step, std::string id, std::string ip)
      : deps_(deps), step_(step), id_(std::move(id)), ip_(std::move(ip)) {}

  void run() {
    auto start = deps_.clock.now();
    auto deadline = start + step_.probe.timeout;
    deadline_ = deadline;
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
      case ReadinessMode::Tcp:
        return check_tcp();
      case ReadinessMode::Healthcheck:
        return check_health();
      case ReadinessMode::Exec:
        return check_exec();
      case ReadinessMode::None:
        return check_running();
      case ReadinessMode::Http:
        return check_http();
      case ReadinessMode::Log:
        return check_log();
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
      // podman shows a container its policy is about to start again as "stopped" or "exited",
      // never "restarting" (measured on 4.3.1: "stopped", RestartCount 0, 3, 6 ... two polls
      // apart): whatever restarts it is a crash loop too.
      crash_looping_ = restarted || restarts_on_exit(*info);
      if (!info->running) exit_code_seen_ = info->exit_code;  // its own, before any stop of ours
      last_state_ = (restarted ? "restarting after it exited" : info->state) +
                    std::string(" with code ") + std::to_string(info->exit_code);
      return true;
    }
    return false;
  }

  static bool restarts_on_exit(const ContainerInfo& info) {
    const std::string& policy = info.restart_policy;
    if (policy == "always" || policy == "unless-stopped") return true;
    return policy.starts_with("on-failure") && info.exit_code != 0;
  }

  // A sidecar that exits under a restart policy would go on restarting after we give up, and a
  // restarted process reads exit code 0, hiding the real one. So the policy is turned off, the
  // attempt under way may end, and its own exit code is reported. The container stays (its
  // volumes and file system hold data): the next launch starts it again, config matching, and
  // restores the policy once it is ready (executor.cc). An engine that cannot change the policy
  // (podman 4.3) gets a stop instead: podman restarts no container stopped by a user.
  void settle_crash_loop() {
    constexpr int kPolls = 50;
    constexpr milliseconds kPoll{100};
    try {
      if (!deps_.docker.updates_restart_policy()) {
        stop_without_policy_update(kPolls, kPoll);
        return;
      }
      // The daemon refuses to update a container while it waits to restart it ("Cannot update
      // container"): try again once it runs again, a moment later.
      bool updated = false;
      for (int i = 0; i < kPolls && !updated; ++i) {
        try {
          deps_.docker.update_restart_policy(id_, "no");
          updated = true;
        } catch (const DockerError&) {
          deps_.clock.sleep_for(kPoll);
        }
      }
      if (!updated) deps_.docker.stop_container(id_, std::nullopt);
      for (int i = 0; i < kPolls; ++i) {
        auto info = deps_.docker.inspect_container(id_);
        if (!info) return;
        if (!info->running && info->state != "restarting") {
          last_state_ = "exited with code " + std::to_string(info->exit_code) + " (restarted " +
                        std::to_string(info->restart_count) +
                        " times; its restart policy is now \"no\", so it stays stopped until the "
                        "next launch starts it again)";
          return;
        }
        deps_.clock.sleep_for(kPoll);
      }
      // Up again and staying up: no longer a fast crash loop; stop it like `docker stop`.
      deps_.docker.stop_container(id_, std::nullopt);
      last_state_ += " (restarting over and over; now stopped, restart policy \"no\")";
    } catch (const Error&) {
      // The report below still says what was seen; the daemon's own error would only confuse it.
    }
  }

  // podman: `stop` ends the attempt under way and keeps the policy from starting it again (it
  // still starts it at the next boot, as podman-restart.service starts every "always" one). podman
  // takes a stop only while the process runs: one that lands between two restarts is "already
  // stopped" (304) and the loop goes on, so it is stopped again until no restart follows for a
  // few polls (measured on 4.3.1: a crash loop restarts every ~130 ms).
  void stop_without_policy_update(int polls, milliseconds poll) {
    constexpr int kQuietPolls = 4;
    for (int attempt = 0; attempt < polls; ++attempt) {
      deps_.docker.stop_container(id_, std::nullopt);
      auto before = deps_.docker.inspect_container(id_);
      if (!before) return;
      bool quiet = !before->running;
      for (int i = 0; quiet && i < kQuietPolls; ++i) {
        deps_.clock.sleep_for(poll);
        auto info = deps_.docker.inspect_container(id_);
        if (!info) return;
        quiet = !info->running && info->restart_count == before->restart_count;
      }
      if (quiet) {
        const int code = exit_code_seen_ >= 0 ? exit_code_seen_ : before->exit_code;
        last_state_ = "exited with code " + std::to_string(code) + " (restarted " +
                      std::to_string(before->restart_count) +
                      " times; now stopped, so it stays stopped until the next launch starts "
                      "it again; podman cannot change its restart policy, so a reboot starts "
                      "it too)";
        return;
      }
    }
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
    Check pending = Check::NotYet;
    if (!resolve_ip(pending)) return pending;
    ++attempts_;
    last_dial_ = deps_.dialer.dial(ip_, step_.probe.port, milliseconds(500));
    dialled_ = true;
    switch (last_dial_) {
      case DialResult::Connected:
        return Check::Ready;
      case DialResult::Unreachable:
        return probe_from_network();
      case DialResult::Refused:
      case DialResult::TimedOut:
        break;
    }
    // A refused port may mean the process died: look every few attempts, not every time.
    if (attempts_ % 8 == 0) {
      Check r = check_running();
      if (r == Check::Stopped) return r;
    }
    return Check::NotYet;
  }

  // The container's address on the step's network; false (with `out` set) until it has one.
  bool resolve_ip(Check& out) {
    if (!ip_.empty()) return true;
    auto info = deps_.docker.inspect_container(id_);
    if (stopped(info)) {
      out = Check::Stopped;
      return false;
    }
    auto net = info->networks.find(step_.network);
    if (net == info->networks.end() || net->second.ip.empty()) {
      out = Check::NotYet;
      return false;
    }
    ip_ = net->second.ip;
    return true;
  }

  // readiness.status as the probe binary takes it: "200,204"; "" for any 2xx or 3xx.
  std::string statuses() const {
    std::string out;
    for (int code : step_.probe.http_status) out += (out.empty() ? "" : ",") + std::to_string(code);
    return out;
  }

  bool status_accepted(int code) const {
    const auto& wanted = step_.probe.http_status;
    if (wanted.empty()) return code >= 200 && code < 400;
    return std::find(wanted.begin(), wanted.end(), code) != wanted.end();
  }

  // HTTP is dialled from wherever TCP is (SPEC §13): from the host for a local daemon, else from
  // inside the network by run-anvil's probe image, which asks for the path too (an --anvil-image
  // probe checks only the port: it has nothing but sh and nc to ask with).
  Check check_http() {
    if (probe_ || degraded_ || !deps_.docker.daemon_is_local() || force_container_probe()) {
      return check_tcp();
    }
    Check pending = Check::NotYet;
    if (!resolve_ip(pending)) return pending;
    ++attempts_;
    last_http_ = deps_.dialer.http_get(ip_, step_.probe.port, step_.probe.host,
                                       step_.probe.http_path, milliseconds(2000));
    last_dial_ = last_http_.dial;
    dialled_ = true;
    if (last_http_.dial == DialResult::Unreachable) return probe_from_network();
    if (last_http_.dial == DialResult::Connected && status_accepted(last_http_.status)) {
      return Check::Ready;
    }
    if (attempts_ % 8 == 0) {
      Check r = check_running();
      if (r == Check::Stopped) return r;
    }
    return Check::NotYet;
  }

  // Counts matching lines from the container's current start; a restart starts over.
  Check check_log() {
    auto info = deps_.docker.inspect_container(id_);
    if (stopped(info)) return Check::Stopped;
    if (!info->running) return Check::NotYet;
    if (!log_ || info->started_at != log_started_) {
      auto from = current_run_begins(*info);
      if (!from) return Check::NotYet;
      log_ = std::make_unique<sidecars::LogMatcher>(step_.probe.pattern, *from);
      log_started_ = info->started_at;
    }
    log_->feed(deps_.docker.logs_since(id_, sidecars::since_text(log_->since())));
    return log_->matches() >= step_.probe.occurrences ? Check::Ready : Check::NotYet;
  }

  // Where the current run's log lines begin. Not at StartedAt: the daemon stamps a line when its
  // log reader gets it but records StartedAt only once the process runs, so what a process
  // writes at once can be stamped before its StartedAt (redis-server's whole start-up banner
  // was, about one run in three on a loaded host, and log readiness then never saw "Ready to
  // accept connections"). The lines after the previous run finished are this run's; a
  // container that never stopped has no earlier lines at all.
  static std::optional<sidecars::UnixTime> current_run_begins(const ContainerInfo& info) {
    auto start = sidecars::parse_rfc3339(info.started_at);
    if (!start) return std::nullopt;
    if (info.finished_at.empty()) return sidecars::UnixTime{0, 0};
    auto finished = sidecars::parse_rfc3339(info.finished_at);
    if (finished && *finished < *start) return *finished;
    return start;  // a clock that went backwards: the old rule, at worst late
  }

  // RUN_ANVIL_PROBE=container takes the in-network path even for a local daemon, to check that
  // an --anvil-image can probe before relying on it against a remote daemon.
  static bool force_container_probe() { return process_env("RUN_ANVIL_PROBE") == "container"; }

  // From inside the sidecar's network: with --anvil-image when given (the user's choice), else
  // with run-anvil's own probe image, imported into the daemon on first use.
  Check probe_from_network() {
    Check c = check_running();
    if (c != Check::Ready) return c;
    std::string image = deps_.probe_image;
    try {
      std::vector<std::string> entrypoint;
      std::vector<std::string> http;
      if (image.empty()) {
        ProbeImage builtin = ensure_probe_image(deps_.docker);
        image = builtin.reference;
        entrypoint = builtin.entrypoint;
        if (step_.probe.mode == ReadinessMode::Http) http = {step_.probe.http_path, statuses()};
      }
      probe_image_ = image;
      probe_asks_http_ = !http.empty();
      probe_ =
          std::make_unique<ProbeContainer>(deps_.docker, image, step_.network, step_.probe.host,
                                           step_.probe.port, step_.probe.timeout, entrypoint, http);
    } catch (const Error& e) {
      if (e.exit_code() != exit_codes::kLauncherFailure) throw;  // interrupted
      return degrade("cannot dial sidecar ports from here (daemon at " + deps_.docker.endpoint() +
                     " is not local or its networks are not routable) and cannot start a probe "
                     "container" +
                     (image.empty() ? "" : " from " + image) + ": " + e.what());
    }
    return check_probe_container();
  }

  Check check_probe_container() {
    Check c = check_running();
    if (c != Check::Ready) return c;
    switch (probe_->poll()) {
      case ProbeContainer::State::Succeeded:
        probe_.reset();
        return Check::Ready;
      case ProbeContainer::State::Waiting:
        return Check::NotYet;
      case ProbeContainer::State::Unusable:
        break;
    }
    probe_.reset();
    return degrade("the probe container from " + probe_image_ +
                   (deps_.probe_image.empty()
                        ? " could not run"
                        : " could not dial (does the image have sh and nc?)"));
  }

  Check degrade(const std::string& why) {
    if (!degraded_) {
      degraded_ = true;
      std::call_once(*deps_.degrade_warning, [&] {
        deps_.progress.warn(why +
                            "; tcp readiness degrades to checking that the container is "
                            "running");
      });
    }
    return check_running();
  }

  Check check_health() {
    auto info = deps_.docker.inspect_container(id_);
    if (stopped(info)) return Check::Stopped;
    if (!info->has_healthcheck) {
      throw Error("sidecar \"" + step_.name +
                  "\" uses readiness mode \"healthcheck\" but its "
                  "image " +
                  info->image +
                  " defines no HEALTHCHECK; use mode \"tcp\" or "
                  "\"exec\", or add a HEALTHCHECK to the image");
    }
    last_health_ = info->health;
    return info->health == "healthy" ? Check::Ready : Check::NotYet;
  }

  Check check_exec() {
    auto info = deps_.docker.inspect_container(id_);
    if (stopped(info)) return Check::Stopped;
    if (!info->running) return Check::NotYet;
    // One attempt never runs past the overall deadline (SPEC §15: the readiness timeout holds
    // within one poll interval); one that overruns is killed inside the container by exec().
    const auto left = std::chrono::duration_cast<milliseconds>(deadline_ - deps_.clock.now());
    const milliseconds longest =
        std::max(kMinExecAttempt, std::min(step_.probe.timeout, kMaxExecAttempt));
    const milliseconds attempt = std::clamp(left, kMinExecAttempt, longest);
    auto r = deps_.docker.exec(id_, step_.probe.command, attempt);
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
    if (crash_looping_) settle_crash_loop();
    throw Error("sidecar \"" + step_.name + "\" stopped before it was ready (container " +
                step_.container + " is " + last_state_ + ") while waiting for " + what() +
                logs_section());
  }

  // The TCP ports the container listens on, from /proc/net/tcp{,6} inside it ("" when that
  // cannot be read, e.g. an image without cat).
  std::string listening_note() {
    ExecResult r;
    try {
      r = deps_.docker.exec(id_, {"cat", "/proc/net/tcp", "/proc/net/tcp6"}, milliseconds(3000));
    } catch (const Error&) {
      return "";
    }
    if (r.output.empty()) return "";
    auto ports = listening_ports(r.output);
    if (ports.empty()) return "; it listens on no TCP port";
    std::string list;
    for (int p : ports) list += (list.empty() ? "" : ", ") + std::to_string(p);
    return "; it listens on " + list;
  }

  const char* expected_status() const {
    return step_.probe.http_status.empty() ? "any 2xx or 3xx" : "one of readiness.status";
  }

  // What answered the last probe, and whether waiting longer could have helped.
  struct Verdict {
    std::string detail;
    bool slow = true;  // false: a longer timeout would not help (wrong port, ...)
  };

  Verdict verdict() {
    const auto mode = step_.probe.mode;
    const std::string port = std::to_string(step_.probe.port);
    if (mode == ReadinessMode::Healthcheck && !last_health_.empty()) {
      return {" (last health status: " + last_health_ + ")"};
    }
    if (mode == ReadinessMode::Exec && last_exec_code_ >= 0) {
      return {" (last exit code: " + std::to_string(last_exec_code_) + ")"};
    }
    if (mode == ReadinessMode::Log && log_) {
      return {": the pattern was seen " + std::to_string(log_->matches()) + " of " +
              std::to_string(step_.probe.occurrences) + " time(s) in " +
              std::to_string(log_->lines_seen()) + " log line(s) since the container started"};
    }
    if (mode == ReadinessMode::Http && probe_ && probe_asks_http_) {
      // The probe prints each new status it got ("HTTP 503"); none: nothing answered HTTP.
      std::string line = probe_->last_line();
      if (line.rfind("HTTP ", 0) == 0) {
        return {": GET " + step_.probe.http_path + " from inside the network answered " + line +
                " (expected " + expected_status() + ")"};
      }
    }
    if ((mode == ReadinessMode::Tcp || mode == ReadinessMode::Http) && dialled_ && !degraded_ &&
        !probe_) {
      if (last_dial_ == DialResult::Refused) {
        return {": nothing listens on port " + port +
                    " (connection refused while the process "
                    "runs" +
                    listening_note() + "); check interface.port in " + definition_file(),
                false};
      }
      if (last_dial_ == DialResult::TimedOut)
        return {": port " + port + " did not answer (timed out)"};
      if (mode == ReadinessMode::Http && last_http_.status != 0) {
        return {": GET " + step_.probe.http_path + " answered HTTP " +
                std::to_string(last_http_.status) + " (expected " + expected_status() + ")"};
      }
      if (mode == ReadinessMode::Http)
        return {": port " + port + " accepted, but " + last_http_.detail};
    }
    return {};
  }

  std::string definition_file() const { return "its definition"; }

  [[noreturn]] void fail_timeout(std::chrono::steady_clock::duration waited) {
    Verdict v = verdict();
    std::string advice =
        v.slow ? "; raise readiness.timeout in its definition if it is just slow" : "";
    throw Error("sidecar \"" + step_.name + "\" was not ready after " +
                seconds_text(std::chrono::duration_cast<milliseconds>(waited)) + ": " + what() +
                " did not succeed" + v.detail + advice + logs_section());
  }

  static constexpr milliseconds kMinExecAttempt{100};
  static constexpr milliseconds kMaxExecAttempt{10000};

  ReadinessDeps& deps_;
  const sidecars::SidecarStep& step_;
  Clock::time_point deadline_{};
  std::string id_;
  std::string ip_;
  bool degraded_ = false;
  std::unique_ptr<ProbeContainer> probe_;
  std::string probe_image_;       // the image probe_ runs
  bool probe_asks_http_ = false;  // probe_ checks the http status, not only the port
  int attempts_ = 0;
  DialResult last_dial_ = DialResult::Refused;
  bool dialled_ = false;
  HttpAnswer last_http_;
  std::unique_ptr<sidecars::LogMatcher> log_;
  std::string log_started_;
  int last_exec_code_ = -1;
  int first_restart_count_ = -1;
  bool crash_looping_ = false;
  int exit_code_seen_ = -1;  // the exit code of the last run seen stopped (podman's loop)
  std::string last_state_;
  std::string last_health_;
};

}  // namespace

std::vector<int> listening_ports(std::string_view proc_net_tcp) {
  std::set<int> ports;
  std::size_t start = 0;
  while (start < proc_net_tcp.size()) {
    auto end = proc_net_tcp.find('\n', start);
    if (end == std::string_view::npos) end = proc_net_tcp.size();
    std::istringstream line(std::string(proc_net_tcp.substr(start, end - start)));
    start = end + 1;
    std::string slot, local, remote, state;
    if (!(line >> slot >> local >> remote >> state) || state != "0A") continue;  // 0A: LISTEN
    auto colon = local.rfind(':');
    if (colon == std::string::npos) continue;
    // 127.0.0.11 is Docker's embedded DNS resolver in every container on a user-defined network,
    // not the sidecar's process.
    if (local.compare(0, colon, "0B00007F") == 0) continue;
    char* tail = nullptr;
    long port = std::strtol(local.c_str() + colon + 1, &tail, 16);
    if (tail && *tail == '\0' && port > 0 && port < 65536) ports.insert(static_cast<int>(port));
  }
  return {ports.begin(), ports.end()};
}

std::chrono::milliseconds poll_interval(const sidecars::Probe& probe, int n) {
  if (probe.interval) return *probe.interval;
  // TCP dials are cheap local syscalls; daemon-backed checks cost a round trip each. The TCP
  // cap bounds how late an open port is noticed: 100 ms made the median detection latency
  // 64 ms (tests/bench), 25 ms makes it 18 ms, for a refused dial every 25 ms.
  const bool dial = probe.mode == ReadinessMode::Tcp || probe.mode == ReadinessMode::Http;
  milliseconds first = dial ? milliseconds(10) : milliseconds(50);
  milliseconds cap = dial ? milliseconds(25) : milliseconds(250);
  milliseconds d = first * (1 << std::min(n, 5));
  return std::min(d, cap);
}

void wait_ready(ReadinessDeps& deps, const sidecars::SidecarStep& step,
                const std::string& container_id, std::string ip) {
  Waiter(deps, step, container_id, std::move(ip)).run();
}

}  // namespace run_anvil::launcher
