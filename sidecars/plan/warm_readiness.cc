#include "run_anvil/sidecars/plan/warm_readiness.h"

#include "run_anvil/sidecars/text/sha256.h"

namespace run_anvil::sidecars {

std::string proof_of(const std::string& started_at, const Probe& probe) {
  // What decides whether a probe passes; timeout and interval only decide how long one waits.
  std::string what = std::to_string(static_cast<int>(probe.mode)) + '\0' + probe.host + '\0' +
                     std::to_string(probe.port) + '\0' + probe.http_path + '\0' + probe.pattern +
                     '\0' + std::to_string(probe.occurrences) + '\0';
  for (int s : probe.http_status) what += std::to_string(s) + ',';
  for (const auto& a : probe.command) what += '\0' + a;
  return started_at + " " + sha256_hex(what).substr(0, 16);
}

bool may_skip_probe(const Probe& probe, const WarmFacts& facts) {
  if (probe.mode == ReadinessMode::Tcp || probe.mode == ReadinessMode::None) return false;
  if (!facts.running || facts.started_at.empty() || facts.proven.empty()) return false;
  if (facts.health == "unhealthy" || facts.health == "starting") return false;
  return facts.proven == proof_of(facts.started_at, probe);
}

}  // namespace run_anvil::sidecars
