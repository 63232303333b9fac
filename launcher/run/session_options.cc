#include "run_anvil/launcher/run/session_options.h"

#include "run_anvil/launcher/os/launcher_identity.h"
#include "run_anvil/launcher/os/origin_facts.h"
#include "run_anvil/launcher/os/random_hex.h"
#include "run_anvil/sidecars/define/naming.h"

namespace run_anvil::launcher {

sidecars::PlanOptions session_plan_options(const Options& options) {
  sidecars::PlanOptions o;
  o.generated_anvil_name = "anvil-" + random_hex(6);
  o.workspace = options.workspace;
  o.session_labels[sidecars::kLabelSessionId] = random_hex(8);
  o.session_labels[sidecars::kLabelSessionLauncher] = this_launcher().label();
  o.origin_vantage = origin_vantage();
  return o;
}

std::optional<SessionLock> hold_session_lock(sidecars::PlanOptions& options) {
  auto lock = SessionLock::hold(options.session_labels[sidecars::kLabelSessionId]);
  if (!lock) return lock;
  LauncherIdentity self = this_launcher();
  self.lock = lock->token();
  options.session_labels[sidecars::kLabelSessionLauncher] = self.label();
  return lock;
}

}  // namespace run_anvil::launcher
