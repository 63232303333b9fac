// Test helper for the passthrough checks: prints its PID, every argument hex-encoded (so spaces,
// newlines, empty strings and non-UTF-8 bytes are visible byte for byte), a digest of its
// environment, and whether stdin is a terminal, then exits with the status in ARGV_DUMP_EXIT.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

extern char** environ;

int main(int argc, char** argv) {
  std::printf("pid %ld\n", static_cast<long>(getpid()));
  for (int i = 0; i < argc; ++i) {
    std::printf("arg");
    for (const char* p = argv[i]; *p; ++p) std::printf(" %02x", static_cast<unsigned char>(*p));
    std::printf("\n");
  }
  unsigned long h = 5381;
  for (char** e = environ; *e; ++e) {
    for (const char* p = *e; *p; ++p) h = h * 33 + static_cast<unsigned char>(*p);
    h = h * 33 + '\n';
  }
  std::printf("env %lx\n", h);
  std::printf("stdin-tty %d\n", isatty(0));
  const char* code = std::getenv("ARGV_DUMP_EXIT");
  return code ? std::atoi(code) : 0;
}
