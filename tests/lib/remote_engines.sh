#!/usr/bin/env bash
# Remote engines for the e2e tests, all on loopback and all private to one test run:
#   source tests/lib/remote_engines.sh
#   tls_dockerd_start      # a second private dockerd, also on tcp://127.0.0.1:$TLS_PORT --tlsverify
#   ssh_engine_start       # a private sshd on 127.0.0.1:$SSH_PORT whose sessions reach $1
# Numbers derive from RA_PRIVATE_DOCKERD (default 7) so parallel runs never share one:
# TLS daemon K+20, TLS port 23700+K, ssh port 22200+K. Stop them with tls_dockerd_stop and
# ssh_engine_stop (by their own PIDs only); remote_engines_stop_started stops those this e2e run
# ($E2E_WORK) started, and leaves alone any it found running.
RA_REMOTE_BASE="${RA_PRIVATE_DOCKERD:-7}"
TLS_DOCKERD="${TLS_DOCKERD:-$((RA_REMOTE_BASE + 20))}"
TLS_PORT="${TLS_PORT:-$((23700 + RA_REMOTE_BASE))}"
TLS_DIR="/run/ra-dockerd-$TLS_DOCKERD/tls"
SSH_PORT="${SSH_PORT:-$((22200 + RA_REMOTE_BASE))}"
SSH_DIR="/run/ra-sshd-$RA_REMOTE_BASE"

# tls_certs DIR: a CA, a server certificate for 127.0.0.1/localhost and a client certificate,
# as `dockerd --tlsverify` and DOCKER_CERT_PATH expect them (ca.pem, cert.pem, key.pem for the
# client; server-cert.pem, server-key.pem for the daemon).
tls_certs() {
  local d="$1"
  [ -s "$d/key.pem" ] && [ -s "$d/server-cert.pem" ] && return 0
  mkdir -p "$d"
  (
    cd "$d"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=run-anvil test CA" \
      -keyout ca-key.pem -out ca.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server-key.pem \
      -out server.csr 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 \
      -extfile server.ext -out server-cert.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=client" -keyout key.pem -out client.csr \
      2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' >client.ext
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 \
      -extfile client.ext -out cert.pem 2>/dev/null
    chmod 0600 ./*key.pem
  )
}

# Starts (or finds) the TLS daemon. Leaves DOCKER_HOST alone; sets TLS_DOCKER_HOST and
# TLS_UNIX_HOST (its own unix socket, for setup without TLS).
tls_dockerd_start() {
  tls_certs "$TLS_DIR"
  TLS_DOCKER_HOST="tcp://127.0.0.1:$TLS_PORT"
  TLS_UNIX_HOST="unix:///run/ra-dockerd-$TLS_DOCKERD/docker.sock"
  export TLS_DOCKER_HOST TLS_UNIX_HOST
  DOCKER_HOST="$TLS_UNIX_HOST" timeout 5 docker version >/dev/null 2>&1 || remote_engine_started tls
  (
    source "$RUN_ANVIL_ROOT/tests/lib/private_dockerd.sh"
    PRIVATE_DOCKERD_EXTRA_ARGS="-H $TLS_DOCKER_HOST --tlsverify --tlscacert $TLS_DIR/ca.pem
      --tlscert $TLS_DIR/server-cert.pem --tlskey $TLS_DIR/server-key.pem"
    private_dockerd_start "$TLS_DOCKERD"
  )
}

tls_dockerd_stop() {
  (source "$RUN_ANVIL_ROOT/tests/lib/private_dockerd.sh"; private_dockerd_stop "$TLS_DOCKERD")
}

# Starts (or finds) a private sshd on 127.0.0.1:$SSH_PORT for root with a generated key. Every
# session gets DOCKER_HOST=$1 (SetEnv), so `docker system dial-stdio` there (the docker CLI at
# /usr/local/bin/docker) reaches that daemon. Puts an `ssh` wrapper first in PATH that uses the
# private client config (ssh reads ~/.ssh/config from the passwd home, not $HOME, so a config
# file is the only clean way); run-anvil and the docker CLI both run `ssh` from PATH.
ssh_engine_start() {
  local target="$1" d="$SSH_DIR"
  mkdir -p "$d/bin" /run/sshd
  chmod 0700 "$d"
  [ -s "$d/host_key" ] || ssh-keygen -q -t ed25519 -N '' -f "$d/host_key"
  [ -s "$d/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -f "$d/id_ed25519"
  cp "$d/id_ed25519.pub" "$d/authorized_keys"
  chmod 0600 "$d/authorized_keys"
  cat >"$d/sshd_config" <<EOF
Port $SSH_PORT
ListenAddress 127.0.0.1
HostKey $d/host_key
PidFile $d/sshd.pid
AuthorizedKeysFile $d/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
SetEnv DOCKER_HOST=$target
LogLevel VERBOSE
EOF
  echo "[127.0.0.1]:$SSH_PORT $(cut -d' ' -f1-2 "$d/host_key.pub")" >"$d/known_hosts"
  cat >"$d/ssh_config" <<EOF
Host 127.0.0.1
  IdentityFile $d/id_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $d/known_hosts
  StrictHostKeyChecking yes
  BatchMode yes
EOF
  printf '#!/bin/sh\nexec /usr/bin/ssh -F %s "$@"\n' "$d/ssh_config" >"$d/bin/ssh"
  chmod 0755 "$d/bin/ssh"
  export SSH_WRAPPER_DIR="$d/bin" SSH_LOG="$d/sshd.log"
  export SSH_DOCKER_HOST="ssh://root@127.0.0.1:$SSH_PORT"
  if [ -s "$d/sshd.pid" ] && kill -0 "$(cat "$d/sshd.pid")" 2>/dev/null; then
    # Running: take the current target (SetEnv) without dropping its sessions.
    kill -HUP "$(cat "$d/sshd.pid")"
    sleep 0.3
    return 0
  fi
  remote_engine_started "ssh $d"  # the podman pass sets its own SSH_DIR inside the test
  /usr/sbin/sshd -f "$d/sshd_config" -E "$SSH_LOG"
  for _ in $(seq 1 50); do
    PATH="$SSH_WRAPPER_DIR:$PATH" ssh -p "$SSH_PORT" root@127.0.0.1 true 2>/dev/null && return 0
    sleep 0.1
  done
  echo "private sshd on port $SSH_PORT did not come up; see $SSH_LOG" >&2
  return 1
}

ssh_engine_stop() {
  local pid
  pid="$(cat "$SSH_DIR/sshd.pid" 2>/dev/null)" || return 0
  kill "$pid" 2>/dev/null || true
}

# Notes, for remote_engines_stop_started, that this e2e run started engine $1 ("tls", or "ssh DIR").
remote_engine_started() {
  [ -z "${E2E_WORK:-}" ] || echo "$1" >>"$E2E_WORK/.remote-engines-started"
}

remote_engines_stop_started() {
  local f="${E2E_WORK:-}/.remote-engines-started"
  [ -n "${E2E_WORK:-}" ] && [ -f "$f" ] || return 0
  local kind dir pid
  while read -r kind dir; do
    case "$kind" in
      tls) tls_dockerd_stop ;;
      ssh) pid="$(cat "$dir/sshd.pid" 2>/dev/null)" && kill "$pid" 2>/dev/null ;;
    esac
  done <"$f"
  rm -f "$f"
  return 0
}

# Logins sshd accepted so far (one per ssh connection, however many sessions ride on it).
ssh_logins() { grep -c 'Accepted publickey' "$SSH_LOG" 2>/dev/null || true; }
