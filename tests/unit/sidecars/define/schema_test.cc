// `run-anvil schema` is generated from the parser's own key table: every key the schema lists is
// one the parser knows, and the reverse.
#include "run_anvil/sidecars/define/schema.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "run_anvil/sidecars/define/parse.h"

namespace run_anvil::sidecars {
namespace {

using nlohmann::json;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

json schema() { return json::parse(definition_schema()); }

std::vector<std::string> parse_messages(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& d : parse_definition(text, "x.toml", "x", Layer::Repo).diagnostics) {
    out.push_back(d.message);
  }
  return out;
}

// A value no key accepts, so only "unknown key" would tell an unknown key apart.
std::string probe_line(const std::string& key, const json& property) {
  return property.value("type", "") == "object" ? "[" + key + "]\n" : key + " = 0.5\n";
}

TEST(Schema, IsDraft07AndClosed) {
  json s = schema();
  EXPECT_EQ(s["$schema"], "http://json-schema.org/draft-07/schema#");
  EXPECT_EQ(s["additionalProperties"], false);
  EXPECT_EQ(s["properties"]["readiness"]["additionalProperties"], false);
  EXPECT_EQ(s["else"]["required"], json({"lifecycle", "image"}));
}

TEST(Schema, ListsEverySpecKeyAndMode) {
  json p = schema()["properties"];
  for (const char* key : {"user", "working_dir", "init", "shm_size", "tmpfs", "cap_add", "cap_drop",
                          "extra_hosts", "env_file", "ports", "ulimits", "labels", "healthcheck",
                          "volumes", "stop_signal", "stop_timeout"}) {
    EXPECT_TRUE(p.contains(key)) << key;
  }
  EXPECT_TRUE(p["resources"]["properties"].contains("gpus"));
  EXPECT_THAT(p["readiness"]["properties"]["mode"]["enum"], Contains("http"));
  EXPECT_THAT(p["readiness"]["properties"]["mode"]["enum"], Contains("log"));
  EXPECT_TRUE(p["ulimits"]["properties"].contains("nofile"));
  EXPECT_FALSE(p.contains("bogus"));
}

TEST(Schema, EveryKeyItListsIsKnownToTheParser) {
  json p = schema()["properties"];
  const std::string base = "lifecycle = \"shared\"\nimage = \"x\"\n";
  for (auto& [key, property] : p.items()) {
    for (const auto& m : parse_messages(base + probe_line(key, property))) {
      EXPECT_THAT(m, Not(HasSubstr("unknown"))) << key;
    }
    if (!property.contains("properties")) continue;
    for (auto& [sub, sub_property] : property["properties"].items()) {
      for (const auto& m :
           parse_messages(base + "[" + key + "]\n" + probe_line(sub, sub_property))) {
        EXPECT_THAT(m, Not(HasSubstr("unknown key"))) << key << "." << sub;
      }
    }
  }
}

TEST(Schema, AKeyItDoesNotListIsRejectedByTheParser) {
  EXPECT_THAT(parse_messages("lifecycle = \"shared\"\nimage = \"x\"\nbogus = 1\n"),
              Contains(HasSubstr("unknown key \"bogus\"")));
  EXPECT_THAT(parse_messages("lifecycle = \"shared\"\nimage = \"x\"\n[healthcheck]\ntest = \"t\"\n"
                             "bogus = 1\n"),
              Contains(HasSubstr("unknown key \"bogus\" in [healthcheck]")));
}

}  // namespace
}  // namespace run_anvil::sidecars
