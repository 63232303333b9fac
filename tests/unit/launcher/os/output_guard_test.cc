#include "run_anvil/launcher/os/output_guard.h"

#include <gtest/gtest.h>

namespace run_anvil::launcher {
namespace {

TEST(OutputGuard, PrintableMasksRegisteredSecretsBeforeEscaping) {
  register_secret_value("hunter2\x1b[0m-value");
  register_secret_value("first line of a key\nsecond line of a key");
  EXPECT_EQ(printable("log: hunter2\x1b[0m-value end"), "log: *** end");
  EXPECT_EQ(printable("line: second line of a key\n"), "line: ***\n");
  EXPECT_EQ(printable_line("a\nb\x1b"), "a\\x0ab\\x1b");
}

}  // namespace
}  // namespace run_anvil::launcher
