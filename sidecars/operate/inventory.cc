#include "run_anvil/sidecars/operate/inventory.h"

#include "run_anvil/sidecars/define/definition_origin.h"
#include "run_anvil/sidecars/define/naming.h"

namespace run_anvil::launcher {

std::string label_of(const ContainerInfo& c, const char* key) {
  auto it = c.labels.find(key);
  return it == c.labels.end() ? std::string() : it->second;
}

sidecars::Origin origin_of(const ContainerInfo& c, const sidecars::Definition* mine,
                           const Inventory& inv) {
  if (!mine) return sidecars::judge_origin(c.labels, nullptr, inv.origins);
  auto ref = definition_ref(*mine);
  return sidecars::judge_origin(c.labels, &ref, inv.origins);
}

bool is_managed(const ContainerInfo& c) {
  return label_of(c, sidecars::kLabelManagedBy) == sidecars::kManagedByValue;
}

}  // namespace run_anvil::launcher
