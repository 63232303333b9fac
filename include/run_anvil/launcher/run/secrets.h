#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "run_anvil/sidecars/define/definition.h"
#include "run_anvil/sidecars/define/secret_ref.h"

// Resolving `${secret:<provider>:<ref>}` references in env values (SPEC §10). Built-in providers:
// `env` (a variable of the launcher's environment) and `file` (a host file, one trailing newline
// stripped). Command providers come from the provider table:
//
//   # secret-providers.toml
//   [providers]
//   op = ["op", "read", "{ref}"]      # "{ref}" is replaced by the reference, no shell involved
//
// Every error names the sidecar (and its file) and the reference, never a value.
namespace run_anvil::launcher {

// One reference (the grammar is sidecars/define/secret_ref.h).
using SecretReference = sidecars::SecretRef;

// The references in `value`, in order. Precondition: parse accepted the value (well-formed).
std::vector<SecretReference> secret_references(std::string_view value);

// The command providers of secret-providers.toml.
struct ProviderTable {
  std::string path;
  std::map<std::string, std::vector<std::string>> commands;  // name -> argv template
};

// Reads the table. A missing file is an empty table. Throws ConfigError (`file:line: ...`) for
// anything else that is wrong: bad TOML, unknown keys, a provider that is not a non-empty array
// of strings, a name outside [a-z0-9_-]+, or one that redefines the built-in `env` or `file`.
ProviderTable load_provider_table(const std::string& path);
ProviderTable parse_provider_table(std::string_view text, const std::string& path);

// The argv a command provider runs for `ref`: every "{ref}" in the template replaced.
std::vector<std::string> provider_argv(const std::vector<std::string>& command,
                                       const std::string& ref);

struct SecretResolverDeps {
  // The launcher's environment (the `env` provider).
  std::function<std::optional<std::string>(const std::string&)> env;
  std::string providers_path;  // --providers; read on first use of a command provider
  std::chrono::milliseconds command_timeout{60000};
  std::function<void()> check_cancelled;  // polled while a provider command runs
};

class SecretResolver {
 public:
  explicit SecretResolver(SecretResolverDeps deps);

  // The value of one reference for `definition`. Each distinct reference is resolved once per
  // run. Throws run_anvil::Error naming the definition's file, the sidecar and the reference:
  // unknown provider, unset variable, unreadable file, a command that cannot run, fails, times
  // out or prints too much, or a value with a NUL byte.
  std::string resolve(const sidecars::Definition& definition, const SecretReference& reference);

  // The env entries of `definition` that hold references, with every reference replaced by its
  // value (text around references kept). Sorted by key, like Definition::env.
  std::vector<std::pair<std::string, std::string>> resolve_env(
      const sidecars::Definition& definition);

 private:
  const ProviderTable& table();
  std::string fetch(const SecretReference& reference);

  SecretResolverDeps deps_;
  std::optional<ProviderTable> table_;
  std::map<std::string, std::string> cache_;  // reference text -> value
};

}  // namespace run_anvil::launcher
