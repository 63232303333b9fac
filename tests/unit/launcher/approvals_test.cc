#include "run_anvil/launcher/approvals.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "fake_terminal.h"
#include "run_anvil/errors.h"
#include "run_anvil/sidecars/config_hash.h"

namespace run_anvil::launcher {
namespace {

namespace fs = std::filesystem;
using fakes::FakeTerminal;
using sidecars::Definition;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "approvals-test-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data()) ? pattern : throw std::runtime_error("mkdtemp failed");
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  fs::path path() const { return path_; }

 private:
  fs::path path_;
};

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 ? st.st_mode & 07777 : 0xFFFFFFFF;
}

Definition workspace_sidecar(const std::string& name = "pg") {
  Definition d;
  d.name = name;
  d.layer = sidecars::Layer::Workspace;
  d.file = "/ws/.swarmforge/sidecars/" + name + ".toml";
  d.lifecycle = sidecars::Lifecycle::Shared;
  d.image = "postgres:16";
  d.restart = "unless-stopped";
  d.interface.kind = sidecars::InterfaceKind::Port;
  d.interface.port = 5432;
  return d;
}

class ApprovalGateTest : public ::testing::Test {
 protected:
  ApprovalRequest request(bool no_prompt = false) const {
    return {(tmp.path() / "ws").string(), store_path(), no_prompt};
  }
  std::string store_path() const { return (tmp.path() / "assets" / "approvals.json").string(); }
  void gate(const std::vector<Definition>& defs, const ApprovalRequest& req) {
    require_approval(defs, req, terminal, [this](const std::string& w) { warnings.push_back(w); });
  }
  void gate(const std::vector<Definition>& defs) { gate(defs, request()); }
  // The message of the Error the gate throws; fails the test when it does not throw.
  std::string gate_error(const std::vector<Definition>& defs, const ApprovalRequest& req) {
    try {
      gate(defs, req);
    } catch (const Error& e) {
      EXPECT_EQ(e.exit_code(), exit_codes::kLauncherFailure);
      return e.what();
    }
    ADD_FAILURE() << "require_approval did not throw";
    return "";
  }
  std::string canonical_workspace() const {
    return fs::weakly_canonical(tmp.path() / "ws").string();
  }

  TempDir tmp;
  FakeTerminal terminal;
  std::vector<std::string> warnings;
};

TEST_F(ApprovalGateTest, ApprovedDefinitionStartsWithoutPrompt) {
  auto d = workspace_sidecar();
  auto store = ApprovalStore::load(store_path());
  store.record({canonical_workspace(), "pg", sidecars::config_hash(d), "2024-01-01T00:00:00Z"});
  store.save();
  terminal.is_interactive = false;  // would fail closed if it were asked
  gate({d}, request(/*no_prompt=*/true));
  EXPECT_THAT(terminal.prompts, IsEmpty());
  EXPECT_THAT(warnings, IsEmpty());
}

TEST_F(ApprovalGateTest, TrustedLayersNeverTouchTheStore) {
  auto d = workspace_sidecar();
  d.layer = sidecars::Layer::Repo;
  gate({d}, request(/*no_prompt=*/true));
  EXPECT_THAT(terminal.prompts, IsEmpty());
  EXPECT_FALSE(fs::exists(tmp.path() / "assets"));
}

TEST_F(ApprovalGateTest, WorkspaceDisableNeedsNoApproval) {
  auto d = workspace_sidecar();
  d.disable = true;
  gate({d}, request(/*no_prompt=*/true));
  EXPECT_THAT(terminal.prompts, IsEmpty());
}

TEST_F(ApprovalGateTest, UnapprovedWithNoPromptFailsClosedWithoutAsking) {
  auto message = gate_error({workspace_sidecar()}, request(/*no_prompt=*/true));
  EXPECT_THAT(message, AllOf(HasSubstr("\"pg\""), HasSubstr("/ws/.swarmforge/sidecars/pg.toml"),
                             HasSubstr("untrusted"), HasSubstr("--no-prompt forbids asking"),
                             HasSubstr("on a terminal without --no-prompt")));
  EXPECT_THAT(terminal.prompts, IsEmpty());
  EXPECT_FALSE(fs::exists(store_path()));
}

TEST_F(ApprovalGateTest, NoPromptErrorNamesEveryUnapprovedSidecar) {
  auto message = gate_error({workspace_sidecar("pg"), workspace_sidecar("redis")}, request(true));
  EXPECT_THAT(message, AllOf(HasSubstr("\"pg\""), HasSubstr("\"redis\""), HasSubstr("are not")));
}

TEST_F(ApprovalGateTest, NonInteractiveTerminalFailsClosed) {
  terminal.is_interactive = false;
  terminal.answers = {"y"};
  auto message = gate_error({workspace_sidecar()}, request());
  EXPECT_THAT(message, AllOf(HasSubstr("\"pg\""), HasSubstr("no terminal to ask on"),
                             HasSubstr("untrusted")));
  EXPECT_THAT(terminal.prompts, IsEmpty());
  EXPECT_FALSE(fs::exists(store_path()));
}

TEST_F(ApprovalGateTest, YesStoresAnOwnerOnlyApprovalAndIsNotAskedAgain) {
  auto d = workspace_sidecar();
  terminal.answers = {"y"};
  gate({d});
  ASSERT_THAT(terminal.prompts, SizeIs(1));
  EXPECT_THAT(terminal.prompts[0],
              AllOf(HasSubstr("postgres:16"),
                    HasSubstr("Start sidecar \"pg\" from the workspace layer? [y/N] ")));
  EXPECT_EQ(mode_of(store_path()), 0600u);
  EXPECT_EQ(mode_of(fs::path(store_path()).parent_path()), 0700u);

  auto stored = ApprovalStore::load(store_path()).approvals();
  ASSERT_THAT(stored, SizeIs(1));
  EXPECT_EQ(stored[0].workspace, canonical_workspace());
  EXPECT_EQ(stored[0].name, "pg");
  EXPECT_EQ(stored[0].config_hash, sidecars::config_hash(d));
  EXPECT_THAT(stored[0].approved_at, testing::MatchesRegex("[0-9-]+T[0-9:]+Z"));

  gate({d}, request(/*no_prompt=*/true));
  EXPECT_THAT(terminal.prompts, SizeIs(1));
}

TEST_F(ApprovalGateTest, YesIsCaseInsensitiveAndMayBeSpelledOut) {
  terminal.answers = {" YES ", "Y"};
  gate({workspace_sidecar("pg"), workspace_sidecar("redis")});
  EXPECT_THAT(ApprovalStore::load(store_path()).approvals(), SizeIs(2));
}

TEST_F(ApprovalGateTest, NoDeniesAndStoresNothing) {
  terminal.answers = {"N"};
  EXPECT_THAT(gate_error({workspace_sidecar()}, request()),
              AllOf(StartsWith("denied: "), HasSubstr("\"pg\"")));
  EXPECT_FALSE(fs::exists(store_path()));
}

TEST_F(ApprovalGateTest, AnythingButYesDenies) {
  for (const char* answer : {"", "yep", "ja", "n"}) {
    terminal.answers = {answer};
    EXPECT_THAT(gate_error({workspace_sidecar()}, request()), StartsWith("denied: ")) << answer;
  }
  EXPECT_FALSE(fs::exists(store_path()));
}

TEST_F(ApprovalGateTest, EndOfInputDenies) {
  terminal.answers = {std::nullopt};
  EXPECT_THAT(gate_error({workspace_sidecar()}, request()), StartsWith("denied: "));
  EXPECT_FALSE(fs::exists(store_path()));
}

TEST_F(ApprovalGateTest, DenialKeepsApprovalsGivenEarlierInTheSameRun) {
  terminal.answers = {"y", "n"};
  gate_error({workspace_sidecar("pg"), workspace_sidecar("redis")}, request());
  auto stored = ApprovalStore::load(store_path()).approvals();
  ASSERT_THAT(stored, SizeIs(1));
  EXPECT_EQ(stored[0].name, "pg");
}

TEST_F(ApprovalGateTest, ChangedDefinitionAsksAgainAndSaysItChanged) {
  auto d = workspace_sidecar();
  terminal.answers = {"y", "y"};
  gate({d});
  EXPECT_THAT(terminal.prompts[0], Not(HasSubstr("CHANGED")));

  d.mounts.push_back({sidecars::Mount::Kind::DockerSocket, false});
  EXPECT_THAT(gate_error({d}, request(true)), HasSubstr("changed since it was approved"));
  gate({d});
  ASSERT_THAT(terminal.prompts, SizeIs(2));
  EXPECT_THAT(terminal.prompts[1], HasSubstr("CHANGED since you approved it"));

  auto stored = ApprovalStore::load(store_path()).approvals();
  ASSERT_THAT(stored, SizeIs(1));  // the old hash was replaced, not kept alongside
  EXPECT_EQ(stored[0].config_hash, sidecars::config_hash(d));
}

TEST_F(ApprovalGateTest, CorruptStoreIsTreatedAsEmptyWithOneWarning) {
  fs::create_directories(fs::path(store_path()).parent_path());
  std::ofstream(store_path()) << "{not json";
  gate_error({workspace_sidecar("pg"), workspace_sidecar("redis")}, request(true));
  ASSERT_THAT(warnings, SizeIs(1));
  EXPECT_EQ(warnings[0], "approval store " + store_path() + " is unreadable; treating it as empty");

  warnings.clear();
  terminal.answers = {"y", "y"};
  gate({workspace_sidecar("pg"), workspace_sidecar("redis")});
  EXPECT_THAT(warnings, SizeIs(1));
  EXPECT_THAT(ApprovalStore::load(store_path()).approvals(), SizeIs(2));
  EXPECT_FALSE(ApprovalStore::load(store_path()).was_corrupt());
}

TEST_F(ApprovalGateTest, ApprovalForAnotherWorkspaceDoesNotCount) {
  auto d = workspace_sidecar();
  terminal.answers = {"y"};
  gate({d});
  auto other = request(/*no_prompt=*/true);
  other.workspace = (tmp.path() / "other-ws").string();
  EXPECT_THAT(gate_error({d}, other), HasSubstr("\"pg\""));
}

TEST_F(ApprovalGateTest, WorkspaceSpelledDifferentlyIsTheSameWorkspace) {
  fs::create_directories(tmp.path() / "ws");
  terminal.answers = {"y"};
  gate({workspace_sidecar()});
  auto same = request(/*no_prompt=*/true);
  same.workspace = (tmp.path() / "ws" / "." / ".." / "ws").string();
  gate({workspace_sidecar()}, same);
  EXPECT_THAT(terminal.prompts, SizeIs(1));
}

TEST(ApprovalStoreTest, MissingFileIsAnEmptyStore) {
  TempDir tmp;
  auto store = ApprovalStore::load((tmp.path() / "nope.json").string());
  EXPECT_THAT(store.approvals(), IsEmpty());
  EXPECT_FALSE(store.was_corrupt());
}

TEST(ApprovalStoreTest, WrongShapeIsCorrupt) {
  for (const char* text : {"[]", R"({"version":2,"approvals":[]})", R"({"approvals":[]})",
                           R"({"version":1,"approvals":[{"name":"pg"}]})",
                           R"({"version":1,"approvals":[{"workspace":"/w","name":"pg",)"
                           R"("config_hash":"abc","approved_at":"x"}]})"}) {
    EXPECT_FALSE(parse_approvals(text).has_value()) << text;
  }
}

TEST(ApprovalStoreTest, SerializedStoreParsesBack) {
  std::vector<Approval> approvals = {
      {"/w", "pg", std::string(64, 'a'), "2024-05-01T10:00:00Z"},
      {"/w2", "redis", std::string(64, '0'), "2024-05-02T10:00:00Z"}};
  auto text = serialize_approvals(approvals);
  EXPECT_THAT(text, HasSubstr("\"version\": 1"));
  EXPECT_EQ(parse_approvals(text), approvals);
}

TEST(ApprovalStoreTest, SaveTightensAnExistingLooseFileTo0600) {
  TempDir tmp;
  auto path = tmp.path() / "approvals.json";
  std::ofstream(path) << R"({"version":1,"approvals":[]})";
  fs::permissions(path, fs::perms(0666));
  auto store = ApprovalStore::load(path.string());
  store.record({"/w", "pg", std::string(64, 'f'), "2024-05-01T10:00:00Z"});
  store.save();
  EXPECT_EQ(mode_of(path), 0600u);
  EXPECT_THAT(ApprovalStore::load(path.string()).approvals(), SizeIs(1));
  EXPECT_EQ(std::distance(fs::directory_iterator(tmp.path()), fs::directory_iterator()), 1)
      << "the temp file must not be left behind";
}

TEST(ApprovalStoreTest, UnreadableFileIsAnErrorNotAnEmptyStore) {
  TempDir tmp;
  fs::create_directory(tmp.path() / "approvals.json");  // a directory where the file should be
  EXPECT_THROW(ApprovalStore::load((tmp.path() / "approvals.json").string()), Error);
}

TEST(ApprovalSummaryTest, SpellsOutTheDockerSocketAsFullHostControl) {
  auto d = workspace_sidecar();
  d.mounts = {{sidecars::Mount::Kind::DockerSocket, true}};
  EXPECT_THAT(privilege_summary(d),
              AllOf(HasSubstr("the Docker socket: FULL CONTROL OF THIS HOST (root-equivalent)"),
                    HasSubstr("read-only does not limit that")));
}

TEST(ApprovalSummaryTest, NamesTheWorkspaceAndItsAccess) {
  auto d = workspace_sidecar();
  d.lifecycle = sidecars::Lifecycle::Session;
  d.mounts = {{sidecars::Mount::Kind::Workspace, false}};
  EXPECT_THAT(privilege_summary(d, "/home/me/proj"),
              HasSubstr("your workspace /home/me/proj read-write at /workspace"));
  d.mounts = {{sidecars::Mount::Kind::Workspace, true}};
  EXPECT_THAT(privilege_summary(d, "/home/me/proj"), HasSubstr("read-only at /workspace"));
}

TEST(ApprovalSummaryTest, ShowsEnvKeysAndSecretReferencesButNoPlainValues) {
  auto d = workspace_sidecar();
  d.env = {{"API_TOKEN", "${secret:env:HOST_TOKEN}"}, {"POSTGRES_PASSWORD", "hunter2"}};
  auto summary = privilege_summary(d);
  EXPECT_THAT(summary,
              AllOf(HasSubstr("API_TOKEN from host secret ${secret:env:HOST_TOKEN}"),
                    HasSubstr("POSTGRES_PASSWORD (value not shown)"), Not(HasSubstr("hunter2"))));
}

TEST(ApprovalSummaryTest, ShowsImageArgvNetworkRestartResourcesAndLifecycle) {
  auto d = workspace_sidecar();
  d.command = std::vector<std::string>{"postgres", "-c", "fsync=off"};
  d.interface.aliases = {"db"};
  d.resources.memory = "512m";
  d.resources.cpus = "1.5";
  auto summary = privilege_summary(d);
  EXPECT_THAT(
      summary,
      AllOf(HasSubstr("/ws/.swarmforge/sidecars/pg.toml"), HasSubstr("postgres:16"),
            HasSubstr(R"(["postgres", "-c", "fsync=off"])"),
            HasSubstr("port 5432 on the anvil's network as pg, db"), HasSubstr("unless-stopped"),
            HasSubstr("memory 512m, cpus 1.5"), HasSubstr("keeps running after the anvil exits")));
}

TEST(ApprovalSummaryTest, EscapesTerminalControlCharacters) {
  auto d = workspace_sidecar();
  d.image = "evil\x1b[2K\rpostgres:16\xc2\x9b";
  auto summary = privilege_summary(d);
  EXPECT_THAT(summary, AllOf(HasSubstr("evil\\x1b[2K\\x0dpostgres:16\\x9b"), Not(HasSubstr("\x1b")),
                             Not(HasSubstr("\r"))));
}

}  // namespace
}  // namespace run_anvil::launcher
