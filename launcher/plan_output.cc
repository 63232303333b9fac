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
  nlohmann::json j = {{"name", s.name},
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
  // Only when pulling, so plans of local images print exactly as before.
  if (!s.pull_image.empty()) {
    j["pull"] = true;
    j["image"] = s.pull_image;
  }
  return j;
}

// Only for plans with session sidecars, so other plans print exactly as before.
nlohmann::json session_json(const sidecars::SessionPlan& s) {
  return {{"anvil_name", s.anvil_name},
          {"name_inserted", s.name_inserted},
          {"network", s.network},
          {"anvil_network", s.anvil_network},
          {"volumes", s.volumes}};
}

void print_session(std::ostream& out, const sidecars::SessionPlan& s) {
  out << "session " << s.anvil_name << (s.name_inserted ? " (generated --name)" : "");
  if (!s.network.empty()) out << ": network " << s.network << " (create, remove after the run)";
  if (!s.anvil_network.empty()) out << ", anvil joins " << s.anvil_network << " once it starts";
  out << "\n";
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
    if (plan.session) j["session"] = session_json(*plan.session);
    out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return;
  }
  if (!plan.network.empty()) {
    out << "network " << plan.network << (plan.create_network ? " (create)" : " (exists)") << "\n";
  }
  if (plan.session) print_session(out, *plan.session);
  for (const auto& s : plan.steps) {
    out << "sidecar " << s.name << ": " << sidecars::to_string(s.action) << " " << s.container
        << " (" << s.reason << ")";
    if (!s.pull_image.empty()) out << ", pull " << s.pull_image;
    if (!s.depends_on.empty()) out << ", after " << joined(s.depends_on);
    if (s.connect) out << ", connect to " << s.network;
    if (!s.session_network.empty()) out << ", join " << s.session_network;
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
