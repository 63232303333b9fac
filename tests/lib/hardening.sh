#!/usr/bin/env bash
# The hardening steps of the test command (issue 6), sourced after tests/lib/setup.sh:
#   sanitized_unit_tests  the whole unit suite built with ASan + UBSan, in its own build dir
#   fuzz_definitions      the libFuzzer target over parse + validate + plan, for a bounded time
# Knobs: RUN_ANVIL_ASAN_BUILD, RUN_ANVIL_FUZZ_BUILD (build dirs), RUN_ANVIL_FUZZ_SECONDS (90).

RUN_ANVIL_ASAN_BUILD="${RUN_ANVIL_ASAN_BUILD:-$RUN_ANVIL_ROOT/build-asan}"
RUN_ANVIL_FUZZ_BUILD="${RUN_ANVIL_FUZZ_BUILD:-$RUN_ANVIL_ROOT/build-fuzz}"
RUN_ANVIL_FUZZ_SECONDS="${RUN_ANVIL_FUZZ_SECONDS:-90}"

sanitized_unit_tests() {
  say "unit tests under ASan + UBSan (building in $RUN_ANVIL_ASAN_BUILD)"
  # -O1 -g1 (line tables) compiles in half the time of -O2 -g and is what the sanitizers advise;
  # Debug keeps assert() on.
  cmake -S "$RUN_ANVIL_ROOT" -B "$RUN_ANVIL_ASAN_BUILD" -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" -DRUN_ANVIL_SANITIZE=ON -DRUN_ANVIL_DEVELOPER=ON >/dev/null
  cmake --build "$RUN_ANVIL_ASAN_BUILD" -j"$(nproc)" --target unit_tests >/dev/null
  # Any report fails its test: UBSan does not recover (-fno-sanitize-recover), ASan never does.
  local log="$RUN_ANVIL_ASAN_BUILD/ctest.log"
  if ! (cd "$RUN_ANVIL_ASAN_BUILD" &&
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ASAN_OPTIONS=detect_stack_use_after_return=1 \
      ctest --output-on-failure -j"$(nproc)" >"$log" 2>&1); then
    grep -v -E '^ *(Start +[0-9]+:|[0-9]+/[0-9]+ Test +#[0-9]+: .* Passed)' "$log" >&2
    return 1
  fi
  grep -E 'tests passed' "$log" | sed 's/^/    /' >&2
}

# A crash, a sanitizer report, an input slower than -timeout, or more memory than -rss_limit_mb
# fails the run; the input that did it is kept in $RUN_ANVIL_FUZZ_BUILD/crash-* (or timeout-*,
# oom-*) to replay with `$RUN_ANVIL_FUZZ_BUILD/fuzz_definitions FILE`.
fuzz_definitions() {
  need_packages clang libclang-rt-14-dev
  say "fuzzing definitions for ${RUN_ANVIL_FUZZ_SECONDS}s (libFuzzer + ASan + UBSan, building in $RUN_ANVIL_FUZZ_BUILD)"
  cmake -S "$RUN_ANVIL_ROOT" -B "$RUN_ANVIL_FUZZ_BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER=clang++ -DRUN_ANVIL_FUZZ=ON -DRUN_ANVIL_TESTS=OFF -DRUN_ANVIL_DEVELOPER=ON >/dev/null
  cmake --build "$RUN_ANVIL_FUZZ_BUILD" -j"$(nproc)" --target fuzz_definitions >/dev/null
  local fuzz="$RUN_ANVIL_ROOT/tests/fuzz" work log="$RUN_ANVIL_FUZZ_BUILD/fuzz.log" rc=0
  # New inputs go to a scratch corpus; the seeds in the repository are only read.
  work="$(mktemp -d)"
  "$RUN_ANVIL_FUZZ_BUILD/fuzz_definitions" -max_total_time="$RUN_ANVIL_FUZZ_SECONDS" \
    -timeout=10 -rss_limit_mb=2048 -max_len=65536 -dict="$fuzz/definitions.dict" \
    -artifact_prefix="$RUN_ANVIL_FUZZ_BUILD/" -print_final_stats=1 \
    "$work" "$fuzz/corpus" >"$log" 2>&1 || rc=$?
  rm -rf "$work"
  if ((rc != 0)); then
    tail -60 "$log" >&2
    echo "fuzzing found a problem (exit $rc); see $log and $RUN_ANVIL_FUZZ_BUILD/{crash,timeout,oom,leak}-*" >&2
    return 1
  fi
  grep -E '^(Done|stat::(number_of_executed_units|new_units_added|peak_rss_mb))' "$log" |
    sed 's/^/    /' >&2
}
