#pragma once

#include <map>
#include <string>
#include <vector>

#include "run_anvil/sidecars/define/ownership.h"

// What this process can find out about the definition paths recorded on containers
// (sidecars/define/ownership.h judges with it).
namespace run_anvil::launcher {

// "<host>/<boot id>/mnt:[<inode>]": where this process sees paths from. A path recorded from
// another host, boot or mount namespace cannot be proven gone from here. "" when unknown.
std::string origin_vantage();

// lstat of `path`: Exists, Missing (ENOENT/ENOTDIR only) or Unreadable (anything else,
// including a relative path).
sidecars::PathState path_state(const std::string& path);

// The state of every definition path recorded in `labels` (one lstat each) and this vantage.
sidecars::OriginFacts origin_facts(const std::vector<std::map<std::string, std::string>>& labels);

}  // namespace run_anvil::launcher
