#include "run_anvil/launcher/run/secrets.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "definitions_builder.h"
#include "run_anvil/errors.h"

namespace run_anvil::launcher {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kValue = "s3cr3t-VALUE-42";

// A private directory for files a test writes, removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "secrets-test-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string write(const std::string& name, const std::string& content) {
    std::string p = path_ + "/" + name;
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

sidecars::Definition with_env(std::vector<std::pair<std::string, std::string>> env) {
  auto d = fakes::port_sidecar("api", 80);
  d.file = "/repo/api.toml";
  d.env = std::move(env);
  return d;
}

class SecretResolverTest : public ::testing::Test {
 protected:
  TempDir dir;
  std::map<std::string, std::string> host_env{{"HOST_TOKEN", kValue}, {"HOME", "/nonexistent"}};

  SecretResolver resolver(std::string providers = "") {
    std::string path = dir.path() + "/secret-providers.toml";
    if (!providers.empty()) dir.write("secret-providers.toml", providers);
    return SecretResolver({[this](const std::string& name) -> std::optional<std::string> {
                             auto it = host_env.find(name);
                             if (it == host_env.end()) return std::nullopt;
                             return it->second;
                           },
                           path,
                           std::chrono::milliseconds(5000),
                           {}});
  }

  std::string error_of(SecretResolver& r, const sidecars::Definition& d) {
    try {
      r.resolve_env(d);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }
};

TEST(SecretReferencesTest, FindsEveryReferenceWithItsPosition) {
  auto refs = secret_references("a ${secret:env:X} b ${secret:op:vault/item:field} c");
  ASSERT_EQ(refs.size(), 2u);
  EXPECT_EQ(refs[0].provider, "env");
  EXPECT_EQ(refs[0].ref, "X");
  EXPECT_EQ(refs[0].begin, 2u);
  EXPECT_EQ(refs[0].end, 17u);
  EXPECT_EQ(refs[1].provider, "op");
  EXPECT_EQ(refs[1].ref, "vault/item:field");
  EXPECT_EQ(refs[1].text(), "${secret:op:vault/item:field}");
  EXPECT_TRUE(secret_references("plain ${HOME} value").empty());
}

TEST_F(SecretResolverTest, EnvProviderReadsTheHostVariableAndKeepsSurroundingText) {
  auto r = resolver();
  auto env =
      r.resolve_env(with_env({{"PLAIN", "x"}, {"TOKEN", "Bearer ${secret:env:HOST_TOKEN}!"}}));
  ASSERT_EQ(env.size(), 1u);  // only entries holding references
  EXPECT_EQ(env[0].first, "TOKEN");
  EXPECT_EQ(env[0].second, std::string("Bearer ") + kValue + "!");
}

TEST_F(SecretResolverTest, MissingVariableNamesSidecarFileAndReference) {
  auto r = resolver();
  std::string e = error_of(r, with_env({{"T", "${secret:env:NOPE}"}}));
  EXPECT_THAT(e, HasSubstr("/repo/api.toml: sidecar \"api\": secret ${secret:env:NOPE}"));
  EXPECT_THAT(e, HasSubstr("host variable NOPE is not set"));
}

TEST_F(SecretResolverTest, FileProviderStripsExactlyOneTrailingNewline) {
  std::string path = dir.write("token", std::string(kValue) + "\n\n");
  auto r = resolver();
  auto env = r.resolve_env(with_env({{"T", "${secret:file:" + path + "}"}}));
  EXPECT_EQ(env[0].second, std::string(kValue) + "\n");
}

TEST_F(SecretResolverTest, FileProviderExpandsHomeAndReportsMissingFilesByPath) {
  host_env["HOME"] = dir.path();
  dir.write("tok", kValue);
  auto r = resolver();
  EXPECT_EQ(r.resolve_env(with_env({{"T", "${secret:file:~/tok}"}}))[0].second, kValue);
  std::string e = error_of(r, with_env({{"T", "${secret:file:/nonexistent/tok}"}}));
  EXPECT_THAT(e, HasSubstr("cannot read /nonexistent/tok"));
}

TEST_F(SecretResolverTest, CommandProviderRunsWithoutShellAndReplacesRef) {
  auto r = resolver("[providers]\necho = [\"printf\", \"%s-value\\n\", \"{ref}\"]\n");
  auto env = r.resolve_env(with_env({{"T", "${secret:echo:a b;$(x)}"}}));
  EXPECT_EQ(env[0].second, "a b;$(x)-value");  // no shell: the reference is one argument
}

TEST_F(SecretResolverTest, FailingCommandErrorNeverHoldsWhatItPrinted) {
  // Prints the value on both streams, then fails: neither may reach the message.
  std::string file = dir.write("value", kValue);
  auto r = resolver("[providers]\nleaky = [\"sh\", \"-c\", \"cat " + file + "; cat " + file +
                    " >&2; exit 3\", \"{ref}\"]\n");
  std::string e = error_of(r, with_env({{"T", "${secret:leaky:item}"}}));
  EXPECT_THAT(e, HasSubstr("sidecar \"api\": secret ${secret:leaky:item}"));
  EXPECT_THAT(e, HasSubstr("exited with status 3"));
  EXPECT_THAT(e, HasSubstr("run the command yourself"));
  EXPECT_THAT(e, Not(HasSubstr(kValue)));
}

TEST_F(SecretResolverTest, CommandThatCannotRunOrHangsIsAnError) {
  auto r = resolver(
      "[providers]\nnone = [\"/nonexistent/tool\", \"{ref}\"]\n"
      "slow = [\"sleep\", \"5\"]\n");
  EXPECT_THAT(error_of(r, with_env({{"T", "${secret:none:x}"}})), HasSubstr("cannot be executed"));
  SecretResolver quick(
      {{}, dir.path() + "/secret-providers.toml", std::chrono::milliseconds(100), {}});
  EXPECT_THAT(error_of(quick, with_env({{"T", "${secret:slow:x}"}})),
              HasSubstr("did not finish within 0.1s"));
}

TEST_F(SecretResolverTest, UnknownProviderNamesTheProviderTable) {
  auto r = resolver();
  std::string e = error_of(r, with_env({{"T", "${secret:vault:x}"}}));
  EXPECT_THAT(e, HasSubstr("unknown secret provider \"vault\""));
  EXPECT_THAT(e, HasSubstr(dir.path() + "/secret-providers.toml"));
}

TEST_F(SecretResolverTest, EachReferenceIsResolvedOncePerRun) {
  std::string counter = dir.path() + "/count";
  auto r =
      resolver("[providers]\ncount = [\"sh\", \"-c\", \"echo x >> " + counter + "; echo v\"]\n");
  r.resolve_env(with_env({{"A", "${secret:count:k}"}, {"B", "${secret:count:k}"}}));
  r.resolve_env(with_env({{"C", "${secret:count:k}"}}));
  std::ifstream in(counter);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(all, "x\n");
}

TEST_F(SecretResolverTest, ValueWithNulIsRefusedWithoutShowingIt) {
  std::string path = dir.path() + "/nul";
  std::ofstream(path, std::ios::binary) << std::string("ab\0cd", 5);
  auto r = resolver();
  std::string e = error_of(r, with_env({{"T", "${secret:file:" + path + "}"}}));
  EXPECT_THAT(e, HasSubstr("NUL byte"));
}

TEST(ProviderTableTest, ParsesCommandsAndReportsProblemsWithLines) {
  auto table = parse_provider_table("[providers]\nop = [\"op\", \"read\", \"{ref}\"]\n", "p.toml");
  EXPECT_EQ(table.commands.at("op"), (std::vector<std::string>{"op", "read", "{ref}"}));
  try {
    parse_provider_table("[providers]\nenv = [\"x\"]\nbad = []\nBig = [\"x\"]\n[other]\n",
                         "p.toml");
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    std::string all = e.what();
    EXPECT_THAT(all, HasSubstr("p.toml:2: provider \"env\" is built in"));
    EXPECT_THAT(all, HasSubstr("p.toml:3: providers.bad must be a non-empty array"));
    EXPECT_THAT(all, HasSubstr("p.toml:4: provider name \"Big\""));
    EXPECT_THAT(all, HasSubstr("unknown key \"other\""));
  }
}

TEST(ProviderTableTest, MissingFileIsAnEmptyTable) {
  EXPECT_TRUE(load_provider_table("/nonexistent/secret-providers.toml").commands.empty());
}

TEST(ProviderTableTest, RefPlaceholderIsReplacedEverywhere) {
  EXPECT_EQ(provider_argv({"tool", "--id={ref}", "{ref}{ref}", "x"}, "a/b"),
            (std::vector<std::string>{"tool", "--id=a/b", "a/ba/b", "x"}));
}

}  // namespace
}  // namespace run_anvil::launcher
