#include "run_anvil/sidecars/define/naming.h"

namespace run_anvil::sidecars {
namespace {

// ASCII only, independent of the C locale: names and env tokens must be the same on every host.
bool ascii_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

char ascii_upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

// Docker accepts [a-zA-Z0-9][a-zA-Z0-9_.-] in container names; anything else would make the
// create call fail, so it is folded into '-'.
bool container_char(char c) { return ascii_alnum(c) || c == '_' || c == '.' || c == '-'; }

}  // namespace

std::string container_token(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  bool in_run = false;
  for (char c : name) {
    if (container_char(c)) {
      out += c;
      in_run = false;
    } else if (!in_run) {
      out += '-';
      in_run = true;
    }
  }
  return out;
}

std::string shared_container_name(std::string_view name) {
  return "swarmforge-shared-" + container_token(name);
}

std::string session_container_name(std::string_view anvil_name, std::string_view name) {
  return std::string(anvil_name) + "-tong-" + container_token(name);
}

std::string session_network_name(std::string_view anvil_name) {
  return "swarmforge-session-" + std::string(anvil_name);
}

std::string session_volume_name(std::string_view anvil_name, std::string_view volume) {
  return std::string(anvil_name) + "-tong-" + container_token(volume);
}

std::string shared_data_volume_name(std::string_view sidecar, std::string_view volume) {
  return "swarmforge-" + container_token(sidecar) + "-" + std::string(volume);
}

std::string session_data_volume_name(std::string_view anvil_name, std::string_view sidecar,
                                     std::string_view volume) {
  return session_container_name(anvil_name, sidecar) + "-" + std::string(volume);
}

std::string env_token(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  bool pending_separator = false;
  for (char c : name) {
    if (!ascii_alnum(c)) {
      pending_separator = true;
      continue;
    }
    // A separator is only emitted between alphanumerics, which trims both ends for free.
    if (pending_separator && !out.empty()) out += '_';
    pending_separator = false;
    out += ascii_upper(c);
  }
  return out;
}

std::string env_name(std::string_view name, std::string_view suffix) {
  return "SWARMFORGE_TONG_" + env_token(name) + "_" + std::string(suffix);
}

}  // namespace run_anvil::sidecars
