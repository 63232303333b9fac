#pragma once

#include <map>
#include <string>
#include <string_view>

// Reading the labels run-anvil puts on containers, networks and volumes (their keys are in
// naming.h). One home, so "is this ours" has one answer everywhere.
namespace run_anvil::sidecars {

using LabelMap = std::map<std::string, std::string>;

// The label's value, "" when it is absent.
std::string label_of(const LabelMap& labels, std::string_view key);

// True when run-anvil manages the object (swarmforge.managed-by=run-anvil).
bool is_managed(const LabelMap& labels);

// The same for anything that carries `labels` (containers, networks, volumes, observations).
template <class Labelled>
std::string label_of(const Labelled& object, std::string_view key) {
  return label_of(object.labels, key);
}
template <class Labelled>
bool is_managed(const Labelled& object) {
  return is_managed(object.labels);
}

}  // namespace run_anvil::sidecars
