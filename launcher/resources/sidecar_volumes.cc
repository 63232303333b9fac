#include "run_anvil/launcher/resources/sidecar_volumes.h"

#include <algorithm>
#include <set>

#include "run_anvil/sidecars/define/naming.h"

namespace run_anvil::launcher {
namespace {

// Docker names anonymous volumes with 64 lowercase hex digits; nobody can choose such a name for
// a volume mounted into a container run-anvil created, except the daemon itself.
bool anonymous(const std::string& name) {
  return name.size() == 64 && std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace

std::vector<std::string> sidecar_data_volumes(EngineReader& docker, const std::string& name,
                                              const std::optional<ContainerInfo>& container) {
  std::set<std::string> out;
  for (const auto& v : docker.list_volumes({{sidecars::kLabelManagedBy, sidecars::kManagedByValue},
                                            {sidecars::kLabelName, name}})) {
    if (!v.labels.count(sidecars::kLabelSession)) out.insert(v.name);
  }
  if (container) {
    for (const auto& m : container->mounts) {
      if (m.type == "volume" && anonymous(m.name)) out.insert(m.name);
    }
  }
  return {out.begin(), out.end()};
}

std::vector<std::string> remove_data_volumes(Engine& docker,
                                             const std::vector<std::string>& volumes) {
  std::vector<std::string> problems;
  for (const auto& v : volumes) {
    try {
      docker.remove_volume(v);
    } catch (const Error& e) {
      problems.push_back("volume " + v + ": " + e.what());
    }
  }
  return problems;
}

}  // namespace run_anvil::launcher
