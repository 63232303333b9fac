#include "run_anvil/launcher/plan_output.h"

#include <nlohmann/json.hpp>

namespace run_anvil::launcher {
namespace {

std::string joined(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) s += (s.empty() ? "" : " ") + shell_quote(a);
  return s;
}

nlohmann::json step_json(const sidecars::SidecarStep& s) {
  return {{"name", s.name},
          {"container", s.container},
          {"action", sidecars::to_string(s.action)},
          {"reason", s.reason},
          {"config_hash", s.config_hash},
          {"network", s.network},
          {"aliases", s.aliases},
          {"connect", s.connect},
          {"depends_on", s.depends_on},
          {"readiness", s.probe.describe()},
          {"timeout_ms", s.probe.timeout.count()}};
}

}  // namespace

std::string shell_quote(const std::string& arg) {
  if (!arg.empty() && arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                            "0123456789-_./:=,@%+") == std::string::npos) {
    return arg;
  }
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

void print_plan(std::ostream& out, const sidecars::Plan& plan, bool json) {
  if (json) {
    nlohmann::json j;
    j["passthrough"] = false;
    j["network"] = plan.network;
    j["create_network"] = plan.create_network;
    j["sidecars"] = nlohmann::json::array();
    for (const auto& s : plan.steps) j["sidecars"].push_back(step_json(s));
    j["env"] = nlohmann::json::object();
    for (const auto& [k, v] : plan.env) j["env"][k] = v;
    j["anvil_argv"] = plan.anvil_argv;
    out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return;
  }
  if (!plan.network.empty()) {
    out << "network " << plan.network << (plan.create_network ? " (create)" : " (exists)") << "\n";
  }
  for (const auto& s : plan.steps) {
    out << "sidecar " << s.name << ": " << sidecars::to_string(s.action) << " " << s.container
        << " (" << s.reason << ")";
    if (!s.depends_on.empty()) out << ", after " << joined(s.depends_on);
    if (s.connect) out << ", connect to " << s.network;
    out << ", ready when " << s.probe.describe() << "\n";
  }
  out << "anvil: " << joined(plan.anvil_argv) << "\n";
}

void print_passthrough_plan(std::ostream& out, const std::vector<std::string>& argv, bool json) {
  if (json) {
    nlohmann::json j{{"passthrough", true}, {"sidecars", nlohmann::json::array()},
                     {"anvil_argv", argv}};
    out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return;
  }
  out << "no sidecars declared: the command is executed unchanged\n"
      << "anvil: " << joined(argv) << "\n";
}

}  // namespace run_anvil::launcher
