#include "run_anvil/sidecars/plan/plan.h"

#include <gtest/gtest.h>

#include "definitions_builder.h"
#include "run_anvil/errors.h"
#include "run_anvil/sidecars/define/naming.h"
#include "run_anvil/sidecars/plan/config_hash.h"
#include "run_anvil/sidecars/plan/container_spec.h"

namespace run_anvil::sidecars {
namespace {

using fakes::none_sidecar;
using fakes::port_sidecar;

class PlanTest : public ::testing::Test {
 protected:
  AnvilCommand anvil(std::vector<std::string> argv = {"docker", "run", "--rm", "h:dev", "go"}) {
    return parse_anvil_argv(argv);
  }
  ObservedState observed_with_images(const std::vector<Definition>& defs) {
    ObservedState o;
    for (const auto& d : defs) o.image_ids[d.image] = "sha256:" + d.name;
    return o;
  }
  ObservedContainer managed(const Definition& d, bool running, std::string hash = "",
                            std::string image_id = "") {
    ObservedContainer c;
    c.id = "cid-" + d.name;
    c.name = shared_container_name(d.name);
    c.running = running;
    c.labels = container_labels(d, hash.empty() ? config_hash(d) : hash,
                                image_id.empty() ? "sha256:" + d.name : image_id);
    return c;
  }
};

TEST_F(PlanTest, CreatesAbsentSidecarAndDefaultNetwork) {
  std::vector<Definition> defs{port_sidecar("pg", 5432)};
  Plan p = make_plan(defs, observed_with_images(defs), anvil());
  ASSERT_EQ(p.steps.size(), 1u);
  EXPECT_EQ(p.steps[0].action, Action::Create);
  EXPECT_EQ(p.steps[0].reason, "absent");
  EXPECT_EQ(p.steps[0].container, "swarmforge-shared-pg");
  EXPECT_EQ(p.network, "swarmforge-net");
  EXPECT_TRUE(p.create_network);
  EXPECT_EQ(p.steps[0].aliases, std::vector<std::string>{"pg"});
  EXPECT_EQ(p.anvil_argv,
            (std::vector<std::string>{"docker", "run", "-e", "SWARMFORGE_TONG_PG_HOST=pg", "-e",
                                      "SWARMFORGE_TONG_PG_PORT=5432", "--network", "swarmforge-net",
                                      "--rm", "h:dev", "go"}));
}

TEST_F(PlanTest, ReusesRunningSidecarWhenHashMatches) {
  std::vector<Definition> defs{port_sidecar("pg", 5432)};
  auto o = observed_with_images(defs);
  auto c = managed(defs[0], true);
  c.network_ips["swarmforge-net"] = "172.18.0.5";
  o.containers[c.name] = c;
  o.network_driver = "bridge";
  Plan p = make_plan(defs, o, anvil());
  EXPECT_EQ(p.steps[0].action, Action::Reuse);
  EXPECT_FALSE(p.steps[0].connect);
  EXPECT_EQ(p.steps[0].observed_ip, "172.18.0.5");
  EXPECT_FALSE(p.create_network);
}

TEST_F(PlanTest, ReusedSidecarNotOnAnvilNetworkIsConnected) {
  std::vector<Definition> defs{port_sidecar("pg", 5432)};
  auto o = observed_with_images(defs);
  o.containers["swarmforge-shared-pg"] = managed(defs[0], true);
  o.network_driver = "bridge";
  Plan p = make_plan(defs, o, anvil({"docker", "run", "--network", "agents", "h"}));
  EXPECT_EQ(p.steps[0].action, Action::Reuse);
  EXPECT_TRUE(p.steps[0].connect);
  EXPECT_EQ(p.network, "agents");
}

// `--recreate` is decided in the plan, not patched onto it afterwards (issue 10).
TEST_F(PlanTest, RecreateNamesARunningOrStoppedSidecarToRecreate) {
  std::vector<Definition> defs{port_sidecar("pg", 5432), port_sidecar("redis", 6379)};
  auto o = observed_with_images(defs);
  auto pg = managed(defs[0], true);
  pg.network_ips["swarmforge-net"] = "172.18.0.5";
  o.containers[pg.name] = pg;
  o.containers["swarmforge-shared-redis"] = managed(defs[1], true);
  o.network_driver = "bridge";
  PlanOptions options;
  options.recreate = {"pg"};
  Plan p = make_plan(defs, o, anvil(), options);
  ASSERT_EQ(p.steps.size(), 2u);
  const auto& step = p.steps[0].name == "pg" ? p.steps[0] : p.steps[1];
  const auto& other = p.steps[0].name == "pg" ? p.steps[1] : p.steps[0];
  EXPECT_EQ(step.action, Action::Recreate);
  EXPECT_EQ(step.reason, "--recreate");
  EXPECT_EQ(step.observed_ip, "");
  EXPECT_FALSE(step.connect);
  EXPECT_EQ(other.action, Action::Reuse);
  options.recreate = {"postgres"};
  EXPECT_THROW(make_plan(defs, o, anvil(), options), UsageError);
}

TEST_F(PlanTest, StartsStoppedSidecarWhenConfigMatches) {
  std::vector<Definition> defs{port_sidecar("pg", 5432)};
  auto o = observed_with_images(defs);
  o.containers["swarmforge-shared-pg"] = managed(defs[0], false);
  o.containers["swarmforge-shared-pg"].state = "exited";
  Plan p = make_plan(defs, o, anvil());
  EXPECT_EQ(p.steps[0].action, Action::Start);
  EXPECT_EQ(p.steps[0].reason, "stopped, config matches");
  EXPECT_EQ(p.steps[0].existing_id, "cid-pg");
}

TEST_F(PlanTest, RecreatesDeadSidecar) {
  std::vector<Definition> defs{port_sidecar("pg", 5432)};
  auto o = observed_with_images(defs);
  o.containers["swarmforge-shared-pg"] = managed(defs[0], false);
  o.containers["swarmforge-shared-pg"].state = "dead";
  Plan p = make_plan(defs, o, anvil());
  EXPECT_EQ(p.steps[0].action, Action::Recreate);
  EXPECT_EQ(p.steps[0].reason, "dead");
}

TEST_F(PlanTest, MatchingContainerCreatedButNotStartedIsStartedNeverRemoved) {
  // A concurrent launcher created it a moment ago and is about to start it, or a daemon died
  // during `start`.
  std::vector<Definition> defs{port_sidecar("pg", 5432)};
  auto o = observed_with_images(defs);
  o.containers["swarmforge-shared-pg"] = managed(defs[0], false);
  o.containers["swarmforge-shared-pg"].state = "created";
  Plan p = make_plan(defs, o, anvil());
  EXPECT_EQ(p.steps[0].action, Action::Start);
  EXPECT_EQ(p.steps[0].reason, "created, not started yet");
  EXPECT_EQ(p.steps[0].existing_id, "cid-pg");
}

TEST_F(PlanTest, StaleContainerCreatedButNotStartedIsStillRecreated) {
  std::vector<Definition> defs{port_sidecar("pg", 5432)};
  auto o = observed_with_images(defs);
  o.containers["swarmforge-shared-pg"] = managed(defs[0], false, std::string(64, 'a'));
  o.containers["swarmforge-shared-pg"].state = "created";
  Plan p = make_plan(defs, o, anvil());
  EXPECT_EQ(p.steps[0].action, Action::Recreate);
  EXPECT_EQ(p.steps[0].reason, "config changed");
}

TEST_F(PlanTest, RecreatesWhenConfigHashDiffers) {
  std::vector<Definition> defs{port_sidecar("pg", 5432)};
  auto o = observed_with_images(defs);
  o.containers["swarmforge-shared-pg"] = managed(defs[0], true, std::string(64, 'a'));
  Plan p = make_plan(defs, o, anvil());
  EXPECT_EQ(p.steps[0].action, Action::Recreate);
  EXPECT_EQ(p.steps[0].reason, "config changed");
}

TEST_F(PlanTest, RecreatesWhenImageRebuiltUnderSameTag) {
  std::vector<Definition> defs{port_sidecar("pg", 5432)};
  auto o = observed_with_images(defs);
  o.containers["swarmforge-shared-pg"] = managed(defs[0], true, "", "sha256:old");
  Plan p = make_plan(defs, o, anvil());
  EXPECT_EQ(p.steps[0].action, Action::Recreate);
  EXPECT_EQ(p.steps[0].reason, "image rebuilt");
}

TEST_F(PlanTest, RefusesUnmanagedContainerWithSidecarName) {
  std::vector<Definition> defs{port_sidecar("pg", 5432)};
  auto o = observed_with_images(defs);
  ObservedContainer squatter;
  squatter.id = "x";
  squatter.name = "swarmforge-shared-pg";
  squatter.running = true;
  o.containers[squatter.name] = squatter;
  try {
    make_plan(defs, o, anvil());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not managed by run-anvil"), std::string::npos);
  }
}

TEST_F(PlanTest, OrdersStepsByDependencies) {
  std::vector<Definition> defs{port_sidecar("a", 1, {"b"}), port_sidecar("b", 2, {"c"}),
                               port_sidecar("c", 3)};
  Plan p = make_plan(defs, observed_with_images(defs), anvil());
  ASSERT_EQ(p.steps.size(), 3u);
  EXPECT_EQ(p.steps[0].name, "c");
  EXPECT_EQ(p.steps[1].name, "b");
  EXPECT_EQ(p.steps[2].name, "a");
  EXPECT_EQ(p.steps[2].depends_on, std::vector<std::string>{"b"});
}

TEST_F(PlanTest, ExistingNetworkFlagIsKeptInPlaceAndNotInserted) {
  std::vector<Definition> defs{port_sidecar("pg", 5432)};
  auto o = observed_with_images(defs);
  o.network_driver = "bridge";
  Plan p = make_plan(defs, o, anvil({"docker", "run", "--network=agents", "h", "--network", "x"}));
  EXPECT_FALSE(p.network_inserted);
  EXPECT_EQ(p.anvil_argv,
            (std::vector<std::string>{"docker", "run", "-e", "SWARMFORGE_TONG_PG_HOST=pg", "-e",
                                      "SWARMFORGE_TONG_PG_PORT=5432", "--network=agents", "h",
                                      "--network", "x"}));
}

TEST_F(PlanTest, RefusesNetworksThatCannotCarrySidecars) {
  std::vector<Definition> defs{port_sidecar("pg", 5432)};
  for (std::string net : {"host", "none", "container:abc", "bridge"}) {
    EXPECT_THROW(make_plan(defs, observed_with_images(defs),
                           anvil({"docker", "run", "--network", net, "h"})),
                 Error)
        << net;
  }
}

TEST_F(PlanTest, MissingUserNetworkIsAnErrorNotCreated) {
  std::vector<Definition> defs{port_sidecar("pg", 5432)};
  EXPECT_THROW(make_plan(defs, observed_with_images(defs),
                         anvil({"docker", "run", "--network", "agents", "h"})),
               Error);
}

TEST_F(PlanTest, NoneSidecarLeavesAnvilArgvExactlyAsGiven) {
  std::vector<Definition> defs{none_sidecar("helper")};
  std::vector<std::string> argv{"docker", "run", "--rm", "h", "a b", ""};
  Plan p = make_plan(defs, observed_with_images(defs), anvil(argv));
  EXPECT_EQ(p.anvil_argv, argv);
  EXPECT_EQ(p.network, "");
  EXPECT_TRUE(p.steps[0].aliases.empty());
}

TEST_F(PlanTest, RefusesNonRunAnvilCommandOnceSidecarsExist) {
  std::vector<Definition> defs{port_sidecar("pg", 5432)};
  EXPECT_THROW(make_plan(defs, observed_with_images(defs), anvil({"bash", "-c", "x"})), Error);
}

TEST_F(PlanTest, MissingImageIsPlannedAsAPull) {
  std::vector<Definition> defs{port_sidecar("pg", 5432), port_sidecar("mq", 5672)};
  ObservedState observed = observed_with_images(defs);
  observed.image_ids["img/pg:1"] = std::nullopt;
  Plan p = make_plan(defs, observed, anvil());
  ASSERT_EQ(p.steps.size(), 2u);
  const SidecarStep& pg = p.steps[0].name == "pg" ? p.steps[0] : p.steps[1];
  const SidecarStep& mq = p.steps[0].name == "pg" ? p.steps[1] : p.steps[0];
  EXPECT_EQ(pg.pull_image, "img/pg:1");
  EXPECT_EQ(pg.image_id, "");
  EXPECT_EQ(pg.action, Action::Create);
  EXPECT_EQ(mq.pull_image, "");
  EXPECT_EQ(mq.image_id, "sha256:mq");
}

TEST_F(PlanTest, ProbeDescribesWhatIsChecked) {
  std::vector<Definition> defs{port_sidecar("pg", 5432)};
  defs[0].interface.aliases = {"db"};
  Plan p = make_plan(defs, observed_with_images(defs), anvil());
  EXPECT_EQ(p.steps[0].probe.describe(), "tcp pg:5432");
  EXPECT_EQ(p.steps[0].aliases, (std::vector<std::string>{"pg", "db"}));
}

// Issue 11 (SPEC §14).

TEST_F(PlanTest, AliasAnotherManagedSidecarHoldsOnTheNetworkIsAnErrorNamingBoth) {
  auto b = port_sidecar("b-db", 5432);
  b.interface.aliases = {"db"};
  std::vector<Definition> defs{b};
  auto o = observed_with_images(defs);
  o.network_driver = "bridge";
  o.held_aliases["db"] = "swarmforge-shared-a-db";
  try {
    make_plan(defs, o, anvil());
    FAIL() << "no error";
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("alias \"db\" of sidecar \"b-db\" is already held on network swarmforge-net "
                     "by swarmforge-shared-a-db"),
              std::string::npos)
        << m;
  }
}

TEST_F(PlanTest, AliasHeldByTheSidecarsOwnContainerIsFine) {
  auto pg = port_sidecar("pg", 5432);
  pg.interface.aliases = {"DB"};
  std::vector<Definition> defs{pg};
  auto o = observed_with_images(defs);
  o.network_driver = "bridge";
  o.held_aliases["db"] = "swarmforge-shared-pg";
  o.held_aliases["pg"] = "swarmforge-shared-pg";
  EXPECT_NO_THROW(make_plan(defs, o, anvil()));
}

TEST_F(PlanTest, SharedContainersRecordTheirAliasesInALabel) {
  auto pg = port_sidecar("pg", 5432);
  pg.interface.aliases = {"db", "postgres"};
  EXPECT_EQ(container_labels(pg, "h", "").at(kLabelAliases), "pg,db,postgres");
  EXPECT_FALSE(container_labels(none_sidecar("batch"), "h", "").count(kLabelAliases));
}

TEST_F(PlanTest, SessionNetworkIsInternalWhenTheAnvilsNetworkIs) {
  auto cache = port_sidecar("cache", 6379);
  cache.lifecycle = Lifecycle::Session;
  std::vector<Definition> defs{cache};
  auto o = observed_with_images(defs);
  o.network_driver = "bridge";
  o.network_internal = true;
  PlanOptions options;
  options.generated_anvil_name = "anvil-1";
  Plan p = make_plan(defs, o, anvil({"docker", "run", "--network", "sandbox", "h:dev"}), options);
  ASSERT_TRUE(p.session);
  EXPECT_EQ(p.session->anvil_network, "sandbox");
  EXPECT_TRUE(p.session->internal);
  o.network_internal = false;
  p = make_plan(defs, o, anvil({"docker", "run", "--network", "sandbox", "h:dev"}), options);
  EXPECT_FALSE(p.session->internal);
}

TEST_F(PlanTest, DockerSocketMountBindsTheDaemonInUse) {
  auto ops = none_sidecar("ops");
  ops.mounts = {{Mount::Kind::DockerSocket, true}};
  std::vector<Definition> defs{ops};
  PlanOptions options;
  options.docker_socket = "/run/user/1000/docker.sock";
  Plan p = make_plan(defs, observed_with_images(defs), anvil(), options);
  EXPECT_EQ(p.steps[0].docker_socket, "/run/user/1000/docker.sock");
}

TEST_F(PlanTest, DockerSocketMountIsAStrictBindNeverAPlainOne) {
  // A plain bind of a socket the daemon does not have makes it create a directory there.
  auto ops = none_sidecar("ops");
  ops.mounts = {{Mount::Kind::DockerSocket, true}};
  std::vector<Definition> defs{ops};
  PlanOptions options;
  options.docker_socket = "/run/ra-dockerd-2/docker.sock";
  Plan p = make_plan(defs, observed_with_images(defs), anvil(), options);
  auto spec = launcher::make_container_spec(ops, p.steps[0]);
  EXPECT_EQ(
      spec.strict_binds,
      (std::vector<StrictBind>{{"/run/ra-dockerd-2/docker.sock", "/var/run/docker.sock", true}}));
  for (const auto& b : spec.binds) EXPECT_EQ(b.find("docker.sock"), std::string::npos) << b;
}

TEST_F(PlanTest, DockerSocketMountWithANonUnixDaemonIsAClearError) {
  auto ops = none_sidecar("ops");
  ops.mounts = {{Mount::Kind::DockerSocket, false}};
  std::vector<Definition> defs{ops};
  PlanOptions options;
  options.daemon_endpoint = "tcp://10.0.0.5:2376";
  try {
    make_plan(defs, observed_with_images(defs), anvil(), options);
    FAIL() << "no error";
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("mounts docker-socket, but the daemon in use (tcp://10.0.0.5:2376) is not "
                     "reached through a unix socket"),
              std::string::npos)
        << m;
  }
}

}  // namespace
}  // namespace run_anvil::sidecars

namespace run_anvil::sidecars {
namespace {

class PlanEngineTest : public ::testing::Test {
 protected:
  std::string plan_error(const std::vector<std::string>& argv, const ObservedState& o) {
    try {
      make_plan(defs, o, parse_anvil_argv(argv));
    } catch (const Error& e) {
      return e.what();
    }
    return "(no error)";
  }
  ObservedState observed() const {
    ObservedState o;
    for (const auto& d : defs) o.image_ids[d.image] = "sha256:" + d.name;
    return o;
  }
  std::vector<Definition> defs{fakes::port_sidecar("pg", 5432)};
};

TEST_F(PlanEngineTest, AnAnvilAimedAtAnotherDaemonIsRefusedNamingTheOption) {
  EXPECT_NE(plan_error({"docker", "-H", "tcp://x:2375", "run", "i"}, observed())
                .find("`-H tcp://x:2375` sends it to another daemon"),
            std::string::npos);
  EXPECT_NE(
      plan_error({"podman", "--url", "unix:///s", "run", "i"}, observed()).find("another daemon"),
      std::string::npos);
}

TEST_F(PlanEngineTest, PodmanRunIsRefusedWhenTheSidecarsAreOnDocker) {
  EXPECT_NE(plan_error({"podman", "run", "i"}, observed()).find("sidecars are on a Docker daemon"),
            std::string::npos);
  ObservedState remote_podman = observed();
  remote_podman.engine_podman = true;
  remote_podman.engine_local = false;
  EXPECT_NE(plan_error({"podman", "run", "i"}, remote_podman).find("a remote podman service"),
            std::string::npos);
}

TEST_F(PlanEngineTest, PodmanRunIsTheSameEngineAsPodmansLocalService) {
  ObservedState o = observed();
  o.engine_podman = true;
  EXPECT_EQ(plan_error({"podman", "run", "i"}, o), "(no error)");
  EXPECT_EQ(plan_error({"docker", "run", "i"}, o), "(no error)");
}

TEST_F(PlanEngineTest, ANetworkWithoutDnsIsRefused) {
  ObservedState o = observed();
  o.network_driver = "bridge";
  o.network_resolves_names = false;
  EXPECT_NE(plan_error({"docker", "run", "--network", "podman", "i"}, o).find("DNS turned off"),
            std::string::npos);
}

// podman 4.3: aardvark-dns drops queries for a moment on every reload, and the host's resolver
// after it in resolv.conf then answers NXDOMAIN for the sidecar's name. The anvil gets the
// network's gateway (aardvark-dns) as its only resolver.
TEST_F(PlanEngineTest, OnPodmanTheAnvilResolvesThroughTheNetworksGatewayOnly) {
  ObservedState o = observed();
  o.engine_podman = true;
  o.network_driver = "bridge";
  o.network_gateway = "10.89.1.1";
  auto plan = make_plan(defs, o, parse_anvil_argv({"podman", "run", "--rm", "img", "true"}));
  EXPECT_EQ(plan.anvil_argv,
            (std::vector<std::string>{"podman", "run", "-e", "SWARMFORGE_TONG_PG_HOST=pg", "-e",
                                      "SWARMFORGE_TONG_PG_PORT=5432", "--dns", "10.89.1.1",
                                      "--network", "swarmforge-net", "--rm", "img", "true"}));
}

TEST_F(PlanEngineTest, TheAnvilsOwnResolversAndOtherEnginesAreLeftAlone) {
  ObservedState podman = observed();
  podman.engine_podman = true;
  podman.network_gateway = "10.89.1.1";
  auto has_dns = [&](const ObservedState& o, const std::vector<std::string>& argv) {
    auto plan = make_plan(defs, o, parse_anvil_argv(argv));
    return std::count(plan.anvil_argv.begin(), plan.anvil_argv.end(), "--dns");
  };
  EXPECT_EQ(has_dns(podman, {"podman", "run", "--dns", "1.1.1.1", "img"}), 1);  // only theirs
  EXPECT_EQ(has_dns(podman, {"podman", "run", "--dns=1.1.1.1", "img"}), 0);
  ObservedState unknown_gateway = podman;
  unknown_gateway.network_gateway.clear();  // the network is created by this launch
  EXPECT_EQ(has_dns(unknown_gateway, {"podman", "run", "img"}), 0);
  ObservedState dockerd = observed();
  dockerd.network_gateway = "172.18.0.1";  // Docker's embedded DNS has no such gap
  EXPECT_EQ(has_dns(dockerd, {"docker", "run", "img"}), 0);
}

TEST_F(PlanEngineTest, DockerRunRmThroughPodmanIsWarnedAbout) {
  ObservedState o = observed();
  o.engine_podman = true;
  EXPECT_TRUE(engine_warning(parse_anvil_argv({"docker", "run", "--rm", "i"}), o));
  EXPECT_FALSE(engine_warning(parse_anvil_argv({"podman", "run", "--rm", "i"}), o));
  EXPECT_FALSE(engine_warning(parse_anvil_argv({"docker", "run", "i"}), o));
  EXPECT_FALSE(engine_warning(parse_anvil_argv({"docker", "run", "--rm", "i"}), observed()));
}

}  // namespace
}  // namespace run_anvil::sidecars
