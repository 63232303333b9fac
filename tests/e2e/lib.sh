#!/usr/bin/env bash
# Helpers for the end-to-end tests: each test gets its own layer directories and workspace, and
# every sidecar a test declares is named e2e-* so cleanup never touches anything else.

E2E_WORK="${E2E_WORK:-$(mktemp -d /tmp/run-anvil-e2e.XXXXXX)}"

# run-anvil with this test's layers (and no user layer from $HOME).
ra() {
  "$RUN_ANVIL_BIN" --user-sidecars "$T/user" --repo-sidecars "$T/repo" --workspace "$T/ws" "$@"
}

# For background runs: `"${RA[@]}" -- ... &` so that $! is run-anvil itself, not a subshell.
ra_cmd() {
  RA=("$RUN_ANVIL_BIN" --user-sidecars "$T/user" --repo-sidecars "$T/repo" --workspace "$T/ws")
}

# Seconds since the epoch (fractional) at which a container started.
started_at() { date -d "$(docker inspect -f '{{.State.StartedAt}}' "$1")" +%s.%N; }

# sidecar NAME <<'EOF' ... EOF — writes a repo-layer definition.
sidecar() { cat >"$T/repo/$1.toml"; }

# A web sidecar serving /www/index.html on port 8080.
web_sidecar() {
  sidecar "$1" <<TOML
lifecycle = "shared"
image = "$TEST_IMAGE"
command = ["httpd", "-f", "-p", "8080", "-h", "/www"]
${2:-}
[interface]
kind = "port"
port = 8080
TOML
}

container_id() { docker inspect -f '{{.Id}}' "$1" 2>/dev/null || true; }
container_running() { [ "$(docker inspect -f '{{.State.Running}}' "$1" 2>/dev/null)" = true ]; }
label_of() { docker inspect -f "{{index .Config.Labels \"$2\"}}" "$1"; }

fail() {
  echo "    assertion failed: $*" >&2
  touch "$T/.assertion-failed"
  return 1
}
expect_eq() { [ "$1" = "$2" ] || fail "expected [$2] got [$1] ${3:-}"; }
expect_ne() { [ "$1" != "$2" ] || fail "expected something other than [$2] ${3:-}"; }
expect_contains() { grep -qF -- "$2" <<<"$1" || fail "[$2] not found in: $1"; }
expect_not_contains() { ! grep -qF -- "$2" <<<"$1" || fail "[$2] unexpectedly found in: $1"; }

# Removes the managed containers of the sidecars this test declared (in any of its layer
# directories), and the harness containers and networks it labelled — and nothing else, so tests
# of several developers can share one daemon.
e2e_cleanup() {
  local names=() f
  for f in "$T"/*/*.toml "$T"/ws/.swarmforge/sidecars/*.toml; do
    [ -e "$f" ] && names+=("$(basename "$f" .toml)")
  done
  local name id
  for name in "${names[@]}"; do
    for id in $(docker ps -aq --filter label=swarmforge.managed-by=run-anvil \
      --filter "label=swarmforge.tong.name=$name"); do
      docker rm -f "$id" >/dev/null 2>&1 || true
    done
  done
  docker ps -aq --filter "label=run-anvil-e2e=$E2E_TAG" | xargs -r docker rm -f >/dev/null 2>&1 || true
  docker network ls -q --filter "label=run-anvil-e2e=$E2E_TAG" |
    xargs -r docker network rm >/dev/null 2>&1 || true
  # Session networks and volumes of anvils named after this test's tag (see se_anvil in
  # test_session.sh); their containers went with the sidecar names above.
  local kind
  for kind in network volume; do
    docker "$kind" ls --filter label=swarmforge.session --format '{{.Name}}' |
      grep -F -- "$E2E_TAG" | xargs -r docker "$kind" rm >/dev/null 2>&1 || true
  done
}

# A label value unique to this test: put `--label "run-anvil-e2e=$E2E_TAG"` on every container
# or network a test creates by hand so cleanup finds it.
e2e_tag() { E2E_TAG="$(basename "$T")-$$"; }

E2E_PASSED=0
E2E_FAILED=0
E2E_SKIPPED=0
E2E_FAILED_NAMES=()

# The engine behind DOCKER_HOST: "podman" or "dockerd" (run.sh sets it once).
E2E_ENGINE="${E2E_ENGINE:-dockerd}"
on_podman() { [ "$E2E_ENGINE" = podman ]; }

# fetch_words URL — sets FETCH to the harness command that prints URL. On podman 4.3 a lookup can
# fail while other containers start on the same network (aardvark-dns 1.4 drops queries on each
# reload; README, Engines), so there the harness retries as a robust client would: up to 5 tries,
# a second apart. On dockerd one wget, no retry.
fetch_words() {
  if on_podman; then
    FETCH=(sh -c 'for i in 1 2 3 4 5; do wget -qO- "$1" && exit 0; sleep 1; done; exit 1' fetch "$1")
  else
    FETCH=(wget -qO- "$1")
  fi
}
# The harness command of the shared scenarios: `docker run`, except on podman, where `docker run
# --rm` through podman's socket always exits 0 and `podman run` is what works (README, Engines).
# The podman-specific tests in test_engines.sh run `docker run` there too. run.sh sets it.
ANVIL_RUN="${ANVIL_RUN:-docker run}"

# podman_events SINCE ARGS... --format FORMAT — `podman events` from SINCE (seconds since the
# epoch, with a fraction) until a moment ago. podman's compat API streams no past events, and its
# CLI takes absolute --since/--until times unreliably here; relative ones work, with a second of
# margin each way. The margin before SINCE would let in the previous test's events: each event's
# own time is compared with SINCE, and only those at or after it are printed (in FORMAT).
podman_events() {
  local ago since_ns args=() a
  sleep 1.1
  ago=$(($(date +%s) - ${1%.*} + 1))
  since_ns=$(date -d "@$1" +%s%N)
  shift
  while (($#)); do
    a=$1
    shift
    case "$a" in
      --format) args+=(--format "{{.Time.UnixNano}} $1"); shift ;;
      --format=*) args+=(--format "{{.Time.UnixNano}} ${a#--format=}") ;;
      *) args+=("$a") ;;
    esac
  done
  # Nanosecond times have 19 digits until 2286: compared as strings, exactly.
  podman events --since "${ago}s" --until 1s "${args[@]}" |
    awk -v since="$since_ns" '($1 "") >= (since "") { sub(/^[^ ]* /, ""); print }'
}

# e2e_skip REASON — ends the test as skipped, counted apart and printed with its reason.
e2e_skip() {
  echo "$*" >"$T/.skipped"
  exit 0
}
# skip_on_podman REASON — for a scenario that only exists on dockerd (it restarts dockerd, it
# needs dockerd's own error texts, ...).
skip_on_podman() { if on_podman; then e2e_skip "podman: $*"; fi; }

run_test() {
  local name="$1"
  T="$E2E_WORK/$name"
  rm -rf "$T"
  mkdir -p "$T/user" "$T/repo" "$T/ws"
  export T
  e2e_tag
  local start end
  start=$(date +%s.%N)
  # Not inside an `if`: bash ignores `set -e` in a condition's subshell, so a failing command
  # would not stop the test. Assertions also leave a marker, in case one is used in a condition.
  (set -eo pipefail; "$name") >"$T.log" 2>&1
  local rc=$?
  [ ! -e "$T/.assertion-failed" ] || rc=1
  if ((rc == 0)) && [ -e "$T/.skipped" ]; then
    E2E_SKIPPED=$((E2E_SKIPPED + 1))
    printf 'skip %-55s (%s)\n' "$name" "$(cat "$T/.skipped")"
  elif ((rc == 0)); then
    end=$(date +%s.%N)
    E2E_PASSED=$((E2E_PASSED + 1))
    printf 'ok   %-55s %5.1fs\n' "$name" "$(echo "$end - $start" | bc)"
  else
    E2E_FAILED=$((E2E_FAILED + 1))
    E2E_FAILED_NAMES+=("$name")
    printf 'FAIL %s\n' "$name"
    sed 's/^/    | /' "$T.log" | tail -40
  fi
  e2e_cleanup
  e2e_check_default_bridge "$name"
}

# On a fresh CI machine dockerd's default bridge docker0 vanished twice between two tests (every
# later `docker run` without --network then fails: "could not find bridge docker0"); the cause
# is not found yet. Said loudly with the test it followed and dockerd's last words, then the
# bridge is put back as dockerd had it, so one unexplained loss does not fail every later test.
E2E_DOCKER0_ADDR=""
e2e_check_default_bridge() {
  [ "$E2E_ENGINE" = dockerd ] && [ -z "${DOCKER_HOST:-}" ] || return 0
  if ip link show docker0 >/dev/null 2>&1; then
    E2E_DOCKER0_ADDR=$(ip -4 -o addr show docker0 | awk '{print $4; exit}')
    return 0
  fi
  [ -n "$E2E_DOCKER0_ADDR" ] || return 0
  echo "WARNING: dockerd's bridge docker0 vanished during $1; recreating it ($E2E_DOCKER0_ADDR)"
  ip -o link | sed 's/^/    links: /'
  tail -5 /tmp/run-anvil-dockerd.log 2>/dev/null | sed 's/^/    dockerd: /'
  ip link add docker0 type bridge && ip addr add "$E2E_DOCKER0_ADDR" dev docker0 &&
    ip link set docker0 up || echo "    could not recreate docker0"
}

e2e_summary() {
  echo
  if ((E2E_FAILED)); then echo "failed: ${E2E_FAILED_NAMES[*]}"; fi
  echo "e2e: $E2E_PASSED passed, $E2E_FAILED failed, $E2E_SKIPPED skipped ($E2E_ENGINE)"
  ((E2E_FAILED == 0))
}
