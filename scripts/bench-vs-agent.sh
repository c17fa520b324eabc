#!/usr/bin/env bash
# Our silo against Prometheus' own agent, doing the same job side by side on this machine, in one run.
#
# Each contestant scrapes N loopback targets (a real node_exporter capture, scripts/bench-data/node-exporter.prom,
# ~500 series, served at /t/0 ... /t/N-1 by scripts/bench-targets.py, each target also labelled target="<i>" since
# __metrics_path__ does not survive into the series — one server process per contestant so neither
# waits on the other's target server) every INTERVAL and remote-writes to one real Prometheus 2.42 receiver, each with
# external label contestant="agent" / "alloy-orleans". After a warm-up, a measured window of SECONDS gives per
# contestant: CPU seconds (utime+stime deltas of the process tree from /proc/<pid>/stat), average and peak RSS
# (VmRSS sampled every second), VmHWM at the end, and the samples the receiver holds from it with timestamps in the
# window (counted at the receiver after a delivery slack). Prints a table and the ratios ours / agent.
#
#   scripts/bench-vs-agent.sh [--targets N (200)] [--interval 1s] [--seconds 60] [--warmup 20]
#
# The environment passes through: DOTNET_gcServer=0 runs the silo with workstation GC; KEEP_WORK=1 keeps the temp
# directory (configurations, logs). The receiver shares the machine: when it or a contestant falls behind, the
# script says so and the per-sample figures are not a comparison.
#
# Needs /usr/bin/prometheus (2.42), python3, curl, and a Release build of the silo
# (dotnet build -c Release src/Silo; the script builds it when the dll is missing). Everything listens on 127.0.0.1;
# every process started here is killed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

TARGETS=200
INTERVAL=1s
SECONDS_WINDOW=60
WARMUP=20
SLACK=60 # at most this many seconds after the window for queued samples to reach the receiver
while [ $# -gt 0 ]; do
  case "$1" in
    --targets) TARGETS=$2; shift 2 ;;
    --targets=*) TARGETS=${1#*=}; shift ;;
    --interval) INTERVAL=$2; shift 2 ;;
    --interval=*) INTERVAL=${1#*=}; shift ;;
    --seconds) SECONDS_WINDOW=$2; shift 2 ;;
    --seconds=*) SECONDS_WINDOW=${1#*=}; shift ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --warmup=*) WARMUP=${1#*=}; shift ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
done
[[ "$TARGETS" =~ ^[1-9][0-9]*$ ]] || { echo "--targets must be a positive integer" >&2; exit 2; }
[[ "$SECONDS_WINDOW" =~ ^[1-9][0-9]*$ ]] || { echo "--seconds must be a positive integer" >&2; exit 2; }
[[ "$WARMUP" =~ ^[0-9]+$ ]] || { echo "--warmup must be a non-negative integer" >&2; exit 2; }
[[ "$INTERVAL" =~ ^[0-9]+(ms|s|m)$ ]] || { echo "--interval must look like 500ms, 1s or 1m" >&2; exit 2; }

PROMETHEUS=${PROMETHEUS:-/usr/bin/prometheus}
SILO_DLL=$ROOT/src/Silo/bin/Release/net10.0/alloy-orleans.dll
EXPOSITION=$ROOT/scripts/bench-data/node-exporter.prom
if [ ! -f "$SILO_DLL" ]; then
  echo "building the silo (Release)..." >&2
  dotnet build -c Release src/Silo >/dev/null
fi

WORK=$(mktemp -d /tmp/bench-vs-agent.XXXXXX)
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  if [ -n "${KEEP_WORK:-}" ]; then echo "kept $WORK (logs, configurations)" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
RECEIVER_PORT=$(free_port); AGENT_PORT=$(free_port); SILO_HTTP_PORT=$(free_port); SILO_PORT=$(free_port)
AGENT_TARGETS_PORT=$(free_port); SILO_TARGETS_PORT=$(free_port)
RECEIVER=http://127.0.0.1:$RECEIVER_PORT

# --- configurations -----------------------------------------------------------------------------------------------
echo "global: {}" >"$WORK/receiver.yml"
{
  echo "global:"
  echo "  scrape_interval: $INTERVAL"
  echo "  scrape_timeout: $INTERVAL"
  echo "  external_labels: {contestant: agent}"
  echo "scrape_configs:"
  echo "  - job_name: bench"
  echo "    static_configs:"
  for ((i = 0; i < TARGETS; i++)); do
    echo "      - {targets: ['127.0.0.1:$AGENT_TARGETS_PORT'], labels: {__metrics_path__: /t/$i, target: '$i'}}"
  done
  echo "remote_write:"
  echo "  - url: $RECEIVER/api/v1/write"
} >"$WORK/agent.yml"
{
  echo "prometheus.scrape \"bench\" {"
  echo "  targets = ["
  for ((i = 0; i < TARGETS; i++)); do
    echo "    {\"__address__\" = \"127.0.0.1:$SILO_TARGETS_PORT\", \"__metrics_path__\" = \"/t/$i\", \"target\" = \"$i\"},"
  done
  echo "  ]"
  echo "  forward_to      = [prometheus.remote_write.bench.receiver]"
  echo "  job_name        = \"bench\""
  echo "  scrape_interval = \"$INTERVAL\""
  echo "  scrape_timeout  = \"$INTERVAL\""
  echo "}"
  echo "prometheus.remote_write \"bench\" {"
  echo "  external_labels = {\"contestant\" = \"alloy-orleans\"}"
  echo "  endpoint {"
  echo "    url = \"$RECEIVER/api/v1/write\""
  echo "  }"
  echo "}"
} >"$WORK/silo.alloy"

# --- start everything ---------------------------------------------------------------------------------------------
start() { # name, command...: runs in the background with its output in $WORK/<name>.log; sets LAST_PID
  local name=$1; shift
  "$@" >"$WORK/$name.log" 2>&1 &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
}
wait_ready() { # name, url, pid
  for _ in $(seq 600); do
    curl -sf -o /dev/null --max-time 1 "$2" && return 0
    kill -0 "$3" 2>/dev/null || { echo "$1 exited; its log:" >&2; tail -30 "$WORK/$1.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "$1 not ready at $2 after 60 s; its log:" >&2; tail -30 "$WORK/$1.log" >&2; exit 1
}

start receiver "$PROMETHEUS" --config.file="$WORK/receiver.yml" --storage.tsdb.path="$WORK/receiver-data" \
  --web.listen-address=127.0.0.1:$RECEIVER_PORT --web.enable-remote-write-receiver --query.max-samples=500000000 \
  --query.timeout=5m
RECEIVER_PID=$LAST_PID
start agent-targets python3 scripts/bench-targets.py "$AGENT_TARGETS_PORT" "$TARGETS" "$EXPOSITION"
AGENT_TARGETS_PID=$LAST_PID
start silo-targets python3 scripts/bench-targets.py "$SILO_TARGETS_PORT" "$TARGETS" "$EXPOSITION"
SILO_TARGETS_PID=$LAST_PID
wait_ready receiver "$RECEIVER/-/ready" "$RECEIVER_PID"
wait_ready agent-targets "http://127.0.0.1:$AGENT_TARGETS_PORT/t/0" "$AGENT_TARGETS_PID"
wait_ready silo-targets "http://127.0.0.1:$SILO_TARGETS_PORT/t/0" "$SILO_TARGETS_PID"

start agent "$PROMETHEUS" --enable-feature=agent --config.file="$WORK/agent.yml" --storage.agent.path="$WORK/agent-data" \
  --web.listen-address=127.0.0.1:$AGENT_PORT
AGENT_PID=$LAST_PID
start silo dotnet "$SILO_DLL" run --server.http.listen-addr=127.0.0.1:$SILO_HTTP_PORT --storage.path="$WORK/silo-data/" \
  --cluster.silo-port=$SILO_PORT --dashboard.enabled=false "$WORK/silo.alloy"
SILO_PID=$LAST_PID
wait_ready agent "http://127.0.0.1:$AGENT_PORT/-/ready" "$AGENT_PID"
wait_ready silo "http://127.0.0.1:$SILO_HTTP_PORT/-/ready" "$SILO_PID"

# --- measurement helpers ------------------------------------------------------------------------------------------
CLK_TCK=$(getconf CLK_TCK)
tree() { # pid and its descendants
  local pid=$1 child
  echo "$pid"
  for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do tree "$child"; done
}
ticks() { # utime+stime of a process tree, in clock ticks
  local total=0 pid fields
  for pid in $(tree "$1"); do
    # fields after the ")" closing the command name: utime and stime are the 12th and 13th
    fields=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null) || continue
    set -- $fields
    total=$((total + ${12} + ${13}))
  done
  echo "$total"
}
status_kb() { # field (VmRSS/VmHWM) summed over a process tree, in kB
  local total=0 pid value
  for pid in $(tree "$2"); do
    value=$(awk -v f="$1:" '$1 == f {print $2}' "/proc/$pid/status" 2>/dev/null) || continue
    total=$((total + ${value:-0}))
  done
  echo "$total"
}
alive() { kill -0 "$AGENT_PID" 2>/dev/null || { echo "agent died" >&2; tail -30 "$WORK/agent.log" >&2; exit 1; }
          kill -0 "$SILO_PID" 2>/dev/null || { echo "silo died" >&2; tail -30 "$WORK/silo.log" >&2; exit 1; }; }

echo "targets=$TARGETS interval=$INTERVAL warm-up=${WARMUP}s window=${SECONDS_WINDOW}s exposition=$(grep -vc '^#' "$EXPOSITION") series; $(nproc) CPUs; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
sleep "$WARMUP"
alive

# --- measured window ----------------------------------------------------------------------------------------------
declare -A CPU0 CPU1 RSS_SUM RSS_PEAK
NAMES=(agent silo receiver agent-targets silo-targets)
declare -A PID_OF=([agent]=$AGENT_PID [silo]=$SILO_PID [receiver]=$RECEIVER_PID [agent-targets]=$AGENT_TARGETS_PID [silo-targets]=$SILO_TARGETS_PID)
for n in "${NAMES[@]}"; do CPU0[$n]=$(ticks "${PID_OF[$n]}"); RSS_SUM[$n]=0; RSS_PEAK[$n]=0; done
START_S=$(date +%s.%N)
WINDOW_START=$(date +%s)
SAMPLES=0
DEADLINE_NS=$(( $(date +%s%N) + SECONDS_WINDOW * 1000000000 ))
while :; do
  LEFT_NS=$(( DEADLINE_NS - $(date +%s%N) ))
  [ "$LEFT_NS" -le 0 ] && break
  [ "$LEFT_NS" -ge 1000000000 ] && sleep 1 || sleep "0.$(printf '%09d' "$LEFT_NS")"
  alive
  for n in agent silo; do
    rss=$(status_kb VmRSS "${PID_OF[$n]}")
    RSS_SUM[$n]=$((RSS_SUM[$n] + rss))
    [ "$rss" -gt "${RSS_PEAK[$n]}" ] && RSS_PEAK[$n]=$rss
  done
  SAMPLES=$((SAMPLES + 1))
done
for n in "${NAMES[@]}"; do CPU1[$n]=$(ticks "${PID_OF[$n]}"); done
ELAPSED=$(echo "$(date +%s.%N) - $START_S" | bc -l)
WINDOW_END=$(date +%s)
LOAD_DURING=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A HWM=([agent]=$(status_kb VmHWM "$AGENT_PID") [silo]=$(status_kb VmHWM "$SILO_PID"))

# --- samples at the receiver --------------------------------------------------------------------------------------
query() { # PromQL evaluated at the window's end; prints the scalar result or "nan"
  curl -s --max-time 300 "$RECEIVER/api/v1/query" --data-urlencode "query=$1" --data-urlencode "time=$WINDOW_END" |
    python3 -c 'import json,sys
body = json.load(sys.stdin)
if body.get("status") != "success": sys.exit("receiver query failed: %s" % body)
r = body["data"]["result"]; print(r[0]["value"][1] if r else "nan")'
}
RANGE="$((WINDOW_END - WINDOW_START))s"
# Wait until both contestants' window is fully at the receiver: the count of `up` samples stops growing (a count of
# nothing yet keeps waiting, up to SLACK).
delivered() { echo "$(query "sum(count_over_time(up{contestant=\"agent\"}[$RANGE]))")/$(query "sum(count_over_time(up{contestant=\"alloy-orleans\"}[$RANGE]))")"; }
LAST=$(delivered)
for ((w = 0; w < SLACK; w += 5)); do
  sleep 5
  alive
  NOW=$(delivered)
  [ "$NOW" = "$LAST" ] && [[ "$NOW" != *nan* ]] && break
  LAST=$NOW
done
CPU_SERIES=$(grep -c '^node_cpu_seconds_total{' "$EXPOSITION")
declare -A LABEL=([agent]=agent [silo]=alloy-orleans) INGESTED SCRAPES UP_OK DURATION CHECK
for n in agent silo; do
  # Samples at the receiver: each delivered scrape's scrape_samples_scraped plus its five synthetic series (up,
  # scrape_duration_seconds, scrape_samples_scraped, scrape_samples_post_metric_relabeling, scrape_series_added).
  # Counting every series at the receiver exactly is too slow at 1000 targets; CHECK below verifies one family exactly.
  INGESTED[$n]=$(query "sum(sum_over_time(scrape_samples_scraped{contestant=\"${LABEL[$n]}\"}[$RANGE])) + 5 * sum(count_over_time(up{contestant=\"${LABEL[$n]}\"}[$RANGE]))")
  CHECK[$n]=$(query "sum(count_over_time(node_cpu_seconds_total{contestant=\"${LABEL[$n]}\"}[$RANGE])) / sum(count_over_time(up{contestant=\"${LABEL[$n]}\"}[$RANGE])) / $CPU_SERIES")
  SCRAPES[$n]=$(query "sum(count_over_time(up{contestant=\"${LABEL[$n]}\"}[$RANGE]))")
  UP_OK[$n]=$(query "sum(sum_over_time(up{contestant=\"${LABEL[$n]}\"}[$RANGE]))")
  DURATION[$n]=$(query "1000 * sum(sum_over_time(scrape_duration_seconds{contestant=\"${LABEL[$n]}\"}[$RANGE])) / sum(count_over_time(scrape_duration_seconds{contestant=\"${LABEL[$n]}\"}[$RANGE]))")
done
EXPECTED_SCRAPES=$(python3 -c "
import re; m = re.fullmatch(r'(\d+)(ms|s|m)', '$INTERVAL'); secs = int(m[1]) * {'ms': 0.001, 's': 1, 'm': 60}[m[2]]
print(int($TARGETS * ${RANGE%s} / secs))")

# --- report -------------------------------------------------------------------------------------------------------
cpu() { echo "scale=3; (${CPU1[$1]} - ${CPU0[$1]}) / $CLK_TCK" | bc -l; }
python3 - "$CLK_TCK" "$ELAPSED" "$SAMPLES" "$EXPECTED_SCRAPES" "$LOAD_DURING" <<EOF
import sys
tck, elapsed, n, expected, load = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
row = {
  "agent": dict(cpu=$(cpu agent), avg=${RSS_SUM[agent]}/n/1024, peak=${RSS_PEAK[agent]}/1024, hwm=${HWM[agent]}/1024,
                ingested=float("${INGESTED[agent]}"), scrapes=float("${SCRAPES[agent]}"), up=float("${UP_OK[agent]}"), ms=float("${DURATION[agent]}"), check=float("${CHECK[agent]}")),
  "alloy-orleans": dict(cpu=$(cpu silo), avg=${RSS_SUM[silo]}/n/1024, peak=${RSS_PEAK[silo]}/1024, hwm=${HWM[silo]}/1024,
                ingested=float("${INGESTED[silo]}"), scrapes=float("${SCRAPES[silo]}"), up=float("${UP_OK[silo]}"), ms=float("${DURATION[silo]}"), check=float("${CHECK[silo]}")),
}
print(f"window {elapsed:.1f}s, expected scrapes per contestant ~{expected}; load during: {load}")
print(f"{'contestant':<14}{'CPU s':>8}{'CPU %':>7}{'RSS avg MB':>11}{'RSS peak MB':>12}{'VmHWM MB':>10}"
      f"{'scrapes':>9}{'up=1':>8}{'scrape ms':>10}{'samples at receiver':>21}{'CPU us/sample':>15}")
for name, r in row.items():
    r["per"] = r["cpu"] / r["ingested"] * 1e6 if r["ingested"] > 0 else float("nan")
    print(f"{name:<14}{r['cpu']:>8.2f}{100*r['cpu']/elapsed:>7.1f}{r['avg']:>11.1f}{r['peak']:>12.1f}{r['hwm']:>10.1f}"
          f"{r['scrapes']:>9.0f}{r['up']:>8.0f}{r['ms']:>10.1f}{r['ingested']:>21.0f}{r['per']:>15.3f}")
print(f"{'receiver':<14}{$(cpu receiver):>8.2f}   (target servers: agent's {$(cpu agent-targets):.2f} s, ours {$(cpu silo-targets):.2f} s)")
print("check: node_cpu_seconds_total samples at the receiver per delivered scrape / series in the exposition: "
      + ", ".join(f"{name} {r['check']:.3f}" for name, r in row.items()) + " (1.000 = every scrape arrived whole)")
for name, r in row.items():
    if not r["scrapes"] >= 0.95 * expected:
        print(f"WARNING: {name}: {r['scrapes']:.0f} of ~{expected} scrapes reached the receiver in time; the machine, the "
              "receiver or the contestant did not keep up, so per-sample figures are not a fair comparison")
a, o = row["agent"], row["alloy-orleans"]
ratio = lambda x, y: x / y if y else float("nan")
print(f"ratios ours/agent: CPU per sample {ratio(o['per'], a['per']):.2f}, CPU {ratio(o['cpu'], a['cpu']):.2f}, "
      f"RSS avg {ratio(o['avg'], a['avg']):.2f}, RSS peak {ratio(o['peak'], a['peak']):.2f}, VmHWM {ratio(o['hwm'], a['hwm']):.2f}, "
      f"samples {ratio(o['ingested'], a['ingested']):.3f}")
EOF
