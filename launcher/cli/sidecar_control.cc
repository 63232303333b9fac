// `stop`, `start`, `restart` and `logs` (SPEC §17): the operating verbs that act on existing
// managed containers by sidecar name, never creating, recreating or removing anything.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <optional>

#include "run_anvil/launcher/cli/operate.h"
#include "run_anvil/launcher/operate/inventory.h"
#include "run_anvil/sidecars/define/naming.h"
#include "run_anvil/sidecars/operate/down_decisions.h"
#include "run_anvil/sidecars/text/suggest.h"

namespace run_anvil::launcher {
namespace {

// Each container's own stop signal and stop_timeout (SPEC §11-§12), as `down` stops it: a
// Postgres that asked for SIGINT and 60 s gets them from `stop` and `restart` too.
constexpr std::optional<std::chrono::seconds> kStopGrace = std::nullopt;

struct Target {
  std::string name;
  bool declared = false;
  std::vector<ContainerInfo> containers;  // managed only: run-anvil never touches another
};

// A name is a sidecar name (declared, or the name label of a managed container) or the name of
// a managed container itself (one session container among several).
std::optional<Target> resolve(const std::string& name, const sidecars::Discovery& discovery,
                              const Inventory& inventory) {
  Target t{name, false, {}};
  t.declared = std::any_of(discovery.definitions.begin(), discovery.definitions.end(),
                           [&](const sidecars::Definition& d) { return d.name == name; });
  for (const auto& c : inventory.managed) {
    if (label_of(c, sidecars::kLabelName) == name) t.containers.push_back(c);
  }
  if (!t.declared && t.containers.empty()) {
    for (const auto& c : inventory.managed) {
      if (c.name == name) t.containers.push_back(c);
    }
  }
  if (!t.declared && t.containers.empty()) return std::nullopt;
  return t;
}

// Every name resolved, or the messages for the ones that are not (did you mean included).
std::vector<Target> resolve_all(OperateDeps& deps, const sidecars::Discovery& discovery,
                                const Inventory& inventory, const std::vector<std::string>& names,
                                bool& ok) {
  std::vector<Target> out;
  ok = true;
  const auto known = known_sidecar_names(discovery.definitions, inventory);
  for (const auto& name : names) {
    if (auto t = resolve(name, discovery, inventory)) {
      out.push_back(std::move(*t));
      continue;
    }
    deps.err << "run-anvil: error: no sidecar \"" << name
             << "\" is declared here or managed on this daemon"
             << sidecars::did_you_mean(name, known) << "; `run-anvil status` lists them\n";
    ok = false;
  }
  return out;
}

void say(OperateDeps& deps, const std::string& text) {
  if (deps.verbosity != Verbosity::Quiet) deps.err << "run-anvil: " << text << "\n";
}

// One container, one verb. Returns false when the daemon refused.
bool act(OperateDeps& deps, ControlVerb verb, const std::string& name, const ContainerInfo& c) {
  std::string which = name + " (" + c.name + ")";
  try {
    if (verb == ControlVerb::Stop) {
      if (!c.running) return say(deps, which + ": already stopped"), true;
      deps.docker.stop_container(c.id, kStopGrace);
      say(deps, "stopped " + which);
    } else if (verb == ControlVerb::Start) {
      if (c.running) return say(deps, which + ": already running"), true;
      deps.docker.start_container(c.id);
      say(deps, "started " + which);
    } else {
      if (c.running) deps.docker.stop_container(c.id, kStopGrace);
      deps.docker.start_container(c.id);
      say(deps, "restarted " + which);
    }
  } catch (const Error& e) {
    deps.err << "run-anvil: error: " << which << ": " << e.what() << "\n";
    return false;
  }
  return true;
}

}  // namespace

int control_sidecars(OperateDeps& deps, const sidecars::Discovery& discovery, ControlVerb verb,
                     const std::vector<std::string>& names) {
  note_definition_problems(deps, discovery);
  Inventory inventory = take_inventory(deps.docker, discovery.definitions);
  bool ok = true;
  auto targets = resolve_all(deps, discovery, inventory, names, ok);
  if (!ok) {
    deps.err << "run-anvil: nothing was changed\n";
    return exit_codes::kLauncherFailure;
  }
  int rc = exit_codes::kSuccess;
  for (const auto& t : targets) {
    if (t.containers.empty()) {
      if (verb == ControlVerb::Stop) {
        say(deps, t.name + ": no container (nothing to stop)");
        continue;
      }
      deps.err << "run-anvil: error: " << t.name
               << ": no container yet; running the harness (run-anvil -- docker run ...) "
                  "creates it\n";
      rc = exit_codes::kLauncherFailure;
      continue;
    }
    for (const auto& c : t.containers) {
      if (!act(deps, verb, t.name, c)) rc = exit_codes::kLauncherFailure;
    }
  }
  return rc;
}

namespace {

// "2026-12-01T22:24:46.1234Z" -> {seconds, nanoseconds}; nullopt when it is not a timestamp.
std::optional<std::pair<long long, long>> log_time(const std::string& stamp) {
  int y, mo, d, h, mi, s;
  if (std::sscanf(stamp.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  long nanos = 0;
  if (auto dot = stamp.find('.'); dot != std::string::npos) {
    std::string digits;
    for (std::size_t i = dot + 1; i < stamp.size() && std::isdigit(stamp[i]) && digits.size() < 9;
         ++i) {
      digits += stamp[i];
    }
    digits.resize(9, '0');
    nanos = std::stol(digits);
  }
  return std::pair<long long, long>{static_cast<long long>(timegm(&tm)), nanos};
}

// Prints the lines of a timestamped chunk newer than `last`, without their timestamps, and
// moves `last` forward. Lines without a readable timestamp are printed as they are.
void print_new(std::ostream& out, const std::string& chunk,
               std::optional<std::pair<long long, long>>& last) {
  std::size_t pos = 0;
  while (pos < chunk.size()) {
    std::size_t end = chunk.find('\n', pos);
    std::string line = chunk.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    pos = end == std::string::npos ? chunk.size() : end + 1;
    auto space = line.find(' ');
    auto when = space == std::string::npos ? std::nullopt : log_time(line.substr(0, space));
    if (!when) {
      out << line << "\n";
      continue;
    }
    if (last && *when <= *last) continue;  // already printed by the previous poll
    last = when;
    out << line.substr(space + 1) << "\n";
  }
  out.flush();
}

std::string since_text(const std::pair<long long, long>& t) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%lld.%09ld", t.first, t.second);
  return buf;
}

// -f by polling: the transport answers whole responses, so new lines are fetched with `since`
// every poll interval until the container stops (or Ctrl-C).
void follow(OperateDeps& deps, const ContainerInfo& c, const LogsOptions& options) {
  std::optional<std::pair<long long, long>> last;
  print_new(deps.out, deps.docker.logs(c.id, {options.tail, true, ""}), last);
  for (;;) {
    if (options.interrupted()) return;
    deps.clock.sleep_for(options.poll);
    if (options.interrupted()) return;
    auto now = deps.docker.inspect_container(c.id);
    print_new(deps.out, deps.docker.logs(c.id, {-1, true, last ? since_text(*last) : ""}), last);
    if (!now || !now->running) return;
  }
}

}  // namespace

int show_logs(OperateDeps& deps, const sidecars::Discovery& discovery, const std::string& name,
              const LogsOptions& options) {
  note_definition_problems(deps, discovery);
  Inventory inventory = take_inventory(deps.docker, discovery.definitions);
  bool ok = true;
  auto targets = resolve_all(deps, discovery, inventory, {name}, ok);
  if (!ok) return exit_codes::kLauncherFailure;
  const Target& t = targets.front();
  if (t.containers.empty()) {
    deps.err << "run-anvil: error: " << name
             << ": no container, so no logs; running the harness creates it\n";
    return exit_codes::kLauncherFailure;
  }
  if (t.containers.size() > 1) {
    std::vector<std::string> names;
    for (const auto& c : t.containers) names.push_back(c.name);
    deps.err << "run-anvil: error: " << name << " has " << names.size()
             << " containers (one per anvil): " << sidecars::join_names(names)
             << "; name one of them: run-anvil logs CONTAINER\n";
    return exit_codes::kLauncherFailure;
  }
  const ContainerInfo& c = t.containers.front();
  if (options.follow) {
    follow(deps, c, options);
  } else {
    deps.out << deps.docker.logs(c.id, {options.tail, false, ""});
    deps.out.flush();
  }
  return exit_codes::kSuccess;
}

}  // namespace run_anvil::launcher
