#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "run_anvil/launcher/run/approvals.h"
#include "run_anvil/sidecars/plan/plan.h"
#include "run_anvil/sidecars/text/shell_quote.h"

// `run-anvil plan` output: human text or a JSON document (stable keys, see README).
namespace run_anvil::launcher {

// `pending`: listed as "approval needed" lines, and as "pending_approvals" in JSON.
void print_plan(std::ostream& out, const sidecars::Plan& plan, bool json,
                const std::vector<PendingApproval>& pending = {});
void print_passthrough_plan(std::ostream& out, const std::vector<std::string>& argv, bool json);

}  // namespace run_anvil::launcher
