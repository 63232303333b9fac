#include "run_anvil/launcher/run/trust_gate.h"

#include <algorithm>

#include "run_anvil/launcher/run/approvals.h"

namespace run_anvil::launcher {

bool GatedDiscovery::needs_approval(const std::string& name) const {
  return std::any_of(unapproved.begin(), unapproved.end(),
                     [&](const sidecars::Definition& d) { return d.name == name; });
}

GatedDiscovery split_by_approval(sidecars::Discovery discovery,
                                 const std::set<std::string>& unapproved) {
  GatedDiscovery out;
  out.all = discovery.definitions;
  auto& defs = discovery.definitions;
  for (auto it = defs.begin(); it != defs.end();) {
    if (unapproved.count(it->name)) {
      out.unapproved.push_back(std::move(*it));
      it = defs.erase(it);
    } else {
      ++it;
    }
  }
  out.usable = std::move(discovery);
  return out;
}

GatedDiscovery gate(const Options& options, sidecars::Discovery discovery,
                    const std::function<void(const std::string&)>& warn) {
  auto names = unapproved_names(discovery.definitions,
                                {options.workspace, options.approvals, options.no_prompt}, warn);
  return split_by_approval(std::move(discovery), names);
}

}  // namespace run_anvil::launcher
