#include "run_anvil/launcher/docker/docker_endpoint.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "run_anvil/errors.h"

namespace run_anvil::launcher {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::HasSubstr;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "docker-endpoint-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void write_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

class DockerEndpointTest : public ::testing::Test {
 protected:
  std::string resolve() {
    return resolve_docker_endpoint([this](const std::string& name) -> std::optional<std::string> {
      auto it = env.find(name);
      if (it == env.end()) return std::nullopt;
      return it->second;
    });
  }

  DockerEndpoint find() {
    return find_docker_endpoint([this](const std::string& name) -> std::optional<std::string> {
      auto it = env.find(name);
      if (it == env.end()) return std::nullopt;
      return it->second;
    });
  }

  std::string resolve_error() {
    try {
      resolve();
    } catch (const Error& e) {
      return e.what();
    }
    return "(no error)";
  }

  // A context as `docker context create` stores it: a directory named by a hash of the name.
  void add_context(const fs::path& config_dir, const std::string& dir, const std::string& name,
                   const std::string& host) {
    write_file(config_dir / "contexts" / "meta" / dir / "meta.json",
               R"({"Name":")" + name + R"(","Metadata":{},"Endpoints":{"docker":{"Host":")" + host +
                   R"(","SkipTLSVerify":false}}})");
  }

  TempDir home;
  std::map<std::string, std::string> env{{"HOME", home.path().string()}};
};

TEST_F(DockerEndpointTest, DefaultsToTheStandardSocketWithoutConfiguration) {
  EXPECT_EQ(resolve(), "unix:///var/run/docker.sock");
}

TEST_F(DockerEndpointTest, UsesDockerHostWhenSet) {
  env["DOCKER_HOST"] = "tcp://10.0.0.5:2375";
  EXPECT_EQ(resolve(), "tcp://10.0.0.5:2375");
}

TEST_F(DockerEndpointTest, EmptyDockerHostCountsAsUnset) {
  env["DOCKER_HOST"] = "";
  EXPECT_EQ(resolve(), "unix:///var/run/docker.sock");
}

TEST_F(DockerEndpointTest, DockerHostWinsOverDockerContext) {
  env["DOCKER_HOST"] = "unix:///run/user/1000/docker.sock";
  env["DOCKER_CONTEXT"] = "remote";
  EXPECT_EQ(resolve(), "unix:///run/user/1000/docker.sock");
}

TEST_F(DockerEndpointTest, AcceptsSshDockerHost) {
  env["DOCKER_HOST"] = "ssh://me@build-box:2222";
  EXPECT_EQ(resolve(), "ssh://me@build-box:2222");
}

TEST_F(DockerEndpointTest, TlsVerifyUsesTheCertPathFiles) {
  TempDir certs;
  for (const char* file : {"ca.pem", "cert.pem", "key.pem"}) write_file(certs.path() / file, "x");
  env["DOCKER_HOST"] = "tcp://10.0.0.5:2376";
  env["DOCKER_TLS_VERIFY"] = "1";
  env["DOCKER_CERT_PATH"] = certs.path().string();
  const DockerEndpoint endpoint = find();
  ASSERT_TRUE(endpoint.tls);
  EXPECT_EQ(endpoint.tls->ca, (certs.path() / "ca.pem").string());
  EXPECT_EQ(endpoint.tls->cert, (certs.path() / "cert.pem").string());
  EXPECT_EQ(endpoint.tls->key, (certs.path() / "key.pem").string());
  EXPECT_TRUE(endpoint.tls->verify);
}

TEST_F(DockerEndpointTest, TlsCertPathDefaultsToTheDockerConfigDirectory) {
  write_file(home.path() / ".docker" / "ca.pem", "x");
  env["DOCKER_HOST"] = "tcp://10.0.0.5:2376";
  env["DOCKER_TLS_VERIFY"] = "1";
  EXPECT_EQ(find().tls->ca, (home.path() / ".docker" / "ca.pem").string());
}

TEST_F(DockerEndpointTest, TlsVerifyWithoutCaIsAnErrorNamingTheFile) {
  TempDir certs;
  env["DOCKER_HOST"] = "tcp://10.0.0.5:2376";
  env["DOCKER_TLS_VERIFY"] = "1";
  env["DOCKER_CERT_PATH"] = certs.path().string();
  EXPECT_THAT(resolve_error(), AllOf(HasSubstr("DOCKER_TLS_VERIFY"), HasSubstr("ca.pem")));
}

TEST_F(DockerEndpointTest, DockerTlsWithoutVerifyNeedsNoCa) {
  TempDir certs;
  env["DOCKER_HOST"] = "tcp://10.0.0.5:2376";
  env["DOCKER_TLS"] = "1";
  env["DOCKER_CERT_PATH"] = certs.path().string();
  const DockerEndpoint endpoint = find();
  ASSERT_TRUE(endpoint.tls);
  EXPECT_FALSE(endpoint.tls->verify);
}

TEST_F(DockerEndpointTest, PlainTcpHasNoTls) {
  env["DOCKER_HOST"] = "tcp://10.0.0.5:2375";
  EXPECT_FALSE(find().tls);
}

TEST_F(DockerEndpointTest, FollowsCurrentContextFromHomeConfig) {
  const fs::path config_dir = home.path() / ".docker";
  write_file(config_dir / "config.json", R"({"auths":{},"currentContext":"rootless"})");
  add_context(config_dir, "aaaa", "other", "unix:///wrong.sock");
  add_context(config_dir, "f1e2d3", "rootless", "unix:///run/user/1000/docker.sock");
  EXPECT_EQ(resolve(), "unix:///run/user/1000/docker.sock");
}

TEST_F(DockerEndpointTest, DockerConfigDirectoryReplacesHomeDotDocker) {
  TempDir config;
  env["DOCKER_CONFIG"] = config.path().string();
  write_file(config.path() / "config.json", R"({"currentContext":"remote"})");
  add_context(config.path(), "abc", "remote", "tcp://10.1.2.3:2375");
  write_file(home.path() / ".docker" / "config.json", R"({"currentContext":"ignored"})");
  EXPECT_EQ(resolve(), "tcp://10.1.2.3:2375");
}

TEST_F(DockerEndpointTest, DockerContextVariableOverridesConfigFile) {
  const fs::path config_dir = home.path() / ".docker";
  write_file(config_dir / "config.json", R"({"currentContext":"a"})");
  add_context(config_dir, "1", "a", "unix:///a.sock");
  add_context(config_dir, "2", "b", "unix:///b.sock");
  env["DOCKER_CONTEXT"] = "b";
  EXPECT_EQ(resolve(), "unix:///b.sock");
}

TEST_F(DockerEndpointTest, DefaultContextMeansTheStandardSocket) {
  write_file(home.path() / ".docker" / "config.json", R"({"currentContext":"default"})");
  EXPECT_EQ(resolve(), "unix:///var/run/docker.sock");
}

TEST_F(DockerEndpointTest, UnknownContextIsAnErrorNamingIt) {
  env["DOCKER_CONTEXT"] = "nope";
  EXPECT_THAT(resolve_error(), AllOf(HasSubstr("\"nope\""), HasSubstr("DOCKER_CONTEXT"),
                                     HasSubstr("does not exist")));
}

TEST_F(DockerEndpointTest, SshContextIsFollowed) {
  const fs::path config_dir = home.path() / ".docker";
  add_context(config_dir, "9", "far", "ssh://me@far");
  env["DOCKER_CONTEXT"] = "far";
  EXPECT_EQ(resolve(), "ssh://me@far");
}

TEST_F(DockerEndpointTest, TlsContextUsesItsOwnTlsDirectory) {
  const fs::path config_dir = home.path() / ".docker";
  add_context(config_dir, "77", "secure", "tcp://10.0.0.9:2376");
  const fs::path tls = config_dir / "contexts" / "tls" / "77" / "docker";
  for (const char* file : {"ca.pem", "cert.pem", "key.pem"}) write_file(tls / file, "x");
  env["DOCKER_CONTEXT"] = "secure";
  const DockerEndpoint endpoint = find();
  EXPECT_EQ(endpoint.host, "tcp://10.0.0.9:2376");
  ASSERT_TRUE(endpoint.tls);
  EXPECT_EQ(endpoint.tls->ca, (tls / "ca.pem").string());
  EXPECT_EQ(endpoint.tls->key, (tls / "key.pem").string());
  EXPECT_TRUE(endpoint.tls->verify);
}

TEST_F(DockerEndpointTest, ContextWithOnlyHalfAClientCertificateIsAnError) {
  const fs::path config_dir = home.path() / ".docker";
  add_context(config_dir, "78", "half", "tcp://10.0.0.9:2376");
  write_file(config_dir / "contexts" / "tls" / "78" / "docker" / "ca.pem", "x");
  write_file(config_dir / "contexts" / "tls" / "78" / "docker" / "cert.pem", "x");
  env["DOCKER_CONTEXT"] = "half";
  EXPECT_THAT(resolve_error(), AllOf(HasSubstr("\"half\""), HasSubstr("key.pem")));
}

TEST_F(DockerEndpointTest, BrokenConfigFileIsAnErrorNamingIt) {
  write_file(home.path() / ".docker" / "config.json", "{not json");
  EXPECT_THAT(resolve_error(), HasSubstr("config.json: not valid JSON"));
}

TEST_F(DockerEndpointTest, ParsesUnixEndpointIntoSocketPath) {
  const DialTarget target = parse_docker_endpoint("unix:///run/docker.sock");
  EXPECT_TRUE(target.is_unix);
  EXPECT_EQ(target.socket_path, "/run/docker.sock");
  EXPECT_EQ(target.base_url, "http://localhost");
}

TEST_F(DockerEndpointTest, ParsesTcpEndpointWithDefaultPort) {
  EXPECT_EQ(parse_docker_endpoint("tcp://10.0.0.5").base_url, "http://10.0.0.5:2375");
  EXPECT_EQ(parse_docker_endpoint("tcp://10.0.0.5:2377/").base_url, "http://10.0.0.5:2377");
  EXPECT_EQ(parse_docker_endpoint("tcp://[::1]").base_url, "http://[::1]:2375");
  EXPECT_EQ(parse_docker_endpoint("tcp://[::1]:23").base_url, "http://[::1]:23");
  EXPECT_FALSE(parse_docker_endpoint("tcp://h:1").is_unix);
}

TEST_F(DockerEndpointTest, ParsesTlsTcpEndpointAsHttpsOnPort2376) {
  EXPECT_EQ(parse_docker_endpoint("tcp://10.0.0.5", true).base_url, "https://10.0.0.5:2376");
  EXPECT_EQ(parse_docker_endpoint("tcp://10.0.0.5:4000", true).base_url, "https://10.0.0.5:4000");
}

TEST_F(DockerEndpointTest, ParsesSshEndpointIntoUserHostAndPort) {
  const DialTarget full = parse_docker_endpoint("ssh://root@127.0.0.1:2222");
  EXPECT_EQ(full.kind, DialTarget::Kind::Ssh);
  EXPECT_EQ(full.ssh_user, "root");
  EXPECT_EQ(full.ssh_host, "127.0.0.1");
  EXPECT_EQ(full.ssh_port, "2222");
  const DialTarget bare = parse_docker_endpoint("ssh://build-box");
  EXPECT_EQ(bare.ssh_user, "");
  EXPECT_EQ(bare.ssh_host, "build-box");
  EXPECT_EQ(bare.ssh_port, "");
  EXPECT_EQ(parse_docker_endpoint("ssh://me@[::1]:22").ssh_host, "::1");
}

TEST_F(DockerEndpointTest, RejectsSshEndpointsSshWouldMisread) {
  EXPECT_THROW(parse_docker_endpoint("ssh://-oProxyCommand=x"), Error);
  EXPECT_THROW(parse_docker_endpoint("ssh://me@host/path"), Error);
  EXPECT_THROW(parse_docker_endpoint("ssh://host:port"), Error);
  EXPECT_THROW(parse_docker_endpoint("ssh://"), Error);
}

TEST_F(DockerEndpointTest, RejectsEndpointWithoutScheme) {
  EXPECT_THROW(parse_docker_endpoint("/var/run/docker.sock"), Error);
  EXPECT_THROW(parse_docker_endpoint("npipe:////./pipe/docker_engine"), Error);
}

}  // namespace
}  // namespace run_anvil::launcher
