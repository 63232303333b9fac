#include "run_anvil/sidecars/define/definition_origin.h"

#include <filesystem>

#include "run_anvil/sidecars/define/naming.h"

namespace run_anvil::launcher {

std::string definition_origin(const sidecars::Definition& definition) {
  std::error_code ec;
  auto absolute = std::filesystem::absolute(definition.file, ec);
  return ec ? definition.file : absolute.lexically_normal().string();
}

sidecars::DefinitionRef definition_ref(const sidecars::Definition& definition) {
  return {definition_origin(definition), sidecars::definition_identity(definition)};
}

std::map<std::string, std::string> origin_labels(const sidecars::Definition& definition) {
  std::map<std::string, std::string> labels{
      {sidecars::kLabelDefinition, definition_origin(definition)}};
  if (auto id = sidecars::definition_identity(definition); !id.empty()) {
    labels[sidecars::kLabelDefinitionId] = id;
  }
  return labels;
}

std::map<std::string, std::string> definition_origins(
    const std::vector<sidecars::Definition>& definitions) {
  std::map<std::string, std::string> out;
  for (const auto& d : definitions) out[d.name] = definition_origin(d);
  return out;
}

}  // namespace run_anvil::launcher
