#!/usr/bin/env bash
# A harness script, before and after run-anvil.
#
# Before: sidecars were started by hand (or forgotten), and the harness got their addresses from
# wherever it could:
#
#   docker run --rm -it --name agent-1 --network agents my-harness:dev "$@"
#
# After: the same line behind `run-anvil --`. Sidecars declared in the repo's
# .swarmforge/sidecars/*.toml (or your ~/.swarmforge/sidecars) are started or reused, waited for,
# attached to the `agents` network under their names, and their coordinates are passed in as
# SWARMFORGE_TONG_<NAME>_HOST / _PORT. With no sidecar declared, run-anvil simply execs the line.
set -euo pipefail
exec run-anvil -- docker run --rm -it --name agent-1 --network agents my-harness:dev "$@"
