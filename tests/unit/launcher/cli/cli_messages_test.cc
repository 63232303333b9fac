// Golden text of every usage message the command line gives (issue 16): each names what was
// wrong, the valid choices and, for a near miss, what was probably meant.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "run_anvil/errors.h"
#include "run_anvil/launcher/cli/cli.h"
#include "run_anvil/launcher/cli/cli_spec.h"
#include "run_anvil/launcher/cli/completions.h"
#include "run_anvil/launcher/os/process.h"

namespace run_anvil::launcher {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

std::optional<std::string> no_env(const std::string&) { return std::nullopt; }

std::string usage_error(std::vector<std::string> argv) {
  argv.insert(argv.begin(), "run-anvil");
  try {
    parse_command_line(argv, no_env);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}

Options parse(std::vector<std::string> argv) {
  argv.insert(argv.begin(), "run-anvil");
  return *parse_command_line(argv, no_env);
}

// Everything --help prints for argv.
std::string help_of(std::vector<std::string> argv) {
  argv.insert(argv.begin(), "run-anvil");
  std::ostringstream captured;
  auto* old = std::cout.rdbuf(captured.rdbuf());
  auto result = parse_command_line(argv, no_env);
  std::cout.rdbuf(old);
  EXPECT_FALSE(result.has_value());
  return captured.str();
}

constexpr const char* kRunHint =
    "put the harness command after --, e.g. run-anvil [OPTIONS] -- docker run --rm "
    "my-harness:dev";

TEST(CliMessagesTest, ForgottenDashesNamesTheFirstHarnessWordNotAReversedArgv) {
  EXPECT_EQ(usage_error({"docker", "run", "--rm", "--network", "ux-agents", "img:1", "true"}),
            std::string("\"docker\" is not a run-anvil command: ") + kRunHint);
}

TEST(CliMessagesTest, UnknownCommandSuggestsTheClosestAndListsThemAll) {
  EXPECT_EQ(usage_error({"staus"}),
            std::string("unknown command \"staus\" (did you mean \"status\"?); the commands are "
                        "plan, validate, status, doctor, down, logs, stop, start, restart, import, "
                        "schema. To run a harness, ") +
                kRunHint);
  EXPECT_EQ(usage_error({"ps"}),
            std::string("unknown command \"ps\"; the commands are plan, validate, status, "
                        "doctor, down, logs, stop, start, restart, import, schema. To run a "
                        "harness, ") +
                kRunHint);
}

TEST(CliMessagesTest, OptionTypoAfterASubcommandSuggestsItsOption) {
  EXPECT_EQ(usage_error({"status", "--jsn"}),
            "unknown option \"--jsn\" for run-anvil status (did you mean \"--json\"?); "
            "`run-anvil status --help` lists its options");
}

TEST(CliMessagesTest, OptionTypoBeforeTheCommandSuggestsALayerOption) {
  EXPECT_EQ(usage_error({"--repo-sidecar", "x", "--", "docker", "run", "i"}),
            "unknown option \"--repo-sidecar\" for run-anvil (did you mean \"--repo-sidecars\"?); "
            "`run-anvil --help` lists its options");
}

TEST(CliMessagesTest, HarnessAfterPlanWithoutDashesSaysWhereItGoes) {
  EXPECT_EQ(usage_error({"plan", "docker", "run", "img"}),
            "run-anvil plan takes no argument (got \"docker\"): put the harness command after "
            "--, e.g. run-anvil plan [OPTIONS] -- docker run --rm my-harness:dev");
}

TEST(CliMessagesTest, VerbsThatNeedANameSaySo) {
  EXPECT_EQ(usage_error({"stop"}),
            "run-anvil stop needs NAME (Sidecars to stop); `run-anvil status` lists the sidecars");
  EXPECT_EQ(usage_error({"logs"}),
            "run-anvil logs needs NAME (The sidecar); `run-anvil status` lists the sidecars");
}

TEST(CliMessagesTest, MissingExplicitLayerDirectoryIsAUsageErrorWithDidYouMean) {
  auto dir = fs::temp_directory_path() / ("ra-cli-" + std::to_string(::getpid()));
  fs::create_directories(dir / "sidecars");
  std::string missing = (dir / "sidecar").string();
  EXPECT_EQ(usage_error({"--repo-sidecars", missing, "--", "true"}),
            "--repo-sidecars " + missing + ": no such directory (did you mean \"" +
                (dir / "sidecars").string() +
                "\"?); a directory given explicitly must exist (leave the option out for the "
                "default)");
  EXPECT_THAT(usage_error({"validate", "--workspace", (dir / "nope").string()}),
              HasSubstr("--workspace " + (dir / "nope").string() + ": no such directory"));
  std::ofstream(dir / "file") << "x";
  EXPECT_EQ(usage_error({"status", "--org-sidecars", (dir / "file").string()}),
            "--org-sidecars " + (dir / "file").string() + ": not a directory");
  fs::remove_all(dir);
}

TEST(CliMessagesTest, NoHarnessCommandAndStrayHarnessCommand) {
  EXPECT_EQ(usage_error({}), std::string("no harness command: ") + kRunHint);
  EXPECT_EQ(usage_error({"validate", "--", "docker", "run", "x"}),
            "run-anvil validate takes no harness command after --");
}

TEST(CliMessagesTest, ProgressAndHarnessChoicesAreChecked) {
  EXPECT_THAT(usage_error({"--progress", "fancy", "--", "true"}),
              HasSubstr("--progress: fancy not in {auto,tty,plain,json}"));
  EXPECT_EQ(parse({"--progress", "json", "--", "true"}).progress, ProgressMode::Json);
  EXPECT_EQ(parse({"status", "--progress=plain"}).progress, ProgressMode::Plain);
}

TEST(CliTest, LayerOptionsWorkAfterTheSubcommandAndInItsHelp) {
  auto o = parse({"status", "--all", "--user-sidecars", "/", "-q"});
  EXPECT_EQ(o.command, Command::Status);
  EXPECT_TRUE(o.all);
  EXPECT_EQ(o.dirs.user, "/");
  EXPECT_EQ(o.verbosity, Verbosity::Quiet);
  std::string help = help_of({"status", "--help"});
  for (const auto& spec : option_table()) {
    bool expected = spec.id != OptionId::Harness && spec.id != OptionId::Recreate &&
                    spec.id != OptionId::Fix && spec.id != OptionId::Force &&
                    spec.id != OptionId::Follow && spec.id != OptionId::Tail &&
                    spec.id != OptionId::Volumes && spec.id != OptionId::To;
    std::string names(spec.names);
    std::string long_name = names.substr(names.find("--"));
    EXPECT_EQ(help.find(long_name) != std::string::npos, expected) << long_name << "\n" << help;
  }
}

TEST(CliTest, EverySubcommandHelpListsTheLayerOptions) {
  for (const auto& name : subcommand_names()) {
    std::string help = help_of({name, "--help"});
    for (const char* o : {"--user-sidecars", "--org-sidecars", "--repo-sidecars",
                          "--workspace-sidecars", "--workspace", "--approvals", "--no-prompt",
                          "--providers", "--progress", "--quiet", "--verbose"}) {
      EXPECT_THAT(help, HasSubstr(o)) << name;
    }
  }
}

TEST(CliTest, RootHelpListsEveryVisibleCommand) {
  std::string help = help_of({"--help"});
  for (const auto& c : command_table()) {
    if (!c.hidden) {
      EXPECT_THAT(help, HasSubstr("run-anvil " + std::string(c.synopsis)));
    }
  }
  EXPECT_THAT(help, Not(HasSubstr("manpage")));
}

TEST(CliTest, OperatingVerbsTakeNames) {
  auto logs = parse({"logs", "pg", "-f", "--tail", "20"});
  EXPECT_EQ(logs.command, Command::Logs);
  EXPECT_EQ(logs.names, std::vector<std::string>{"pg"});
  EXPECT_TRUE(logs.follow);
  EXPECT_EQ(logs.tail, 20);
  EXPECT_EQ(parse({"restart", "pg", "redis"}).names, (std::vector<std::string>{"pg", "redis"}));
  EXPECT_EQ(parse({"start", "pg"}).command, Command::Start);
  EXPECT_EQ(parse({"stop", "pg"}).command, Command::Stop);
  EXPECT_TRUE(parse({"down", "pg", "--force"}).force);
  EXPECT_THAT(usage_error({"logs", "pg", "--tail", "-3"}), HasSubstr("--tail"));
}

// Issue 12's `down --volumes` and issue 14's `import`/`schema` are rows of the same tables.
TEST(CliTest, DownVolumesImportAndSchemaComeFromTheTables) {
  auto down = parse({"down", "pg", "--volumes"});
  EXPECT_EQ(down.command, Command::Down);
  EXPECT_TRUE(down.volumes);
  EXPECT_EQ(down.names, std::vector<std::string>{"pg"});
  EXPECT_FALSE(parse({"down"}).volumes);
  auto import = parse({"import", "compose.yml", "db", "cache", "--to", "/tmp"});
  EXPECT_EQ(import.command, Command::Import);
  EXPECT_EQ(import.compose_file, "compose.yml");
  EXPECT_EQ(import.services, (std::vector<std::string>{"db", "cache"}));
  EXPECT_EQ(import.import_to, "/tmp");
  EXPECT_TRUE(import.names.empty());
  EXPECT_TRUE(parse({"import", "compose.yml"}).services.empty());
  EXPECT_EQ(parse({"schema"}).command, Command::Schema);
  EXPECT_EQ(usage_error({"import"}),
            "run-anvil import needs COMPOSE_FILE (The compose file, then the services to import "
            "(default: all))");
  EXPECT_THAT(usage_error({"improt", "x.yml"}),
              HasSubstr("unknown command \"improt\" (did you mean \"import\"?)"));
  EXPECT_THAT(usage_error({"schem"}), HasSubstr("(did you mean \"schema\"?)"));
  EXPECT_EQ(usage_error({"down", "--volume"}),
            "unknown option \"--volume\" for run-anvil down (did you mean \"--volumes\"?); "
            "`run-anvil down --help` lists its options");
  EXPECT_THAT(usage_error({"import", "x.yml", "--too", "d"}),
              HasSubstr("(did you mean \"--to\"?)"));
  EXPECT_THAT(help_of({"down", "--help"}), HasSubstr("--volumes"));
  EXPECT_THAT(help_of({"import", "--help"}), HasSubstr("--to DIR"));
  EXPECT_THAT(help_of({"--help"}), HasSubstr("run-anvil schema"));
  EXPECT_THAT(man_page(), HasSubstr("\\-\\-volumes"));
  EXPECT_THAT(man_page(), HasSubstr("import"));
}

TEST(CliTest, WorkspaceWithTrailingSlashNeverPrintsADoubleSlash) {
  auto o = parse({"validate", "--workspace", "/tmp/"});
  EXPECT_EQ(o.workspace, "/tmp");
  EXPECT_EQ(*o.dirs.workspace, "/tmp/.swarmforge/sidecars");
}

TEST(CompletionTest, ScriptsAndManPageComeFromTheTables) {
  for (const char* shell : {"bash", "zsh", "fish"}) {
    std::string script = completion_script(shell);
    for (const auto& spec : option_table()) {
      std::string names(spec.names);
      std::string long_name = names.substr(names.find("--"));
      std::string written = std::string(shell) == "fish" ? "-l " + long_name.substr(2) : long_name;
      EXPECT_THAT(script, HasSubstr(written)) << shell;
    }
    for (const auto& name : subcommand_names()) EXPECT_THAT(script, HasSubstr(name)) << shell;
  }
  EXPECT_EQ(completion_script("tcsh"), "");
  std::string man = man_page();
  EXPECT_THAT(man, HasSubstr(".TH RUN-ANVIL 1"));
  EXPECT_THAT(man, HasSubstr("\\-\\-repo\\-sidecars"));
  EXPECT_THAT(man, HasSubstr("\\-\\-progress"));
  EXPECT_THAT(man, HasSubstr("logs [OPTIONS] NAME"));
}

// The README is the user's manual: every option and command --help shows is documented there.
TEST(CliTest, ReadmeAndHelpAgree) {
  std::ifstream in(std::string(RUN_ANVIL_TEST_DATA) + "/../../README.md");
  ASSERT_TRUE(in) << "README.md not found";
  std::string readme((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const auto& spec : option_table()) {
    std::string names(spec.names);
    EXPECT_THAT(readme, HasSubstr(names.substr(names.find("--")))) << "README lacks an option";
  }
  for (const auto& c : command_table()) {
    if (c.hidden || c.name.empty()) continue;
    EXPECT_THAT(readme, HasSubstr("run-anvil " + std::string(c.name))) << "README lacks a command";
  }
}

int exited(int code) { return code << 8; }  // a waitpid status for exit(code)
int killed(int signo) { return signo; }     // ... for death by signal `signo`

TEST(ExitCodeAfterTest, AfterCtrlCTheHarnessesOwnStatusWins) {
  EXPECT_EQ(exit_code_after(killed(SIGKILL), SIGINT), 137);
  EXPECT_EQ(exit_code_after(exited(3), SIGINT), 3);
  EXPECT_EQ(exit_code_after(killed(SIGINT), SIGINT), 130);
  EXPECT_EQ(exit_code_after(exited(0), SIGINT), 130);  // an interrupted run never says success
  EXPECT_EQ(exit_code_after(exited(0), SIGTERM), 143);
  EXPECT_EQ(exit_code_after(exited(7), 0), 7);
  EXPECT_EQ(exit_code_after(killed(SIGKILL), 0), 137);
}

}  // namespace
}  // namespace run_anvil::launcher
