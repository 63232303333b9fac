#include "run_anvil/sidecars/text/terminal_text.h"

#include <gtest/gtest.h>

namespace run_anvil::sidecars {
namespace {

TEST(TerminalText, EscapesEscC0AndDelButKeepsNewlines) {
  EXPECT_EQ(terminal_safe("a\x1b]52;c;ZXZpbA==\x07z"), "a\\x1b]52;c;ZXZpbA==\\x07z");
  EXPECT_EQ(terminal_safe("clear\x1b[2J\rover\x7f\tx\n"), "clear\\x1b[2J\\x0dover\\x7f\\x09x\n");
  EXPECT_EQ(terminal_safe_line("two\nlines"), "two\\x0alines");
}

TEST(TerminalText, EscapesC1ControlsAndBytesThatAreNotUtf8) {
  EXPECT_EQ(terminal_safe("csi \xc2\x9b"
                          "31m"),
            "csi \\x9b31m");
  EXPECT_EQ(terminal_safe("raw \x9b"
                          "31m"),
            "raw \\x9b31m");
  EXPECT_EQ(terminal_safe("cut \xe2\x82"), "cut \\xe2\\x82");
  EXPECT_EQ(terminal_safe("overlong \xc0\xaf"), "overlong \\xc0\\xaf");
}

TEST(TerminalText, LeavesValidUtf8Alone) {
  const std::string text = "Grüße, 東京, \xc2\xa0nbsp, emoji \xf0\x9f\x98\x80";
  EXPECT_EQ(terminal_safe(text), text);
}

TEST(TerminalText, MasksEveryOccurrenceLongestValueFirst) {
  EXPECT_EQ(mask_values("token s3cr3t and s3cr3t-long, s3cr3t", {"s3cr3t", "s3cr3t-long"}),
            "token *** and ***, ***");
  EXPECT_EQ(mask_values("nothing here", {"", "absent"}), "nothing here");
}

}  // namespace
}  // namespace run_anvil::sidecars
