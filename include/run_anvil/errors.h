#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "run_anvil/exit_codes.h"

namespace run_anvil {

// A failure the user can act on. Thrown anywhere, caught once in main and printed as
// `run-anvil: error: <message>`. The message must never contain a secret value.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, int exit_code = exit_codes::kLauncherFailure)
      : std::runtime_error(message), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

// Bad launcher usage (exit 2).
class UsageError : public Error {
 public:
  explicit UsageError(const std::string& message) : Error(message, exit_codes::kUsage) {}
};

// One problem in one definition file. `line` is 0 when unknown.
struct Diagnostic {
  std::string file;
  int line = 0;
  std::string message;

  // `file:line: message`, or `file: message` when the line is unknown.
  std::string str() const {
    return line > 0 ? file + ":" + std::to_string(line) + ": " + message : file + ": " + message;
  }
  bool operator==(const Diagnostic&) const = default;
};

// One or more definition problems; what() joins them one per line.
class ConfigError : public Error {
 public:
  explicit ConfigError(std::vector<Diagnostic> diagnostics)
      : Error(join(diagnostics)), diagnostics_(std::move(diagnostics)) {}
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  static std::string join(const std::vector<Diagnostic>& ds) {
    std::string out;
    for (const auto& d : ds) {
      if (!out.empty()) out += '\n';
      out += d.str();
    }
    return out;
  }
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace run_anvil
