// `run-anvil`: the fast front (see front_decision.h). Exec's the anvil when nothing can be
// declared, else the full launcher next to this executable — both keep this process's PID.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "run_anvil/launcher/front/front_decision.h"

namespace {

std::vector<char*> c_argv(std::vector<std::string>& argv) {
  std::vector<char*> out;
  for (auto& a : argv) out.push_back(a.data());
  out.push_back(nullptr);
  return out;
}

std::string core_path() {
  std::string self(4096, '\0');
  ssize_t n = readlink("/proc/self/exe", self.data(), self.size() - 1);
  if (n <= 0) return "run-anvil-core";
  self.resize(static_cast<size_t>(n));
  return self.substr(0, self.rfind('/') + 1) + "run-anvil-core";
}

std::string current_dir() {
  std::string cwd(4096, '\0');
  if (getcwd(cwd.data(), cwd.size()) == nullptr) return ".";
  cwd.resize(std::strlen(cwd.c_str()));
  return cwd;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  auto env = [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    return v ? std::optional<std::string>(v) : std::nullopt;
  };
  auto decision =
      run_anvil::launcher::decide_front(args, env, run_anvil::launcher::dir_may_hold_toml,
                                        current_dir(), run_anvil::launcher::is_directory);
  if (decision.kind == run_anvil::launcher::FrontDecision::Kind::PrintVersion) {
    std::printf("run-anvil %s\n", RUN_ANVIL_VERSION);
    return 0;
  }
  if (decision.kind == run_anvil::launcher::FrontDecision::Kind::ExecAnvil) {
    auto anvil = c_argv(decision.anvil_argv);
    execvp(anvil[0], anvil.data());
    std::fprintf(stderr, "run-anvil: error: cannot execute %s: %s\n", anvil[0],
                 std::strerror(errno));
    return 127;
  }
  std::string core = core_path();
  auto full = c_argv(args);
  execv(core.c_str(), full.data());
  std::fprintf(stderr, "run-anvil: error: cannot execute %s: %s (it must sit next to run-anvil)\n",
               core.c_str(), std::strerror(errno));
  return 1;
}
