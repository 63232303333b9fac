#include "run_anvil/sidecars/define/env_file.h"

#include <map>

#include "parse_values.h"

namespace run_anvil::sidecars {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// A value in matching single or double quotes loses them, as compose reads it; anything else is
// taken as written (docker --env-file does no quote processing at all).
std::string unquote(std::string_view v) {
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) {
    return std::string(v.substr(1, v.size() - 2));
  }
  return std::string(v);
}

}  // namespace

std::vector<Diagnostic> parse_env_file_text(std::string_view text, const std::string& file,
                                            std::vector<std::pair<std::string, std::string>>& out) {
  std::vector<Diagnostic> diagnostics;
  int line_no = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = trim(text.substr(start, end - start));
    start = end + 1;
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    if (line.starts_with("export ")) line = trim(line.substr(7));
    auto eq = line.find('=');
    std::string key(trim(line.substr(0, eq)));
    // Values are never echoed: env files hold credentials.
    if (eq == std::string_view::npos) {
      diagnostics.push_back({file, line_no,
                             "expected KEY=VALUE (a bare KEY would copy the launcher's own "
                             "environment; use ${secret:env:KEY} in [env] for that)"});
    } else if (!detail::valid_env_key(key)) {
      diagnostics.push_back({file, line_no,
                             "env key " + detail::quoted(key) +
                                 " is not a valid variable name ([A-Za-z_][A-Za-z0-9_]*)"});
    } else {
      std::string value = unquote(line.substr(eq + 1));
      if (value.find('\0') != std::string::npos) {
        diagnostics.push_back({file, line_no, key + " must not contain a NUL character"});
      } else if (!detail::valid_secret_references(value)) {
        diagnostics.push_back({file, line_no,
                               key + " holds a malformed secret reference; expected "
                                     "${secret:<provider>:<ref>}"});
      } else {
        out.emplace_back(key, value);
      }
    }
  }
  return diagnostics;
}

void merge_env_files(Definition& def,
                     const std::vector<std::pair<std::string, std::string>>& from_files) {
  // A later file overrides an earlier one, and [env] overrides every file (SPEC §12).
  std::map<std::string, std::string> merged(from_files.begin(), from_files.end());
  for (const auto& [key, value] : from_files) merged[key] = value;
  for (const auto& [key, value] : def.env) merged[key] = value;
  def.env.assign(merged.begin(), merged.end());
}

}  // namespace run_anvil::sidecars
