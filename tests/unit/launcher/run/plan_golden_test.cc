// Golden tests of whole plans as `run-anvil plan` prints them: the output is deterministic, so
// any change in decisions or order shows up as a diff here.
#include <gtest/gtest.h>

#include <sstream>

#include "definitions_builder.h"
#include "run_anvil/errors.h"
#include "run_anvil/launcher/cli/plan_output.h"
#include "run_anvil/sidecars/define/naming.h"
#include "run_anvil/sidecars/define/validate.h"
#include "run_anvil/sidecars/plan/config_hash.h"
#include "run_anvil/sidecars/plan/plan.h"

namespace run_anvil::launcher {
namespace {

using fakes::port_sidecar;
using sidecars::Definition;

class PlanGolden : public ::testing::Test {
 protected:
  sidecars::ObservedState observed;
  std::vector<std::string> argv{"docker", "run", "--rm", "h:dev"};

  void images(const std::vector<Definition>& defs) {
    for (const auto& d : defs) observed.image_ids[d.image] = "sha256:" + d.name;
  }
  void running(const Definition& d, bool up = true, std::string hash = "") {
    sidecars::ObservedContainer c;
    c.id = "id-" + d.name;
    c.name = sidecars::shared_container_name(d.name);
    c.running = up;
    c.labels = sidecars::container_labels(d, hash.empty() ? sidecars::config_hash(d) : hash,
                                          "sha256:" + d.name);
    c.network_ips["swarmforge-net"] = "172.18.0.2";
    observed.containers[c.name] = c;
    observed.network_driver = "bridge";
  }
  std::string text(const std::vector<Definition>& defs) {
    EXPECT_TRUE(sidecars::validate_set(defs).empty());
    std::ostringstream out;
    print_plan(out, sidecars::make_plan(defs, observed, sidecars::parse_anvil_argv(argv)), false);
    return out.str();
  }
};

const char* kAnvil1 =
    "anvil: docker run -e SWARMFORGE_TONG_DB_HOST=db -e SWARMFORGE_TONG_DB_PORT=5432 "
    "-e SWARMFORGE_TONG_MQ_HOST=mq -e SWARMFORGE_TONG_MQ_PORT=5672 --network swarmforge-net "
    "--rm h:dev\n";

TEST_F(PlanGolden, AllAbsent) {
  std::vector<Definition> defs{port_sidecar("db", 5432), port_sidecar("mq", 5672)};
  images(defs);
  EXPECT_EQ(text(defs), std::string("network swarmforge-net (create)\n"
                                    "sidecar db: create swarmforge-shared-db (absent), ready when "
                                    "tcp db:5432\n"
                                    "sidecar mq: create swarmforge-shared-mq (absent), ready when "
                                    "tcp mq:5672\n") +
                            kAnvil1);
}

TEST_F(PlanGolden, AllReused) {
  std::vector<Definition> defs{port_sidecar("db", 5432), port_sidecar("mq", 5672)};
  images(defs);
  running(defs[0]);
  running(defs[1]);
  EXPECT_EQ(text(defs), std::string("network swarmforge-net (exists)\n"
                                    "sidecar db: reuse swarmforge-shared-db (running, config "
                                    "matches), ready when tcp db:5432\n"
                                    "sidecar mq: reuse swarmforge-shared-mq (running, config "
                                    "matches), ready when tcp mq:5672\n") +
                            kAnvil1);
}

TEST_F(PlanGolden, OneStaleOneStopped) {
  std::vector<Definition> defs{port_sidecar("db", 5432), port_sidecar("mq", 5672)};
  images(defs);
  running(defs[0], true, std::string(64, '0'));
  running(defs[1], false);
  EXPECT_EQ(text(defs), std::string("network swarmforge-net (exists)\n"
                                    "sidecar db: recreate swarmforge-shared-db (config changed), "
                                    "ready when tcp db:5432; discards all data in the "
                                    "container's file system: no volume holds it (declare "
                                    "`volumes` to keep data)\n"
                                    "sidecar mq: start swarmforge-shared-mq (stopped, config "
                                    "matches), ready when tcp mq:5672\n") +
                            kAnvil1);
}

TEST_F(PlanGolden, DependencyChain) {
  std::vector<Definition> defs{port_sidecar("a", 1, {"b"}), port_sidecar("b", 2, {"c"}),
                               port_sidecar("c", 3)};
  images(defs);
  argv = {"docker", "run", "--network", "agents", "h"};
  observed.network_driver = "bridge";
  EXPECT_EQ(text(defs),
            "network agents (exists)\n"
            "sidecar c: create swarmforge-shared-c (absent), ready when tcp c:3\n"
            "sidecar b: create swarmforge-shared-b (absent), after c, ready when tcp b:2\n"
            "sidecar a: create swarmforge-shared-a (absent), after b, ready when tcp a:1\n"
            "anvil: docker run -e SWARMFORGE_TONG_A_HOST=a -e SWARMFORGE_TONG_A_PORT=1 "
            "-e SWARMFORGE_TONG_B_HOST=b -e SWARMFORGE_TONG_B_PORT=2 -e SWARMFORGE_TONG_C_HOST=c "
            "-e SWARMFORGE_TONG_C_PORT=3 --network agents h\n");
}

TEST_F(PlanGolden, Diamond) {
  std::vector<Definition> defs{port_sidecar("top", 1, {"left", "right"}),
                               port_sidecar("left", 2, {"base"}),
                               port_sidecar("right", 3, {"base"}), port_sidecar("base", 4)};
  images(defs);
  running(defs[3]);
  std::string out = text(defs);
  EXPECT_EQ(out.substr(0, out.find("anvil:")),
            "network swarmforge-net (exists)\n"
            "sidecar base: reuse swarmforge-shared-base (running, config matches), ready when "
            "tcp base:4\n"
            "sidecar left: create swarmforge-shared-left (absent), after base, ready when tcp "
            "left:2\n"
            "sidecar right: create swarmforge-shared-right (absent), after base, ready when tcp "
            "right:3\n"
            "sidecar top: create swarmforge-shared-top (absent), after left right, ready when "
            "tcp top:1\n");
}

TEST_F(PlanGolden, CycleIsRejectedAtValidation) {
  std::vector<Definition> defs{port_sidecar("a", 1, {"b"}), port_sidecar("b", 2, {"a"})};
  auto diags = sidecars::validate_set(defs);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_NE(diags[0].message.find("a -> b -> a"), std::string::npos) << diags[0].str();
}

TEST_F(PlanGolden, MissingImageIsShownAsAPull) {
  std::vector<Definition> defs{port_sidecar("db", 5432), port_sidecar("mq", 5672)};
  images(defs);
  observed.image_ids["img/mq:1"] = std::nullopt;
  EXPECT_EQ(text(defs), std::string("network swarmforge-net (create)\n"
                                    "sidecar db: create swarmforge-shared-db (absent), ready when "
                                    "tcp db:5432\n"
                                    "sidecar mq: create swarmforge-shared-mq (absent), pull "
                                    "img/mq:1, ready when tcp mq:5672\n") +
                            kAnvil1);
  std::ostringstream json;
  print_plan(json, sidecars::make_plan(defs, observed, sidecars::parse_anvil_argv(argv)), true);
  EXPECT_NE(json.str().find("\"pull\": true"), std::string::npos) << json.str();
  EXPECT_NE(json.str().find("\"image\": \"img/mq:1\""), std::string::npos) << json.str();
  EXPECT_EQ(json.str().find("\"pull\": true"), json.str().rfind("\"pull\": true"));
}

TEST_F(PlanGolden, UnmanagedNameClashIsRefused) {
  std::vector<Definition> defs{port_sidecar("db", 5432)};
  images(defs);
  sidecars::ObservedContainer squatter;
  squatter.id = "x";
  squatter.name = "swarmforge-shared-db";
  observed.containers[squatter.name] = squatter;
  try {
    text(defs);
    FAIL() << "expected a refusal";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "a container named swarmforge-shared-db already exists and is not managed by "
              "run-anvil (no label swarmforge.managed-by=run-anvil); run-anvil will not touch it. "
              "Rename or remove it yourself, or rename the sidecar \"db\"");
  }
}

}  // namespace
}  // namespace run_anvil::launcher
