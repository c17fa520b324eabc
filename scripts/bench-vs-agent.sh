#!/usr/bin/env bash
# Our silo against vmagent and Prometheus' own agent, doing the same job side by side on this machine.
#
# Each contestant scrapes N loopback targets (a real node_exporter capture, scripts/bench-data/node-exporter.prom,
# ~500 series, served gzipped by nginx at /t/0 ... /t/N-1 on one port per contestant, each target also labelled
# target="<i>") every INTERVAL and remote-writes to a sink, with external label contestant="vmagent" / "agent" /
# "alloy-orleans". The sink is either a real Prometheus 2.42 receiver (--sink prometheus) or nginx answering 204 to
# every write (--sink 204, the default), so the receiver is never the bottleneck. After a warm-up, a measured window
# of SECONDS gives per contestant:
#   - CPU seconds (utime+stime deltas of the process tree from /proc/<pid>/stat) and CPU-s per 1M samples, where the
#     samples are the scrapes nginx answered in the window (its access log) × (series in the exposition + 5 synthetic);
#   - peak RSS (VmRSS sampled every second) and VmHWM at the end;
#   - bytes written to disk per sample (write_bytes of /proc/<pid>/io over the window);
#   - with --sink prometheus, the share of those scrapes whose `up` sample reached the receiver.
# RUNS rounds (default 3) each measure every contestant once, alone on the machine (with --together: all three side
# by side), in an order rotated from round to round; the report gives each figure's median over the rounds and the
# ratios ours / vmagent and ours / agent.
#
#   scripts/bench-vs-agent.sh [--targets N (200)] [--interval 1s] [--seconds 30] [--warmup 15] [--runs 3]
#                             [--sink 204|prometheus] [--together] [--only vmagent,agent,silo]
#
# --only measures a subset (for iterating on one build; the final comparison measures all three).
#
# The environment passes through (DOTNET_* settings reach the silo); KEEP_WORK=1 keeps the temp directory
# (configurations, logs). Everything shares the machine: when a contestant falls behind (fewer than 95 % of the
# expected scrapes), the script says so. Run it under `flock /tmp/alloy-heavy.lock` on a shared machine.
#
# Needs /usr/bin/vmagent (Debian victoria-metrics), /usr/bin/prometheus (2.42), /usr/sbin/nginx (nginx-light),
# python3, curl, and a Release build of the silo (the script builds it when the dll is missing). Everything listens on
# 127.0.0.1; every process started here is killed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
source scripts/lib/measure.sh # free ports, /proc CPU ticks and RSS of a process tree, the silo build

TARGETS=200
INTERVAL=1s
SECONDS_WINDOW=30
WARMUP=15
RUNS=3
SINK=204
TOGETHER=
ONLY=vmagent,agent,silo
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
    --runs) RUNS=$2; shift 2 ;;
    --runs=*) RUNS=${1#*=}; shift ;;
    --sink) SINK=$2; shift 2 ;;
    --sink=*) SINK=${1#*=}; shift ;;
    --together) TOGETHER=1; shift ;;
    --only) ONLY=$2; shift 2 ;;
    --only=*) ONLY=${1#*=}; shift ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
done
[[ "$TARGETS" =~ ^[1-9][0-9]*$ ]] || { echo "--targets must be a positive integer" >&2; exit 2; }
[[ "$SECONDS_WINDOW" =~ ^[1-9][0-9]*$ ]] || { echo "--seconds must be a positive integer" >&2; exit 2; }
[[ "$WARMUP" =~ ^[0-9]+$ ]] || { echo "--warmup must be a non-negative integer" >&2; exit 2; }
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "--runs must be a positive integer" >&2; exit 2; }
[[ "$INTERVAL" =~ ^[0-9]+(ms|s|m)$ ]] || { echo "--interval must look like 500ms, 1s or 1m" >&2; exit 2; }
[[ "$SINK" == 204 || "$SINK" == prometheus ]] || { echo "--sink must be 204 or prometheus" >&2; exit 2; }
[[ "$ONLY" =~ ^(vmagent|agent|silo)(,(vmagent|agent|silo))*$ ]] || { echo "--only takes a comma-separated list of vmagent, agent, silo" >&2; exit 2; }

PROMETHEUS=${PROMETHEUS:-/usr/bin/prometheus}
VMAGENT=${VMAGENT:-/usr/bin/vmagent}
NGINX=${NGINX:-/usr/sbin/nginx}
SILO_DLL=${SILO_DLL:-} # another build to measure, e.g. a copy of an older one; default the tree's Release build
EXPOSITION=$ROOT/scripts/bench-data/node-exporter.prom
for tool in "$PROMETHEUS" "$VMAGENT" "$NGINX"; do
  [ -x "$tool" ] || { echo "missing $tool (apt-get install prometheus victoria-metrics nginx-light)" >&2; exit 2; }
done
[ -n "$SILO_DLL" ] || SILO_DLL=$(silo_dll)

WORK=$(mktemp -d /tmp/bench-vs-agent.XXXXXX)
PIDS=()
stop_all() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  PIDS=()
}
cleanup() {
  stop_all
  if [ -n "${KEEP_WORK:-}" ]; then echo "kept $WORK (logs, configurations)" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

IFS=, read -r -a CONTESTANTS <<<"$ONLY"
declare -A LABEL=([vmagent]=vmagent [agent]=agent [silo]=alloy-orleans)
declare -A TARGET_PORT HTTP_PORT
for c in vmagent agent silo; do TARGET_PORT[$c]=$(free_port); HTTP_PORT[$c]=$(free_port); done
SINK_PORT=$(free_port); SILO_PORT=$(free_port)
SINK_URL=http://127.0.0.1:$SINK_PORT

start() { # name, command...: runs in the background with its output in $WORK/<name>.log; sets LAST_PID
  local name=$1; shift
  "$@" >>"$WORK/$name.log" 2>&1 &
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

# --- configurations -----------------------------------------------------------------------------------------------
mkdir -p "$WORK/www" "$WORK/nginx"
chmod a+rx "$WORK" "$WORK/www" # nginx workers may run as another user
cp "$EXPOSITION" "$WORK/www/metrics"
gzip -1 -k "$WORK/www/metrics"
{
  echo "worker_processes 1; pid $WORK/nginx/nginx.pid; error_log $WORK/nginx/error.log; daemon off;"
  echo "events { worker_connections 4096; }"
  echo "http {"
  echo "  client_body_temp_path $WORK/nginx/body; proxy_temp_path $WORK/nginx/proxy; fastcgi_temp_path $WORK/nginx/fcgi;"
  echo "  uwsgi_temp_path $WORK/nginx/uwsgi; scgi_temp_path $WORK/nginx/scgi; keepalive_requests 1000000;"
  echo "  log_format scrape '\$msec \$status';"
  for c in vmagent agent silo; do
    echo "  server { listen 127.0.0.1:${TARGET_PORT[$c]}; access_log $WORK/nginx/$c.log scrape;"
    echo "    location /t/ { root $WORK/www; gzip_static on; default_type 'text/plain; version=0.0.4'; try_files /metrics =404; } }"
  done
  if [ "$SINK" = 204 ]; then
    echo "  server { listen 127.0.0.1:$SINK_PORT; access_log off; client_max_body_size 256m; client_body_buffer_size 1m;"
    echo "    location / { return 204; } }"
  fi
  echo "}"
} >"$WORK/nginx.conf"
echo "global: {}" >"$WORK/receiver.yml"
static_targets() { # port: one static_config per target
  for ((i = 0; i < TARGETS; i++)); do
    echo "      - {targets: ['127.0.0.1:$1'], labels: {__metrics_path__: /t/$i, target: '$i'}}"
  done
}
for c in vmagent agent; do
  {
    echo "global:"
    echo "  scrape_interval: $INTERVAL"
    echo "  scrape_timeout: $INTERVAL"
    [ "$c" = agent ] && echo "  external_labels: {contestant: agent}"
    echo "scrape_configs:"
    echo "  - job_name: bench"
    echo "    static_configs:"
    static_targets "${TARGET_PORT[$c]}"
    [ "$c" = agent ] && { echo "remote_write:"; echo "  - url: $SINK_URL/api/v1/write"; }
  } >"$WORK/$c.yml"
done
{
  echo "prometheus.scrape \"bench\" {"
  echo "  targets = ["
  for ((i = 0; i < TARGETS; i++)); do
    echo "    {\"__address__\" = \"127.0.0.1:${TARGET_PORT[silo]}\", \"__metrics_path__\" = \"/t/$i\", \"target\" = \"$i\"},"
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
  echo "    url = \"$SINK_URL/api/v1/write\""
  echo "  }"
  echo "}"
} >"$WORK/silo.alloy"

start_contestant() { # name, run: starts it with fresh data; sets PID_OF[name]
  local c=$1 run=$2 data="$WORK/data-$1-$2"
  case "$c" in
    vmagent) start vmagent "$VMAGENT" -promscrape.config="$WORK/vmagent.yml" -remoteWrite.url="$SINK_URL/api/v1/write" \
               -remoteWrite.label=contestant=vmagent -remoteWrite.tmpDataPath="$data" -httpListenAddr=127.0.0.1:${HTTP_PORT[vmagent]} \
               -loggerLevel=WARN ;;
    agent) start agent "$PROMETHEUS" --enable-feature=agent --config.file="$WORK/agent.yml" --storage.agent.path="$data" \
             --web.listen-address=127.0.0.1:${HTTP_PORT[agent]} ;;
    # The gen0 budget is an environment-only GC setting (no runtimeconfig knob): deploy/Dockerfile sets it, and so
    # does this run unless the caller's environment says otherwise.
    silo) start silo env DOTNET_GCgen0size="${DOTNET_GCgen0size:-0x400000}" dotnet "$SILO_DLL" run --server.http.listen-addr=127.0.0.1:${HTTP_PORT[silo]} --storage.path="$data/" \
            --cluster.silo-port=$SILO_PORT --dashboard.enabled=false "$WORK/silo.alloy" ;;
  esac
  PID_OF[$c]=$LAST_PID
}
ready_url() { case "$1" in vmagent) echo "http://127.0.0.1:${HTTP_PORT[vmagent]}/health" ;; *) echo "http://127.0.0.1:${HTTP_PORT[$1]}/-/ready" ;; esac; }

# --- measurement helpers ------------------------------------------------------------------------------------------
written() { # write_bytes of a process tree
  local total=0 pid value
  for pid in $(tree "$1"); do
    value=$(awk '$1 == "write_bytes:" {print $2}' "/proc/$pid/io" 2>/dev/null) || continue
    total=$((total + ${value:-0}))
  done
  echo "$total"
}
scrapes_between() { # contestant, from, to (epoch seconds): 200 answers nginx logged for its targets
  awk -v a="$2" -v b="$3" '$1 >= a && $1 < b && $2 == 200 {n++} END {print n + 0}' "$WORK/nginx/$1.log"
}
query() { # PromQL at time $2 against the receiver; prints the scalar result or "nan"
  curl -s --max-time 300 "$SINK_URL/api/v1/query" --data-urlencode "query=$1" --data-urlencode "time=$2" |
    python3 -c 'import json,sys
body = json.load(sys.stdin)
if body.get("status") != "success": sys.exit("receiver query failed: %s" % body)
r = body["data"]["result"]; print(r[0]["value"][1] if r else "nan")'
}

start nginx "$NGINX" -c "$WORK/nginx.conf" -p "$WORK/nginx"
NGINX_PID=$LAST_PID
if [ "$SINK" = prometheus ]; then
  start receiver "$PROMETHEUS" --config.file="$WORK/receiver.yml" --storage.tsdb.path="$WORK/receiver-data" \
    --web.listen-address=127.0.0.1:$SINK_PORT --web.enable-remote-write-receiver --query.max-samples=500000000 --query.timeout=5m
  wait_ready receiver "$SINK_URL/-/ready" "$LAST_PID"
fi
wait_ready nginx "http://127.0.0.1:${TARGET_PORT[silo]}/t/0" "$NGINX_PID"
BASE_PIDS=("${PIDS[@]}")
SERIES=$(grep -vc '^#' "$EXPOSITION")
EXPECTED=$(python3 -c "
import re; m = re.fullmatch(r'(\d+)(ms|s|m)', '$INTERVAL'); secs = int(m[1]) * {'ms': 0.001, 's': 1, 'm': 60}[m[2]]
print(int($TARGETS * $SECONDS_WINDOW / secs))")
echo "targets=$TARGETS interval=$INTERVAL warm-up=${WARMUP}s window=${SECONDS_WINDOW}s runs=$RUNS sink=$SINK exposition=$SERIES series; $(nproc) CPUs; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
RESULTS=$WORK/results.tsv
: >"$RESULTS"

# --- runs ---------------------------------------------------------------------------------------------------------
declare -A PID_OF
measure() { # run, contestants...: starts them, warms up, measures one window, stops them; appends to $RESULTS
  local run=$1 c rss cpu io hwm scrapes; shift
  local group=("$@")
  for c in "${group[@]}"; do start_contestant "$c" "$run"; done
  for c in "${group[@]}"; do wait_ready "$c" "$(ready_url "$c")" "${PID_OF[$c]}"; done
  sleep "$WARMUP"
  declare -A CPU0 IO0 PEAK
  for c in "${group[@]}"; do CPU0[$c]=$(ticks "${PID_OF[$c]}"); IO0[$c]=$(written "${PID_OF[$c]}"); PEAK[$c]=0; done
  local start_s end_s left_ns deadline_ns=$(( $(date +%s%N) + SECONDS_WINDOW * 1000000000 ))
  start_s=$(date +%s.%N)
  while :; do
    left_ns=$(( deadline_ns - $(date +%s%N) ))
    [ "$left_ns" -le 0 ] && break
    [ "$left_ns" -ge 1000000000 ] && sleep 1 || sleep "0.$(printf '%09d' "$left_ns")"
    for c in "${group[@]}"; do
      kill -0 "${PID_OF[$c]}" 2>/dev/null || { echo "$c died; its log:" >&2; tail -30 "$WORK/$c.log" >&2; exit 1; }
      rss=$(status_kb VmRSS "${PID_OF[$c]}")
      [ "$rss" -gt "${PEAK[$c]}" ] && PEAK[$c]=$rss
    done
  done
  end_s=$(date +%s.%N)
  for c in "${group[@]}"; do
    cpu=$(( $(ticks "${PID_OF[$c]}") - CPU0[$c] ))
    io=$(( $(written "${PID_OF[$c]}") - IO0[$c] ))
    hwm=$(status_kb VmHWM "${PID_OF[$c]}")
    scrapes=$(scrapes_between "$c" "$start_s" "$end_s")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$run" "$c" "$cpu" "${PEAK[$c]}" "$hwm" "$io" "$scrapes" "$start_s $end_s" >>"$RESULTS"
  done
  [ "$SINK" = prometheus ] && sleep 15 # let the queues deliver the window's end
  for c in "${group[@]}"; do kill "${PID_OF[$c]}" 2>/dev/null || true; done
  for c in "${group[@]}"; do
    for _ in $(seq 300); do kill -0 "${PID_OF[$c]}" 2>/dev/null || break; sleep 0.1; done
    kill -9 "${PID_OF[$c]}" 2>/dev/null || true
  done
  PIDS=("${BASE_PIDS[@]}")
}

declare -A PID_OF
for ((run = 0; run < RUNS; run++)); do
  shift_by=$((run % ${#CONTESTANTS[@]}))
  ORDER=("${CONTESTANTS[@]:shift_by}" "${CONTESTANTS[@]:0:shift_by}")
  if [ -n "$TOGETHER" ]; then
    measure "$run" "${ORDER[@]}"
  else
    for c in "${ORDER[@]}"; do measure "$run" "$c"; done
  fi
  echo "run $((run + 1))/$RUNS done (order: ${ORDER[*]}; load: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
done

# --- delivery check at a Prometheus receiver ----------------------------------------------------------------------
if [ "$SINK" = prometheus ]; then
  while IFS=$'\t' read -r run c _ _ _ _ _ window; do
    read -r from to <<<"$window"
    range="$(python3 -c "print(int($to - $from))")s"
    up=$(query "sum(count_over_time(up{contestant=\"${LABEL[$c]}\"}[$range]))" "$to")
    echo "$run $c $up" >>"$WORK/delivered.txt"
  done <"$RESULTS"
fi

# --- report -------------------------------------------------------------------------------------------------------
python3 - "$RESULTS" "$CLK_TCK" "$SERIES" "$EXPECTED" "$SINK" "$WORK/delivered.txt" <<'EOF'
import statistics, sys, os
path, tck, series, expected, sink, delivered_path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
delivered = {}
if os.path.exists(delivered_path):
    for line in open(delivered_path):
        run, c, up = line.split()
        delivered[(run, c)] = float(up)
rows = {}
for line in open(path):
    run, c, cpu, peak, hwm, io, scrapes, window = line.rstrip("\n").split("\t")
    scrapes = int(scrapes)
    samples = scrapes * (series + 5)
    r = dict(cpu=int(cpu) / tck, peak=int(peak) / 1024, hwm=int(hwm) / 1024, io=int(io), scrapes=scrapes, samples=samples)
    r["per1m"] = r["cpu"] / samples * 1e6 if samples else float("nan")
    r["disk"] = r["io"] / samples if samples else float("nan")
    if (run, c) in delivered and scrapes:
        r["delivered"] = delivered[(run, c)] / scrapes
    rows.setdefault(c, []).append(r)
    if scrapes < 0.95 * expected:
        print(f"WARNING: run {int(run) + 1}: {c} scraped {scrapes} of ~{expected} expected times; the machine or the contestant did not keep up")
names = {"vmagent": "vmagent", "agent": "Prometheus agent", "silo": "AlloyOrleans"}
med = lambda c, k: statistics.median(r[k] for r in rows[c] if k in r) if any(k in r for r in rows[c]) else float("nan")
cols = [("per1m", "CPU-s/1M samples", ".2f"), ("cpu", "CPU s", ".1f"), ("peak", "peak RSS MB", ".0f"), ("hwm", "VmHWM MB", ".0f"),
        ("disk", "disk B/sample", ".2f"), ("scrapes", "scrapes", ".0f")]
if sink == "prometheus":
    cols.append(("delivered", "delivered", ".3f"))
print(f"medians of {max(len(v) for v in rows.values())} runs; expected scrapes per run ~{expected}; {series} + 5 samples per scrape; sink: {sink}")
print(f"{'':<18}" + "".join(f"{h:>18}" for _, h, _ in cols))
present = [c for c in ("vmagent", "agent", "silo") if c in rows]
for c in present:
    print(f"{names[c]:<18}" + "".join(f"{med(c, k):>18{f}}" for k, _, f in cols))
print("per run (CPU-s/1M, peak RSS MB, disk B/sample): " + "; ".join(
    f"{names[c]} " + ", ".join(f"{r['per1m']:.2f}/{r['peak']:.0f}/{r['disk']:.1f}" for r in rows[c]) for c in present))
ratio = lambda a, b: a / b if b else float("inf")
for other in (o for o in ("vmagent", "agent") if o in rows and "silo" in rows):
    print(f"ratios ours/{other}: CPU per sample {ratio(med('silo', 'per1m'), med(other, 'per1m')):.2f}, "
          f"peak RSS {ratio(med('silo', 'peak'), med(other, 'peak')):.2f}, disk per sample {ratio(med('silo', 'disk'), med(other, 'disk')):.2f}")
EOF
