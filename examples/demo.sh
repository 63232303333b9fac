#!/usr/bin/env bash
# The demo command: on a fresh Debian 12 machine as root, installs and builds everything, starts
# dockerd, then shows run-anvil's main job: a harness reaching a sidecar, started cold and then
# reused warm.   bash examples/demo.sh
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/../tests/lib/setup.sh"
setup_all

LAYER="$HERE/demo"
harness=(docker run --rm "$TEST_IMAGE" sh -c
  'echo "harness: sidecar web is at $SWARMFORGE_TONG_WEB_HOST:$SWARMFORGE_TONG_WEB_PORT";
   echo -n "harness: fetched: "; wget -qO- "http://$SWARMFORGE_TONG_WEB_HOST:$SWARMFORGE_TONG_WEB_PORT/index.html"')

say "plan: what run-anvil would do (touches nothing)"
"$RUN_ANVIL_BIN" plan --repo-sidecars "$LAYER" -- "${harness[@]}"

say "first launch: the sidecar is created, probed, and the harness reaches it"
time "$RUN_ANVIL_BIN" --repo-sidecars "$LAYER" -- "${harness[@]}"

say "second launch: the running sidecar is reused as is"
time "$RUN_ANVIL_BIN" -v --repo-sidecars "$LAYER" -- "${harness[@]}"

say "the shared sidecar keeps running for the next harness:"
docker ps --filter label=swarmforge.managed-by=run-anvil --filter label=swarmforge.tong.name=web --format '  {{.Names}}  {{.Status}}  {{.Image}}'
echo "(remove it with: docker rm -f swarmforge-shared-web)"
