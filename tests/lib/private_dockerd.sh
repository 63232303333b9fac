#!/usr/bin/env bash
# A private dockerd beside any other, so parallel test runs never share (or clobber) an engine:
#   source tests/lib/private_dockerd.sh; private_dockerd_start N   # N in 1..50
# exports DOCKER_HOST=unix:///run/ra-dockerd-N/docker.sock; private_dockerd_stop N stops only
# the daemon it started (by its pidfile). Its own data root, exec root (so its own containerd),
# bridge and address pool; iptables stay on (published ports and NAT work as with the default).
# PRIVATE_DOCKERD_EXTRA_ARGS (optional, word-split) is added to dockerd's command line, e.g.
#   PRIVATE_DOCKERD_EXTRA_ARGS="-H tcp://127.0.0.1:23769 --tlsverify --tlscacert ca.pem ..."
# to serve a TCP endpoint beside the unix socket (tests/lib/remote_engines.sh).
private_dockerd_start() {
  local n="$1" dir="/run/ra-dockerd-$1" br="ra-br$1"
  mkdir -p "$dir" "/var/lib/ra-dockerd-$n"
  export DOCKER_HOST="unix://$dir/docker.sock"
  if timeout 5 docker version >/dev/null 2>&1; then return 0; fi
  if ! ip link show "$br" >/dev/null 2>&1; then
    ip link add "$br" type bridge
    ip addr add "10.$((150 + n)).255.1/24" dev "$br"
    ip link set "$br" up
  fi
  setsid -f dockerd --data-root "/var/lib/ra-dockerd-$n" --exec-root "$dir/exec" \
    -H "$DOCKER_HOST" --pidfile "$dir/dockerd.pid" -b "$br" \
    --default-address-pool "base=10.$((150 + n)).0.0/17,size=24" ${PRIVATE_DOCKERD_EXTRA_ARGS:-} \
    >"/tmp/ra-dockerd-$n.log" 2>&1 </dev/null
  for _ in $(seq 1 150); do timeout 5 docker version >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "private dockerd $n did not come up; see /tmp/ra-dockerd-$n.log" >&2
  return 1
}

private_dockerd_stop() {
  local pid
  pid="$(cat "/run/ra-dockerd-$1/dockerd.pid" 2>/dev/null)" || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
}
