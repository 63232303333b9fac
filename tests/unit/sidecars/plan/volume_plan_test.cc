#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "definitions_builder.h"
#include "run_anvil/sidecars/define/naming.h"
#include "run_anvil/sidecars/plan/config_hash.h"
#include "run_anvil/sidecars/plan/plan.h"

// The data rules of the plan (SPEC §11): which volumes a container gets, what goes over to a
// replacement, what a replacement keeps and discards.
namespace run_anvil::sidecars {
namespace {

using fakes::port_sidecar;
using ::testing::HasSubstr;

using Origin = PlannedVolume::Origin;

class VolumePlanTest : public ::testing::Test {
 protected:
  ObservedState observed;
  AnvilCommand anvil = parse_anvil_argv({"docker", "run", "--name", "agent", "h"});

  Definition pg() {
    Definition d = port_sidecar("pg", 5432);
    d.volumes = {{Volume::Kind::Named, "data", "/var/lib/postgresql/data", false, "data:..."},
                 {Volume::Kind::Bind, "/srv/seed", "/seed", true, "/srv/seed:/seed:ro"}};
    return d;
  }
  void image(const Definition& d, std::vector<std::string> volumes = {}) {
    observed.image_ids[d.image] = "sha256:" + d.name;
    observed.image_volumes[d.image] = std::move(volumes);
  }
  ObservedContainer& existing(const Definition& d, bool running, std::string hash = "") {
    ObservedContainer c;
    c.id = "cid-" + d.name;
    c.name = shared_container_name(d.name);
    c.running = running;
    c.state = running ? "running" : "exited";
    c.labels = container_labels(d, hash.empty() ? config_hash(d) : hash, "sha256:" + d.name);
    observed.network_driver = "bridge";
    return observed.containers[c.name] = c;
  }
  SidecarStep step_of(const std::vector<Definition>& defs) {
    return make_plan(defs, observed, anvil).steps.at(0);
  }
};

TEST_F(VolumePlanTest, NamedVolumesAreManagedAndNamedAfterTheSidecar) {
  image(pg());
  auto step = step_of({pg()});
  ASSERT_EQ(step.volumes.size(), 2u);
  EXPECT_EQ(step.volumes[0], (PlannedVolume{Origin::Managed, "swarmforge-pg-data",
                                            "/var/lib/postgresql/data", false}));
  EXPECT_EQ(step.volumes[1], (PlannedVolume{Origin::Bind, "/srv/seed", "/seed", true}));
  EXPECT_EQ(step.volume_labels.at(kLabelManagedBy), kManagedByValue);
  EXPECT_EQ(step.volume_labels.at(kLabelName), "pg");
  EXPECT_EQ(step.data_note, "");  // nothing exists, nothing is replaced
}

TEST_F(VolumePlanTest, StaleSidecarIsRecreatedWithItsVolumesKept) {
  image(pg());
  existing(pg(), true, std::string(64, 'a'));
  auto step = step_of({pg()});
  EXPECT_EQ(step.action, Action::Recreate);
  EXPECT_EQ(step.volumes[0].source, "swarmforge-pg-data");
  EXPECT_EQ(step.data_note,
            "keeps volume data (/var/lib/postgresql/data); discards the rest of the container's "
            "file system");
}

TEST_F(VolumePlanTest, RecreateWithoutAnyVolumeSaysItDiscardsTheData) {
  Definition d = port_sidecar("pg", 5432);
  image(d);
  existing(d, true, std::string(64, 'a'));
  EXPECT_THAT(step_of({d}).data_note,
              HasSubstr("discards all data in the container's file system: no volume holds it"));
}

TEST_F(VolumePlanTest, StoppedSidecarWithMatchingConfigIsStarted) {
  image(pg());
  existing(pg(), false);
  auto step = step_of({pg()});
  EXPECT_EQ(step.action, Action::Start);
  EXPECT_EQ(step.existing_id, "cid-pg");
}

TEST_F(VolumePlanTest, ImageAnonymousVolumeIsCarriedToTheReplacement) {
  Definition d = port_sidecar("pg", 5432);
  image(d, {"/var/lib/postgresql/data"});
  auto& c = existing(d, true, std::string(64, 'a'));
  c.mounts = {{"volume", std::string(64, 'e'), "/var/lib/postgresql/data"}};
  auto step = step_of({d});
  ASSERT_EQ(step.volumes.size(), 1u);
  EXPECT_EQ(step.volumes[0], (PlannedVolume{Origin::Carried, std::string(64, 'e'),
                                            "/var/lib/postgresql/data", false}));
  EXPECT_THAT(step.data_note, HasSubstr("keeps volume data (/var/lib/postgresql/data)"));
}

TEST_F(VolumePlanTest, AnonymousVolumeAtAPathTheDefinitionCoversIsNotCarried) {
  Definition d = pg();
  image(d, {"/var/lib/postgresql/data", "/other"});
  auto& c = existing(d, true, std::string(64, 'a'));
  c.mounts = {{"volume", std::string(64, 'e'), "/var/lib/postgresql/data"},
              {"volume", "swarmforge-pg-old", "/other"},
              {"bind", "", "/seed"}};
  auto step = step_of({d});
  ASSERT_EQ(step.volumes.size(), 3u);  // data, seed, and /other carried by the image's VOLUME
  EXPECT_EQ(step.volumes[0].source, "swarmforge-pg-data");
  EXPECT_EQ(step.volumes[2],
            (PlannedVolume{Origin::Carried, "swarmforge-pg-old", "/other", false}));
}

TEST_F(VolumePlanTest, VolumeTheImageNoLongerDeclaresIsNotCarried) {
  Definition d = port_sidecar("pg", 5432);
  image(d, {});
  auto& c = existing(d, true, std::string(64, 'a'));
  c.mounts = {{"volume", std::string(64, 'e'), "/gone"}};
  EXPECT_TRUE(step_of({d}).volumes.empty());
}

TEST_F(VolumePlanTest, UnknownImageCarriesOnlyAnonymousLookingVolumes) {
  Definition d = port_sidecar("pg", 5432);  // not local: to be pulled, its VOLUMEs unknown
  auto& c = existing(d, true, std::string(64, 'a'));
  c.mounts = {{"volume", std::string(64, 'e'), "/anon"}, {"volume", "mine", "/named"}};
  auto step = step_of({d});
  ASSERT_EQ(step.volumes.size(), 1u);
  EXPECT_EQ(step.volumes[0].target, "/anon");
}

TEST_F(VolumePlanTest, SessionSidecarVolumesAreNamedAfterTheAnvilAndLiveWithTheSession) {
  Definition d = pg();
  d.lifecycle = Lifecycle::Session;
  d.restart = "no";
  image(d);
  auto plan = make_plan({d}, observed, anvil);
  const auto& step = plan.steps.at(0);
  EXPECT_EQ(step.volumes[0].source, "agent-tong-pg-data");
  EXPECT_TRUE(step.volume_labels.empty());  // created with the session's labels instead
  ASSERT_TRUE(plan.session);
  EXPECT_THAT(plan.session->volumes, ::testing::Contains("agent-tong-pg-data"));
}

}  // namespace
}  // namespace run_anvil::sidecars
