#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

// The command line as data: every subcommand and every option once, with its help text. The
// parser (cli.cc), `--help`, the shell completions and the man page (completions.cc) are all
// built from these tables, so they cannot disagree.
namespace run_anvil::launcher {

enum class OptionId {
  UserSidecars,
  OrgSidecars,
  RepoSidecars,
  WorkspaceSidecars,
  Workspace,
  AnvilImage,
  Approvals,
  NoPrompt,
  Providers,
  Progress,
  Quiet,
  Verbose,
  Harness,
  Recreate,
  Json,
  All,
  Fix,
  Force,
  Volumes,
  To,
  Follow,
  Tail,
};

struct OptionSpec {
  OptionId id;
  std::string_view names;  // CLI11 form: "-q,--quiet" or "--repo-sidecars"
  std::string_view value;  // what the value is ("DIR"); empty for a flag
  std::string_view help;
  std::vector<std::string_view> choices;  // the only values accepted; empty: any
  // What shells complete the value with: "dir", "file", "sidecar" (a declared name), "".
  std::string_view completes;
};

struct CommandSpec {
  std::string_view name;          // "" for the default action (run)
  std::string_view synopsis;      // after "run-anvil "
  std::string_view help;          // one line
  std::vector<OptionId> options;  // its own options, beyond the discovery options
  std::string_view positional;    // e.g. "NAME"; empty when it takes none
  std::string_view positional_help;
  bool positional_required = false;
  bool takes_anvil = false;  // the harness command after --
  bool hidden = false;       // not listed in --help (completion, manpage)
};

// Every option, in the order --help lists them.
std::span<const OptionSpec> option_table();
const OptionSpec& option(OptionId id);
// The options every definition-discovering command accepts (SPEC §2's table).
std::span<const OptionId> discovery_options();
// Every command, the default action (name "") first.
std::span<const CommandSpec> command_table();
// The visible subcommand names, in table order.
std::vector<std::string> subcommand_names();

}  // namespace run_anvil::launcher
