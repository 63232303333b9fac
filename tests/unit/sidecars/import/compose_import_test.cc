// `run-anvil import`: golden files (tests/data/compose/<case>.yml -> <case>.expected) and the
// promise that every file written is a valid definition. RUN_ANVIL_UPDATE_GOLDEN=1 rewrites the
// expected files; review the diff before committing it.
#include "run_anvil/sidecars/import/compose_import.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "run_anvil/errors.h"
#include "run_anvil/sidecars/define/parse.h"

namespace run_anvil::sidecars {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string data_path(const std::string& name) {
  return std::string(RUN_ANVIL_TEST_DATA) + "/compose/" + name;
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ImportResult import_case(const std::string& name, std::vector<std::string> services = {}) {
  ImportOptions options;
  options.compose_file = name + ".yml";
  options.services = std::move(services);
  options.path_prefix = "../../";
  options.project = "app";
  return import_compose(read(data_path(name + ".yml")), options);
}

std::string render(const ImportResult& r) {
  std::string out;
  for (const auto& d : r.definitions) out += "### " + d.name + ".toml\n" + d.toml;
  out += "### not carried over\n";
  for (const auto& n : r.notes) out += n + "\n";
  return out;
}

void expect_golden(const std::string& name) {
  ImportResult r = import_case(name);
  const std::string actual = render(r);
  const std::string expected_path = data_path(name + ".expected");
  if (std::getenv("RUN_ANVIL_UPDATE_GOLDEN")) std::ofstream(expected_path) << actual;
  EXPECT_EQ(actual, read(expected_path)) << "golden " << expected_path;
  for (const auto& d : r.definitions) {
    auto parsed = parse_definition(d.toml, d.name + ".toml", d.name, Layer::Repo);
    for (const auto& diag : parsed.diagnostics) ADD_FAILURE() << diag.str() << "\n" << d.toml;
  }
}

TEST(ComposeImport, DatabasesMatchTheGoldenFile) { expect_golden("databases"); }
TEST(ComposeImport, WebappMatchesTheGoldenFileAndSaysWhatItDropped) { expect_golden("webapp"); }

TEST(ComposeImport, CarriesHealthcheckIntoHealthcheckAndReadiness) {
  auto r = import_case("databases", {"db"});
  ASSERT_EQ(r.definitions.size(), 1u);
  auto d = parse_definition(r.definitions[0].toml, "db.toml", "db", Layer::Repo).definition;
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->service.healthcheck);
  EXPECT_EQ(d->service.healthcheck->start_period, std::chrono::milliseconds(90000));
  EXPECT_EQ(d->readiness.mode, ReadinessMode::Healthcheck);
  EXPECT_EQ(d->interface.port, 5432);
  EXPECT_EQ(d->service.ulimits.at(0).hard, 65536);
}

TEST(ComposeImport, DropsADependencyThatIsNotImported) {
  auto r = import_case("databases", {"cache"});
  ASSERT_EQ(r.definitions.size(), 1u);
  EXPECT_THAT(r.definitions[0].toml, Not(HasSubstr("depends_on")));
  EXPECT_THAT(render(r), HasSubstr("cache: depends_on: db is not imported here"));
}

// Compose publishes a port without an address on every interface; the definition keeps it on
// 127.0.0.1 and says so, but not for a range it did not carry over at all.
TEST(ComposeImport, SaysAPortWithoutAddressStaysOnLoopbackOnlyWhenItWasCarriedOver) {
  ImportOptions options;
  options.compose_file = "c.yml";
  auto notes = [&](const std::string& ports) {
    std::string all;
    for (const auto& n :
         import_compose("services:\n  a:\n    image: x\n    ports: " + ports + "\n", options)
             .notes) {
      all += n + "\n";
    }
    return all;
  };
  EXPECT_THAT(notes("[\"8080\"]"), HasSubstr("published on 127.0.0.1 only"));
  EXPECT_THAT(notes("[\"18080:8080\"]"), HasSubstr("published on 127.0.0.1 only"));
  EXPECT_THAT(notes("[\"127.0.0.1::8080\"]"), Not(HasSubstr("published on 127.0.0.1 only")));
  EXPECT_THAT(notes("[\"9000-9001:9000-9001\"]"), Not(HasSubstr("published on 127.0.0.1 only")));
}

TEST(ComposeImport, UnknownServiceAndBadYamlAreErrorsWithFileAndLine) {
  try {
    import_case("databases", {"nope"});
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "databases.yml: no service \"nope\" (services: cache, db)");
  }
  ImportOptions options;
  options.compose_file = "bad.yml";
  try {
    import_compose("services:\n  a: [\n", options);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("bad.yml:"));
    EXPECT_THAT(e.what(), HasSubstr("not valid YAML"));
  }
  EXPECT_THROW(import_compose("version: '3'\n", options), Error);
}

}  // namespace
}  // namespace run_anvil::sidecars
