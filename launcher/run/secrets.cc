#include "run_anvil/launcher/run/secrets.h"

#include <sys/stat.h>
#include <toml++/toml.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "run_anvil/errors.h"
#include "run_anvil/launcher/os/capture.h"
#include "run_anvil/launcher/os/output_guard.h"
#include "run_anvil/sidecars/define/toml_nesting.h"
#include "run_anvil/sidecars/text/durations.h"
#include "run_anvil/sidecars/text/shell_quote.h"

namespace run_anvil::launcher {
namespace {

constexpr std::size_t kMaxSecretBytes = 1 << 20;
constexpr std::size_t kMaxTableBytes = 1 << 20;

bool valid_provider_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}

int line_of(const toml::node& node) { return static_cast<int>(node.source().begin.line); }

std::string strip_one_newline(std::string value) {
  if (!value.empty() && value.back() == '\n') value.pop_back();
  return value;
}

// Reads a host file for the `file` provider; errors name the path (the reference), never bytes
// of the file.
std::string read_secret_file(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    throw Error("cannot read " + path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) throw Error(path + " is not a regular file");
  if (static_cast<std::size_t>(st.st_size) > kMaxSecretBytes) {
    throw Error(path + " is larger than 1 MiB");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) throw Error("cannot read " + path);
  return strip_one_newline(content.str());
}

}  // namespace

std::vector<SecretReference> secret_references(std::string_view value) {
  return sidecars::secret_refs(value);
}

ProviderTable parse_provider_table(std::string_view text, const std::string& path) {
  ProviderTable table;
  table.path = path;
  std::vector<Diagnostic> problems;
  if (auto too_deep = sidecars::toml_nesting_problem(text, path)) throw ConfigError({*too_deep});
  try {
    const toml::table document = toml::parse(text);
    for (const auto& [key, node] : document) {
      if (key.str() != "providers" || !node.is_table()) {
        problems.push_back({path, line_of(node),
                            key.str() == "providers"
                                ? "providers must be a table: [providers]"
                                : "unknown key \"" + std::string(key.str()) +
                                      "\" (only a [providers] table belongs here)"});
      }
    }
    if (const toml::table* providers = document["providers"].as_table()) {
      for (const auto& [key, node] : *providers) {
        const std::string name(key.str());
        const int line = line_of(node);
        if (!valid_provider_name(name)) {
          problems.push_back({path, line, "provider name \"" + name + "\" must match [a-z0-9_-]+"});
          continue;
        }
        if (name == "env" || name == "file") {
          problems.push_back({path, line,
                              "provider \"" + name + "\" is built in and cannot be " +
                                  "redefined; choose another name"});
          continue;
        }
        const toml::array* argv = node.as_array();
        std::vector<std::string> command;
        bool ok = argv != nullptr && !argv->empty();
        for (std::size_t i = 0; ok && i < argv->size(); ++i) {
          const auto* item = argv->get(i)->as_string();
          ok = item != nullptr && !(i == 0 && item->get().empty());
          if (ok) command.push_back(item->get());
        }
        if (!ok) {
          problems.push_back({path, line,
                              "providers." + name + " must be a non-empty array of " +
                                  "strings: the command and its arguments, e.g. " +
                                  "[\"op\", \"read\", \"{ref}\"]"});
          continue;
        }
        table.commands[name] = std::move(command);
      }
    }
  } catch (const toml::parse_error& e) {
    problems.push_back({path, static_cast<int>(e.source().begin.line),
                        "invalid TOML: " + std::string(e.description())});
  }
  if (!problems.empty()) throw ConfigError(std::move(problems));
  return table;
}

ProviderTable load_provider_table(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return ProviderTable{path, {}};
    throw Error("cannot read the secret provider table " + path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode) || static_cast<std::size_t>(st.st_size) > kMaxTableBytes) {
    throw Error("the secret provider table " + path + " is not a regular file under 1 MiB");
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) {
    throw Error("cannot read the secret provider table " + path + ": " + std::strerror(errno));
  }
  return parse_provider_table(text.str(), path);
}

std::vector<std::string> provider_argv(const std::vector<std::string>& command,
                                       const std::string& ref) {
  constexpr std::string_view kPlaceholder = "{ref}";
  std::vector<std::string> out;
  out.reserve(command.size());
  for (const auto& arg : command) {
    std::string s;
    std::size_t from = 0;
    for (auto at = arg.find(kPlaceholder); at != std::string::npos;
         at = arg.find(kPlaceholder, from)) {
      s.append(arg, from, at - from).append(ref);
      from = at + kPlaceholder.size();
    }
    s.append(arg, from, std::string::npos);
    out.push_back(std::move(s));
  }
  return out;
}

SecretResolver::SecretResolver(SecretResolverDeps deps) : deps_(std::move(deps)) {}

const ProviderTable& SecretResolver::table() {
  if (!table_) table_ = load_provider_table(deps_.providers_path);
  return *table_;
}

std::string SecretResolver::resolve(const sidecars::Definition& definition,
                                    const SecretReference& reference) {
  const std::string key = reference.text();
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  std::string value;
  try {
    value = fetch(reference);
  } catch (const ConfigError&) {
    throw;  // the provider table's own file:line diagnostics
  } catch (const Error& e) {
    if (e.exit_code() != exit_codes::kLauncherFailure) throw;  // an interruption, as is
    throw Error(definition.file + ": sidecar \"" + definition.name + "\": secret " + key + ": " +
                e.what());
  }
  if (value.find('\0') != std::string::npos) {
    throw Error(definition.file + ": sidecar \"" + definition.name + "\": secret " + key +
                ": the value holds a NUL byte, which an environment variable cannot carry");
  }
  register_secret_value(value);  // masked in everything printed from now on
  return cache_[key] = std::move(value);
}

std::string SecretResolver::fetch(const SecretReference& reference) {
  if (reference.provider == "env") {
    auto value = deps_.env ? deps_.env(reference.ref) : std::nullopt;
    if (!value) throw Error("the host variable " + reference.ref + " is not set");
    return *value;
  }
  if (reference.provider == "file") {
    std::string path = reference.ref;
    if (path.rfind("~/", 0) == 0) {
      auto home = deps_.env ? deps_.env("HOME") : std::nullopt;
      if (!home) throw Error("~ cannot be expanded: HOME is not set");
      path = *home + path.substr(1);
    }
    return read_secret_file(path);
  }
  const ProviderTable& providers = table();
  auto command = providers.commands.find(reference.provider);
  if (command == providers.commands.end()) {
    throw Error("unknown secret provider \"" + reference.provider + "\": the built-in ones are " +
                "\"env\" and \"file\"; define a command provider in " + providers.path +
                " as [providers] " + reference.provider + " = [\"command\", \"{ref}\"]");
  }
  const std::vector<std::string> argv = provider_argv(command->second, reference.ref);
  const CaptureResult r =
      capture_stdout(argv, deps_.command_timeout, kMaxSecretBytes, deps_.check_cancelled);
  const std::string what = "provider \"" + reference.provider + "\" (`" + shell_join(argv) + "`)";
  // Its own output is never shown: it may hold the secret. Running it by hand shows why.
  const std::string see_why =
      "; its output is not shown because it may hold the secret: run the command yourself to "
      "see why";
  switch (r.status) {
    case CaptureResult::Status::CannotExecute:
      throw Error(what + " cannot be executed: " + std::strerror(r.exec_errno));
    case CaptureResult::Status::TimedOut:
      throw Error(what + " did not finish within " + sidecars::seconds_text(deps_.command_timeout));
    case CaptureResult::Status::TooLarge:
      throw Error(what + " printed more than 1 MiB");
    case CaptureResult::Status::Signaled:
      throw Error(what + " was killed by signal " + std::to_string(r.signal) + see_why);
    case CaptureResult::Status::Exited:
      if (r.exit_code != 0) {
        throw Error(what + " exited with status " + std::to_string(r.exit_code) + see_why);
      }
      return strip_one_newline(r.out);
  }
  return "";
}

std::vector<std::pair<std::string, std::string>> SecretResolver::resolve_env(
    const sidecars::Definition& definition) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [key, value] : definition.env) {
    const auto references = secret_references(value);
    if (references.empty()) continue;
    std::string resolved;
    std::size_t from = 0;
    for (const auto& r : references) {
      resolved.append(value, from, r.begin - from).append(resolve(definition, r));
      from = r.end;
    }
    resolved.append(value, from, std::string::npos);
    out.emplace_back(key, std::move(resolved));
  }
  return out;
}

}  // namespace run_anvil::launcher
