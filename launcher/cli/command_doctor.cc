#include <iostream>
#include <set>

#include "run_anvil/launcher/cli/commands.h"
#include "run_anvil/launcher/cli/definitions.h"
#include "run_anvil/launcher/cli/operate.h"
#include "run_anvil/launcher/operate/inventory.h"
#include "run_anvil/launcher/resources/sidecar_removal.h"
#include "run_anvil/launcher/run/harness.h"
#include "run_anvil/launcher/run/prepare.h"
#include "run_anvil/sidecars/define/naming.h"
#include "run_anvil/sidecars/operate/doctor_findings.h"

namespace run_anvil::launcher {
namespace {

void print_findings(std::ostream& out, const std::vector<Finding>& findings) {
  int n = 0;
  for (const auto& f : findings) {
    out << ++n << ". [" << f.kind << "] " << f.subject << "\n"
        << "   " << f.what << "\n"
        << "   fix: " << f.how << "\n";
  }
}

class Fixer {
 public:
  explicit Fixer(OperateDeps& deps) : deps_(deps) {}

  // True when the finding is resolved; says what was done either way.
  bool fix(const Finding& f) {
    if (f.fix == FixAction::None) {
      deps_.out << "  not fixed: [" << f.kind << "] " << f.subject << " (needs you: see above)\n";
      return false;
    }
    try {
      if (f.fix == FixAction::CreateDefaultNetwork) {
        deps_.docker.ensure_network(sidecars::kDefaultNetwork,
                                    {{sidecars::kLabelManagedBy, sidecars::kManagedByValue}});
        deps_.out << "  created network " << sidecars::kDefaultNetwork << "\n";
        return true;
      }
      if (f.fix == FixAction::StartOrReplace) {
        for (const auto& c : f.containers) start_or_replace(c);
        return true;
      }
      for (const auto& c : f.containers) remove(c, f.kind);
      bool all_gone = true;
      for (const auto& s : f.sessions) all_gone = remove(s) && all_gone;
      return all_gone;
    } catch (const Error& e) {
      deps_.out << "  failed: [" << f.kind << "] " << f.subject << ": " << e.what() << "\n";
      return false;
    }
  }

 private:
  // Never started: start it; if the daemon cannot, remove it (it is not running, and its
  // volumes stay) so the next launch creates it afresh.
  void start_or_replace(const ContainerInfo& c) {
    try {
      deps_.docker.start_container(c.id);
      deps_.out << "  started " << c.name << " (stuck-created)\n";
      return;
    } catch (const DockerError& e) {
      deps_.out << "  cannot start " << c.name << " (" << e.what() << ")\n";
    }
    remove(c, "stuck-created");
  }

  void remove(const ContainerInfo& c, const std::string& kind) {
    // One container can be behind two findings (stale and on a vanished network).
    if (!removed_.insert(c.id).second) return;
    remove_sidecar(deps_.docker, c);
    deps_.out << "  removed " << c.name << " (" << kind << ")\n";
  }

  bool remove(const SessionResources& s) {
    auto problems = remove_session(deps_.docker, s);
    for (const auto& p : problems)
      deps_.out << "  failed: session " << s.anvil_name << ": " << p << "\n";
    if (problems.empty())
      deps_.out << "  removed the session of " << s.anvil_name << " (orphan-session)\n";
    return problems.empty();
  }

  OperateDeps& deps_;
  std::set<std::string> removed_;
};

}  // namespace

int run_doctor(OperateDeps& deps, const sidecars::Discovery& discovery, bool fix) {
  return run_doctor(deps, split_by_approval(discovery, {}), fix);
}

int run_doctor(OperateDeps& deps, const GatedDiscovery& gated, bool fix) {
  const sidecars::Discovery& discovery = gated.usable;
  Inventory inventory = take_inventory(deps.docker, discovery.definitions, &deps.liveness);
  std::vector<Finding> findings = diagnose(discovery, inventory, gated.unapproved);
  if (findings.empty()) {
    deps.out << "run-anvil doctor: no problems found (" << discovery.definitions.size()
             << " definitions, " << inventory.managed.size() << " managed containers checked)\n";
    return exit_codes::kSuccess;
  }
  print_findings(deps.out, findings);
  std::size_t fixable = 0;
  for (const auto& f : findings) fixable += f.fix != FixAction::None;
  if (!fix) {
    deps.out << "run-anvil doctor: " << findings.size() << " problem"
             << (findings.size() == 1 ? "" : "s") << "; `run-anvil doctor --fix` fixes " << fixable
             << " of them safely\n";
    return exit_codes::kLauncherFailure;
  }
  deps.out << "fixing:\n";
  Fixer fixer(deps);
  std::size_t remaining = 0;
  for (const auto& f : findings) remaining += fixer.fix(f) ? 0 : 1;
  deps.out << "run-anvil doctor: fixed " << findings.size() - remaining << " of " << findings.size()
           << " problem" << (findings.size() == 1 ? "" : "s");
  if (remaining > 0) deps.out << "; " << remaining << " remain" << (remaining == 1 ? "s" : "");
  deps.out << "\n";
  return remaining > 0 ? exit_codes::kLauncherFailure : exit_codes::kSuccess;
}

int command_doctor(const Options& options) {
  auto discovery = discover_definitions(options);
  auto docker = connect_docker();
  auto clock = make_system_clock();
  auto dialer = make_tcp_dialer();
  OperateDeps deps{*docker, *clock, *dialer, std::cout, std::cerr, options.verbosity};
  if (options.fix) {
    for (const auto& dir : remove_dead_harness_dirs()) {
      std::cout << "run-anvil doctor: removed " << dir << " (left by a launcher that was killed)\n";
    }
  }
  return run_doctor(deps, gate(options, std::move(discovery), warner(deps)), options.fix);
}

}  // namespace run_anvil::launcher
