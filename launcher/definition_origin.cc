#include "run_anvil/launcher/definition_origin.h"

#include <filesystem>

namespace run_anvil::launcher {

std::string definition_origin(const sidecars::Definition& definition) {
  std::error_code ec;
  auto absolute = std::filesystem::absolute(definition.file, ec);
  return ec ? definition.file : absolute.lexically_normal().string();
}

std::map<std::string, std::string> definition_origins(
    const std::vector<sidecars::Definition>& definitions) {
  std::map<std::string, std::string> out;
  for (const auto& d : definitions) out[d.name] = definition_origin(d);
  return out;
}

bool origin_exists(const std::string& origin) {
  std::error_code ec;
  return !origin.empty() && std::filesystem::is_regular_file(origin, ec);
}

}  // namespace run_anvil::launcher
