#include "run_anvil/sidecars/plan/staleness.h"

#include "run_anvil/sidecars/define/labels.h"
#include "run_anvil/sidecars/define/naming.h"

namespace run_anvil::sidecars {
namespace {}  // namespace

std::optional<std::string> stale_reason(const std::map<std::string, std::string>& labels,
                                        const std::string& config_hash,
                                        const std::string& image_id) {
  if (label_of(labels, kLabelHash) != config_hash) return "config changed";
  // A missing image-ID label (an older launcher) cannot prove the image is the same.
  if (!image_id.empty() && label_of(labels, kLabelImageId) != image_id) {
    return "image rebuilt";
  }
  return std::nullopt;
}

}  // namespace run_anvil::sidecars
