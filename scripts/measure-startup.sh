#!/usr/bin/env bash
# What one silo's start costs: CPU seconds (utime+stime of the process) and wall seconds from launch until /-/ready
# answers 200, for one or more builds of the silo, alternating (A B A B ...) so load drifts hit both alike; medians.
# A join storm of N silos on C cores cannot finish before N x this CPU / C: the floor of the 16-silo storm here.
#
#   scripts/measure-startup.sh [--runs 3] [--targets 2000] DLL [DLL...]
#
# DLL: alloy-orleans.dll of a build (src/Silo/bin/Release/net10.0/) or a publish (e.g. -p:PublishReadyToRun=true).
# A standalone silo (a one-node cluster) with one prometheus.scrape of --targets loopback targets on a closed port
# (scrapes fail fast; the configuration and ownership work of the storm's silos is there). Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/measure.sh

RUNS=3; TARGETS=2000; DLLS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --targets) TARGETS=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) [ -f "$1" ] || { echo "no such file: $1" >&2; exit 2; }; DLLS+=("$1"); shift ;;
  esac
done
[ ${#DLLS[@]} -gt 0 ] || { echo "give at least one alloy-orleans.dll (try --help)" >&2; exit 2; }
WORK=$(mktemp -d /tmp/measure-startup.XXXXXX)
trap 'measure_cleanup; rm -rf "$WORK"' EXIT
CLOSED=$(free_port)
{
  echo 'prometheus.scrape "small" {'
  echo '  targets = ['
  for ((i = 0; i < TARGETS; i++)); do echo "    {\"__address__\" = \"127.0.0.1:$CLOSED\", \"target\" = \"$i\"},"; done
  echo '  ]'
  echo '  forward_to = [prometheus.remote_write.sink.receiver]'
  echo '}'
  echo 'prometheus.remote_write "sink" {'
  echo "  endpoint { url = \"http://127.0.0.1:$CLOSED/api/v1/write\" }"
  echo '}'
} >"$WORK/config.alloy"

echo "$RUNS runs each, $TARGETS targets; $(nproc) CPUs; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 1; r <= RUNS; r++)); do
  for d in "${!DLLS[@]}"; do
    port=$(free_port); t0=$(date +%s.%N)
    start "silo-$d-$r" dotnet "${DLLS[$d]}" run --server.http.listen-addr=127.0.0.1:$port --storage.path="$WORK/data-$d-$r/" \
      --cluster.silo-port="$(free_port)" --dashboard.enabled=false "$WORK/config.alloy"
    pid=$LAST_PID
    wait_ready "silo-$d-$r" "http://127.0.0.1:$port/-/ready" "$pid" 120
    t1=$(date +%s.%N); cpu=$(ticks "$pid")
    kill -9 "$pid"; wait "$pid" 2>/dev/null || true
    echo "$d $(echo "$cpu / $CLK_TCK" | bc -l) $(echo "$t1 - $t0" | bc -l)" >>"$WORK/results"
  done
done
python3 - "$WORK/results" "${DLLS[@]}" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
for d, dll in enumerate(sys.argv[2:]):
    cpu = [float(r[1]) for r in rows if int(r[0]) == d]; wall = [float(r[2]) for r in rows if int(r[0]) == d]
    print(f"{dll}: CPU to ready median {statistics.median(cpu):.2f} s ({' '.join(f'{c:.2f}' for c in cpu)}); "
          f"wall median {statistics.median(wall):.2f} s ({' '.join(f'{w:.2f}' for w in wall)})")
PY
