#!/usr/bin/env bash
# End-to-end tests of issue 13 (SPEC §10, §15) against a real dockerd: secrets stay off every
# disk and survive (or refuse) a restart, are masked in what the launcher prints; hostile
# definitions and sidecar output cannot crash, hang or bloat the launcher. Sidecars are e2e-sh-*.
# Figures (RSS, elapsed) are printed, never asserted as times.

sh_figure() {
  printf '     %s\n' "$*" >>"/proc/$$/fd/2" 2>/dev/null || true
  printf 'figure: %s\n' "$*"
}

# sh_secret_sidecar NAME [EXTRA TOML] — a shared web sidecar whose API_TOKEN is a secret from the
# launcher's environment (E2E_SH_TOKEN). The sidecar never prints the value.
sh_secret_sidecar() {
  sidecar "$1" <<TOML
lifecycle = "shared"
image = "$TEST_IMAGE"
restart = "unless-stopped"
command = ["httpd", "-f", "-p", "8080", "-h", "/www"]
${2:-}
[env]
API_TOKEN = "\${secret:env:E2E_SH_TOKEN}"
PLAIN = "not-a-secret"
[interface]
kind = "port"
port = 8080
TOML
}

# The value of VAR in the environment of process 1 of container $1 (read through docker exec's
# stdout, so nothing is written anywhere).
sh_pid1_env() {
  # Empty, not a failure, while the container is between two runs (exec refused): the callers
  # then check what runs instead. (A failing pipeline here ended the test silently under -e.)
  { docker exec "$1" cat /proc/1/environ 2>/dev/null || true; } | tr '\0' '\n' | sed -n "s/^$2=//p"
}

# Waits (at most 15 s) until container $1 has restarted at least once and runs again.
sh_wait_restarted() {
  for _ in $(seq 1 150); do
    [ "$(docker inspect -f '{{.RestartCount}} {{.State.Running}}' "$1")" != "0 true" ] &&
      container_running "$1" && return 0
    sleep 0.1
  done
  fail "$1 was not restarted by its restart policy"
}

# Every place on the daemon's disk (and the runtime state under its exec root) that could hold the
# value: the container's upper dir, its directory (config, logs), and the OCI bundle.
sh_expect_not_on_disk() {
  local c=$1 secret=$2 id upper root
  id=$(container_id "$c")
  upper=$(docker inspect -f '{{.GraphDriver.Data.UpperDir}}' "$c")
  root=$(docker info -f '{{.DockerRootDir}}')
  [ -d "$upper" ] || fail "no upper dir $upper"
  ! grep -rqsF -D skip -- "$secret" "$upper" || fail "the value is in the upper dir $upper"
  # The container's own directory (config, logs, attach state): podman keeps it elsewhere.
  local cdir="$root/containers/$id"
  if on_podman; then cdir="$root/overlay-containers/$id"; fi
  [ -d "$cdir" ] || fail "no container directory $cdir"
  ! grep -rqsF -D skip -- "$secret" "$cdir" || fail "the value is in $cdir"
  case "${DOCKER_HOST:-}" in
    unix:///run/ra-dockerd-*)
      local exec_root
      exec_root="$(dirname "${DOCKER_HOST#unix://}")/exec"
      ! grep -rqsF -D skip -- "$secret" "$exec_root" || fail "the value is under $exec_root"
      ;;
  esac
  expect_eq "$(docker diff "$c" | grep -c swarmforge || true)" 0 "(docker diff: $(docker diff "$c"))"
  ! docker export "$c" | grep -aqF -- "$secret" || fail "docker export holds the value"
  local image="e2e-sh-commit-$E2E_TAG"
  image=$(echo "$image" | tr 'A-Z_' 'a-z-')
  # docker CLI 28's commit sends podman 4.3's compat API nothing it can decode ("Decode(): EOF"):
  # podman's own CLI reaches the same storage.
  local cli=docker
  if on_podman; then cli=podman; fi
  "$cli" commit "$c" "$image:1" >/dev/null 2>&1 || fail "$cli commit $c failed"
  local saved=0
  "$cli" save "$image:1" 2>/dev/null | grep -aqF -- "$secret" && saved=1
  "$cli" rmi "$image:1" >/dev/null 2>&1
  expect_eq "$saved" 0 "(docker commit + docker save holds the value)"
  expect_not_contains "$(docker inspect "$c")" "$secret"
}

# A stopped secret-bearing sidecar is started again (SPEC §11), not recreated: its wrapper waits
# for its secrets once more and the launch that starts it delivers them.
test_sh_stopped_secret_sidecar_is_started_and_gets_its_secret_again() {
  sh_secret_sidecar e2e-sh-paused
  local secret="e2e-sh-$RANDOM$RANDOM-start" c=swarmforge-shared-e2e-sh-paused first
  E2E_SH_TOKEN="$secret" ra -- docker run --rm --label "run-anvil-e2e=$E2E_TAG" "$TEST_IMAGE" \
    true 2>"$T/err" || fail "first launch: $(cat "$T/err")"
  first=$(container_id "$c")
  docker stop -t 1 "$c" >/dev/null
  E2E_SH_TOKEN="$secret" ra -- docker run --rm --label "run-anvil-e2e=$E2E_TAG" "$TEST_IMAGE" \
    wget -qO- http://e2e-sh-paused:8080/index.html >"$T/out" 2>"$T/err" ||
    fail "second launch: $(cat "$T/err")"
  expect_eq "$(cat "$T/out")" "hello from the sidecar"
  expect_eq "$(container_id "$c")" "$first" "(started again, not recreated)"
  expect_eq "$(sh_pid1_env "$c" API_TOKEN)" "$secret"
  expect_not_contains "$(cat "$T/err")" "$secret"
}

test_sh_secret_reaches_the_process_and_no_disk() {
  sh_secret_sidecar e2e-sh-vault
  local secret="e2e-sh-$RANDOM$RANDOM-disk" c=swarmforge-shared-e2e-sh-vault
  E2E_SH_TOKEN="$secret" ra -- docker run --rm --label "run-anvil-e2e=$E2E_TAG" "$TEST_IMAGE" \
    wget -qO- http://e2e-sh-vault:8080/index.html >"$T/out" 2>"$T/err"
  expect_eq "$(cat "$T/out")" "hello from the sidecar"
  expect_eq "$(sh_pid1_env "$c" API_TOKEN)" "$secret" "(the service's environment)"
  expect_eq "$(sh_pid1_env "$c" PLAIN)" "not-a-secret"
  sh_expect_not_on_disk "$c" "$secret"
  expect_not_contains "$(cat "$T/err")" "$secret"
}

# kill -9 of the service (from the host: PID 1 of a container ignores signals sent from inside)
# and `docker restart`: the service must not run without its secrets, and the next launch gives
# them back.
test_sh_secret_after_restart_is_delivered_again_never_missing() {
  sh_secret_sidecar e2e-sh-vault
  local secret="e2e-sh-$RANDOM$RANDOM-restart" c=swarmforge-shared-e2e-sh-vault
  E2E_SH_TOKEN="$secret" ra -- docker run --rm "$TEST_IMAGE" true
  expect_eq "$(sh_pid1_env "$c" API_TOKEN)" "$secret"
  local id
  id=$(container_id "$c")
  kill -9 "$(docker inspect -f '{{.State.Pid}}' "$c")"
  sh_wait_restarted "$c"
  # Restarted by its policy, the service either has its secrets or does not run at all.
  local env_now
  env_now=$(sh_pid1_env "$c" API_TOKEN)
  if [ "$env_now" != "$secret" ]; then
    ! docker top "$c" -o args | grep -q '^httpd' || fail "httpd runs without its secrets: $(docker top "$c")"
  fi
  E2E_SH_TOKEN="$secret" ra -- docker run --rm "$TEST_IMAGE" \
    wget -qO- http://e2e-sh-vault:8080/index.html >"$T/out" 2>"$T/err"
  expect_eq "$(cat "$T/out")" "hello from the sidecar" "($(cat "$T/err"))"
  expect_eq "$(sh_pid1_env "$c" API_TOKEN)" "$secret" "(after the next launch)"
  docker restart -t 1 "$c" >/dev/null
  env_now=$(sh_pid1_env "$c" API_TOKEN)
  if [ "$env_now" != "$secret" ]; then
    ! docker top "$c" -o args | grep -q '^httpd' || fail "httpd runs without its secrets after docker restart"
  fi
  E2E_SH_TOKEN="$secret" ra -- docker run --rm "$TEST_IMAGE" \
    wget -qO- http://e2e-sh-vault:8080/index.html >"$T/out" 2>"$T/err"
  expect_eq "$(cat "$T/out")" "hello from the sidecar" "($(cat "$T/err"))"
  expect_eq "$(sh_pid1_env "$c" API_TOKEN)" "$secret" "(after docker restart and a launch)"
  sh_expect_not_on_disk "$c" "$secret"
}

test_sh_secret_is_masked_in_a_log_tail_and_errors() {
  sidecar e2e-sh-leaky <<TOML
lifecycle = "shared"
image = "$TEST_IMAGE"
restart = "no"
command = ["sh", "-c", "for i in 1 2 3 4 5; do echo \"token is \$API_TOKEN\"; done; exit 3"]
[env]
API_TOKEN = "\${secret:env:E2E_SH_TOKEN}"
[interface]
kind = "port"
port = 8080
TOML
  local secret="e2e-sh-$RANDOM$RANDOM-leak" rc=0
  E2E_SH_TOKEN="$secret" ra -- docker run --rm "$TEST_IMAGE" true >"$T/out" 2>"$T/err" || rc=$?
  expect_ne "$rc" 0
  expect_contains "$(cat "$T/err")" "token is ***"
  expect_not_contains "$(cat "$T/err")" "$secret"
}

# An image with busybox but no /bin/sh.
sh_image_without_shell() {
  SH_NOSH_IMAGE="run-anvil-test/nosh:1"
  docker image inspect "$SH_NOSH_IMAGE" >/dev/null 2>&1 && return 0
  local root
  root=$(mktemp -d)
  mkdir -p "$root/bin" "$root/www" "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  ln -s busybox "$root/bin/httpd"
  echo 'no shell here' >"$root/www/index.html"
  tar -C "$root" -c . | docker import -c 'ENV PATH=/bin' - "$SH_NOSH_IMAGE" >/dev/null
  rm -rf "$root"
}

test_sh_image_without_a_shell_is_refused_before_anything_is_created() {
  sh_image_without_shell
  sidecar e2e-sh-nosh <<TOML
lifecycle = "shared"
image = "$SH_NOSH_IMAGE"
command = ["/bin/httpd", "-f", "-p", "8080", "-h", "/www"]
[env]
API_TOKEN = "\${secret:env:E2E_SH_TOKEN}"
[interface]
kind = "port"
port = 8080
TOML
  local rc=0
  E2E_SH_TOKEN=nosh-value ra -- docker run --rm "$TEST_IMAGE" true >"$T/out" 2>"$T/err" || rc=$?
  expect_ne "$rc" 0
  expect_contains "$(cat "$T/err")" "/bin/sh"
  expect_contains "$(cat "$T/err")" "$SH_NOSH_IMAGE"
  expect_eq "$(docker ps -aq --filter label=swarmforge.tong.name=e2e-sh-nosh)" "" "(a container was created)"
  # A second launch says the same, and still creates nothing.
  rc=0
  E2E_SH_TOKEN=nosh-value ra -- docker run --rm "$TEST_IMAGE" true >"$T/out" 2>"$T/err2" || rc=$?
  expect_ne "$rc" 0
  expect_contains "$(cat "$T/err2")" "/bin/sh"
  expect_eq "$(docker ps -aq --filter label=swarmforge.tong.name=e2e-sh-nosh)" ""
}

# An 80 KB file of 40 000 nested dotted keys, and deep inline tables and arrays.
sh_deep_files() {
  local dots
  dots=$(printf 'a.%.0s' $(seq 1 40000))
  printf '%s=1\n' "${dots%.}" >"$T/repo/e2e-sh-deep.toml"
  {
    echo 'lifecycle = "shared"'
    printf 'x = '; printf '{a=%.0s' $(seq 1 20000); printf '1'; printf '}%.0s' $(seq 1 20000); echo
  } >"$T/repo/e2e-sh-inline.toml"
  {
    echo 'lifecycle = "shared"'
    printf 'x = '; printf '[%.0s' $(seq 1 30000); printf ']%.0s' $(seq 1 30000); echo
  } >"$T/repo/e2e-sh-array.toml"
}

test_sh_deep_nesting_is_a_clean_error_for_every_command() {
  sh_deep_files
  expect_eq "$(($(stat -c %s "$T/repo/e2e-sh-deep.toml") > 79000))" 1
  local cmd rc
  # validate and run refuse bad definitions; status and doctor report them and go on.
  for cmd in validate run status doctor; do
    rc=0
    if [ "$cmd" = run ]; then
      ra -- docker run --rm "$TEST_IMAGE" true >"$T/out" 2>"$T/err" || rc=$?
    else
      ra "$cmd" >"$T/out" 2>"$T/err" || rc=$?
    fi
    ((rc < 128)) || fail "$cmd crashed (exit $rc): $(head -c 600 "$T/err")"
    expect_contains "$(cat "$T/out" "$T/err")" "nests deeper than 32 levels"
    case $cmd in
      validate | run)
        expect_eq "$rc" 1 "($cmd: $(head -c 600 "$T/err"))"
        expect_contains "$(cat "$T/err")" "e2e-sh-deep.toml:1: nests deeper"
        expect_contains "$(cat "$T/err")" "e2e-sh-inline.toml:2: nests deeper"
        expect_contains "$(cat "$T/err")" "e2e-sh-array.toml:2: nests deeper"
        ;;
    esac
  done
}

# A readiness command that floods its output: the launcher's memory stays flat.
test_sh_flooding_exec_readiness_keeps_memory_bounded() {
  sidecar e2e-sh-flood <<TOML
lifecycle = "shared"
image = "$TEST_IMAGE"
command = ["sleep", "600"]
[readiness]
mode = "exec"
command = ["yes"]
timeout = "4s"
TOML
  local rc=0
  /usr/bin/time -v "$RUN_ANVIL_BIN" --user-sidecars "$T/user" --repo-sidecars "$T/repo" \
    --workspace "$T/ws" -- docker run --rm "$TEST_IMAGE" true >"$T/out" 2>"$T/err" || rc=$?
  expect_ne "$rc" 0
  local rss
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$T/err")
  sh_figure "flooding exec readiness (yes) for 4s: launcher max RSS ${rss} KB"
  [ -n "$rss" ] || fail "no RSS figure: $(tail -5 "$T/err")"
  (( rss < 100000 )) || fail "the launcher grew to $rss KB"
  expect_contains "$(cat "$T/err")" "was not ready after"
  ! docker top swarmforge-shared-e2e-sh-flood -o args | grep -q '^yes' || fail "yes still runs in the sidecar"
}

# Each attempt is killed inside the container when it overruns; none is left behind.
test_sh_overrunning_exec_readiness_is_killed_inside_the_container() {
  sidecar e2e-sh-sleepy <<TOML
lifecycle = "shared"
image = "$TEST_IMAGE"
command = ["sleep", "600"]
[readiness]
mode = "exec"
command = ["sh", "-c", "sleep 300"]
timeout = "3s"
TOML
  local rc=0 t0 t1
  t0=$(date +%s%N)
  ra -- docker run --rm "$TEST_IMAGE" true >"$T/out" 2>"$T/err" || rc=$?
  t1=$(date +%s%N)
  expect_ne "$rc" 0
  expect_contains "$(cat "$T/err")" "was not ready after 3"
  sh_figure "sleep-300 exec readiness, timeout 3s: launcher gave up after $(((t1 - t0) / 1000000)) ms"
  local c=swarmforge-shared-e2e-sh-sleepy left=""
  for _ in $(seq 1 20); do
    left=$(docker top "$c" -o pid,args | grep 'sleep 300' || true)
    [ -z "$left" ] && break
    sleep 0.1
  done
  expect_eq "$left" "" "(processes left in the sidecar)"
  # `status` runs no readiness command, so it leaves nothing either.
  ra status >/dev/null 2>&1 || true
  expect_eq "$(docker top "$c" -o pid,args | grep -c 'sleep 300' || true)" 0
}

test_sh_control_characters_from_logs_and_file_names_are_escaped() {
  sidecar e2e-sh-noisy <<TOML
lifecycle = "shared"
image = "$TEST_IMAGE"
restart = "no"
command = ["sh", "-c", "printf 'clip \\\\033]52;c;ZXZpbA==\\\\007 clear \\\\033[2J csi \\\\302\\\\233 del \\\\177 end\\\\n'; exit 1"]
[interface]
kind = "port"
port = 8080
TOML
  local rc=0
  ra -- docker run --rm "$TEST_IMAGE" true >"$T/out" 2>"$T/err" || rc=$?
  expect_ne "$rc" 0
  expect_contains "$(cat "$T/err")" 'clip \x1b]52;c;ZXZpbA==\x07 clear \x1b[2J csi \x9b del \x7f end'
  LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$T/err" && fail "raw control bytes reached stderr"
  LC_ALL=C grep -q $'\xc2[\x80-\x9f]' "$T/err" && fail "raw C1 controls reached stderr"
  rm -f "$T/repo/e2e-sh-noisy.toml"
  # A file name with an OSC 52 sequence in a diagnostic.
  printf 'lifecycle = 3\n' >"$T/repo/"$'e2e-sh-bad\033]52;c;eA==\a.toml'
  rc=0
  ra validate >"$T/out" 2>"$T/err" || rc=$?
  expect_ne "$rc" 0
  LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$T/err" && fail "raw control bytes in: $(cat -v "$T/err")"
  expect_contains "$(cat "$T/err")" 'e2e-sh-bad\x1b]52;c;eA==\x07.toml'
}

# sh_workspace NAME — a workspace directory $T/NAME with one workspace-layer sidecar NAME.
sh_workspace() {
  mkdir -p "$T/$1/.swarmforge/sidecars" "$T/cleanup"
  cat >"$T/$1/.swarmforge/sidecars/$1.toml" <<TOML
lifecycle = "shared"
image = "$TEST_IMAGE"
command = ["sleep", "600"]
[readiness]
mode = "none"
TOML
  : >"$T/cleanup/$1.toml"  # so e2e_cleanup removes its container
}

# Two launchers on two pseudo-terminals prompt at the same time; both say yes.
test_sh_concurrent_approvals_in_two_workspaces_are_both_kept() {
  sh_workspace e2e-sh-appr-a
  sh_workspace e2e-sh-appr-b
  local w pids=()
  for w in e2e-sh-appr-a e2e-sh-appr-b; do
    mkfifo "$T/$w.in"
    local cmd="" a
    for a in "$RUN_ANVIL_BIN" --user-sidecars "$T/user" --repo-sidecars "$T/repo" \
      --workspace "$T/$w" --approvals "$T/approvals.json" -- docker run --rm "$TEST_IMAGE" true; do
      cmd+=" $(printf '%q' "$a")"
    done
    script -qec "$cmd" /dev/null <"$T/$w.in" >"$T/$w.tty" 2>&1 &
    pids+=($!)
  done
  exec 7>"$T/e2e-sh-appr-a.in" 8>"$T/e2e-sh-appr-b.in"
  for w in e2e-sh-appr-a e2e-sh-appr-b; do
    for _ in $(seq 1 300); do grep -qF '[y/N]' "$T/$w.tty" && break; sleep 0.05; done
    grep -qF '[y/N]' "$T/$w.tty" || fail "no prompt for $w: $(cat "$T/$w.tty")"
  done
  echo y >&7
  echo y >&8
  local p rc
  for p in "${pids[@]}"; do rc=0; wait "$p" || rc=$?; expect_eq "$rc" 0; done
  exec 7>&- 8>&-
  expect_eq "$(jq '.approvals | length' "$T/approvals.json")" 2 "($(cat "$T/approvals.json"))"
  expect_eq "$(stat -c %a "$T/approvals.json")" 600
  # Both are approved now: no prompt needed for either.
  for w in e2e-sh-appr-a e2e-sh-appr-b; do
    "$RUN_ANVIL_BIN" --user-sidecars "$T/user" --repo-sidecars "$T/repo" --workspace "$T/$w" \
      --approvals "$T/approvals.json" --no-prompt -- docker run --rm "$TEST_IMAGE" true </dev/null ||
      fail "$w is not approved any more"
  done
}

test_sh_non_regular_approvals_path_is_an_error_not_a_hang() {
  sh_workspace e2e-sh-appr-fifo
  mkfifo "$T/fifo.json"
  mkdir "$T/dir.json"
  local path rc
  for path in "$T/fifo.json" "$T/dir.json"; do
    rc=0
    timeout 20 "$RUN_ANVIL_BIN" --user-sidecars "$T/user" --repo-sidecars "$T/repo" \
      --workspace "$T/e2e-sh-appr-fifo" --approvals "$path" --no-prompt -- \
      docker run --rm "$TEST_IMAGE" true </dev/null >"$T/out" 2>"$T/err" || rc=$?
    expect_eq "$rc" 1 "($path: $(cat "$T/err"))"
    expect_contains "$(cat "$T/err")" "$path"
    expect_contains "$(cat "$T/err")" "not a regular file"
  done
}

# SIGKILL while the harness runs leaves its MCP config directory; the next launch removes it.
test_sh_harness_temp_dir_left_by_sigkill_is_removed_by_the_next_launch() {
  mkdir -p "$T/tmp"
  sidecar e2e-sh-mcp <<TOML
lifecycle = "shared"
image = "$TEST_IMAGE"
command = ["httpd", "-f", "-p", "8080", "-h", "/www"]
[interface]
kind = "mcp"
port = 8080
TOML
  ra_cmd
  TMPDIR="$T/tmp" "${RA[@]}" --harness claude -- docker run --rm --label "run-anvil-e2e=$E2E_TAG" \
    "$TEST_IMAGE" sh -c 'echo started; sleep 60' >"$T/out" 2>&1 &
  local pid=$!
  for _ in $(seq 1 300); do grep -q started "$T/out" && break; sleep 0.05; done
  grep -q started "$T/out" || fail "the harness did not start: $(cat "$T/out")"
  local left
  left=$(ls -d "$T"/tmp/run-anvil-harness-* 2>/dev/null)
  [ -n "$left" ] || fail "no harness config directory while the harness runs"
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null || true
  docker ps -q --filter "label=run-anvil-e2e=$E2E_TAG" | xargs -r docker rm -f >/dev/null
  [ -d "$left" ] || fail "SIGKILL did not leave $left (the test proves nothing)"
  TMPDIR="$T/tmp" ra --harness claude -- docker run --rm "$TEST_IMAGE" true
  [ ! -e "$left" ] || fail "$left is still there after the next launch"
  expect_eq "$(ls "$T/tmp" | wc -l)" 0 "(left in TMPDIR: $(ls "$T/tmp"))"
  # doctor --fix removes one too.
  mkdir "$T/tmp/run-anvil-harness-999999999-abcdef" 2>/dev/null || true
  TMPDIR="$T/tmp" ra doctor --fix >/dev/null 2>&1 || true
  expect_eq "$(ls "$T/tmp" | wc -l)" 0 "(doctor --fix left: $(ls "$T/tmp"))"
}
