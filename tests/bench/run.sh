#!/usr/bin/env bash
# Benchmarks: run-anvil against its baselines on the real engine. Every figure is a median over
# repeated runs, and every pair is measured in the same run, interleaved rep by rep (the order
# alternates), so a busy machine slows both sides alike. Prints markdown tables on stdout; the
# README's Performance section is a paste of them. Figures only: nothing here passes or fails.
#   bash tests/bench/run.sh                       # all cases: about 8 minutes on 2 cores
#   bash tests/bench/run.sh cold readiness        # only some of: passthrough warm cold
#                                                 #   readiness compose real podman micro
#   BENCH_REPS=30 BENCH_COLD_REPS=12 bash tests/bench/run.sh
# Everything it creates is named bench-* (containers swarmforge-shared-bench-*, compose project
# bench-compose) and removed at exit; it never prunes. The managed network swarmforge-net is left
# in place, as run-anvil itself leaves it.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RUN_ANVIL_EXTRA_PACKAGES="${RUN_ANVIL_EXTRA_PACKAGES:-} hyperfine libbenchmark-dev time"
RUN_ANVIL_CMAKE_ARGS="${RUN_ANVIL_CMAKE_ARGS:-} -DRUN_ANVIL_BENCH=ON"
source "$HERE/../lib/setup.sh"
setup_all
# Debian 12 ships docker-compose 1.29 (the Python v1). Without it the compose rows say so.
command -v docker-compose >/dev/null || (need_packages docker-compose) ||
  say "docker-compose could not be installed; its rows are skipped"
COMPOSE="$(command -v docker-compose || true)"

REPS="${BENCH_REPS:-20}"                 # warm launches
COLD_REPS="${BENCH_COLD_REPS:-8}"        # cold launches (each waits ~1 s for its sidecars)
READY_REPS="${BENCH_READY_REPS:-12}"     # readiness-latency samples
FAST_RUNS="${BENCH_FAST_RUNS:-300}"      # hyperfine runs of the millisecond cases
NET=swarmforge-net
HARNESS=(docker run --rm --network "$NET" "$TEST_IMAGE" true)
B="$(mktemp -d /tmp/run-anvil-bench.XXXXXX)"
LOG="$B/log"
export SWARMFORGE_USER_ASSETS_DIR="$B/assets"  # no user layer, no approvals from $HOME

# ---------------------------------------------------------------------------------------------
# Containers and cleanup

# Removes the managed containers whose name contains $1 (always a swarmforge-shared-bench-*).
remove_managed() {
  docker ps -aq --filter label=swarmforge.managed-by=run-anvil --filter "name=$1" |
    xargs -r docker rm -f >/dev/null
}

compose() { "$COMPOSE" -p bench-compose -f "$B/compose/docker-compose.yml" "$@"; }

cleanup() {
  # A daemon restarting under us (shared machine) must not leave our containers behind.
  for _ in $(seq 1 30); do docker_ok && break; sleep 1; done
  remove_managed swarmforge-shared-bench- || true
  declare -F cleanup_real >/dev/null && cleanup_real
  if [ -n "$COMPOSE" ] && [ -f "$B/compose/docker-compose.yml" ]; then
    compose down -t 1 >/dev/null 2>&1 || true
  fi
  rm -rf "$B"
}
trap cleanup EXIT

die() {
  echo "bench: $*" >&2
  tail -30 "$LOG" >&2 || true
  exit 1
}

# ---------------------------------------------------------------------------------------------
# Stacks: one repo-layer directory per stack, all sidecars serving busybox httpd on 8080.

HTTPD='"httpd", "-f", "-p", "8080", "-h", "/www"'
SLOW='"sh", "-c", "sleep 1; exec httpd -f -p 8080 -h /www"'
# Prints the wall clock (adjtimex: microseconds; busybox date has no %N) just before listening.
STAMPED='"sh", "-c", "sleep 1; adjtimex; exec httpd -f -p 8080 -h /www"'

sidecar() {  # sidecar STACK NAME COMMAND
  mkdir -p "$B/stacks/$1"
  cat >"$B/stacks/$1/$2.toml" <<TOML
lifecycle = "shared"
image = "$TEST_IMAGE"
command = [$3]
[interface]
kind = "port"
port = 8080
TOML
}

# sidecar_exec STACK NAME COMMAND — the same, ready when `true` succeeds inside it (issue 17: a
# warm launch must not run that exec again for a sidecar proven ready since its start).
sidecar_exec() {
  sidecar "$@"
  printf '[readiness]\nmode = "exec"\ncommand = ["true"]\n' >>"$B/stacks/$1/$2.toml"
}

make_stacks() {
  mkdir -p "$B/none" "$B/ws" "$B/assets"
  sidecar warm1 bench-warm-1 "$HTTPD"
  for i in 1 2 3 4 5; do sidecar warm5 "bench-warm-$i" "$HTTPD"; done
  for i in 1 2 3 4 5; do sidecar_exec exec5 "bench-exec-$i" "$HTTPD"; done
  for i in $(seq 1 50); do sidecar warm50 "bench-w50-$i" "$HTTPD"; done
  sidecar cold1 bench-cold-1 "$SLOW"
  for i in 1 2 3 4; do sidecar cold4 "bench-cold-$i" "$SLOW"; done
  sidecar ready bench-ready "$STAMPED"
  # A harness stand-in that does nothing: its name makes it a `docker run` to the launcher.
  mkdir -p "$B/noop" "$B/stamp"
  ln -s "$(type -P true)" "$B/noop/docker"
  # A harness wrapper that notes when the launcher executes it, then runs the real docker.
  cat >"$B/stamp/docker" <<SH
#!/bin/bash
printf '%s\n' "\$EPOCHREALTIME" >"$B/exec_at"
exec $(type -P docker) "\$@"
SH
  chmod +x "$B/stamp/docker"
}

ra() {  # ra STACK ARGS... — run-anvil with only that stack declared
  local stack="$1"
  shift
  "$RUN_ANVIL_BIN" --user-sidecars "$B/none" --repo-sidecars "$B/stacks/$stack" \
    --workspace "$B/ws" "$@"
}

# ---------------------------------------------------------------------------------------------
# Measuring

# The pid of the local dockerd (the benchmark runs beside it).
dockerd_pid() { cat /var/run/docker.pid 2>/dev/null || pgrep -xo dockerd || true; }

# with_retry CMD... — runs CMD; when it failed because dockerd was restarted meanwhile (another
# developer's test on a shared machine), waits for the daemon and runs it again (3 tries). CMD
# records nothing unless it succeeds.
with_retry() {
  local pid try
  for try in 1 2 3; do
    pid="$(dockerd_pid)"
    "$@" && return 0
    for _ in $(seq 1 60); do docker_ok && break; sleep 1; done
    [ "$(dockerd_pid)" != "$pid" ] || return 1
    say "dockerd was restarted during a run (try $try); repeating that run"
  done
  return 1
}

# One run of run_<variant>, after prep_<variant> (if defined, untimed); microseconds to t.<variant>.
timed_run() {
  local v="$1" t0 t1
  if declare -F "prep_$v" >/dev/null; then "prep_$v" >>"$LOG" 2>&1 || return 1; fi
  t0=$EPOCHREALTIME
  "run_$v" >>"$LOG" 2>&1 || return 1
  t1=$EPOCHREALTIME
  echo $((${t1/./} - ${t0/./})) >>"$B/t.$v"
}

# measure REPS VARIANT... — REPS timed runs of each variant, interleaved, rotating the order
# every rep so that neither side always runs right after the other.
measure() {
  local reps="$1" r i v
  shift
  local variants=("$@") n=$#
  for ((r = 0; r < reps; r++)); do
    for ((i = 0; i < n; i++)); do
      v="${variants[$(((r + i) % n))]}"
      with_retry timed_run "$v" || die "run_$v failed"
    done
  done
}

# Median of $B/t.<variant> in milliseconds.
median_ms() {
  sort -n "$B/t.$1" | awk '{a[NR] = $1} END {
    m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.3f", m / 1000 }'
}
count() { wc -l <"$B/t.$1" | tr -d ' '; }

# hyperfine_pair NAME CMD NAME CMD — millisecond cases, exec'd without a shell; medians into t.*
hyperfine_pair() {
  hyperfine -N --warmup 20 --runs "$FAST_RUNS" --export-csv "$B/hf.csv" \
    -n "$1" "$2" -n "$3" "$4" >>"$LOG" 2>&1 || return 1
  awk -F, -v runs="$FAST_RUNS" -v dir="$B" 'NR > 1 {
      printf "%d\n", $4 * 1e6 > (dir "/t." $1); print runs > (dir "/n." $1) }' "$B/hf.csv"
}
runs_of() { if [ -f "$B/n.$1" ]; then cat "$B/n.$1"; else count "$1"; fi; }

ms() { awk -v x="$1" 'BEGIN { if (x < 10) printf "%.2f", x; else if (x < 100) printf "%.1f", x;
                               else printf "%.0f", x }'; }

# row WHAT BASELINE_LABEL BASE_VARIANT LABEL VARIANT — one line of the main table.
row() {
  [ -f "$B/t.$3" ] && [ -f "$B/t.$5" ] || return 0
  local b m
  b="$(median_ms "$3")"
  m="$(median_ms "$5")"
  printf '| %s | %s | %s ms | %s | %s ms | %+.1f ms | %.2fx | %s |\n' "$1" "$2" "$(ms "$b")" "$4" \
    "$(ms "$m")" "$(awk -v a="$m" -v c="$b" 'BEGIN { print a - c }')" \
    "$(awk -v a="$m" -v c="$b" 'BEGIN { print a / c }')" "$(runs_of "$5")"
}

# adjtimex output (on stdin) -> microseconds since the epoch.
adj_usec() { awk '/tv_sec/ { s = $2 } /tv_usec/ { u = $2 } END { printf "%d%06d\n", s, u }'; }

# ---------------------------------------------------------------------------------------------
# The cases

bench_passthrough() {
  say "1/8 passthrough"
  (cd "$B/ws" && hyperfine_pair plain "$(type -P true)" \
    run-anvil "$RUN_ANVIL_BIN -- $(type -P true)") || die "hyperfine failed"
}

run_docker() { "${HARNESS[@]}"; }
run_warm1() { ra warm1 -- "${HARNESS[@]}"; }
run_warm5() { ra warm5 -- "${HARNESS[@]}"; }

bench_warm() {
  say "2/8 warm launches ($REPS reps)"
  with_retry run_warm5 >>"$LOG" 2>&1 || die "could not bring up the warm stack"
  measure 2 docker warm1 warm5 && rm -f "$B"/t.*warm* "$B/t.docker"  # warm-up, discarded
  measure "$REPS" docker warm1 warm5
  # The launcher alone: the harness is a no-op named docker, so nothing but run-anvil is timed.
  local noop=("$B/noop/docker" run --rm --network "$NET" "$TEST_IMAGE" true)
  local ra_cmd="$RUN_ANVIL_BIN --user-sidecars $B/none --workspace $B/ws --repo-sidecars $B/stacks"
  # Any readiness mode (issue 17): 5 exec-readiness sidecars, and scale: 50 tcp sidecars. All
  # stacks are up before any is timed: every launch lists the host's managed containers, so a
  # case timed with 11 of them running is not comparable with one timed with 61.
  with_retry ra exec5 -- "${noop[@]}" >>"$LOG" 2>&1 || die "could not bring up the exec stack"
  with_retry ra warm50 -- "${noop[@]}" >>"$LOG" 2>&1 || die "could not bring up the 50 stack"
  with_retry hyperfine_pair noop "${noop[*]}" ra-noop-1 "$ra_cmd/warm1 -- ${noop[*]}" ||
    die "hyperfine failed"
  with_retry hyperfine_pair noop5 "${noop[*]}" ra-noop-5 "$ra_cmd/warm5 -- ${noop[*]}" ||
    die "hyperfine failed"
  with_retry hyperfine_pair noopx "${noop[*]}" ra-noop-exec5 "$ra_cmd/exec5 -- ${noop[*]}" ||
    die "hyperfine failed"
  with_retry hyperfine_pair noop50 "${noop[*]}" ra-noop-50 "$ra_cmd/warm50 -- ${noop[*]}" ||
    die "hyperfine failed"
  # Peak RSS of one warm launch (GNU time's maximum resident set, KB).
  local stack
  for stack in warm5 exec5 warm50; do
    /usr/bin/time -f '%M' -o "$B/rss.$stack" "$RUN_ANVIL_BIN" --user-sidecars "$B/none" \
      --workspace "$B/ws" --repo-sidecars "$B/stacks/$stack" -- "${noop[@]}" >>"$LOG" 2>&1 ||
      die "warm launch of $stack failed"
  done
  # 16 launchers at once on the 5-sidecar stack: wall time of the whole burst, median of 5.
  local rep i t0
  for rep in 1 2 3 4 5; do
    t0=$EPOCHREALTIME
    for i in $(seq 1 16); do
      "$RUN_ANVIL_BIN" --user-sidecars "$B/none" --workspace "$B/ws" \
        --repo-sidecars "$B/stacks/warm5" -- "${noop[@]}" >>"$LOG" 2>&1 &
    done
    wait || die "a concurrent launcher failed"
    awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d\n", (b - a) * 1e6 }' >>"$B/t.burst16"
  done
}

prep_cold1() { remove_managed swarmforge-shared-bench-cold-; }
prep_cold4() { remove_managed swarmforge-shared-bench-cold-; }
run_cold1() { ra cold1 -- "${HARNESS[@]}"; }
run_cold4() { ra cold4 -- "${HARNESS[@]}"; }
run_colddocker() { "${HARNESS[@]}"; }

bench_cold() {
  say "3/8 cold launches ($COLD_REPS reps)"
  measure "$COLD_REPS" colddocker cold1 cold4
}

# Clocks: the sidecar's and the harness's stamps come from adjtimex inside containers, the
# launcher's from bash on the host; all read the one kernel's CLOCK_REALTIME.
ready_sample() {
  local listen exec_at inside t0 plain
  remove_managed swarmforge-shared-bench-ready || return 1
  ra ready -- "$B/stamp/docker" run --rm --network "$NET" "$TEST_IMAGE" adjtimex \
    >"$B/harness.out" 2>>"$LOG" || return 1
  listen="$(docker logs swarmforge-shared-bench-ready 2>&1 | adj_usec)" || return 1
  exec_at="$(<"$B/exec_at")"
  inside="$(adj_usec <"$B/harness.out")"
  t0=$EPOCHREALTIME
  docker run --rm --network "$NET" "$TEST_IMAGE" adjtimex >"$B/plain.out" || return 1
  plain="$(adj_usec <"$B/plain.out")"
  echo $((${exec_at/./} - listen)) >>"$B/t.detect"
  echo $((inside - listen)) >>"$B/t.to_harness"
  echo $((plain - ${t0/./})) >>"$B/t.docker_start"
}

bench_readiness() {
  say "4/8 readiness latency ($READY_REPS reps)"
  local r
  for ((r = 0; r < READY_REPS; r++)); do with_retry ready_sample || die "readiness run failed"; done
}

write_compose_file() {
  mkdir -p "$B/compose"
  {
    echo 'version: "2.4"'
    echo 'services:'
    for i in 1 2 3 4 5; do
      cat <<YAML
  s$i:
    image: $TEST_IMAGE
    command: [$HTTPD]
    restart: unless-stopped
    healthcheck:
      test: ["CMD", "wget", "-q", "--spider", "http://127.0.0.1:8080/"]
      interval: 250ms
      timeout: 2s
      retries: 120
YAML
    done
  } >"$B/compose/docker-compose.yml"
}

# wait_healthy CONTAINER... — polls until every one reports healthy (bounded: 60 s).
wait_healthy() {
  local s i
  for ((i = 0; i < 1200; i++)); do
    s="$(docker inspect -f '{{.State.Health.Status}}' "$@" 2>/dev/null || true)"
    if [ "$(grep -c '^healthy$' <<<"$s")" = "$#" ]; then return 0; fi
    sleep 0.05
  done
  return 1
}

run_compose() {
  compose up -d --no-recreate &&
    wait_healthy bench-compose_s1_1 bench-compose_s2_1 bench-compose_s3_1 bench-compose_s4_1 \
      bench-compose_s5_1 &&
    docker run --rm --network bench-compose_default "$TEST_IMAGE" true
}
run_composewarm() { run_compose; }
run_composecold() { run_compose; }
prep_composecold() { compose rm -s -f; }
run_rawarm5() { ra warm5 -- "${HARNESS[@]}"; }
run_racold5() { ra warm5 -- "${HARNESS[@]}"; }
prep_racold5() { remove_managed swarmforge-shared-bench-warm-; }

bench_compose() {
  if [ -z "$COMPOSE" ]; then
    say "5/8 docker-compose: not available, skipped"
    touch "$B/compose.skipped"
    return
  fi
  write_compose_file
  say "5/8 docker-compose vs run-anvil, warm ($REPS reps) and cold ($COLD_REPS reps)"
  with_retry run_compose >>"$LOG" 2>&1 || die "the compose stack did not come up healthy"
  with_retry run_warm5 >>"$LOG" 2>&1 || die "could not bring up the warm stack"
  measure "$REPS" composewarm rawarm5
  measure "$COLD_REPS" composecold racold5
  compose down -t 1 >>"$LOG" 2>&1 || true
}

# ---- real services: PostgreSQL 15, Redis 7 and nginx from Debian's packages (the examples'
# definitions with $SERVICES_IMAGE), against docker-compose 1.29 with the same services, each
# ready by the same check (pg_isready, redis PING, GET / = 200) polled every 250 ms. Warm: all
# running. Cold: containers removed, the Postgres data volume kept (both sides), so a cold start
# is a server start, not an initdb.
make_real_stack() {
  mkdir -p "$B/stacks/real"
  local n
  for n in postgres-debian redis nginx; do
    sed -e "s|^image .*|image       = \"$SERVICES_IMAGE\"|" -e 's/^\(ports *=\).*/\1 []/' \
      "$RUN_ANVIL_ROOT/examples/sidecars/$n.toml" >"$B/stacks/real/bench-real-${n%-debian}.toml"
  done
  # This VM's hard nofile limit may be below the example's; the bench measures, it does not
  # tune (dockerd raises it; a lower value changes nothing here).
  sed -i 's/^nofile = .*/nofile = 4096/' "$B/stacks/real/bench-real-redis.toml"
  mkdir -p "$B/real-compose"
  cat >"$B/real-compose/docker-compose.yml" <<YAML
version: "2.4"
services:
  pg:
    image: $SERVICES_IMAGE
    stop_signal: SIGINT
    environment: {POSTGRES_PASSWORD: dev}
    volumes: ["pgdata:/var/lib/postgresql/data"]
    command:
      - sh
      - -ec
      - |
        PGDATA=/var/lib/postgresql/data; BIN=/usr/lib/postgresql/15/bin
        mkdir -p \$\$PGDATA /run/postgresql; chown postgres:postgres \$\$PGDATA /run/postgresql
        chmod 700 \$\$PGDATA
        if [ ! -s \$\$PGDATA/PG_VERSION ]; then
          setpriv --reuid=postgres --regid=postgres --init-groups \$\$BIN/initdb -D \$\$PGDATA -U postgres --auth-local=trust --auth-host=trust
          echo "listen_addresses = '*'" >> \$\$PGDATA/postgresql.conf
          echo "host all all all trust" >> \$\$PGDATA/pg_hba.conf
        fi
        exec setpriv --reuid=postgres --regid=postgres --init-groups \$\$BIN/postgres -D \$\$PGDATA
    healthcheck:
      test: ["CMD", "pg_isready", "-U", "postgres", "-h", "127.0.0.1"]
      interval: 250ms
      timeout: 5s
      retries: 240
  redis:
    image: $SERVICES_IMAGE
    user: redis
    command: ["redis-server", "--port", "6379", "--protected-mode", "no", "--save", "", "--appendonly", "no"]
    healthcheck:
      test: ["CMD", "redis-cli", "ping"]
      interval: 250ms
      timeout: 5s
      retries: 240
  nginx:
    image: $SERVICES_IMAGE
    command: ["nginx", "-g", "daemon off;"]
    healthcheck:
      test: ["CMD", "curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1/"]
      interval: 250ms
      timeout: 5s
      retries: 240
volumes:
  pgdata: {}
YAML
}

real_compose() { "$COMPOSE" -p bench-real -f "$B/real-compose/docker-compose.yml" "$@"; }

run_realcompose() {
  real_compose up -d --no-recreate &&
    wait_healthy bench-real_pg_1 bench-real_redis_1 bench-real_nginx_1 &&
    docker run --rm --network bench-real_default "$SERVICES_IMAGE" true
}
run_realcomposewarm() { run_realcompose; }
run_realcomposecold() { run_realcompose; }
prep_realcomposecold() { real_compose rm -s -f; }
run_realra() { ra real -- "${REAL_HARNESS[@]}"; }
run_realrawarm() { run_realra; }
run_realracold() { run_realra; }
prep_realracold() { remove_managed swarmforge-shared-bench-real-; }

bench_real() {
  source "$RUN_ANVIL_ROOT/tests/lib/services_image.sh"
  say "6/8 real services (Postgres, Redis, nginx from Debian packages): building/importing the image"
  services_image >>"$LOG" 2>&1 || die "the services image could not be made"
  REAL_HARNESS=(docker run --rm "$SERVICES_IMAGE" true)
  make_real_stack
  if [ -z "$COMPOSE" ]; then
    say "docker-compose not available: run-anvil alone"
  fi
  say "6/8 real services, warm ($REPS reps) and cold ($COLD_REPS reps)"
  with_retry run_realra >>"$LOG" 2>&1 || die "the real stack did not come up"
  if [ -n "$COMPOSE" ]; then
    with_retry run_realcompose >>"$LOG" 2>&1 || die "the compose real stack did not come up"
    measure "$REPS" realcomposewarm realrawarm
    measure "$COLD_REPS" realcomposecold realracold
  else
    measure "$REPS" realrawarm
    measure "$COLD_REPS" realracold
  fi
}

cleanup_real() {
  remove_managed swarmforge-shared-bench-real- || true
  docker volume ls -q --filter label=swarmforge.tong.name=bench-real-postgres |
    xargs -r docker volume rm >/dev/null 2>&1 || true
  if [ -n "$COMPOSE" ] && [ -f "$B/real-compose/docker-compose.yml" ]; then
    real_compose down -v -t 1 >/dev/null 2>&1 || true
  fi
}

# ---- podman side by side: the same warm launcher-alone cases against podman's service
# (tests/lib/podman.sh starts one if none answers, and stops only that one).
bench_podman() {
  say "7/8 podman side by side (warm, launcher alone)"
  (
    source "$RUN_ANVIL_ROOT/tests/lib/podman.sh"
    podman_start >>"$LOG" 2>&1 || { touch "$B/podman.skipped"; exit 0; }
    trap 'remove_managed swarmforge-shared-bench-; podman_stop' EXIT
    setup_image >>"$LOG" 2>&1 || die "no test image on podman"
    echo "podman $(docker version -f '{{.Server.Version}}') (compat API $(docker version -f '{{.Server.APIVersion}}'))" >"$B/podman.version"
    local noop=("$B/noop/docker" run --rm --network "$NET" "$TEST_IMAGE" true)
    local ra_cmd="$RUN_ANVIL_BIN --user-sidecars $B/none --workspace $B/ws --repo-sidecars $B/stacks"
    ra warm1 -- "${noop[@]}" >>"$LOG" 2>&1 || die "could not bring up the warm stack on podman"
    ra warm5 -- "${noop[@]}" >>"$LOG" 2>&1 || die "could not bring up the warm stack on podman"
    ra exec5 -- "${noop[@]}" >>"$LOG" 2>&1 || die "could not bring up the exec stack on podman"
    hyperfine_pair pm-noop "${noop[*]}" pm-ra-noop-1 "$ra_cmd/warm1 -- ${noop[*]}" ||
      die "hyperfine failed"
    hyperfine_pair pm-noop5 "${noop[*]}" pm-ra-noop-5 "$ra_cmd/warm5 -- ${noop[*]}" ||
      die "hyperfine failed"
    hyperfine_pair pm-noopx "${noop[*]}" pm-ra-noop-exec5 "$ra_cmd/exec5 -- ${noop[*]}" ||
      die "hyperfine failed"
  )
}

bench_micro() {
  say "8/8 micro-benchmarks"
  "$RUN_ANVIL_BUILD/micro_bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
    --benchmark_format=csv 2>>"$LOG" >"$B/micro.csv" || die "micro_bench failed"
}

# ---------------------------------------------------------------------------------------------
# Report

machine() {
  local cpu mem
  cpu="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
  mem="$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "Machine: $(nproc) CPUs ($cpu), $mem, Linux $(uname -r);" \
    "dockerd $(docker version -f '{{.Server.Version}}') (API $(docker version -f '{{.Server.APIVersion}}'))," \
    "docker CLI $(docker version -f '{{.Client.Version}}')," \
    "$( [ -n "$COMPOSE" ] && "$COMPOSE" version --short 2>/dev/null | sed 's/^/docker-compose /' || echo 'no docker-compose')," \
    "$(hyperfine --version); run-anvil $(git -C "$RUN_ANVIL_ROOT" describe --always --dirty 2>/dev/null || echo '?')" \
    "($(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$RUN_ANVIL_BUILD/CMakeCache.txt"))."
}

report() {
  echo
  machine
  if [ -f "$B/podman.version" ]; then echo "Side by side: $(cat "$B/podman.version")."; fi
  echo "Load average before / after: $LOAD_BEFORE / $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo '| case | baseline | median | run-anvil | median | added | ratio | reps |'
  echo '|---|---|---|---|---|---|---|---|'
  row "1 passthrough, nothing declared" '`true`' plain '`run-anvil -- true`' run-anvil
  row "2 warm, 1 running shared sidecar" '`docker run --rm IMG true`' docker 'run-anvil -- same' warm1
  row "2 warm, 5 running shared sidecars" '`docker run --rm IMG true`' docker 'run-anvil -- same' warm5
  row "2 warm, launcher alone, 1 sidecar" 'no-op harness' noop 'run-anvil -- no-op' ra-noop-1
  row "2 warm, launcher alone, 5 sidecars" 'no-op harness' noop5 'run-anvil -- no-op' ra-noop-5
  row "2 warm, launcher alone, 5 exec-readiness sidecars" 'no-op harness' noopx \
    'run-anvil -- no-op' ra-noop-exec5
  row "2 warm, launcher alone, 50 sidecars" 'no-op harness' noop50 'run-anvil -- no-op' ra-noop-50
  row "2 warm, exec readiness vs tcp (5 sidecars)" '5 tcp' ra-noop-5 '5 exec' ra-noop-exec5
  row "2 warm, 50 sidecars vs 5" '5 sidecars' ra-noop-5 '50 sidecars' ra-noop-50
  row "2 warm, 16 launchers at once vs 1 (5 sidecars)" '1 launcher' ra-noop-5 '16 at once' burst16
  row "3 cold, 1 sidecar taking 1 s to listen" '`docker run --rm IMG true`' colddocker \
    'run-anvil -- same' cold1
  row "3 cold, 4 such sidecars vs 1" '1 sidecar' cold1 '4 sidecars' cold4
  if [ -f "$B/t.composewarm" ]; then
    row "5 warm, 5 sidecars + harness" 'docker-compose' composewarm 'run-anvil' rawarm5
    row "5 cold, 5 sidecars + harness" 'docker-compose' composecold 'run-anvil' racold5
  elif [ -f "$B/compose.skipped" ]; then
    echo '| 5 docker-compose | not installed: not measured | | | | | | |'
  fi
  if [ -f "$B/t.realrawarm" ]; then
    row "6 real services warm: Postgres + Redis + nginx + harness" 'docker-compose' \
      realcomposewarm 'run-anvil' realrawarm
    row "6 real services cold (containers removed, data volume kept)" 'docker-compose' \
      realcomposecold 'run-anvil' realracold
  fi
  if [ -f "$B/t.pm-ra-noop-5" ]; then
    row "7 podman warm, launcher alone, 1 sidecar" 'no-op harness' pm-noop 'run-anvil -- no-op' \
      pm-ra-noop-1
    row "7 podman warm, launcher alone, 5 sidecars" 'no-op harness' pm-noop5 \
      'run-anvil -- no-op' pm-ra-noop-5
    row "7 podman warm, launcher alone, 5 exec-readiness sidecars" 'no-op harness' pm-noopx \
      'run-anvil -- no-op' pm-ra-noop-exec5
    row "7 podman vs dockerd, launcher alone, 5 sidecars" 'dockerd' ra-noop-5 'podman' pm-ra-noop-5
  elif [ -f "$B/podman.skipped" ]; then
    echo '| 7 podman | no podman service could be started: not measured | | | | | | |'
  fi
  if [ -f "$B/rss.warm5" ]; then
    echo
    echo '| 2 warm launch, peak RSS of the launcher | 5 sidecars | 5 exec-readiness | 50 sidecars |'
    echo '|---|---|---|---|'
    printf '| maximum resident set | %s KB | %s KB | %s KB |\n' "$(cat "$B/rss.warm5")" \
      "$(cat "$B/rss.exec5")" "$(cat "$B/rss.warm50")"
  fi
  if [ -f "$B/t.detect" ]; then
    echo
    echo '| 4 readiness (sidecar listening at t=0) | median | reps |'
    echo '|---|---|---|'
    printf '| run-anvil executes the harness (detection latency) | %s ms | %s |\n' \
      "$(ms "$(median_ms detect)")" "$(count detect)"
    printf '| harness container runs its first command | %s ms | %s |\n' \
      "$(ms "$(median_ms to_harness)")" "$(count to_harness)"
    printf '| for comparison: plain `docker run` invoked -> first command | %s ms | %s |\n' \
      "$(ms "$(median_ms docker_start)")" "$(count docker_start)"
  fi
  if [ -f "$B/micro.csv" ]; then
    echo
    echo '| micro-benchmark, 100 definitions (median of 5) | CPU time | wall time |'
    echo '|---|---|---|'
    awk -F, '$1 ~ /_median"$/ { gsub(/"/, "", $1); sub(/_median$/, "", $1);
        printf "| %s | %.0f %s | %.0f %s |\n", $1, $4, $5, $3, $5 }' "$B/micro.csv"
  fi
}

CASES=("$@")
((${#CASES[@]})) || CASES=(passthrough warm cold readiness compose real podman micro)
for c in "${CASES[@]}"; do
  declare -F "bench_$c" >/dev/null || die "unknown case $c (passthrough warm cold readiness compose real podman micro)"
done
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
remove_managed swarmforge-shared-bench- || true
make_stacks
for c in "${CASES[@]}"; do "bench_$c"; done
report
