#include "run_anvil/sidecars/define/toml_nesting.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "run_anvil/launcher/run/secrets.h"
#include "run_anvil/sidecars/define/parse.h"

namespace run_anvil::sidecars {
namespace {

using ::testing::HasSubstr;

std::string repeat(const std::string& s, int n) {
  std::string out;
  out.reserve(s.size() * static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

std::string dotted(int parts) { return repeat("a.", parts - 1) + "a"; }

TEST(TomlNesting, AcceptsARealDefinition) {
  const std::string text = R"(lifecycle = "shared"
image = "postgres:16"   # a comment with [ { brackets
command = ["postgres", "-c", "a=[{"]
[interface]
kind = "port"
port = 5432
[readiness]
mode = "exec"
command = ['pg_isready', "-U", """multi
line ] } """]
[env]
A = { x = { y = [1, [2, [3]]] } }
b.c.d = 1
)";
  EXPECT_FALSE(toml_nesting_problem(text, "pg.toml"));
}

TEST(TomlNesting, CountsDottedKeysUpToTheBound) {
  EXPECT_FALSE(toml_nesting_problem(dotted(kMaxTomlNesting) + " = 1\n", "f.toml"));
  auto problem = toml_nesting_problem(dotted(kMaxTomlNesting + 1) + " = 1\n", "f.toml");
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->line, 1);
  EXPECT_THAT(problem->str(), HasSubstr("f.toml:1: nests deeper than 32 levels"));
}

TEST(TomlNesting, AddsTableHeadersToTheKeysBelowThem) {
  const std::string text = "x = 1\n[" + dotted(20) + "]\n" + dotted(13) + " = 1\n";
  auto problem = toml_nesting_problem(text, "f.toml");
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->line, 3);
  EXPECT_FALSE(toml_nesting_problem("[" + dotted(20) + "]\n" + dotted(12) + " = 1\n", "f"));
}

TEST(TomlNesting, CountsInlineTablesAndArraysWithTheirLine) {
  const std::string inline_tables = "a = 1\nx = " + repeat("{a=", 40) + "1" + repeat("}", 40);
  auto problem = toml_nesting_problem(inline_tables, "f.toml");
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->line, 2);
  const std::string arrays = "\n\nx = " + repeat("[", 40) + repeat("]", 40);
  problem = toml_nesting_problem(arrays, "f.toml");
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->line, 3);
}

TEST(TomlNesting, BracketsInsideStringsAndCommentsDoNotCount) {
  const std::string text = "x = \"" + repeat("[{", 100) + "\"\ny = '" + repeat("[", 100) + "'\n# " +
                           repeat("[", 100) + "\nz = '''\n" + repeat("{", 100) + "\n'''\n";
  EXPECT_FALSE(toml_nesting_problem(text, "f.toml"));
}

TEST(TomlNesting, ArraysClosedOnLaterLinesKeepTheirDepth) {
  std::string text = "x = [\n";
  for (int i = 0; i < 40; ++i) text += "[\n";
  auto problem = toml_nesting_problem(text, "f.toml");
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->line, 32);
}

TEST(TomlNesting, ForgivesUnbalancedClosersAndGarbage) {
  EXPECT_FALSE(toml_nesting_problem(repeat("]}],", 1000) + "\n= = \"\n'", "f.toml"));
}

// The inputs that crashed every command (issue 13): a clean file:line diagnostic instead.
TEST(TomlNesting, ParseReportsFortyThousandDottedKeysWithoutCrashing) {
  const std::string text = dotted(40000) + "=1\n";
  ASSERT_GT(text.size(), 79000u);
  const ParseResult result = parse_definition(text, "deep.toml", "deep", Layer::Repo);
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_THAT(result.diagnostics[0].str(), HasSubstr("deep.toml:1: nests deeper than"));
}

TEST(TomlNesting, ParseReportsDeepInlineTablesAndArraysWithoutCrashing) {
  for (const std::string& value :
       {repeat("{a=", 20000) + "1" + repeat("}", 20000), repeat("[", 30000) + repeat("]", 30000)}) {
    const ParseResult result =
        parse_definition("lifecycle = \"shared\"\nx = " + value, "deep.toml", "deep", Layer::Repo);
    ASSERT_EQ(result.diagnostics.size(), 1u);
    EXPECT_THAT(result.diagnostics[0].str(), HasSubstr("deep.toml:2: nests deeper than"));
  }
}

TEST(TomlNesting, ProviderTableIsBoundedToo) {
  try {
    launcher::parse_provider_table("[providers]\n" + dotted(40000) + " = 1\n", "p.toml");
    FAIL() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("p.toml:2: nests deeper than"));
  }
}

}  // namespace
}  // namespace run_anvil::sidecars
