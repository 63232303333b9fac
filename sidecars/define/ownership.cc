#include "run_anvil/sidecars/define/ownership.h"

#include "run_anvil/sidecars/define/labels.h"
#include "run_anvil/sidecars/define/naming.h"
#include "run_anvil/sidecars/text/sha256.h"

namespace run_anvil::sidecars {
namespace {}  // namespace

const char* to_string(Origin o) {
  switch (o) {
    case Origin::Ours:
      return "ours";
    case Origin::Gone:
      return "gone";
    case Origin::Foreign:
      return "foreign";
    case Origin::Unknown:
      return "unknown";
  }
  return "?";
}

std::string definition_identity(const Definition& d) {
  if (d.content_sha256.empty()) return "";  // not read from a file: no identity to share
  std::string material = "run-anvil definition v1";
  material += '\0';
  material += to_string(d.layer);
  material += '\0';
  material += d.name;
  material += '\0';
  material += d.content_sha256;
  return sha256_hex(material);
}

Origin judge_origin(const std::map<std::string, std::string>& labels, const DefinitionRef* mine,
                    const OriginFacts& facts) {
  const std::string path = label_of(labels, kLabelDefinition);
  const std::string identity = label_of(labels, kLabelDefinitionId);
  if (mine && !path.empty() && path == mine->path) return Origin::Ours;
  if (mine && !identity.empty() && identity == mine->identity) return Origin::Ours;
  if (path.empty()) return Origin::Unknown;
  auto state = facts.paths.find(path);
  if (state == facts.paths.end() || state->second == PathState::Unreadable) return Origin::Unknown;
  if (state->second == PathState::Exists) return Origin::Foreign;
  // Nothing at that path here; that proves "gone" only where the path was recorded.
  const std::string seen = label_of(labels, kLabelDefinitionSeen);
  return !seen.empty() && seen == facts.vantage ? Origin::Gone : Origin::Unknown;
}

}  // namespace run_anvil::sidecars
