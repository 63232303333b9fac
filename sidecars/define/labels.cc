#include "run_anvil/sidecars/define/labels.h"

#include "run_anvil/sidecars/define/naming.h"

namespace run_anvil::sidecars {

std::string label_of(const LabelMap& labels, std::string_view key) {
  auto it = labels.find(std::string(key));
  return it == labels.end() ? std::string() : it->second;
}

bool is_managed(const LabelMap& labels) {
  return label_of(labels, kLabelManagedBy) == kManagedByValue;
}

}  // namespace run_anvil::sidecars
