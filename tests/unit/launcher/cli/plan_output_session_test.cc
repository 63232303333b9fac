#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "definitions_builder.h"
#include "run_anvil/launcher/cli/plan_output.h"
#include "run_anvil/sidecars/define/naming.h"

namespace run_anvil::launcher {
namespace {

using ::testing::HasSubstr;

sidecars::Plan session_plan() {
  auto shared = fakes::port_sidecar("cache", 6379);
  auto pg = fakes::port_sidecar("pg", 5432);
  pg.lifecycle = sidecars::Lifecycle::Session;
  sidecars::ObservedState o;
  o.image_ids[shared.image] = "sha256:1";
  o.image_ids[pg.image] = "sha256:2";
  o.network_driver = "bridge";
  sidecars::PlanOptions options;
  options.generated_anvil_name = "anvil-abc";
  return sidecars::make_plan(
      {shared, pg}, o, sidecars::parse_anvil_argv({"docker", "run", "--network", "agents", "h"}),
      options);
}

TEST(PlanOutputSessionTest, TextShowsTheSessionAndWhoJoinsIt) {
  std::ostringstream out;
  print_plan(out, session_plan(), false);
  EXPECT_THAT(out.str(), HasSubstr("session anvil-abc (generated --name): network "
                                   "swarmforge-session-anvil-abc (create, remove after the run), "
                                   "anvil joins agents once it starts\n"));
  EXPECT_THAT(out.str(), HasSubstr("sidecar cache: create swarmforge-shared-cache (absent), join "
                                   "swarmforge-session-anvil-abc"));
  EXPECT_THAT(out.str(), HasSubstr("sidecar pg: create anvil-abc-tong-pg (session)"));
}

TEST(PlanOutputSessionTest, JsonHasASessionObjectOnlyForSessionPlans) {
  std::ostringstream out;
  print_plan(out, session_plan(), true);
  auto j = nlohmann::json::parse(out.str());
  EXPECT_EQ(j["session"]["anvil_name"], "anvil-abc");
  EXPECT_EQ(j["session"]["network"], "swarmforge-session-anvil-abc");
  EXPECT_EQ(j["session"]["anvil_network"], "agents");
  std::ostringstream plain;
  sidecars::Plan no_session;
  print_plan(plain, no_session, true);
  EXPECT_FALSE(nlohmann::json::parse(plain.str()).contains("session"));
}

}  // namespace
}  // namespace run_anvil::launcher
