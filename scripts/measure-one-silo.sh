#!/usr/bin/env bash
# One silo at N node_exporter-sized targets, beside the Prometheus agent and vmagent doing the same job, one after the
# other on this machine (ROUNDS rounds, order alloy-orleans, agent, vmagent), so none competes with another for the cores.
#
# nginx-light serves the targets (scripts/bench-data/node-exporter.prom, ~507 series, pre-gzipped, at /t/0 … /t/N-1,
# one server block and access log per contestant) and is the remote_write sink (`return 204`), so neither the
# targets nor the receiver is the bottleneck. Each contestant scrapes every INTERVAL; after a warm-up, a window of
# SECONDS gives: CPU cores used (utime+stime of the process tree / wall time), peak RSS (max VmRSS sampled every second,
# and VmHWM), RSS per active series, its on-disk data (WAL) at the end, scrape lateness (from the targets' access log:
# each scrape's start time past that target's earliest phase in the window, p50/p99/max, so every scraper's own slot
# grid is the reference) and scrapes seen versus expected; for ours also the ownership recompute time
# (cluster_node_update_duration_seconds: sum/count and the count above 10 ms).
#
#   scripts/measure-one-silo.sh [--targets N (400)] [--interval 15s] [--warmup 30] [--seconds 90] [--rounds 1]
#                               [--only alloy-orleans,agent,vmagent] [--heap]
#
# --only runs just the named contestants (e.g. ours alone at several sizes, to check that no per-series cost grows).
# --heap: after ours' window (so its figures are unaffected), the GC's own sizes (dotnet-counters, System.Runtime: heap
# per generation, fragmentation, committed) and a heap dump's largest types by total bytes (scripts/lib/gcdump-types,
# which reads the dump's object graph: `dotnet-gcdump report` prints one object's size per row, not a total), to tell
# live data from GC slack; needs dotnet-counters and dotnet-gcdump (dotnet tool install -g ...; DOTNET_TOOLS, default
# ~/.dotnet/tools). The dump forces a full collection and takes a while on a large heap; KEEP_WORK=1 keeps it, and
# `dotnet scripts/lib/gcdump-types/bin/Release/net10.0/gcdump-types.dll owners DUMP System.Int32[] 1000` then names
# who holds a type's objects.
# About 2 min per contestant per round at the defaults. Loopback only; every process started here is killed on exit;
# KEEP_WORK=1 keeps the temp directory. Needs nginx (nginx-light), /usr/bin/prometheus (2.42), /usr/bin/vmagent,
# python3, curl; builds the silo (Release) when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
source scripts/lib/measure.sh

TARGETS=400; INTERVAL=15s; WARMUP=30; SECONDS_WINDOW=90; ROUNDS=1; ONLY=alloy-orleans,agent,vmagent; HEAP=
TOOLS=${DOTNET_TOOLS:-$HOME/.dotnet/tools}
while [ $# -gt 0 ]; do
  case "$1" in
    --targets) TARGETS=$2; shift 2 ;;
    --interval) INTERVAL=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --seconds) SECONDS_WINDOW=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --heap) HEAP=1; shift ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
done
[[ "$TARGETS" =~ ^[1-9][0-9]*$ ]] || { echo "--targets must be a positive integer" >&2; exit 2; }
[[ "$INTERVAL" =~ ^[1-9][0-9]*s$ ]] || { echo "--interval must be whole seconds, like 15s" >&2; exit 2; }
[[ "$SECONDS_WINDOW$WARMUP$ROUNDS" =~ ^[0-9]+$ ]] || { echo "--seconds, --warmup and --rounds must be integers" >&2; exit 2; }
for tool in nginx /usr/bin/prometheus /usr/bin/vmagent python3 curl; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install nginx-light prometheus victoria-metrics)" >&2; exit 2; }
done
SILO_DLL=$(silo_dll)
if [ -n "$HEAP" ]; then
  GCDUMP_TYPES=$ROOT/scripts/lib/gcdump-types/bin/Release/net10.0/gcdump-types.dll
  dotnet build -c Release "$ROOT/scripts/lib/gcdump-types" -p:GcDumpStore="$TOOLS/.store/dotnet-gcdump" >/dev/null || { echo "could not build scripts/lib/gcdump-types (needs dotnet-gcdump installed)" >&2; exit 2; }
fi
EXPOSITION=$ROOT/scripts/bench-data/node-exporter.prom
SERIES_PER_TARGET=$(grep -vc '^#' "$EXPOSITION")
TIMEOUT=$(( ${INTERVAL%s} < 10 ? ${INTERVAL%s} : 10 ))s
SERIES=$(( TARGETS * (SERIES_PER_TARGET + 5) )) # + up, scrape_duration_seconds, scrape_samples_*, scrape_series_added

WORK=$(mktemp -d /tmp/measure-one-silo.XXXXXX)
chmod 755 "$WORK" # nginx's workers read the targets from here
trap 'measure_cleanup; [ -n "${KEEP_WORK:-}" ] && echo "kept $WORK" >&2 || rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

# --- targets and sink ---------------------------------------------------------------------------------------------
mkdir -p "$WORK/www/t"
cp "$EXPOSITION" "$WORK/www/node.prom"
gzip -1 -c "$EXPOSITION" >"$WORK/www/node.prom.gz"
for ((i = 0; i < TARGETS; i++)); do ln -s ../node.prom "$WORK/www/t/$i"; ln -s ../node.prom.gz "$WORK/www/t/$i.gz"; done
CONTESTANTS=(alloy-orleans agent vmagent)
IFS=, read -r -a RUN <<<"$ONLY"
for c in "${RUN[@]}"; do [[ " ${CONTESTANTS[*]} " == *" $c "* ]] || { echo "--only: unknown contestant $c (alloy-orleans, agent, vmagent)" >&2; exit 2; }; done
declare -A TARGET_PORT
SINK_PORT=$(free_port)
{
  echo "worker_processes 1; pid $WORK/nginx.pid; error_log $WORK/nginx-error.log; daemon off;"
  echo "events { worker_connections 16384; }"
  echo "http { access_log off; log_format scrape '\$msec \$uri'; sendfile on; keepalive_requests 1000000;"
  for c in "${CONTESTANTS[@]}"; do
    TARGET_PORT[$c]=$(free_port)
    echo "  server { listen 127.0.0.1:${TARGET_PORT[$c]}; root $WORK/www; location /t/ { gzip_static on; default_type text/plain; access_log $WORK/scrapes-$c.log scrape; } }"
  done
  echo "  server { listen 127.0.0.1:$SINK_PORT; client_max_body_size 256m; location / { return 204; } }"
  echo "}"
} >"$WORK/nginx.conf"
start nginx nginx -p "$WORK" -c "$WORK/nginx.conf"
NGINX_PID=$LAST_PID
wait_ready nginx "http://127.0.0.1:${TARGET_PORT[agent]}/t/0" "$NGINX_PID"
SINK=http://127.0.0.1:$SINK_PORT/api/v1/write

# --- configurations -----------------------------------------------------------------------------------------------
prometheus_yaml() { # port: the Prometheus scrape config both the agent and vmagent read
  echo "global: {scrape_interval: $INTERVAL, scrape_timeout: $TIMEOUT}"
  echo "scrape_configs:"
  echo "  - job_name: bench"
  echo "    static_configs:"
  for ((i = 0; i < TARGETS; i++)); do echo "      - {targets: ['127.0.0.1:$1'], labels: {__metrics_path__: /t/$i, target: '$i'}}"; done
  echo "remote_write: [{url: $SINK}]"
}
prometheus_yaml "${TARGET_PORT[agent]}" >"$WORK/agent.yml"
prometheus_yaml "${TARGET_PORT[vmagent]}" | sed '/^remote_write/d' >"$WORK/vmagent.yml"
{
  echo "prometheus.scrape \"bench\" {"
  echo "  targets = ["
  for ((i = 0; i < TARGETS; i++)); do echo "    {\"__address__\" = \"127.0.0.1:${TARGET_PORT[alloy-orleans]}\", \"__metrics_path__\" = \"/t/$i\", \"target\" = \"$i\"},"; done
  echo "  ]"
  echo "  forward_to      = [prometheus.remote_write.bench.receiver]"
  echo "  job_name        = \"bench\""
  echo "  scrape_interval = \"$INTERVAL\""
  echo "  scrape_timeout  = \"$TIMEOUT\""
  echo "}"
  echo "prometheus.remote_write \"bench\" {"
  echo "  endpoint { url = \"$SINK\" }"
  echo "}"
} >"$WORK/silo.alloy"

launch() { # contestant, round: starts it, waits until ready; sets PID, HTTP, DATA
  local c=$1 r=$2 port; port=$(free_port)
  HTTP=http://127.0.0.1:$port
  DATA=$WORK/data-$c-$r
  case "$c" in
    alloy-orleans) start "$c-$r" dotnet "$SILO_DLL" run --server.http.listen-addr=127.0.0.1:$port --storage.path="$DATA/" \
                     --cluster.silo-port="$(free_port)" --dashboard.enabled=false "$WORK/silo.alloy" ;;
    agent) start "$c-$r" /usr/bin/prometheus --enable-feature=agent --config.file="$WORK/agent.yml" --storage.agent.path="$DATA" \
             --web.listen-address=127.0.0.1:$port ;;
    vmagent) start "$c-$r" /usr/bin/vmagent -promscrape.config="$WORK/vmagent.yml" -remoteWrite.url="$SINK" \
               -remoteWrite.tmpDataPath="$DATA" -httpListenAddr=127.0.0.1:$port -loggerLevel=ERROR ;;
  esac
  PID=$LAST_PID
  local ready=$HTTP/-/ready; [ "$c" = vmagent ] && ready=$HTTP/health
  wait_ready "$c-$r" "$ready" "$PID" 120
}

heap_report() { # pid, round: the GC's sizes and the heap's largest types, into $WORK/heap-<round>.txt
  local pid=$1 r=$2
  "$TOOLS/dotnet-counters" collect -p "$pid" --counters System.Runtime --format csv -o "$WORK/counters-$r.csv" --duration 00:00:00:06 >/dev/null 2>&1 || true
  {
    echo "GC (dotnet-counters System.Runtime, last value; bytes):"
    [ -f "$WORK/counters-$r.csv" ] && awk -F, 'NR > 1 && $3 ~ /heap|committed|fragmentation|working_set|gc.pause/ {last[$3] = $NF} END {for (k in last) printf "  %-90s %s\n", k, last[k]}' "$WORK/counters-$r.csv" | sort
    "$TOOLS/dotnet-gcdump" collect -p "$pid" -o "$WORK/heap-$r.gcdump" >/dev/null 2>&1 &&
      dotnet "$GCDUMP_TYPES" types "$WORK/heap-$r.gcdump" 15
  } >"$WORK/heap-$r.txt"
}

echo "targets=$TARGETS x $SERIES_PER_TARGET series (+5 synthetic) = $SERIES active series, interval $INTERVAL, warm-up ${WARMUP}s, window ${SECONDS_WINDOW}s, rounds $ROUNDS; $(nproc) CPUs; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
RESULTS=$WORK/results.tsv
for ((r = 1; r <= ROUNDS; r++)); do
  for c in "${RUN[@]}"; do
    launch "$c" "$r"
    sleep "$WARMUP"
    kill -0 "$PID" || { echo "$c died during warm-up" >&2; tail -30 "$WORK/$c-$r.log" >&2; exit 1; }
    cpu0=$(ticks "$PID"); t0=$(date +%s.%N); peak=0
    end=$(( $(date +%s) + SECONDS_WINDOW ))
    while [ "$(date +%s)" -lt "$end" ]; do
      sleep 1
      kill -0 "$PID" || { echo "$c died" >&2; tail -30 "$WORK/$c-$r.log" >&2; exit 1; }
      rss=$(status_kb VmRSS "$PID"); [ "$rss" -gt "$peak" ] && peak=$rss
    done
    cpu1=$(ticks "$PID"); t1=$(date +%s.%N); hwm=$(status_kb VmHWM "$PID")
    disk=$(du -sk "$DATA" 2>/dev/null | cut -f1); disk=${disk:-0}
    recompute="-"
    if [ "$c" = alloy-orleans ]; then
      recompute=$(curl -s --max-time 5 "$HTTP/metrics" | awk '
        /^cluster_node_update_duration_seconds_sum/ {s=$2} /^cluster_node_update_duration_seconds_count/ {n=$2}
        /^cluster_node_update_duration_seconds_bucket\{.*le="0.01"/ {le10=$2}
        END { if (n > 0) printf "%.2fms/%d(>10ms:%d)", 1000*s/n, n, n-le10; else print "none" }')
    fi
    if [ -n "$HEAP" ] && [ "$c" = alloy-orleans ]; then heap_report "$PID" "$r"; fi
    kill "$PID"; for _ in $(seq 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done; kill -9 "$PID" 2>/dev/null || true
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$c" "$r" "$((cpu1 - cpu0))" "$t0" "$t1" "$peak" "$hwm" "$disk" "$recompute" "$WORK/scrapes-$c.log" >>"$RESULTS"
  done
done

python3 - "$RESULTS" "$CLK_TCK" "$SERIES" "$TARGETS" "${INTERVAL%s}" <<'PY'
import collections, statistics, sys
results, tck, series, targets, interval = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])

def lateness(log, t0, t1):
    by_target = collections.defaultdict(list)
    with open(log) as f:
        for line in f:
            at, uri = line.split()
            at = float(at)
            if t0 <= at < t1:
                by_target[uri].append(at)
    late = []
    for times in by_target.values():
        phases = []
        for at in sorted(times):
            p = at % interval
            if phases:  # unwrap around the first scrape's phase
                p += round((phases[0] - p) / interval) * interval
            phases.append(p)
        low = min(phases)
        late += [1000 * (p - low) for p in phases]
    late.sort()
    q = lambda f: late[min(len(late) - 1, int(f * len(late)))] if late else float("nan")
    return len(late), q(0.5), q(0.99), late[-1] if late else float("nan")

rows = collections.defaultdict(list)
for line in open(results):
    c, r, ticks, t0, t1, peak, hwm, disk, recompute, log = line.rstrip("\n").split("\t")
    t0, t1 = float(t0), float(t1)
    n, p50, p99, worst = lateness(log, t0, t1)
    rows[c].append(dict(cores=int(ticks) / tck / (t1 - t0), peak=int(peak) / 1024, hwm=int(hwm) / 1024, disk=int(disk) / 1024,
                        scrapes=n, expected=targets * (t1 - t0) / interval, p50=p50, p99=p99, worst=worst, recompute=recompute))
med = lambda c, k: statistics.median(r[k] for r in rows[c])
print(f"{'contestant':<14}{'cores':>7}{'peak RSS MB':>12}{'VmHWM MB':>10}{'RSS/series B':>13}{'disk MB':>9}"
      f"{'scrapes/expected':>17}{'late p50 ms':>12}{'late p99 ms':>12}{'late max ms':>12}  recompute")
for c in rows:
    print(f"{c:<14}{med(c,'cores'):>7.3f}{med(c,'peak'):>12.1f}{med(c,'hwm'):>10.1f}{med(c,'peak')*1048576/series:>13.0f}{med(c,'disk'):>9.1f}"
          f"{med(c,'scrapes'):>9.0f}/{med(c,'expected'):<7.0f}{med(c,'p50'):>12.1f}{med(c,'p99'):>12.1f}{med(c,'worst'):>12.1f}  {rows[c][-1]['recompute']}")
if "agent" in rows and "alloy-orleans" in rows:
    print(f"ours/agent: cores {med('alloy-orleans','cores')/med('agent','cores'):.2f}, peak RSS {med('alloy-orleans','peak')/med('agent','peak'):.2f}")
if "vmagent" in rows and "alloy-orleans" in rows:
    print(f"ours/vmagent: cores {med('alloy-orleans','cores')/med('vmagent','cores'):.2f}, peak RSS {med('alloy-orleans','peak')/med('vmagent','peak'):.2f}")
print(f"({len(next(iter(rows.values())))} round(s); medians over rounds; lateness = start past the target's earliest phase in the window)")
PY
for heap in "$WORK"/heap-*.txt; do [ -f "$heap" ] && { echo "ours, heap at the end of round ${heap##*heap-}:"; cat "$heap"; }; done
exit 0
