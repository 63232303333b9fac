#include "volume_plan.h"

#include <algorithm>

#include "run_anvil/sidecars/define/naming.h"

namespace run_anvil::sidecars::detail {
namespace {

bool is_session(const Definition& d) { return d.lifecycle == Lifecycle::Session; }

// Container paths the definition itself fills: its volumes, the interface volume, the mounts.
std::vector<std::string> covered_paths(const Definition& d) {
  std::vector<std::string> out;
  for (const auto& v : d.volumes) out.push_back(v.target);
  if (d.interface.kind == InterfaceKind::Volume) out.push_back(d.interface.mountpoint);
  for (const auto& m : d.mounts) {
    out.push_back(m.kind == Mount::Kind::Workspace ? "/workspace" : "/var/run/docker.sock");
  }
  return out;
}

// Docker names anonymous volumes with 64 lowercase hex digits.
bool looks_anonymous(const std::string& name) {
  return name.size() == 64 && std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// The old container's volumes at the image's VOLUME paths that the definition does not cover go
// over to the replacement, as compose does. When the image's volumes are not known (it is yet to
// be pulled), every anonymous volume of the old container at an uncovered path goes over.
std::vector<PlannedVolume> carried_volumes(const Definition& d, const ObservedContainer& old,
                                           const ObservedState& observed) {
  const auto covered = covered_paths(d);
  auto image = observed.image_volumes.find(d.image);
  std::vector<PlannedVolume> out;
  for (const auto& m : old.mounts) {
    if (m.type != "volume" || m.name.empty()) continue;
    if (std::find(covered.begin(), covered.end(), m.destination) != covered.end()) continue;
    const bool image_declares = image != observed.image_volumes.end()
                                    ? std::find(image->second.begin(), image->second.end(),
                                                m.destination) != image->second.end()
                                    : looks_anonymous(m.name);
    if (!image_declares) continue;
    out.push_back({PlannedVolume::Origin::Carried, m.name, m.destination, false});
  }
  return out;
}

std::string join_paths(const std::vector<std::string>& paths) {
  std::string out;
  for (const auto& p : paths) out += (out.empty() ? "" : ", ") + p;
  return out;
}

// What replacing `existing` keeps and loses.
std::string data_note(const SidecarStep& step) {
  std::vector<std::string> kept;
  for (const auto& v : step.volumes) {
    if (v.origin != PlannedVolume::Origin::Bind) kept.push_back(v.target);
  }
  if (!step.volume.empty()) kept.push_back("interface volume " + step.volume);
  if (kept.empty()) {
    return "discards all data in the container's file system: no volume holds it (declare "
           "`volumes` to keep data)";
  }
  return "keeps volume data (" + join_paths(kept) +
         "); discards the rest of the container's file system";
}

}  // namespace

std::vector<std::string> session_data_volumes(const std::vector<Definition>& definitions,
                                              const std::string& anvil_name) {
  std::vector<std::string> out;
  for (const auto& d : definitions) {
    if (!is_session(d)) continue;
    for (const auto& v : d.volumes) {
      if (v.kind == Volume::Kind::Named) {
        out.push_back(session_data_volume_name(anvil_name, d.name, v.source));
      }
    }
  }
  return out;
}

void place_volumes(SidecarStep& step, const Definition& definition,
                   const std::optional<SessionPlan>& session, const ObservedState& observed) {
  const bool in_session = is_session(definition) && session;
  for (const auto& v : definition.volumes) {
    if (v.kind == Volume::Kind::Bind) {
      step.volumes.push_back({PlannedVolume::Origin::Bind, v.source, v.target, v.read_only});
      continue;
    }
    std::string name =
        in_session ? session_data_volume_name(session->anvil_name, definition.name, v.source)
                   : shared_data_volume_name(definition.name, v.source);
    step.volumes.push_back({PlannedVolume::Origin::Managed, name, v.target, v.read_only});
  }
  if (!in_session) {
    step.volume_labels = {{kLabelManagedBy, kManagedByValue}, {kLabelName, definition.name}};
  }
  auto old = observed.containers.find(step.container);
  if (step.session || old == observed.containers.end()) return;
  auto carried = carried_volumes(definition, old->second, observed);
  step.volumes.insert(step.volumes.end(), carried.begin(), carried.end());
  step.data_note = data_note(step);
}

}  // namespace run_anvil::sidecars::detail
