#include "run_anvil/launcher/run/image_pull.h"

#include <future>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace run_anvil::launcher {
namespace {

bool missing(const sidecars::ObservedState& observed, const std::string& image) {
  auto it = observed.image_ids.find(image);
  return it == observed.image_ids.end() || !it->second;
}

std::string quoted_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + ("\"" + name + "\"");
  return out;
}

// "redis:7" -> "redis"; "reg:5000/a/b@sha256:..." -> "reg:5000/a/b".
std::string repository_of(std::string image) {
  image = image.substr(0, image.find('@'));
  auto colon = image.rfind(':');
  auto slash = image.rfind('/');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    image.erase(colon);
  }
  return image;
}

// An image present only under another tag is the usual cause of a failed pull: name the tags.
std::string local_tags_hint(Engine& docker, const std::string& image) {
  std::vector<std::string> tags;
  try {
    tags = docker.local_tags(repository_of(image));
  } catch (const DockerError&) {
    return "";  // the hint is a courtesy; the pull error stands on its own
  }
  if (tags.empty()) return "";
  std::string list;
  for (const auto& t : tags) list += (list.empty() ? "" : ", ") + t;
  return "; the daemon has " + repository_of(image) + " only as " + list +
         " locally (use one of those in `image`, or `docker tag` one as " + image + ")";
}

// The error of one pull ("" when it worked), so every pull is waited for before reporting.
std::string pull_one(Engine& docker, const std::string& image) {
  try {
    docker.pull_image(image, kImagePullTimeout);
  } catch (const DockerError& e) {
    return e.what() + local_tags_hint(docker, image);
  }
  if (!docker.image_id(image)) {
    return "the pull finished but the daemon has no image " + image;
  }
  return "";
}

}  // namespace

void pull_missing_images(Engine& docker, const std::vector<sidecars::Definition>& definitions,
                         sidecars::ObservedState& observed, Progress& progress) {
  std::map<std::string, std::vector<std::string>> users;  // image -> sidecars, declaration order
  for (const auto& d : definitions) {
    if (missing(observed, d.image)) users[d.image].push_back(d.name);
  }
  if (users.empty()) return;
  std::vector<std::pair<std::string, std::future<std::string>>> pulls;
  for (const auto& [image, names] : users) {
    for (const auto& name : names) progress.sidecar(name, "pulling " + image, /*notable=*/true);
    pulls.emplace_back(image, std::async(std::launch::async, [&docker, image = image] {
                         return pull_one(docker, image);
                       }));
  }
  std::string failures;
  std::exception_ptr unavailable;
  for (auto& [image, pull] : pulls) {
    std::string error;
    try {
      error = pull.get();
    } catch (...) {
      // No answer from the daemon (or an interrupt): after every pull ended, as is.
      if (!unavailable) unavailable = std::current_exception();
      continue;
    }
    if (!error.empty()) {
      failures += (failures.empty() ? "" : "\n") + ("sidecar " + quoted_names(users[image]) +
                                                    ": cannot pull image " + image + ": " + error);
      continue;
    }
    observed.image_ids[image] = docker.image_id(image);
    for (const auto& name : users[image]) progress.sidecar(name, "pulled " + image, false);
  }
  if (unavailable) std::rethrow_exception(unavailable);
  if (!failures.empty()) {
    throw Error(failures +
                "\nbuild it locally or `docker pull` it (private registries need `docker login` "
                "+ `docker pull` first)");
  }
}

}  // namespace run_anvil::launcher
