#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "run_anvil/sidecars/plan.h"

// `run-anvil plan` output: human text or a JSON document (stable keys, see README).
namespace run_anvil::launcher {

void print_plan(std::ostream& out, const sidecars::Plan& plan, bool json);
void print_passthrough_plan(std::ostream& out, const std::vector<std::string>& argv, bool json);

// Shell-quotes one argument for display (never for execution).
std::string shell_quote(const std::string& arg);

}  // namespace run_anvil::launcher
