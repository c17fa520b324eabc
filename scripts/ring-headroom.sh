#!/usr/bin/env bash
# The headroom the ring needs, from `alloy-orleans cluster simulate` (pure computation, no silos): for each cluster
# size N, the most loaded silo's share against the mean (what every silo must be sized for), and the most loaded
# survivor's share after node-(N-1) is lost against the mean before (what every silo must be sized for to absorb one
# silo's loss). The ring without node-(N-1) is the ring of N-1 nodes (tokens depend only on node names), so the loss
# case is the simulation of N-1 nodes over the same targets.
#
#   scripts/ring-headroom.sh [--targets 1000000] [--nodes "10 20 30 50 100"]
#
# Seconds per size; builds the silo (Release) when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
source scripts/lib/measure.sh

TARGETS=1000000; NODES="10 20 30 50 100"
while [ $# -gt 0 ]; do
  case "$1" in
    --targets) TARGETS=$2; shift 2 ;;
    --nodes) NODES=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
done
SILO_DLL=$(silo_dll)
simulate() { dotnet "$SILO_DLL" cluster simulate --nodes "$1" --targets "$TARGETS" --output json; }

echo "targets=$TARGETS, 512 tokens per node (ckit's ring), plain ring (--balance targets)"
printf '%-6s %-14s %-15s %-22s %-10s %-10s\n' silos most/mean least/mean "most survivor/mean" "join moves" "leave moves"
for n in $NODES; do
  simulate "$n" >/tmp/ring-headroom.$$.full.json
  simulate "$((n - 1))" >/tmp/ring-headroom.$$.loss.json
  python3 - /tmp/ring-headroom.$$.full.json /tmp/ring-headroom.$$.loss.json "$n" <<'PY'
import json, sys
full, loss, n = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), int(sys.argv[3])
counts = [node["targets"] for node in full["nodes"]]
mean = sum(counts) / len(counts)
survivor = max(node["targets"] for node in loss["nodes"])
print(f"{n:<6} {max(counts) / mean:<14.3f} {min(counts) / mean:<15.3f} {survivor / mean:<22.3f} "
      f"{100 * full['moved_on_join']:<10.2f} {100 * full['moved_on_leave']:<10.2f}")
PY
done
rm -f /tmp/ring-headroom.$$.*.json
echo "most survivor/mean: the most loaded silo after node-(N-1) is lost, against the mean before the loss (1 + 1/(N-1) if perfectly even)"
