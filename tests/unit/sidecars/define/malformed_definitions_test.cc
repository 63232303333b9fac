// One row per way a definition can be wrong: each must yield exactly one diagnostic, in the
// right file, on the right line, saying something specific.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fake_definition_source.h"
#include "run_anvil/sidecars/define/layers.h"
#include "run_anvil/sidecars/define/validate.h"

namespace run_anvil::sidecars {
namespace {

using ::testing::HasSubstr;

// Special contents standing for entries that are not readable text files.
const std::string kDirectory = "<directory>";
const std::string kSymlinkOutside = "<symlink-outside>";
const std::string kOversized = "<oversized>";
const std::string kUnreadable = "<unreadable>";

struct Case {
  std::string label;
  // "<layer>/<file>" -> content; layers are user, repo and ws (workspace).
  std::vector<std::pair<std::string, std::string>> files;
  std::string file;  // "<layer>/<file>" the diagnostic must name
  int line;
  std::string fragment;
};

// Lines 1-2 are lifecycle and image, `extra` starts on line 3, then a valid [interface].
std::string top(const std::string& extra) {
  return "lifecycle = \"shared\"\nimage = \"postgres:16\"\n" + extra +
         "[interface]\nkind = \"port\"\nport = 5432\n";
}
const std::string kBase = top("");  // 5 lines: [interface] is line 3
// `extra` starts on line 6, inside [interface].
std::string iface(const std::string& extra) { return kBase + extra; }
// `extra` starts on line 7, inside the named table opened on line 6.
std::string table(const std::string& name, const std::string& extra) {
  return kBase + "[" + name + "]\n" + extra;
}
// A file without [interface]; `extra` starts on line 3.
std::string bare(const std::string& extra) {
  return "lifecycle = \"shared\"\nimage = \"busybox\"\n" + extra;
}
std::string volume(const std::string& extra) {
  return "lifecycle = \"shared\"\nimage = \"busybox\"\n[interface]\nkind = \"volume\"\n" + extra;
}

Case one(std::string label, std::string text, int line, std::string fragment) {
  return Case{std::move(label),
              {{"repo/pg.toml", std::move(text)}},
              "repo/pg.toml",
              line,
              std::move(fragment)};
}

std::vector<Case> cases() {
  return {
      // TOML itself
      one("SyntaxError", "lifecycle = \"shared\"\nimage = postgres\n", 2, "invalid TOML"),
      one("UnterminatedString", "image = \"abc\n", 1, "invalid TOML"),
      one("InvalidUtf8", "description = \"\xff\"\n", 1, "invalid TOML"),
      one("DeeplyNestedArrays", "command = " + std::string(300, '[') + std::string(300, ']'), 1,
          "nests deeper than 32 levels"),
      one("IntegerBeyond64Bits", iface("").substr(0, kBase.size() - 5) + "99999999999999999999\n",
          5, "invalid TOML"),
      one("DuplicateKey", top("image = \"again\"\n"), 3, "invalid TOML"),
      // unknown keys
      one("UnknownTopLevelKey", top("restrat = \"no\"\n"), 3, "unknown key \"restrat\""),
      one("UnknownTable", table("resource", "memory = \"1g\"\n"), 6, "unknown table [resource]"),
      one("UnknownInterfaceKey", iface("prot = 1\n"), 6, "unknown key \"prot\" in [interface]"),
      one("UnknownReadinessKey", table("readiness", "retries = 3\n"), 7,
          "unknown key \"retries\" in [readiness]"),
      one("UnknownResourcesKey", table("resources", "swap = \"1g\"\n"), 7,
          "unknown key \"swap\" in [resources]"),
      one("InterfaceNotATable", bare("interface = \"port\"\n[readiness]\nmode = \"none\"\n"), 3,
          "interface must be a table"),
      one("InterfaceArrayOfTables", bare("[[interface]]\nkind = \"none\"\n"), 3,
          "interface must be a table"),
      // top-level values
      one("MissingLifecycle", "image = \"x\"\n[readiness]\nmode = \"none\"\n", 0,
          "lifecycle is required"),
      one("UnknownLifecycle",
          "lifecycle = \"forever\"\nimage = \"x\"\n[readiness]\nmode = \"none\"\n", 1,
          "lifecycle must be \"shared\" or \"session\""),
      one("LifecycleNotAString", "lifecycle = 1\nimage = \"x\"\n[readiness]\nmode = \"none\"\n", 1,
          "lifecycle must be \"shared\" or \"session\""),
      one("MissingImage", "lifecycle = \"shared\"\n[readiness]\nmode = \"none\"\n", 0,
          "image is required"),
      one("EmptyImage", "lifecycle = \"shared\"\nimage = \"\"\n[readiness]\nmode = \"none\"\n", 2,
          "image must not be empty"),
      one("ImageWithSpace",
          "lifecycle = \"shared\"\nimage = \"pg 16\"\n[readiness]\nmode = \"none\"\n", 2,
          "image must be an image reference without whitespace"),
      one("ImageLooksLikeAnOption",
          "lifecycle = \"shared\"\nimage = \"--privileged\"\n[readiness]\nmode = \"none\"\n", 2,
          "not starting with \"-\""),
      one("ImageNotAString",
          "lifecycle = \"shared\"\nimage = [\"pg\"]\n[readiness]\nmode = \"none\"\n", 2,
          "image must be a string"),
      one("EmptyCommand", top("command = []\n"), 3, "command must be a non-empty array of strings"),
      one("CommandWithNumber", top("command = [\"a\", 1]\n"), 3,
          "command must be a non-empty array of strings"),
      one("CommandAsString", top("command = \"postgres\"\n"), 3,
          "command must be a non-empty array of strings"),
      one("CommandWithNul", top("command = [\"a\\u0000b\"]\n"), 3,
          "command[0] must not contain a NUL character"),
      one("EntrypointWithNumber", top("entrypoint = [1]\n"), 3,
          "entrypoint must be a non-empty array of strings"),
      one("DependsOnPathTraversal", top("depends_on = [\"../x\"]\n"), 3,
          "depends_on: \"../x\" is not a valid sidecar name"),
      one("DependsOnUnicodeName", top("depends_on = [\"p\xc3\xa9\"]\n"), 3,
          "is not a valid sidecar name"),
      one("DependsOnItself", top("depends_on = [\"pg\"]\n"), 3,
          "depends_on names this sidecar itself"),
      one("DependsOnTwice", top("depends_on = [\"a\", \"a\"]\n"), 3,
          "depends_on lists \"a\" more than once"),
      one("DependsOnUnknownSidecar", top("depends_on = [\"minio\"]\n"), 3,
          "depends_on names unknown sidecar \"minio\""),
      one("UnknownMountKind", top("mounts = [\"home\"]\n"), 3,
          "mounts entry \"home\" must be \"workspace[:ro|rw]\" or \"docker-socket[:ro|rw]\""),
      one("UnknownMountMode", top("mounts = [\"docker-socket:rx\"]\n"), 3, "mounts entry"),
      one("MountTwice", top("mounts = [\"docker-socket\", \"docker-socket:ro\"]\n"), 3,
          "mounts lists \"docker-socket\" more than once"),
      one("SharedSidecarMountsWorkspace", top("mounts = [\"workspace:ro\"]\n"), 3,
          "a shared sidecar may not mount the workspace"),
      one("UnknownRestartPolicy", top("restart = \"sometimes\"\n"), 3, "restart must be one of"),
      one("DisableNotABoolean", top("disable = \"yes\"\n"), 3, "disable must be true or false"),
      one("DisabledFileWithImage", "disable = true\nimage = \"x\"\n", 2,
          "disable = true may contain only"),
      // [interface]
      one("MissingInterfaceKind", bare("[interface]\nport = 5432\n"), 3,
          "interface.kind is required"),
      one("UnknownInterfaceKind", bare("[interface]\nkind = \"socket\"\n"), 4,
          "interface.kind must be one of"),
      one("PortTooLarge", iface("").replace(kBase.find("5432"), 4, "70000"), 5,
          "interface.port must be an integer 1..65535"),
      one("PortZero", iface("").replace(kBase.find("5432"), 4, "0"), 5, "interface.port must be"),
      one("PortNegative", iface("").replace(kBase.find("5432"), 4, "-1"), 5,
          "interface.port must be"),
      one("PortAsString", iface("").replace(kBase.find("5432"), 4, "\"5432\""), 5,
          "interface.port must be"),
      one("PortAsFloat", iface("").replace(kBase.find("5432"), 4, "5432.0"), 5,
          "interface.port must be"),
      one("PortMissing", bare("[interface]\nkind = \"port\"\n"), 3,
          "interface.port is required for interface kind \"port\""),
      one("PortOnVolume",
          volume("volume = \"v\"\nmountpoint = \"/v\"\nport = 1\n[readiness]\nmode = "
                 "\"none\"\n"),
          7, "interface.port is not allowed for interface kind \"volume\""),
      one("DuplicateAliasIgnoringCase", iface("aliases = [\"db\", \"DB\"]\n"), 6,
          "interface.aliases lists \"DB\" more than once"),
      one("AliasWithSpace", iface("aliases = [\"my db\"]\n"), 6, "\"my db\" is not a valid name"),
      one("AliasesOnKindNone",
          bare("[interface]\nkind = \"none\"\naliases = [\"x\"]\n[readiness]\n"
               "mode = \"none\"\n"),
          5, "interface.aliases is not allowed for interface kind \"none\""),
      one("McpNameOnPort", iface("name = \"gh\"\n"), 6, "interface.name is not allowed"),
      one("McpPathRelative", bare("[interface]\nkind = \"mcp\"\nport = 80\npath = \"mcp\"\n"), 6,
          "interface.path must be a URL path starting with \"/\""),
      one("McpNameInvalid", bare("[interface]\nkind = \"mcp\"\nport = 80\nname = \"git hub\"\n"), 6,
          "interface.name must be a name"),
      one("VolumeWithoutMountpoint", volume("volume = \"v\"\n[readiness]\nmode = \"none\"\n"), 3,
          "interface.mountpoint is required"),
      one("MountpointWithDotDot",
          volume("volume = \"v\"\nmountpoint = \"/data/../etc\"\n[readiness]\nmode = \"none\"\n"),
          6, "interface.mountpoint must be an absolute path"),
      one("MountpointRelative",
          volume("volume = \"v\"\nmountpoint = \"cache\"\n[readiness]\nmode = \"none\"\n"), 6,
          "interface.mountpoint must be an absolute path"),
      one("MountpointWithColon",
          volume("volume = \"v\"\nmountpoint = \"/a:ro\"\n[readiness]\nmode = \"none\"\n"), 6,
          "interface.mountpoint must be"),
      one("VolumeNameTraversal",
          volume("volume = \"../v\"\nmountpoint = \"/v\"\n[readiness]\nmode = \"none\"\n"), 5,
          "interface.volume must be a volume name"),
      // [readiness]
      one("NoneKindWithoutMode", bare("[interface]\nkind = \"none\"\n"), 4,
          "readiness.mode is required for interface kind \"none\""),
      one("VolumeKindWithoutMode",
          volume("volume = \"v\"\nmountpoint = \"/v\"\n[readiness]\n"
                 "timeout = \"5s\"\n"),
          7, "readiness.mode is required for interface kind \"volume\""),
      one("TcpWithoutPort",
          volume("volume = \"v\"\nmountpoint = \"/v\"\n[readiness]\nmode = \"tcp\"\n"), 8,
          "readiness.mode \"tcp\" needs a port"),
      one("UnknownReadinessMode", table("readiness", "mode = \"grpc\"\n"), 7,
          "readiness.mode must be one of"),
      one("ExecWithoutCommand", table("readiness", "mode = \"exec\"\n"), 6,
          "readiness.command is required when readiness.mode is \"exec\""),
      one("CommandWithoutExec", table("readiness", "command = [\"true\"]\n"), 7,
          "readiness.command is only allowed when readiness.mode is \"exec\""),
      one("NegativeTimeout", table("readiness", "timeout = \"-5s\"\n"), 7,
          "readiness.timeout must be a duration"),
      one("NegativeTimeoutNumber", table("readiness", "timeout = -5\n"), 7,
          "readiness.timeout must be a duration"),
      one("ZeroTimeout", table("readiness", "timeout = 0\n"), 7, "readiness.timeout must be"),
      one("TimeoutOverADay", table("readiness", "timeout = \"25h\"\n"), 7,
          "readiness.timeout must be"),
      one("TimeoutInDays", table("readiness", "timeout = \"1d\"\n"), 7,
          "readiness.timeout must be"),
      one("TimeoutNan", table("readiness", "timeout = nan\n"), 7, "readiness.timeout must be"),
      one("TimeoutBoolean", table("readiness", "timeout = true\n"), 7, "readiness.timeout must be"),
      one("IntervalWords", table("readiness", "interval = \"fast\"\n"), 7,
          "readiness.interval must be a duration"),
      // [env]
      one("EnvKeyStartsWithDigit", table("env", "1ABC = \"x\"\n"), 7,
          "env key \"1ABC\" is not a valid variable name"),
      one("EnvKeyUnicode", table("env", "\"P\xc3\x84SS\" = \"x\"\n"), 7,
          "is not a valid variable name"),
      one("EnvValueNumber", table("env", "PORT = 5432\n"), 7, "env.PORT must be a string"),
      one("EnvValueTable", table("env", "X = { a = 1 }\n"), 7, "env.X must be a string"),
      one("SecretProviderUppercase", table("env", "T = \"${secret:ENV:X}\"\n"), 7,
          "env.T holds a malformed secret reference"),
      one("SecretUnterminated", table("env", "T = \"${secret:env:X\"\n"), 7,
          "malformed secret reference"),
      one("SecretEmptyRef", table("env", "T = \"${secret:env:}\"\n"), 7,
          "malformed secret reference"),
      one("SecretWithoutProvider", table("env", "T = \"${secret:X}\"\n"), 7,
          "malformed secret reference"),
      one("EnvNotATable", top("env = [\"A=1\"]\n"), 3, "env must be a table"),
      // [resources]
      one("MemoryWords", table("resources", "memory = \"lots\"\n"), 7,
          "resources.memory must be a size"),
      one("MemoryBelowDockerMinimum", table("resources", "memory = \"1m\"\n"), 7, "at least 6m"),
      one("MemoryAbsurd", table("resources", "memory = \"99999999g\"\n"), 7, "at most 1024g"),
      one("MemoryFractional", table("resources", "memory = \"1.5g\"\n"), 7,
          "resources.memory must be"),
      one("MemoryNegative", table("resources", "memory = -7000000\n"), 7,
          "resources.memory must be"),
      one("CpusZero", table("resources", "cpus = \"0\"\n"), 7, "resources.cpus must be a number"),
      one("CpusNegative", table("resources", "cpus = -1\n"), 7, "resources.cpus must be"),
      one("CpusHuge", table("resources", "cpus = \"2000\"\n"), 7, "at most 1024"),
      one("CpusTooPrecise", table("resources", "cpus = \"0.0000000001\"\n"), 7,
          "resources.cpus must be"),
      one("CpusInfinite", table("resources", "cpus = inf\n"), 7, "resources.cpus must be"),
      // discovery
      Case{"NameWithLeadingDash",
           {{"repo/-pg.toml", kBase}},
           "repo/-pg.toml",
           0,
           "the file name must be <name>.toml"},
      Case{"NameWithSpace",
           {{"repo/pg db.toml", kBase}},
           "repo/pg db.toml",
           0,
           "the file name must be <name>.toml"},
      Case{"UnicodeName",
           {{"repo/p\xc3\xa9.toml", kBase}},
           "repo/p\xc3\xa9.toml",
           0,
           "the file name must be"},
      Case{"DotDotName", {{"repo/..toml", kBase}}, "repo/..toml", 0, "the file name must be"},
      Case{"EmptyStem", {{"repo/.toml", kBase}}, "repo/.toml", 0, "the file name must be"},
      Case{"DirectoryNamedToml", {{"repo/x.toml", kDirectory}}, "repo/x.toml", 0, "is a directory"},
      Case{"SymlinkOutOfTheLayer",
           {{"repo/x.toml", kSymlinkOutside}},
           "repo/x.toml",
           0,
           "is a symbolic link leading outside /repo"},
      Case{"OversizedFile",
           {{"repo/x.toml", kOversized}},
           "repo/x.toml",
           0,
           "larger than the 1 MiB"},
      Case{"UnreadableFile",
           {{"repo/x.toml", kUnreadable}},
           "repo/x.toml",
           0,
           "cannot read: Permission denied"},
      // A workspace redefinition of a trusted sidecar is a warning, not an error (issue 11):
      // layers_test.cc WorkspaceRedefinitionOfATrustedSidecarIsIgnoredWithOneWarning.
      // across the set
      Case{"DuplicateAliasAcrossSidecars",
           {{"repo/a.toml", iface("aliases = [\"db\"]\n")},
            {"repo/b.toml", iface("aliases = [\"DB\"]\n")}},
           "repo/b.toml",
           6,
           "claims the network name \"DB\" (interface.aliases), already claimed by sidecar \"a\""},
      Case{"AliasIsAnotherSidecarsName",
           {{"repo/a.toml", kBase}, {"repo/b.toml", iface("aliases = [\"a\"]\n")}},
           "repo/b.toml",
           6,
           "already claimed by sidecar \"a\" (its name"},
      Case{"DependencyCycle",
           {{"repo/a.toml", top("depends_on = [\"b\"]\n")},
            {"repo/b.toml", top("depends_on = [\"a\"]\n")}},
           "repo/a.toml",
           3,
           "dependency cycle: a -> b -> a"},
      Case{"LongDependencyCycle",
           {{"repo/a.toml", top("depends_on = [\"c\"]\n")},
            {"repo/b.toml", top("depends_on = [\"a\"]\n")},
            {"repo/c.toml", top("depends_on = [\"b\"]\n")}},
           "repo/a.toml",
           3,
           "dependency cycle: a -> c -> b -> a"},
      Case{"SameEnvironmentToken",
           {{"repo/pg-test.toml", kBase}, {"repo/pg.test.toml", kBase}},
           "repo/pg.test.toml",
           0,
           "would both set SWARMFORGE_TONG_PG_TEST_*"},
  };
}

class MalformedDefinitions : public ::testing::TestWithParam<Case> {};

void add(fakes::FakeDefinitionSource& source, const std::string& path, const std::string& text) {
  auto slash = path.find('/');
  std::string dir = "/" + path.substr(0, slash);
  std::string name = path.substr(slash + 1);
  if (text == kDirectory) {
    source.entry(dir, name, DirEntry::Kind::Directory);
  } else if (text == kSymlinkOutside) {
    source.entry(dir, name, DirEntry::Kind::SymlinkOutside);
  } else if (text == kOversized) {
    source.big_file(dir, name, kMaxDefinitionBytes + 1);
  } else if (text == kUnreadable) {
    source.unreadable(dir, name);
  } else {
    source.file(dir, name, text);
  }
}

TEST_P(MalformedDefinitions, YieldOneDiagnosticAtTheRightLine) {
  const Case& c = GetParam();
  fakes::FakeDefinitionSource source;
  for (const auto& [path, text] : c.files) add(source, path, text);
  Discovery discovery =
      discover(LayerDirs{.user = "/user", .org = {}, .repo = "/repo", .workspace = "/ws"}, source);
  std::vector<Diagnostic> diagnostics = discovery.diagnostics;
  if (diagnostics.empty()) diagnostics = validate_set(discovery.definitions);

  ASSERT_EQ(diagnostics.size(), 1u) << [&] {
    std::string all;
    for (const auto& d : diagnostics) all += d.str() + "\n";
    return all;
  }();
  EXPECT_EQ(diagnostics[0].file, "/" + c.file);
  EXPECT_EQ(diagnostics[0].line, c.line) << diagnostics[0].str();
  EXPECT_THAT(diagnostics[0].message, HasSubstr(c.fragment));
}

INSTANTIATE_TEST_SUITE_P(Malformed, MalformedDefinitions, ::testing::ValuesIn(cases()),
                         [](const auto& row) { return row.param.label; });

}  // namespace
}  // namespace run_anvil::sidecars
