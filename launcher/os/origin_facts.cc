#include "run_anvil/launcher/os/origin_facts.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include "run_anvil/launcher/os/launcher_identity.h"
#include "run_anvil/sidecars/define/naming.h"

namespace run_anvil::launcher {

std::string origin_vantage() {
  static const std::string vantage = [] {
    LauncherIdentity self = this_launcher();
    char ns[PATH_MAX] = {};
    ssize_t n = readlink("/proc/self/ns/mnt", ns, sizeof ns - 1);
    // Without a mount namespace id no path can be proven gone: "" never matches a label.
    if (n <= 0 || self.boot_id == "unknown") return std::string();
    return self.host + "/" + self.boot_id + "/" + std::string(ns, static_cast<std::size_t>(n));
  }();
  return vantage;
}

sidecars::PathState path_state(const std::string& path) {
  struct stat st {};
  if (path.empty() || path.front() != '/') return sidecars::PathState::Unreadable;
  if (lstat(path.c_str(), &st) == 0) return sidecars::PathState::Exists;
  // Only these prove absence; EACCES on a directory on the way (another user's project) does not.
  return errno == ENOENT || errno == ENOTDIR ? sidecars::PathState::Missing
                                             : sidecars::PathState::Unreadable;
}

sidecars::OriginFacts origin_facts(const std::vector<std::map<std::string, std::string>>& labels) {
  sidecars::OriginFacts facts;
  facts.vantage = origin_vantage();
  for (const auto& l : labels) {
    auto it = l.find(sidecars::kLabelDefinition);
    if (it != l.end() && !facts.paths.count(it->second)) {
      facts.paths[it->second] = path_state(it->second);
    }
  }
  return facts;
}

}  // namespace run_anvil::launcher
