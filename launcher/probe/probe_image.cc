#include "run_anvil/launcher/probe/probe_image.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "run_anvil/errors.h"
#include "run_anvil/sidecars/text/sha256.h"
#include "run_anvil/sidecars/text/ustar.h"

namespace run_anvil::launcher {
namespace {

constexpr const char* kBinaryName = "run-anvil-probe";
constexpr const char* kRepository = "run-anvil/probe";
constexpr std::size_t kTagLength = 12;

std::string read_binary(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error("the in-network probe " + path + " is missing (it is built and installed with " +
                "run-anvil); reinstall run-anvil, or pass --anvil-image IMAGE (an image with sh "
                "and nc)");
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace

std::string probe_binary_path() {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return kBinaryName;
  return (self.parent_path() / kBinaryName).string();
}

ProbeImage ensure_probe_image(Engine& docker) {
  // The binary does not change while we run: read and hash it once.
  static std::mutex mutex;
  static std::string binary;
  static std::string reference;
  std::lock_guard lock(mutex);
  if (reference.empty()) {
    binary = read_binary(probe_binary_path());
    reference = std::string(kRepository) + ":" + sidecars::sha256_hex(binary).substr(0, kTagLength);
  }
  // Containers are created from the image's id: podman would read the short name
  // "run-anvil/probe:..." as docker.io/run-anvil/probe, which it imported as localhost/...
  std::optional<std::string> id = docker.image_id(reference);
  if (!id) {
    docker.import_image(reference, sidecars::ustar_single_file(kBinaryName, binary, 0755, 0, 0));
    id = docker.image_id(reference);
  }
  if (!id) {
    throw Error("the daemon at " + docker.endpoint() + " imported " + reference +
                " but does not find it");
  }
  return ProbeImage{*id, {std::string("/") + kBinaryName}};
}

}  // namespace run_anvil::launcher
