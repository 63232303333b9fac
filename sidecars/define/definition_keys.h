#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "parse_section.h"

// The one table of every key a definition file may hold (SPEC §4, §12, §13). Unknown-key
// checks (Section::reject_unknown) and `run-anvil schema` both read it, so what the validator
// accepts and what editors are told cannot drift. Internal to sidecars/.
namespace run_anvil::sidecars::detail {

struct KeySpec {
  std::string_view table;   // "" for the top level, else the table's name ("readiness")
  std::string_view key;     // the key inside that table
  std::string_view schema;  // JSON Schema of the value, as JSON text
  std::string_view doc;     // one line for editors
  // Parses and validates the key (or, for a table, the whole table) into Section::def().
  // nullptr: parsed by the hand-written code of parse.cc / parse_tables.cc.
  void (*parse)(Section&) = nullptr;
};

std::span<const KeySpec> definition_keys();
// The keys of one table, in table order.
std::vector<std::string_view> keys_of(std::string_view table);
// Runs every KeySpec::parse of `table` on `s` (the section of that table).
void parse_table_keys(Section& s, std::string_view table);

// SPEC §12 parsers (parse_service.cc).
void parse_user(Section& s);
void parse_working_dir(Section& s);
void parse_init(Section& s);
void parse_shm_size(Section& s);
void parse_tmpfs(Section& s);
void parse_cap_add(Section& s);
void parse_cap_drop(Section& s);
void parse_extra_hosts(Section& s);
void parse_env_file(Section& s);
void parse_ports(Section& s);
void parse_ulimits(Section& s);
void parse_labels(Section& s);
void parse_healthcheck(Section& s);
void parse_gpus(Section& s);
// SPEC §13: readiness.path, status (http), pattern, occurrences (log); after readiness.mode.
void parse_readiness_modes(Section& s);

}  // namespace run_anvil::sidecars::detail
