#!/usr/bin/env bash
# podman as a test engine, through its Docker-compatible socket:
#   source tests/lib/podman.sh; podman_start   # exports DOCKER_HOST=unix:///run/podman/podman.sock
#   ...; podman_stop                            # stops only the service podman_start started
# Root podman 4.3 on a VM whose hard limits are lower than podman's default ulimits starts no
# container at all, so podman_configure merges
#   [containers] default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
# into /etc/containers/containers.conf, keeping every other setting in the file (and sets
# [engine] events_logger = "file": without journald podman's events are otherwise lost).
#
# A private podman (PODMAN_PRIVATE=N, for a developer sharing the machine with others): its own
# storage, state and network configs (--root /var/lib/ra-podman-N, --runroot /run/ra-podman-N,
# --network-config-dir /run/ra-podman-N/networks), its own socket /run/ra-podman-N/podman.sock and
# pidfile, and its own events log (a private containers.conf through CONTAINERS_CONF: the tests
# read events by container name, which another session's tests share); podman_start also puts a
# `podman` wrapper with those flags first in PATH, so the podman CLI the tests and the anvil
# (`podman run`) call reaches the same storage. Unset (CI), the shared service at
# /run/podman/podman.sock is used as before. (--tmpdir stays the shared /run/libpod: a new one
# makes podman take its first start for a reboot and refresh the lock memory both share.)
PODMAN_BIN="${PODMAN_BIN:-$(command -v podman 2>/dev/null || echo /usr/bin/podman)}"
if [ -n "${PODMAN_PRIVATE:-}" ]; then
  case "$PODMAN_PRIVATE" in
    *[!0-9]*) echo "PODMAN_PRIVATE must be a number, not '$PODMAN_PRIVATE'" >&2; return 1 ;;
  esac
  PODMAN_RUNROOT="/run/ra-podman-$PODMAN_PRIVATE"
  PODMAN_SOCKET="$PODMAN_RUNROOT/podman.sock"
  PODMAN_PIDFILE="$PODMAN_RUNROOT/service.pid"
  PODMAN_LOG="/tmp/run-anvil-podman-$PODMAN_PRIVATE.log"
  PODMAN_ARGS=(--root "/var/lib/ra-podman-$PODMAN_PRIVATE" --runroot "$PODMAN_RUNROOT"
    --network-config-dir "$PODMAN_RUNROOT/networks")
  PODMAN_CONF="$PODMAN_RUNROOT/containers.conf"
  # The wrapper must not find itself: PODMAN_BIN is the real binary.
  [ "$PODMAN_BIN" = "$PODMAN_RUNROOT/bin/podman" ] && PODMAN_BIN=/usr/bin/podman
else
  PODMAN_SOCKET="${PODMAN_SOCKET:-/run/podman/podman.sock}"
  PODMAN_PIDFILE="${PODMAN_PIDFILE:-/run/podman/run-anvil-service.pid}"
  PODMAN_LOG=/tmp/run-anvil-podman.log
  PODMAN_ARGS=()
  PODMAN_CONF=""
fi
PODMAN_ULIMITS='default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]'

# conf_set FILE SECTION LINE: sets LINE's key inside [SECTION] (replacing an earlier value of that
# key there, adding the section when missing); other sections and keys are kept as they are.
conf_set() {
  local conf="$1" section="$2" line="$3" tmp key
  key="${line%%=*}"
  key="${key%% *}"
  tmp="$(mktemp)"
  awk -v section="[$section]" -v key="$key" -v line="$line" '
    function header(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
    /^[[:space:]]*\[/ {
      if (inside && !done) { print line; done = 1 }
      inside = (header($0) == section)
      print; next
    }
    inside && $0 ~ "^[[:space:]]*" key "[[:space:]]*=" {
      if (!done) { print line; done = 1 }
      # a multi-line array: skip its continuation lines
      if ($0 ~ /\[/ && $0 !~ /\]/) { skipping = 1 }
      next
    }
    skipping { if ($0 ~ /\]/) skipping = 0; next }
    { print }
    END {
      if (inside && !done) { print line; done = 1 }
      if (!done) { print ""; print section; print line }
    }' "$conf" >"$tmp"
  cat "$tmp" >"$conf"
  rm -f "$tmp"
}

# The ulimits podman can start containers with here, and an events log that works without
# journald (the tests read `docker events`).
podman_configure() {
  local conf="${1:-/etc/containers/containers.conf}"
  mkdir -p "$(dirname "$conf")"
  [ -e "$conf" ] || : >"$conf"
  conf_set "$conf" containers "$PODMAN_ULIMITS"
  conf_set "$conf" engine 'events_logger = "file"'
}

podman_ok() { DOCKER_HOST="unix://$PODMAN_SOCKET" timeout 5 docker version >/dev/null 2>&1; }

podman_start() {
  command -v podman >/dev/null || { echo "podman is not installed" >&2; return 1; }
  podman_configure
  [ -z "${PODMAN_PRIVATE:-}" ] || podman_private_cli || return 1
  export DOCKER_HOST="unix://$PODMAN_SOCKET"
  if podman_ok; then return 0; fi
  mkdir -p "$(dirname "$PODMAN_SOCKET")"
  rm -f "$PODMAN_SOCKET"
  # Its own session, so the service outlives the job that started it; --time=0: never idles out.
  setsid env ${PODMAN_CONF:+CONTAINERS_CONF="$PODMAN_CONF"} \
    "$PODMAN_BIN" "${PODMAN_ARGS[@]}" system service --time=0 "unix://$PODMAN_SOCKET" \
    >"$PODMAN_LOG" 2>&1 </dev/null &
  echo $! >"$PODMAN_PIDFILE"
  for _ in $(seq 1 150); do podman_ok && return 0; sleep 0.2; done
  echo "podman system service did not come up; see $PODMAN_LOG" >&2
  return 1
}

# The private podman's CLI: a `podman` first in PATH that adds its --root/--runroot/
# --network-config-dir (what the e2e tests and a `podman run` anvil call).
podman_private_cli() {
  local bin="$PODMAN_RUNROOT/bin" arg
  # PODMAN_PRIVATE set after this file was sourced leaves these empty: the wrapper would then be
  # written to /bin/podman, over the real binary (it happened once).
  if [ -z "$PODMAN_RUNROOT" ] || [ -z "$PODMAN_CONF" ]; then
    echo "PODMAN_PRIVATE=$PODMAN_PRIVATE was set after tests/lib/podman.sh was sourced; set it before" >&2
    return 1
  fi
  mkdir -p "$bin" "$PODMAN_RUNROOT/networks"
  # The system's settings (podman's defaults, then what podman_configure merges), and an events
  # log of its own.
  if [ -e /usr/share/containers/containers.conf ]; then
    cp /usr/share/containers/containers.conf "$PODMAN_CONF"
  else
    : >"$PODMAN_CONF"
  fi
  podman_configure "$PODMAN_CONF"
  conf_set "$PODMAN_CONF" engine "events_logfile_path = \"$PODMAN_RUNROOT/events/events.log\""
  mkdir -p "$PODMAN_RUNROOT/events"
  {
    echo '#!/bin/sh'
    printf 'CONTAINERS_CONF=%q exec %q' "$PODMAN_CONF" "$PODMAN_BIN"
    for arg in "${PODMAN_ARGS[@]}"; do printf ' %q' "$arg"; done
    echo ' "$@"'
  } >"$bin/podman.tmp"
  chmod 755 "$bin/podman.tmp"
  mv "$bin/podman.tmp" "$bin/podman"
  case ":$PATH:" in *":$bin:"*) ;; *) export PATH="$bin:$PATH" ;; esac
}

# Stops the service podman_start started (by its PID), nothing else.
podman_stop() {
  local pid
  pid="$(cat "$PODMAN_PIDFILE" 2>/dev/null)" || return 0
  rm -f "$PODMAN_PIDFILE"
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
}

# True when DOCKER_HOST is a podman service (its /version names the component "Podman Engine").
engine_is_podman() {
  timeout 5 docker version -f '{{range .Server.Components}}{{.Name}} {{end}}' 2>/dev/null |
    grep -qi podman
}
