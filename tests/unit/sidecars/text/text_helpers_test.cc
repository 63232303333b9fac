#include <gtest/gtest.h>

#include "run_anvil/sidecars/text/durations.h"
#include "run_anvil/sidecars/text/shell_quote.h"

namespace run_anvil::sidecars {
namespace {

using std::chrono::milliseconds;

TEST(SecondsText, OneDecimalBelowTenSecondsWholeSecondsAbove) {
  EXPECT_EQ(seconds_text(milliseconds(500)), "0.5s");
  EXPECT_EQ(seconds_text(milliseconds(2000)), "2.0s");
  EXPECT_EQ(seconds_text(milliseconds(9949)), "9.9s");
  EXPECT_EQ(seconds_text(milliseconds(10000)), "10s");
  EXPECT_EQ(seconds_text(milliseconds(120000)), "120s");
}

TEST(ShellJoin, QuotesOnlyWhatTheShellWouldSplitOrExpand) {
  EXPECT_EQ(shell_join({"pg_isready", "-U", "app user", "it's", "$HOME", ""}),
            "pg_isready -U 'app user' 'it'\\''s' '$HOME' ''");
  EXPECT_EQ(shell_join({}), "");
}

}  // namespace
}  // namespace run_anvil::sidecars
