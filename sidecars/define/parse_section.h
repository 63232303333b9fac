#pragma once

#include <toml++/toml.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "run_anvil/errors.h"
#include "run_anvil/sidecars/define/definition.h"

// Typed, line-aware access to one TOML table of a definition file. Every lookup records the
// key's line in Definition::lines; every type error becomes a `file:line: <key> must be ...`
// diagnostic and an empty result, so parsing goes on and reports all problems at once.
// Internal to sidecars/.
namespace run_anvil::sidecars::detail {

int line_of(const toml::node& node);

class Section {
 public:
  // `name` is "" for the top level, else the table name ("interface"); `line` its header line.
  Section(const std::string& file, Definition& def, std::vector<Diagnostic>& diagnostics,
          const toml::table& table, std::string name, int line);

  // A section for a sub-table of this one, reporting into the same diagnostics.
  Section child(const toml::table& table, std::string name) const {
    return Section(file_, def_, diagnostics_, table, std::move(name), line_of(table));
  }
  std::size_t error_count() const { return diagnostics_.size(); }

  const toml::table& table() const { return table_; }
  Definition& def() { return def_; }
  int header_line() const { return line_; }
  // "interface.port", or "image" at the top level.
  std::string dotted(std::string_view key) const;
  // The line of `key` when present, else the header line.
  int line(std::string_view key) const;
  bool has(std::string_view key) const { return table_.contains(key); }

  void error(int line, std::string message);
  void error_at(std::string_view key, std::string message) { error(line(key), std::move(message)); }
  // Reports `message` for `key` unless already reported, e.g. `<key> is required ...`.
  void require(std::string_view key, const std::string& message);
  // One diagnostic per key not in `known`, naming the key and the table.
  void reject_unknown(const std::vector<std::string_view>& known);

  // nullopt when absent or mistyped (the latter reported as "<dotted> must be <what>").
  std::optional<std::string> string(std::string_view key, std::string_view what);
  std::optional<bool> boolean(std::string_view key);
  std::optional<std::int64_t> integer(std::string_view key, std::string_view what);
  // An array of strings; `non_empty` rejects []. Strings holding NUL are rejected: they cannot
  // be passed as argv.
  std::optional<std::vector<std::string>> strings(std::string_view key, std::string_view what,
                                                  bool non_empty);
  // A duration string ("30s") or a positive number of seconds.
  std::optional<std::chrono::milliseconds> duration(std::string_view key);
  // A sub-table, or nullptr (a non-table value is reported).
  const toml::table* subtable(std::string_view key);

 private:
  const toml::node* lookup(std::string_view key);
  void type_error(std::string_view key, std::string_view what);

  const std::string& file_;
  Definition& def_;
  std::vector<Diagnostic>& diagnostics_;
  const toml::table& table_;
  std::string name_;
  int line_;
};

// The tables of a definition, each checked on its own (parse_tables.cc).
void parse_interface(Section& top);
// `interface_ok`: the interface parsed cleanly, so kind-dependent readiness rules may apply
// (otherwise they would only repeat the interface error in other words).
void parse_readiness(Section& top, bool interface_ok);
void parse_env(Section& top);
void parse_resources(Section& top);
// `volumes` (parse_volumes.cc); check_volume_targets runs once mounts and [interface] are known.
void parse_volumes(Section& top);
void check_volume_targets(Section& top);
// `stop_signal` and `stop_timeout`.
void parse_stop(Section& top);

}  // namespace run_anvil::sidecars::detail
