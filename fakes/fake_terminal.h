#pragma once

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "run_anvil/launcher/os/terminal.h"

// A scripted terminal: answers come from a queue (nullopt = EOF), every prompt is recorded.
namespace run_anvil::fakes {

class FakeTerminal : public launcher::Terminal {
 public:
  bool is_interactive = true;
  std::deque<std::optional<std::string>> answers;  // empty queue behaves as EOF
  std::vector<std::string> prompts;

  bool interactive() override { return is_interactive; }
  std::optional<std::string> ask(const std::string& prompt) override {
    prompts.push_back(prompt);
    if (answers.empty()) return std::nullopt;
    auto answer = answers.front();
    answers.pop_front();
    return answer;
  }
};

}  // namespace run_anvil::fakes
