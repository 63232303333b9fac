#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "run_anvil/launcher/os/options.h"
#include "run_anvil/sidecars/define/definition.h"
#include "run_anvil/sidecars/define/layers.h"

// The one gate between discovery and the daemon (SPEC §14). Every subcommand that acts on the
// daemon takes its definitions from here: trusted layers and workspace definitions approved
// exactly as written are usable; an unapproved workspace definition is only listed (status,
// doctor, plan say "needs approval") and never used to probe, exec, create or remove. `run`
// asks for approval first (approvals.h require_approval), so its gate lets everything through.
namespace run_anvil::launcher {

struct GatedDiscovery {
  // The discovery with `definitions` holding only the usable ones (trusted + approved).
  sidecars::Discovery usable;
  // Enabled workspace definitions not approved as written, sorted by name.
  std::vector<sidecars::Definition> unapproved;
  // Every discovered enabled definition (usable and unapproved), for listing and for telling
  // which containers were made from this project's files. Never for probing or removal.
  std::vector<sidecars::Definition> all;

  bool needs_approval(const std::string& name) const;
};

// Splits `discovery` by `unapproved` (names).
GatedDiscovery split_by_approval(sidecars::Discovery discovery,
                                 const std::set<std::string>& unapproved);

// Reads the approval store named by `options` (never prompts) and splits. `warn` hears about an
// unreadable store.
GatedDiscovery gate(const Options& options, sidecars::Discovery discovery,
                    const std::function<void(const std::string&)>& warn);

}  // namespace run_anvil::launcher
