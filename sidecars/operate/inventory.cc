#include "run_anvil/sidecars/operate/inventory.h"

#include "run_anvil/sidecars/define/definition_origin.h"
#include "run_anvil/sidecars/define/naming.h"

namespace run_anvil::launcher {

sidecars::Origin origin_of(const ContainerInfo& c, const sidecars::Definition* mine,
                           const Inventory& inv) {
  if (!mine) return sidecars::judge_origin(c.labels, nullptr, inv.origins);
  auto ref = definition_ref(*mine);
  return sidecars::judge_origin(c.labels, &ref, inv.origins);
}

}  // namespace run_anvil::launcher
