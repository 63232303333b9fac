#include "run_anvil/launcher/run/approvals.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "fake_terminal.h"
#include "run_anvil/errors.h"
#include "run_anvil/sidecars/define/parse.h"
#include "run_anvil/sidecars/plan/config_hash.h"

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

TEST_F(ApprovalGateTest, OnePromptForEveryPendingSidecar) {
  terminal.answers = {"y"};
  gate({workspace_sidecar("pg"), workspace_sidecar("redis"), workspace_sidecar("minio")});
  ASSERT_THAT(terminal.prompts, SizeIs(1));
  EXPECT_THAT(terminal.prompts[0],
              AllOf(HasSubstr("Sidecar \"pg\" from the workspace layer"),
                    HasSubstr("Sidecar \"redis\" from the workspace layer"),
                    HasSubstr("Sidecar \"minio\" from the workspace layer"),
                    testing::EndsWith("Start these 3 sidecars from the workspace layer (pg, "
                                      "redis, minio)? [y/N] ")));
  EXPECT_THAT(ApprovalStore::load(store_path()).approvals(), SizeIs(3));
}

TEST_F(ApprovalGateTest, OneNoDeniesThemAllAndStoresNothing) {
  terminal.answers = {"n"};
  EXPECT_EQ(gate_error({workspace_sidecar("pg"), workspace_sidecar("redis")}, request()),
            "denied: workspace sidecars \"pg\" (/ws/.swarmforge/sidecars/pg.toml), \"redis\" "
            "(/ws/.swarmforge/sidecars/redis.toml) were not approved; nothing was started");
  EXPECT_FALSE(fs::exists(store_path()));
}

TEST_F(ApprovalGateTest, ChangedDefinitionAsksAgainWithADiffAgainstTheApprovedVersion) {
  auto d = workspace_sidecar();
  terminal.answers = {"y", "y"};
  gate({d});
  EXPECT_THAT(terminal.prompts[0], Not(HasSubstr("CHANGED")));

  auto changed = d;
  changed.image = "postgres:17";
  EXPECT_THAT(gate_error({changed}, request(true)), HasSubstr("changed since it was approved"));
  gate({changed});
  ASSERT_THAT(terminal.prompts, SizeIs(2));
  const std::string& prompt = terminal.prompts[1];
  EXPECT_THAT(prompt, HasSubstr("Sidecar \"pg\" CHANGED since you approved it on "));
  EXPECT_THAT(prompt, HasSubstr("(- approved, + now):\n"));
  EXPECT_THAT(prompt, HasSubstr("\n- "));
  EXPECT_THAT(prompt, HasSubstr("postgres:16\n+ "));
  EXPECT_THAT(prompt, HasSubstr("postgres:17\n"));
  EXPECT_THAT(prompt, HasSubstr("\n    lifecycle:"));  // unchanged lines stay, unmarked

  // Both versions are remembered: going back to the first one does not ask again.
  auto stored = ApprovalStore::load(store_path()).approvals();
  ASSERT_THAT(stored, SizeIs(2));
  gate({d}, request(/*no_prompt=*/true));
  gate({changed}, request(/*no_prompt=*/true));
  EXPECT_THAT(terminal.prompts, SizeIs(2));
}

TEST_F(ApprovalGateTest, AVersionOneStoreIsReadAndItsChangedEntriesShownInFull) {
  auto d = workspace_sidecar();
  fs::create_directories(fs::path(store_path()).parent_path());
  std::ofstream(store_path()) << R"({"version":1,"approvals":[{"workspace":")" +
                                     canonical_workspace() + R"(","name":"pg","config_hash":")" +
                                     std::string(64, 'a') +
                                     R"(","approved_at":"2024-05-01T10:00:00Z"}]})";
  terminal.answers = {"y"};
  gate({d});
  EXPECT_THAT(terminal.prompts[0],
              HasSubstr("CHANGED since you approved it on 2024-05-01T10:00:00Z (the approved "
                        "version was not kept, so here is all of it):\n"));
  EXPECT_THAT(fs::exists(store_path()), true);
  std::ifstream in(store_path());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_THAT(text, HasSubstr("\"version\": 2"));
}

TEST_F(ApprovalGateTest, NoTerminalErrorPointsScriptsAtTheTrustedLayers) {
  terminal.is_interactive = false;
  EXPECT_THAT(gate_error({workspace_sidecar()}, request()),
              HasSubstr("for scripts and CI, put definitions you trust in a trusted layer instead "
                        "(--repo-sidecars DIR, --org-sidecars DIR or --user-sidecars DIR), which "
                        "needs no approval."));
}

TEST_F(ApprovalGateTest, PendingApprovalsAreListedWithoutTouchingTheStore) {
  auto d = workspace_sidecar();
  auto pending = pending_approvals({d, workspace_sidecar("redis")}, request());
  ASSERT_THAT(pending, SizeIs(2));
  EXPECT_EQ(pending[0], (PendingApproval{"pg", d.file, ""}));
  EXPECT_FALSE(fs::exists(store_path()));
  terminal.answers = {"y"};
  gate({d});
  auto changed = d;
  changed.image = "postgres:17";
  pending = pending_approvals({changed}, request());
  ASSERT_THAT(pending, SizeIs(1));
  EXPECT_THAT(pending[0].approved_at, testing::MatchesRegex("[0-9-]+T[0-9:]+Z"));
  EXPECT_THAT(pending_approvals({d}, request()), IsEmpty());
}

TEST(LineDiffTest, MarksRemovedAndAddedLinesAndKeepsTheRest) {
  EXPECT_EQ(line_diff("a\nb\nc\n", "a\nB\nc\nd\n"), "  a\n- b\n+ B\n  c\n+ d\n");
  EXPECT_EQ(line_diff("", "x\n"), "+ x\n");
  EXPECT_EQ(line_diff("x\n", "x\n"), "  x\n");
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
  for (const char* text : {"[]", R"({"version":3,"approvals":[]})", R"({"approvals":[]})",
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
  EXPECT_THAT(text, HasSubstr("\"version\": 2"));
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

TEST(ApprovalStoreTest, ConcurrentApprovalsFromTwoWorkspacesAreBothKept) {
  TempDir tmp;
  const std::string path = (tmp.path() / "approvals.json").string();
  // Both launchers read the store before either saved (two prompts open at once).
  auto a = ApprovalStore::load(path);
  auto b = ApprovalStore::load(path);
  a.record({"/wa", "pg", std::string(64, 'a'), "2024-05-01T10:00:00Z"});
  a.save();
  b.record({"/wb", "redis", std::string(64, 'b'), "2024-05-01T10:00:01Z"});
  b.save();
  const auto merged = ApprovalStore::load(path);
  EXPECT_TRUE(merged.approves("/wa", "pg", std::string(64, 'a')));
  EXPECT_TRUE(merged.approves("/wb", "redis", std::string(64, 'b')));
  EXPECT_THAT(merged.approvals(), SizeIs(2));
  // A later approval of another version of the same sidecar is kept beside the older one (store
  // v2 keeps every approved version), and the peer's entry is still not lost.
  a.record({"/wa", "pg", std::string(64, 'c'), "2024-05-01T10:00:02Z"});
  a.save();
  const auto after = ApprovalStore::load(path);
  EXPECT_THAT(after.approvals(), SizeIs(3));
  EXPECT_TRUE(after.approves("/wa", "pg", std::string(64, 'c')));
  EXPECT_TRUE(after.approves("/wa", "pg", std::string(64, 'a')));
  EXPECT_TRUE(after.approves("/wb", "redis", std::string(64, 'b')));
}

TEST(ApprovalStoreTest, FifoInPlaceOfTheStoreIsAnErrorNotAHang) {
  TempDir tmp;
  const auto path = tmp.path() / "approvals.json";
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  try {
    (void)ApprovalStore::load(path.string());
    FAIL() << "a FIFO was read as a store";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), AllOf(HasSubstr(path.string()), HasSubstr("not a regular file")));
  }
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

// Issue 11: the approval covers the definition as written, readiness included.
Definition parsed_workspace(const std::string& readiness_command) {
  std::string text =
      "lifecycle = \"shared\"\nimage = \"postgres:16\"\n[interface]\nkind = \"port\"\n"
      "port = 5432\n[readiness]\nmode = \"exec\"\ncommand = " +
      readiness_command + "\n";
  auto parsed = sidecars::parse_definition(text, "/ws/.swarmforge/sidecars/pg.toml", "pg",
                                           sidecars::Layer::Workspace);
  EXPECT_TRUE(parsed.definition);
  return parsed.definition.value_or(Definition{});
}

TEST_F(ApprovalGateTest, ChangingOnlyTheReadinessCommandAsksAgain) {
  auto approved = parsed_workspace(R"(["pg_isready"])");
  terminal.answers = {"y"};
  gate({approved});
  ASSERT_THAT(terminal.prompts, SizeIs(1));
  auto changed = parsed_workspace(R"(["sh", "-c", "cat /run/secrets/* > /tmp/x"])");
  ASSERT_EQ(sidecars::config_hash(approved), sidecars::config_hash(changed))
      << "the container would be reused as it is: only the approval can catch this";
  EXPECT_THAT(gate_error({changed}, request(true)), HasSubstr("changed since it was approved"));
  terminal.answers = {"n"};
  EXPECT_THROW(gate({changed}), Error);
  ASSERT_THAT(terminal.prompts, SizeIs(2));
  EXPECT_THAT(terminal.prompts[1],
              HasSubstr(R"(runs ["sh", "-c", "cat /run/secrets/* > /tmp/x"])"));
}

TEST_F(ApprovalGateTest, ApprovalIsKeyedOnTheBytesAsWritten) {
  auto d = parsed_workspace(R"(["true"])");
  EXPECT_EQ(approval_hash(d), d.content_sha256);
  EXPECT_NE(approval_hash(d), sidecars::config_hash(d));
}

TEST_F(ApprovalGateTest, UnapprovedNamesReadsTheStoreAndNeverAsks) {
  auto approved = workspace_sidecar("pg");
  auto pending = workspace_sidecar("redis");
  auto trusted = workspace_sidecar("minio");
  trusted.layer = sidecars::Layer::Repo;
  auto store = ApprovalStore::load(store_path());
  store.record({canonical_workspace(), "pg", approval_hash(approved), "2024-01-01T00:00:00Z"});
  store.save();
  auto names = unapproved_names({approved, pending, trusted}, request(), [](const std::string&) {});
  EXPECT_EQ(names, (std::set<std::string>{"redis"}));
  EXPECT_THAT(terminal.prompts, IsEmpty());
}

TEST_F(ApprovalGateTest, AnUnreadableStoreApprovesNothing) {
  fs::create_directories(store_path());  // a directory where the file should be
  std::vector<std::string> said;
  auto names = unapproved_names({workspace_sidecar("pg")}, request(),
                                [&](const std::string& w) { said.push_back(w); });
  EXPECT_EQ(names, (std::set<std::string>{"pg"}));
  EXPECT_THAT(said, SizeIs(1));
}

TEST(PrivilegeSummary, ShowsTheReadinessItRunsInsideTheSidecar) {
  auto d = workspace_sidecar();
  d.readiness.mode = sidecars::ReadinessMode::Exec;
  d.readiness.command = {"sh", "-c", "id"};
  EXPECT_THAT(privilege_summary(d),
              HasSubstr(R"(readiness:  runs ["sh", "-c", "id"] inside the sidecar (docker exec))"));
}

}  // namespace
}  // namespace run_anvil::launcher
