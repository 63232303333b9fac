// stop / start / restart / logs, down's preflight and status's project scope (issue 16),
// against FakeDocker.
#include <gmock/gmock.h>

#include "operate_fixture.h"
#include "run_anvil/sidecars/operate/down_decisions.h"
#include "run_anvil/sidecars/operate/status_model.h"

namespace run_anvil::launcher {
namespace {

using fakes::port_sidecar;
using ::testing::HasSubstr;

class ControlTest : public OperateTest {
 protected:
  int control(ControlVerb verb, std::vector<std::string> names) {
    auto d = deps();
    return control_sidecars(d, discovery, verb, names);
  }
  int logs(const std::string& name, LogsOptions o = {}) {
    auto d = deps();
    return show_logs(d, discovery, name, o);
  }
  int down(std::vector<std::string> names, bool force = false) {
    auto d = deps();
    return take_down(d, discovery, names, force);
  }
  int writes() const {
    int n = 0;
    for (const auto& c : docker.calls) {
      if (c.rfind("start ", 0) == 0 || c.rfind("stop ", 0) == 0 || c.rfind("remove", 0) == 0 ||
          c.rfind("disconnect ", 0) == 0) {
        ++n;
      }
    }
    return n;
  }
};

TEST_F(ControlTest, StopStopsWithoutRemovingAndStartStartsItAgain) {
  auto& pg = define(port_sidecar("pg", 5432));
  std::string id = add_sidecar(pg).id;
  EXPECT_EQ(control(ControlVerb::Stop, {"pg"}), 0);
  EXPECT_TRUE(called("stop " + id));
  EXPECT_FALSE(called("remove " + id));
  EXPECT_FALSE(called("remove-keep-volumes " + id));
  EXPECT_TRUE(docker.containers.count("swarmforge-shared-pg"));
  EXPECT_THAT(err.str(), HasSubstr("run-anvil: stopped pg (swarmforge-shared-pg)\n"));
  EXPECT_EQ(control(ControlVerb::Start, {"pg"}), 0);
  EXPECT_TRUE(called("start " + id));
  EXPECT_THAT(err.str(), HasSubstr("run-anvil: started pg (swarmforge-shared-pg)\n"));
}

TEST_F(ControlTest, RestartStopsThenStartsTheSameContainer) {
  auto& pg = define(port_sidecar("pg", 5432));
  std::string id = add_sidecar(pg).id;
  EXPECT_EQ(control(ControlVerb::Restart, {"pg"}), 0);
  EXPECT_LT(index_of("stop " + id), index_of("start " + id));
  EXPECT_EQ(docker.count_calls("create"), 0);
  EXPECT_THAT(err.str(), HasSubstr("restarted pg (swarmforge-shared-pg)"));
}

TEST_F(ControlTest, AnUnknownNameTouchesNothingAndSuggests) {
  auto& pg = define(port_sidecar("pg", 5432));
  add_sidecar(pg);
  for (auto verb : {ControlVerb::Stop, ControlVerb::Start, ControlVerb::Restart}) {
    err.str("");
    EXPECT_EQ(control(verb, {"pg", "pgg"}), 1);
    EXPECT_EQ(err.str(),
              "run-anvil: error: no sidecar \"pgg\" is declared here or managed on this daemon "
              "(did you mean \"pg\"?); `run-anvil status` lists them\n"
              "run-anvil: nothing was changed\n");
  }
  EXPECT_EQ(writes(), 0);
  EXPECT_EQ(logs("pgg"), 1);
}

TEST_F(ControlTest, StartOfADeclaredSidecarWithoutAContainerFails) {
  define(port_sidecar("pg", 5432));
  EXPECT_EQ(control(ControlVerb::Start, {"pg"}), 1);
  EXPECT_THAT(err.str(), HasSubstr("pg: no container yet"));
  EXPECT_EQ(control(ControlVerb::Stop, {"pg"}), 0);
  EXPECT_THAT(err.str(), HasSubstr("pg: no container (nothing to stop)"));
}

TEST_F(ControlTest, NeverTouchesAnUnmanagedContainerOfTheSameName) {
  define(port_sidecar("pg", 5432));
  docker.add_container("swarmforge-shared-pg", true, {});
  EXPECT_EQ(control(ControlVerb::Stop, {"pg"}), 0);
  EXPECT_EQ(writes(), 0);
}

TEST_F(ControlTest, LogsPrintsTheSidecarsLogsOnStdout) {
  auto& pg = define(port_sidecar("pg", 5432));
  add_sidecar(pg);
  docker.logs["swarmforge-shared-pg"] = "ready to accept connections\n";
  EXPECT_EQ(logs("pg"), 0);
  EXPECT_EQ(out.str(), "ready to accept connections\n");
}

TEST_F(ControlTest, LogsOfAnUndeclaredManagedSidecarWorkToo) {
  auto pg = port_sidecar("gone", 5432);
  add_sidecar(pg);
  docker.logs["swarmforge-shared-gone"] = "bye\n";
  EXPECT_EQ(logs("gone"), 0);
  EXPECT_EQ(out.str(), "bye\n");
}

TEST_F(ControlTest, DownOfAnUnknownNameFailsAndRemovesNothing) {
  auto& pg = define(port_sidecar("pg", 5432));
  add_sidecar(pg);
  EXPECT_EQ(down({"pg", "pgg"}), 1);
  EXPECT_EQ(err.str(),
            "run-anvil: error: no sidecar \"pgg\" is declared here or managed on this daemon "
            "(did you mean \"pg\"?); `run-anvil status` lists them\n"
            "run-anvil: nothing was removed\n");
  EXPECT_EQ(writes(), 0);
}

TEST_F(ControlTest, DownNamesTheDependentsAndNeedsForce) {
  auto& pg = define(port_sidecar("pg", 5432));
  auto& web = define(port_sidecar("web", 80, {"pg"}));
  std::string pg_id = add_sidecar(pg).id;
  add_sidecar(web);
  EXPECT_EQ(down({"pg"}), 1);
  EXPECT_EQ(err.str(),
            "run-anvil: error: pg: not removed: web depends on it; take it down too (run-anvil "
            "down web pg), or use --force\n"
            "run-anvil: nothing was removed\n");
  EXPECT_EQ(writes(), 0);
  EXPECT_EQ(down({"pg"}, /*force=*/true), 0);
  EXPECT_TRUE(called("remove-keep-volumes " + pg_id));
}

TEST_F(ControlTest, DownOfADependentTogetherWithWhatItNeedsGoesAhead) {
  auto& pg = define(port_sidecar("pg", 5432));
  auto& web = define(port_sidecar("web", 80, {"pg"}));
  add_sidecar(pg);
  add_sidecar(web);
  EXPECT_EQ(down({"web", "pg"}), 0);
  EXPECT_TRUE(docker.containers.empty());
}

TEST_F(ControlTest, StatusIsScopedToTheProjectUnlessAll) {
  auto& pg = define(port_sidecar("pg", 5432));
  add_sidecar(pg);                       // made from /repo/pg.toml
  add_sidecar(port_sidecar("gone", 1));  // this project's, no longer declared
  add_sidecar(port_sidecar("theirs", 2), true, "", "/elsewhere/theirs.toml");
  auto d = deps();
  show_status(d, discovery, StatusFormat::Plain, StatusScope{std::vector<std::string>{"/repo"}});
  EXPECT_THAT(out.str(), HasSubstr("pg layer=repo"));
  EXPECT_THAT(out.str(), HasSubstr("gone layer=-"));
  EXPECT_THAT(out.str(), testing::Not(HasSubstr("theirs")));
  EXPECT_THAT(out.str(), HasSubstr("2 of 2 running\n1 more managed container of other projects "
                                   "on this daemon: run-anvil status --all\n"));
  out.str("");
  show_status(d, discovery, StatusFormat::Plain, StatusScope{});
  EXPECT_THAT(out.str(), HasSubstr("theirs"));
  EXPECT_THAT(out.str(), HasSubstr("3 of 3 running\n"));
}

TEST_F(ControlTest, StatusShowsImageAndPublishedPorts) {
  auto& pg = define(port_sidecar("pg", 5432));
  add_sidecar(pg).published = {"127.0.0.1:15432->5432/tcp"};
  auto d = deps();
  show_status(d, discovery, StatusFormat::Plain, StatusScope{std::vector<std::string>{"/repo"}});
  EXPECT_THAT(out.str(), HasSubstr(" image=" + pg.image + " ports=127.0.0.1:15432->5432/tcp "));
  out.str("");
  show_status(d, discovery, StatusFormat::Table, StatusScope{std::vector<std::string>{"/repo"}});
  EXPECT_THAT(out.str(), HasSubstr("IMAGE"));
  EXPECT_THAT(out.str(), HasSubstr("PORTS"));
  EXPECT_THAT(out.str(), HasSubstr("127.0.0.1:15432->5432/tcp"));
}

}  // namespace
}  // namespace run_anvil::launcher
