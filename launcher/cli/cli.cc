#include "run_anvil/launcher/cli/cli.h"

#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>

#include "run_anvil/errors.h"
#include "run_anvil/launcher/cli/cli_spec.h"
#include "run_anvil/sidecars/text/suggest.h"

namespace run_anvil::launcher {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDescription =
    "run-anvil: start or reuse the sidecars your harness needs, wait until they are ready, wire\n"
    "them into its network, inject their coordinates, then run the harness in the foreground.\n"
    "\n"
    "Sidecars are TOML files, one per sidecar, in four layers (lowest precedence first):\n"
    "user (~/.swarmforge/sidecars), org, repo, workspace (<workspace>/.swarmforge/sidecars).\n"
    "With no sidecar declared, the command after -- is exec'd untouched.\n"
    "Exit codes: the harness's own; 1 launcher failure; 2 usage; 127 cannot execute;\n"
    "130 Ctrl-C (or the harness's own status once it exits after it); 128+N terminated by\n"
    "signal N. `run-anvil COMMAND --help` lists a command's options.";

// The root usage line lists every command from the table, so --help shows them all.
std::string description() {
  std::string out = kDescription;
  out += "\n\n";
  for (const auto& c : command_table()) {
    if (c.hidden) continue;
    std::string line = "  run-anvil " + std::string(c.synopsis);
    line.resize(std::max<std::size_t>(line.size() + 2, 48), ' ');
    out += line + std::string(c.help) + "\n";
  }
  out.pop_back();
  return out;
}

std::string absolute_path(const std::string& p) {
  std::error_code ec;
  auto abs = std::filesystem::absolute(p, ec);
  std::string out = ec ? p : abs.lexically_normal().string();
  // "ws/" and "ws" are one workspace; a trailing slash would print as "ws//.swarmforge".
  while (out.size() > 1 && out.ends_with('/')) out.pop_back();
  return out;
}

std::string join_path(const std::string& dir, const std::string& leaf) {
  return dir.ends_with('/') ? dir + leaf : dir + "/" + leaf;
}

std::string default_user_assets(const EnvLookup& env) {
  if (auto dir = env("SWARMFORGE_USER_ASSETS_DIR"); dir && !dir->empty()) return *dir;
  auto home = env("HOME");
  return join_path(home && !home->empty() ? *home : std::string("/"), ".swarmforge");
}

struct Raw {
  std::string user, org, repo, workspace_layer, workspace, approvals, providers;
  std::string progress = "auto";
  bool quiet = false;
  bool verbose = false;
};

std::string choices_text(const OptionSpec& spec) {
  std::string out;
  for (auto c : spec.choices) out += (out.empty() ? "" : "|") + std::string(c);
  return out;
}

// Binds one table entry to where its value goes.
CLI::Option* bind(CLI::App& app, const OptionSpec& spec, Raw& raw, Options& o) {
  std::string names(spec.names), help(spec.help);
  auto value = [&](std::string& target) { return app.add_option(names, target, help); };
  CLI::Option* opt = nullptr;
  switch (spec.id) {
    case OptionId::UserSidecars:
      opt = value(raw.user);
      break;
    case OptionId::OrgSidecars:
      opt = value(raw.org);
      break;
    case OptionId::RepoSidecars:
      opt = value(raw.repo);
      break;
    case OptionId::WorkspaceSidecars:
      opt = value(raw.workspace_layer);
      break;
    case OptionId::Workspace:
      opt = value(raw.workspace);
      break;
    case OptionId::AnvilImage:
      opt = value(o.anvil_image);
      break;
    case OptionId::Approvals:
      opt = value(raw.approvals);
      break;
    case OptionId::Providers:
      opt = value(raw.providers);
      break;
    case OptionId::Progress:
      opt = value(raw.progress);
      break;
    case OptionId::Harness:
      opt = value(o.harness);
      break;
    case OptionId::Recreate:
      opt = app.add_option(names, o.recreate, help);
      break;
    case OptionId::Tail:
      opt = app.add_option(names, o.tail, help)->check(CLI::NonNegativeNumber);
      break;
    case OptionId::NoPrompt:
      opt = app.add_flag(names, o.no_prompt, help);
      break;
    case OptionId::Quiet:
      opt = app.add_flag(names, raw.quiet, help);
      break;
    case OptionId::Verbose:
      opt = app.add_flag(names, raw.verbose, help);
      break;
    case OptionId::Json:
      opt = app.add_flag(names, o.json, help);
      break;
    case OptionId::All:
      opt = app.add_flag(names, o.all, help);
      break;
    case OptionId::Fix:
      opt = app.add_flag(names, o.fix, help);
      break;
    case OptionId::Force:
      opt = app.add_flag(names, o.force, help);
      break;
    case OptionId::Volumes:
      opt = app.add_flag(names, o.volumes, help);
      break;
    case OptionId::To:
      opt = value(o.import_to);
      break;
    case OptionId::Follow:
      opt = app.add_flag(names, o.follow, help);
      break;
  }
  if (!spec.value.empty()) opt->type_name(spec.value.data());
  if (!spec.choices.empty()) {
    std::vector<std::string> choices(spec.choices.begin(), spec.choices.end());
    // The choices are in the type name already; CLI11 would repeat them as "{a,b}".
    opt->check(CLI::IsMember(choices).description(""))->type_name(choices_text(spec));
  }
  return opt;
}

// The options a command accepts, discovery options first (as SPEC §2 lists them).
std::vector<OptionId> accepted(const CommandSpec& c) {
  std::vector<OptionId> out;
  if (!c.hidden) out.assign(discovery_options().begin(), discovery_options().end());
  out.insert(out.end(), c.options.begin(), c.options.end());
  return out;
}

std::optional<Command> command_named(std::string_view name) {
  static const std::map<std::string_view, Command> by_name{{"", Command::Run},
                                                           {"plan", Command::Plan},
                                                           {"validate", Command::Validate},
                                                           {"status", Command::Status},
                                                           {"doctor", Command::Doctor},
                                                           {"down", Command::Down},
                                                           {"import", Command::Import},
                                                           {"schema", Command::Schema},
                                                           {"logs", Command::Logs},
                                                           {"stop", Command::Stop},
                                                           {"start", Command::Start},
                                                           {"restart", Command::Restart},
                                                           {"completion", Command::Completion},
                                                           {"manpage", Command::Manpage}};
  auto it = by_name.find(name);
  return it == by_name.end() ? std::nullopt : std::optional(it->second);
}

// The parser, built from the tables: each subcommand carries every option it accepts, so its
// --help shows them all (the layer options included).
struct Parser {
  CLI::App app{description(), "run-anvil"};
  std::map<const CLI::App*, const CommandSpec*> spec_of;
  std::string logs_name;

  Parser(Raw& raw, Options& o) {
    app.fallthrough();
    app.require_subcommand(0, 1);
    app.set_version_flag("--version", kVersionLine, "Print the version and exit");
    for (const auto& c : command_table()) {
      CLI::App* target = &app;
      if (!c.name.empty()) {
        target = app.add_subcommand(std::string(c.name), std::string(c.help));
        if (c.hidden) target->group("");
      }
      spec_of[target] = &c;
      for (OptionId id : accepted(c)) bind(*target, option(id), raw, o);
      add_positional(*target, c, o);
    }
  }

  void add_positional(CLI::App& sub, const CommandSpec& c, Options& o) {
    if (c.positional.empty()) return;
    std::string name(c.positional), help(c.positional_help);
    CLI::Option* opt = nullptr;
    if (c.name == "logs") {
      opt = sub.add_option(name, logs_name, help);
    } else if (c.name == "completion") {
      opt = sub.add_option(name, o.shell, help)->check(CLI::IsMember({"bash", "zsh", "fish"}));
    } else {
      opt = sub.add_option(name, o.names, help);
    }
    if (c.positional_required) opt->required();
  }

  const CommandSpec& parsed_command() const {
    for (const auto& [app_ptr, spec] : spec_of) {
      if (app_ptr != &app && app_ptr->parsed()) return *spec;
    }
    return *spec_of.at(&app);
  }
};

// --- Explaining what CLI11 rejected, in the user's words --------------------------------------

std::string command_words(const CommandSpec& c) {
  return c.name.empty() ? "run-anvil" : "run-anvil " + std::string(c.name);
}

std::vector<std::string> long_names(const CommandSpec& c) {
  std::vector<std::string> out{"--help"};
  for (OptionId id : accepted(c)) {
    std::string names(option(id).names);
    auto comma = names.find(',');
    out.push_back(comma == std::string::npos ? names : names.substr(comma + 1));
    if (comma != std::string::npos) out.push_back(names.substr(0, comma));
  }
  return out;
}

std::string commands_list() {
  std::string out;
  for (const auto& n : subcommand_names()) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string put_after_dashes(const CommandSpec& c) {
  return "put the harness command after --, e.g. " + command_words(c) +
         " [OPTIONS] -- docker run --rm my-harness:dev";
}

bool looks_like_harness(const std::string& word) {
  return word == "docker" || word == "podman" || word == "nerdctl" || word.find('/') != word.npos;
}

std::string unknown_option(const std::string& name, const CommandSpec& c) {
  return "unknown option \"" + name + "\" for " + command_words(c) +
         sidecars::did_you_mean(name, long_names(c)) + "; `" + command_words(c) +
         " --help` lists its options";
}

std::string unknown_command(const std::string& word, const CommandSpec& root) {
  // "docker" is one edit from "doctor", but it is the harness command every time.
  if (looks_like_harness(word)) {
    return "\"" + word + "\" is not a run-anvil command: " + put_after_dashes(root);
  }
  return "unknown command \"" + word + "\"" + sidecars::did_you_mean(word, subcommand_names()) +
         "; the commands are " + commands_list() + ". To run a harness, " + put_after_dashes(root);
}

const CLI::Option* find_option(const Parser& p, const CLI::App* current, const std::string& name) {
  if (const CLI::Option* o = current->get_option_no_throw(name)) return o;
  return p.app.get_option_no_throw(name);  // fallthrough to the root's options
}

CLI::App* find_subcommand(const Parser& p, const std::string& word) {
  for (const auto& [app_ptr, spec] : p.spec_of) {
    if (app_ptr != &p.app && spec->name == word) return const_cast<CLI::App*>(app_ptr);
  }
  return nullptr;
}

// Walks the arguments as the user wrote them (CLI11 reports its leftovers reversed) to name the
// first one that is wrong. "" when nothing stands out: CLI11's own message is used then.
std::string explain(const Parser& p, const std::vector<std::string>& own) {
  const CLI::App* current = &p.app;
  for (std::size_t i = 0; i < own.size(); ++i) {
    const std::string& word = own[i];
    const CommandSpec& spec = *p.spec_of.at(current);
    if (word.size() > 1 && word[0] == '-') {
      std::string name = word.substr(0, word.find('='));
      const CLI::Option* opt = find_option(p, current, name);
      if (!opt) return unknown_option(name, spec);
      if (word.find('=') == std::string::npos && opt->get_items_expected_min() > 0) ++i;
      continue;
    }
    if (current == &p.app) {
      if (const CLI::App* sub = find_subcommand(p, word)) {
        current = sub;
        continue;
      }
      return unknown_command(word, spec);
    }
    if (!spec.positional.empty()) continue;
    std::string what = command_words(spec) + " takes no argument (got \"" + word + "\")";
    return spec.takes_anvil ? what + ": " + put_after_dashes(spec) : what;
  }
  return "";
}

std::string message_for(const CLI::ParseError& e, const Parser& p,
                        const std::vector<std::string>& own) {
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
    if (auto why = explain(p, own); !why.empty()) return why;
  }
  if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr) {
    const CommandSpec& c = p.parsed_command();
    if (!c.positional.empty()) {
      std::string need = command_words(c) + " needs " + std::string(c.positional) + " (" +
                         std::string(c.positional_help) + ")";
      return c.positional == "NAME" ? need + "; `run-anvil status` lists the sidecars" : need;
    }
  }
  return e.what();
}

// --- After parsing -------------------------------------------------------------------------

bool is_dir(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Sibling directories of a missing one, for "did you mean".
std::vector<std::string> sibling_dirs(const std::string& path) {
  std::vector<std::string> out;
  fs::path parent = fs::path(path).parent_path();
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(parent.empty() ? "." : parent, ec)) {
    if (!entry.is_directory(ec)) continue;
    out.push_back(parent.empty() ? entry.path().filename().string()
                                 : (parent / entry.path().filename()).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A directory typed on the command line must exist: a typo would otherwise silently run the
// harness with no sidecars at all.
void require_directory(const char* option_name, const std::string& path) {
  if (path.empty() || is_dir(path)) return;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    throw UsageError(std::string(option_name) + " " + path + ": not a directory");
  }
  std::string hint = sidecars::did_you_mean(path, sibling_dirs(path));
  throw UsageError(std::string(option_name) + " " + path + ": no such directory" + hint +
                   "; a directory given explicitly must exist (leave the option out for the "
                   "default)");
}

void finish_options(const Raw& raw, Options& o, const EnvLookup& env) {
  if (raw.quiet && raw.verbose) throw UsageError("--quiet and --verbose exclude each other");
  o.verbosity = raw.quiet ? Verbosity::Quiet : raw.verbose ? Verbosity::Verbose : Verbosity::Normal;
  o.progress = raw.progress == "tty"     ? ProgressMode::Tty
               : raw.progress == "plain" ? ProgressMode::Plain
               : raw.progress == "json"  ? ProgressMode::Json
                                         : ProgressMode::Auto;
  require_directory("--user-sidecars", raw.user);
  require_directory("--org-sidecars", raw.org);
  require_directory("--repo-sidecars", raw.repo);
  require_directory("--workspace-sidecars", raw.workspace_layer);
  require_directory("--workspace", raw.workspace);
  o.user_assets = default_user_assets(env);
  o.workspace = absolute_path(raw.workspace.empty() ? "." : raw.workspace);
  o.dirs.user = raw.user.empty() ? join_path(o.user_assets, "sidecars") : raw.user;
  if (!raw.org.empty()) o.dirs.org = raw.org;
  if (!raw.repo.empty()) o.dirs.repo = raw.repo;
  o.dirs.workspace = raw.workspace_layer.empty() ? join_path(o.workspace, ".swarmforge/sidecars")
                                                 : raw.workspace_layer;
  o.approvals = raw.approvals.empty() ? join_path(o.user_assets, "approvals.json") : raw.approvals;
  o.providers =
      raw.providers.empty() ? join_path(o.user_assets, "secret-providers.toml") : raw.providers;
}

void check_anvil(const Options& o, const CommandSpec& c, bool has_anvil) {
  if (c.takes_anvil && o.anvil_argv.empty()) {
    throw UsageError("no harness command: " + put_after_dashes(c));
  }
  if (!c.takes_anvil && has_anvil) {
    throw UsageError(command_words(c) + " takes no harness command after --");
  }
}

}  // namespace

const char* const kVersionLine = "run-anvil " RUN_ANVIL_VERSION;

std::optional<Options> parse_command_line(const std::vector<std::string>& argv,
                                          const EnvLookup& env) {
  Options o;
  auto dashes = std::find(argv.begin() + (argv.empty() ? 0 : 1), argv.end(), "--");
  bool has_anvil = dashes != argv.end();
  if (has_anvil) o.anvil_argv.assign(dashes + 1, argv.end());

  Raw raw;
  Parser parser(raw, o);
  const std::vector<std::string> own(argv.begin() + (argv.empty() ? 0 : 1), dashes);
  std::vector<std::string> reversed(own.rbegin(), own.rend());  // CLI11 parses a reversed vector
  try {
    parser.app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    std::cout << parser.app.help();
    return std::nullopt;
  } catch (const CLI::CallForVersion&) {
    std::cout << kVersionLine << "\n";
    return std::nullopt;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << parser.app.help("", CLI::AppFormatMode::All);
    return std::nullopt;
  } catch (const CLI::ParseError& e) {
    throw UsageError(message_for(e, parser, own));
  }
  const CommandSpec& spec = parser.parsed_command();
  o.command = *command_named(spec.name);
  if (o.command == Command::Logs) o.names = {parser.logs_name};
  if (o.command == Command::Import) {
    // One table row holds both positionals: the compose file, then the services to import.
    o.compose_file = o.names.front();
    o.services.assign(o.names.begin() + 1, o.names.end());
    o.names.clear();
  }
  finish_options(raw, o, env);
  check_anvil(o, spec, has_anvil);
  return o;
}

}  // namespace run_anvil::launcher
