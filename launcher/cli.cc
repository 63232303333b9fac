#include "run_anvil/launcher/cli.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "run_anvil/errors.h"

namespace run_anvil::launcher {
namespace {

constexpr const char* kDescription =
    "run-anvil: start or reuse the sidecars your harness needs, wait until they are ready, wire\n"
    "them into its network, inject their coordinates, then run the harness in the foreground.\n"
    "\n"
    "  run-anvil [OPTIONS] -- docker run --rm -it my-harness:dev     run the harness\n"
    "  run-anvil plan [OPTIONS] -- docker run ...                     show what would happen\n"
    "  run-anvil validate [OPTIONS]                                   check every definition\n"
    "  run-anvil status [OPTIONS] [--json]                            managed sidecars, users\n"
    "  run-anvil doctor [OPTIONS] [--fix]                             find (and fix) problems\n"
    "  run-anvil down [OPTIONS] [NAME ...] [--force]                  stop and remove sidecars\n"
    "\n"
    "Sidecars are TOML files, one per sidecar, in four layers (lowest precedence first):\n"
    "user (~/.swarmforge/sidecars), org, repo, workspace (<workspace>/.swarmforge/sidecars).\n"
    "With no sidecar declared, the command after -- is exec'd untouched.\n"
    "Exit codes: the harness's own; 1 launcher failure; 2 usage; 127 cannot execute;\n"
    "130 Ctrl-C; 128+N terminated by signal N.";

std::string absolute_path(const std::string& p) {
  std::error_code ec;
  auto abs = std::filesystem::absolute(p, ec);
  return ec ? p : abs.lexically_normal().string();
}

std::string default_user_assets(EnvLookup env) {
  if (auto dir = env("SWARMFORGE_USER_ASSETS_DIR"); dir && !dir->empty()) return *dir;
  auto home = env("HOME");
  return (home && !home->empty() ? *home : std::string("/")) + "/.swarmforge";
}

struct Raw {
  std::string user, org, repo, workspace_layer, workspace, approvals, providers;
  bool quiet = false;
  bool verbose = false;
};

void add_discovery_options(CLI::App& app, Raw& raw, Options& o) {
  app.add_option("--user-sidecars", raw.user,
                 "User layer (default $SWARMFORGE_USER_ASSETS_DIR/sidecars, else "
                 "~/.swarmforge/sidecars)");
  app.add_option("--org-sidecars", raw.org, "Org layer (no default)");
  app.add_option("--repo-sidecars", raw.repo, "Repo layer (no default)");
  app.add_option("--workspace-sidecars", raw.workspace_layer,
                 "Workspace layer (default <workspace>/.swarmforge/sidecars); untrusted");
  app.add_option("--workspace", raw.workspace, "The workspace (default: current directory)");
  app.add_option("--anvil-image", o.anvil_image, "An image the TCP probe may use when it needs one");
  app.add_option("--approvals", raw.approvals,
                 "Approval store for workspace-layer sidecars (default <user assets>/approvals.json)");
  app.add_flag("--no-prompt", o.no_prompt, "Never prompt: an unapproved workspace sidecar fails");
  app.add_option("--providers", raw.providers,
                 "Secret provider table (default <user assets>/secret-providers.toml)");
  app.add_flag("-q,--quiet", raw.quiet, "Only errors on stderr");
  app.add_flag("-v,--verbose", raw.verbose, "More progress on stderr");
}

void finish_options(const Raw& raw, Options& o, EnvLookup env) {
  if (raw.quiet && raw.verbose) throw UsageError("--quiet and --verbose exclude each other");
  o.verbosity = raw.quiet ? Verbosity::Quiet : raw.verbose ? Verbosity::Verbose : Verbosity::Normal;
  o.user_assets = default_user_assets(env);
  o.workspace = absolute_path(raw.workspace.empty() ? "." : raw.workspace);
  o.dirs.user = raw.user.empty() ? o.user_assets + "/sidecars" : raw.user;
  if (!raw.org.empty()) o.dirs.org = raw.org;
  if (!raw.repo.empty()) o.dirs.repo = raw.repo;
  o.dirs.workspace =
      raw.workspace_layer.empty() ? o.workspace + "/.swarmforge/sidecars" : raw.workspace_layer;
  o.approvals = raw.approvals.empty() ? o.user_assets + "/approvals.json" : raw.approvals;
  o.providers = raw.providers.empty() ? o.user_assets + "/secret-providers.toml" : raw.providers;
}

}  // namespace

std::optional<std::string> process_env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::optional<std::string>(v) : std::nullopt;
}

std::optional<Options> parse_command_line(const std::vector<std::string>& argv, EnvLookup env) {
  Options o;
  auto dashes = std::find(argv.begin() + (argv.empty() ? 0 : 1), argv.end(), "--");
  bool has_anvil = dashes != argv.end();
  if (has_anvil) o.anvil_argv.assign(dashes + 1, argv.end());

  CLI::App app{kDescription, "run-anvil"};
  app.fallthrough();
  app.require_subcommand(0, 1);
  Raw raw;
  add_discovery_options(app, raw, o);
  app.add_option("--harness", o.harness,
                 "Write the MCP config of the mcp sidecars for this harness and mount it into "
                 "the anvil")
      ->check(CLI::IsMember({"claude", "opencode"}))
      ->type_name("claude|opencode");
  app.add_option("--recreate", o.recreate, "Recreate this shared sidecar even if it is up to date")
      ->type_name("NAME");
  auto* plan = app.add_subcommand("plan", "Print what would happen; touch nothing");
  plan->add_flag("--json", o.json, "Machine-readable plan on stdout");
  app.add_subcommand("validate", "Check every discovered definition; exit 0 or 1");
  auto* status = app.add_subcommand("status", "Managed sidecars: running, ready, stale, users");
  status->add_flag("--json", o.json, "Machine-readable status on stdout");
  auto* doctor = app.add_subcommand("doctor", "Find orphans, stale and conflicting sidecars");
  doctor->add_flag("--fix", o.fix, "Fix what is safe to fix, and say what was done");
  auto* down = app.add_subcommand("down", "Stop and remove shared sidecars");
  down->add_option("names", o.names, "Sidecars to remove (default: all discovered)");
  down->add_flag("--force", o.force, "Remove even if a running anvil uses it");

  std::vector<std::string> own(argv.begin() + (argv.empty() ? 0 : 1), dashes);
  std::reverse(own.begin(), own.end());  // CLI11 parses a reversed vector
  try {
    app.parse(own);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return std::nullopt;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help("", CLI::AppFormatMode::All);
    return std::nullopt;
  } catch (const CLI::ParseError& e) {
    std::string hint;
    if (dynamic_cast<const CLI::ExtrasError*>(&e) && !has_anvil) {
      hint = " (put the harness command after --, e.g. run-anvil -- docker run ...)";
    }
    throw UsageError(e.what() + hint);
  }
  if (plan->parsed()) o.command = Command::Plan;
  if (app.got_subcommand("validate")) o.command = Command::Validate;
  if (status->parsed()) o.command = Command::Status;
  if (doctor->parsed()) o.command = Command::Doctor;
  if (down->parsed()) o.command = Command::Down;
  finish_options(raw, o, env);

  bool needs_anvil = o.command == Command::Run || o.command == Command::Plan;
  if (needs_anvil && o.anvil_argv.empty()) {
    throw UsageError("no harness command: put it after --, e.g. run-anvil -- docker run --rm "
                     "my-harness:dev");
  }
  if (!needs_anvil && has_anvil) {
    throw UsageError("this subcommand takes no harness command after --");
  }
  return o;
}

}  // namespace run_anvil::launcher
