#include "run_anvil/sidecars/plan/warm_readiness.h"

namespace run_anvil::sidecars {

bool may_skip_probe(ReadinessMode mode, const WarmFacts& facts) {
  if (mode == ReadinessMode::Tcp || mode == ReadinessMode::None) return false;
  if (!facts.running || facts.started_at.empty() || facts.proven_start.empty()) return false;
  if (facts.health == "unhealthy" || facts.health == "starting") return false;
  return facts.started_at == facts.proven_start;
}

}  // namespace run_anvil::sidecars
