#include "run_anvil/sidecars/define/toml_nesting.h"

#include <vector>

namespace run_anvil::sidecars {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// Characters that end a bare key (TOML's bare keys are [A-Za-z0-9_-]; anything else that is not
// structure is taken as part of the key so malformed text still advances).
bool ends_bare_key(char c) {
  return is_blank(c) || c == '=' || c == '.' || c == '#' || c == '\n' || c == '[' || c == ']' ||
         c == '{' || c == '}' || c == ',' || c == '"' || c == '\'';
}

// One pass over the text, keeping a stack of open levels instead of recursing.
class Scanner {
 public:
  Scanner(std::string_view text, int max_depth) : text_(text), max_(max_depth) {}

  // The line where the text first nests deeper than the bound, or 0.
  int first_too_deep_line() {
    while (pos_ < text_.size()) {
      if (!step()) return line_;
    }
    return 0;
  }

 private:
  struct Level {
    char kind;  // 'k': the key a value belongs to, '[': an array, '{': an inline table
    int weight;
  };

  // False when the level just entered is too deep.
  bool step() {
    const char c = text_[pos_];
    if (c == '\n') {
      ++line_;
      ++pos_;
      if (!inside_brackets()) end_of_statement();
      return true;
    }
    if (is_blank(c)) {
      ++pos_;
      return true;
    }
    if (c == '#') {
      while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      return true;
    }
    if (expect_key_ && c != '}' && c != ']' && c != ',') {
      if (c == '[' && stack_.empty()) return header();
      expect_key_ = false;
      return push('k', key_parts());
    }
    return value_token(c);
  }

  bool value_token(char c) {
    switch (c) {
      case '"':
      case '\'':
        skip_string();
        return true;
      case '[':
        ++pos_;
        return push('[', 1);
      case '{':
        ++pos_;
        expect_key_ = true;
        return push('{', 1);
      case ',':
        ++pos_;
        pop_if('k');
        expect_key_ = !stack_.empty() && stack_.back().kind == '{';
        return true;
      case '}':
        ++pos_;
        pop_if('k');
        pop_if('{');
        expect_key_ = false;
        return true;
      case ']':
        ++pos_;
        pop_if('[');
        return true;
      default:
        ++pos_;
        return true;
    }
  }

  // `[a.b.c]` or `[[a.b]]`: its parts are the base depth of every key below it.
  bool header() {
    ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '[') ++pos_;
    header_depth_ = key_parts();
    while (pos_ < text_.size() && text_[pos_] != '\n' && text_[pos_] != ']') ++pos_;
    while (pos_ < text_.size() && text_[pos_] == ']') ++pos_;
    expect_key_ = false;
    return header_depth_ <= max_;
  }

  // Reads a (dotted) key and returns how many parts it has; always advances.
  int key_parts() {
    const std::size_t start = pos_;
    int parts = 0;
    for (;;) {
      while (pos_ < text_.size() && is_blank(text_[pos_])) ++pos_;
      if (pos_ >= text_.size()) break;
      const char c = text_[pos_];
      if (c == '"' || c == '\'') {
        skip_string();
      } else if (!ends_bare_key(c)) {
        while (pos_ < text_.size() && !ends_bare_key(text_[pos_])) ++pos_;
      } else {
        break;
      }
      ++parts;
      while (pos_ < text_.size() && is_blank(text_[pos_])) ++pos_;
      if (pos_ >= text_.size() || text_[pos_] != '.') break;
      ++pos_;
    }
    if (pos_ == start) ++pos_;  // not a key at all: the TOML parser will say what it is
    return parts;
  }

  // Any of the four string kinds, counting the lines a multi-line string spans.
  void skip_string() {
    const char quote = text_[pos_];
    const bool multi = text_.substr(pos_, 3) == std::string_view(quote == '"' ? "\"\"\"" : "'''");
    pos_ += multi ? 3 : 1;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '\\' && quote == '"') {
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++line_;
        pos_ += 2;
        continue;
      }
      if (c == '\n') {
        if (!multi) return;  // unterminated: the parser reports it
        ++line_;
      }
      ++pos_;
      if (c == quote && (!multi || text_.substr(pos_ - 1, 3) == std::string(3, quote))) {
        if (multi) pos_ += 2;
        return;
      }
    }
  }

  bool push(char kind, int weight) {
    stack_.push_back({kind, weight});
    depth_ += weight;
    return header_depth_ + depth_ <= max_;
  }

  void pop_if(char kind) {
    if (stack_.empty() || stack_.back().kind != kind) return;
    depth_ -= stack_.back().weight;
    stack_.pop_back();
  }

  bool inside_brackets() const {
    for (const Level& l : stack_) {
      if (l.kind != 'k') return true;
    }
    return false;
  }

  void end_of_statement() {
    stack_.clear();
    depth_ = 0;
    expect_key_ = true;
  }

  std::string_view text_;
  int max_;
  std::size_t pos_ = 0;
  int line_ = 1;
  int header_depth_ = 0;
  int depth_ = 0;
  bool expect_key_ = true;
  std::vector<Level> stack_;
};

}  // namespace

std::optional<Diagnostic> toml_nesting_problem(std::string_view text, const std::string& file,
                                               int max_depth) {
  const int line = Scanner(text, max_depth).first_too_deep_line();
  if (line == 0) return std::nullopt;
  return Diagnostic{file, line,
                    "nests deeper than " + std::to_string(max_depth) +
                        " levels (table headers, dotted keys, arrays and inline tables "
                        "together); a definition needs only a few"};
}

}  // namespace run_anvil::sidecars
