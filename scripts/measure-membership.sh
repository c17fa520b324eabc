#!/usr/bin/env bash
# N silo processes (default 16) on one private PostgreSQL membership table, scraping a few thousand small loopback
# targets (nginx-light), through the membership events a deployment lives through:
#   storm    all N start at once: seconds from launch until every silo's /api/v0/web/peers lists the same N participants,
#            and from the last join (the first moment the membership table holds all N Active) until then
#   steady   a quiet window: idle RSS per silo, CPU per silo, and the membership table's load (pg_stat_statements calls
#            per second by query, pg_stat_user_tables reads and row writes per second)
#   kill     kill -9 of 3 silos at once: seconds until every survivor lists only the survivors (their targets move then),
#            then the 3 restart under their names and rejoin
#   rolling  each silo in turn gets SIGTERM, exits, and starts again under its name: seconds per step until all agree
#   pgrestart PostgreSQL restarted (fast shutdown): whether any silo's peer list changes or any silo exits meanwhile,
#            and seconds until the heartbeats reach the table again
# Every phase is audited twice: at the receiver by sample timestamp (the default --receiver prometheus: a real
# Prometheus 2.42 remote write receiver, each silo writing with the external label silo=<its name>, queried after the
# run; scripts/lib/receiver-audit.py), which tells a late scrape from a second one, and from the targets' access log by
# arrival time (scripts/lib/slot-audit.py), which counts every request served. Gaps are excused only inside a kill's
# window (the kill until the survivors agree, plus one interval), duplicates nowhere; and, per phase, the slots the
# silos skipped themselves ("still being scraped, slot skipped" warnings, the dispatcher's skipped-slot counter): CPU
# starvation, told apart from hand-off gaps. With the receiver the silos log at debug level (the per-target
# "scraping/acquiring/stopped target" lines the audit quotes for each duplicate). --receiver sink: a 204 nginx sink,
# the arrival audit only.
#
#   scripts/measure-membership.sh [--silos 16] [--targets 2000] [--interval 15s] [--steady 60]
#                                 [--phases storm,steady,kill,rolling,pgrestart] [--max-seconds 570]
#                                 [--receiver prometheus|sink]
#
# Self-stopping: the whole run ends after --max-seconds (default 570, to fit a 10-minute lock) whatever phase it is in.
# Uses the silos' default failure detection (--cluster.probe-timeout 1s, --cluster.missed-probes-limit 2). Loopback only;
# every process and the PostgreSQL server are stopped on exit; KEEP_WORK=1 keeps logs; SILO_DLL= another build of the
# silo (default the tree's Release build). Needs PostgreSQL 15 (/usr/lib/postgresql/*/bin, run as root or a user that
# can run initdb), nginx, python3, curl, and /usr/bin/prometheus (2.42) for the receiver.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
source scripts/lib/measure.sh

SILOS=16; TARGETS=2000; INTERVAL=15s; STEADY=60; PHASES=storm,steady,kill,rolling,pgrestart; MAX_SECONDS=570; RECEIVER=prometheus
while [ $# -gt 0 ]; do
  case "$1" in
    --silos) SILOS=$2; shift 2 ;;
    --targets) TARGETS=$2; shift 2 ;;
    --interval) INTERVAL=$2; shift 2 ;;
    --steady) STEADY=$2; shift 2 ;;
    --phases) PHASES=$2; shift 2 ;;
    --max-seconds) MAX_SECONDS=$2; shift 2 ;;
    --receiver) RECEIVER=$2; shift 2 ;;
    -h|--help) sed -n '2,31p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
done
[[ "$SILOS" =~ ^[0-9]+$ ]] && [ "$SILOS" -ge 4 ] || { echo "--silos must be at least 4" >&2; exit 2; }
[[ "$TARGETS$STEADY$MAX_SECONDS" =~ ^[0-9]+$ ]] || { echo "--targets, --steady and --max-seconds must be integers" >&2; exit 2; }
[[ "$INTERVAL" =~ ^[0-9]+s$ ]] || { echo "--interval must be whole seconds, e.g. 15s" >&2; exit 2; }
[[ "$RECEIVER" =~ ^(prometheus|sink)$ ]] || { echo "--receiver must be prometheus or sink" >&2; exit 2; }
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$PG_BIN/initdb" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 2; }
SILO_DLL=$(silo_dll)
phase_on() { [[ ",$PHASES," == *",$1,"* ]]; }

WORK=$(mktemp -d /tmp/measure-membership.XXXXXX)
chmod 755 "$WORK"
PG_DATA=$WORK/pg/data
PG_PORT=$(free_port)
pg() { (cd / && su postgres -s /bin/sh -c "$*") ; }
[ "$(id -u)" -eq 0 ] || pg() { (cd / && sh -c "$*"); }
pg_stop() { [ -f "$PG_DATA/postmaster.pid" ] && pg "$PG_BIN/pg_ctl -D $PG_DATA -m immediate -w stop" >/dev/null 2>&1 || true; }
trap 'measure_cleanup; pg_stop; [ -n "${KEEP_WORK:-}" ] && echo "kept $WORK" >&2 || rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM
# The run stops itself: a watchdog ends this script after MAX_SECONDS.
( sleep "$MAX_SECONDS"; echo "measure-membership: --max-seconds $MAX_SECONDS reached, stopping" >&2; kill -TERM $$ ) &
PIDS+=("$!")

# --- PostgreSQL -------------------------------------------------------------------------------------------------
mkdir -p "$WORK/pg/socket"
[ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$WORK/pg"
pg "$PG_BIN/initdb -D $PG_DATA -U postgres -A trust --no-sync -E UTF8" >"$WORK/initdb.log" 2>&1
PG_OPTS="-p $PG_PORT -k $WORK/pg/socket -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300 -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all"
pg_start() { pg "$PG_BIN/pg_ctl -D $PG_DATA -l $WORK/pg/log -w -t 60 -o '$PG_OPTS' start" >/dev/null; }
pg_start
psql_() { "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -AtX -F $'\t' -c "$1"; }
psql_ "CREATE EXTENSION pg_stat_statements" >/dev/null
export ALLOY_ORLEANS_MEMBERSHIP_CONNECTION_STRING="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres"
dotnet "$SILO_DLL" db init >"$WORK/db-init.log" 2>&1 || { cat "$WORK/db-init.log" >&2; exit 1; }

# --- targets ----------------------------------------------------------------------------------------------------
mkdir -p "$WORK/www/t"
printf '# TYPE small_gauge gauge\nsmall_gauge{kind="a"} 1\nsmall_gauge{kind="b"} 2\nsmall_counter_total 42\n' >"$WORK/www/small.prom"
for ((i = 0; i < TARGETS; i++)); do ln -s ../small.prom "$WORK/www/t/$i"; done
TARGET_PORT=$(free_port); SINK_PORT=$(free_port)
cat >"$WORK/nginx.conf" <<NGINX
worker_processes 1; pid $WORK/nginx.pid; error_log $WORK/nginx-error.log; daemon off;
events { worker_connections 16384; }
http { access_log off; keepalive_requests 1000000; log_format scrape '\$msec \$uri';
  server { listen 127.0.0.1:$TARGET_PORT; root $WORK/www; location /t/ { default_type text/plain; access_log $WORK/scrapes.log scrape; } }
  server { listen 127.0.0.1:$SINK_PORT; client_max_body_size 256m; location / { return 204; } }
}
NGINX
start nginx nginx -p "$WORK" -c "$WORK/nginx.conf"
wait_ready nginx "http://127.0.0.1:$TARGET_PORT/small.prom" "$LAST_PID" # outside /t/: not a scrape
WRITE_URL=http://127.0.0.1:$SINK_PORT/api/v1/write
if [ "$RECEIVER" = prometheus ]; then
  PROM_PORT=$(free_port)
  printf 'global:\n  scrape_interval: 1m\n' >"$WORK/prometheus.yml"
  start prometheus prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/prometheus" \
    --web.listen-address=127.0.0.1:$PROM_PORT --web.enable-remote-write-receiver
  wait_ready prometheus "http://127.0.0.1:$PROM_PORT/-/ready" "$LAST_PID"
  WRITE_URL=http://127.0.0.1:$PROM_PORT/api/v1/write
fi
{
  [ "$RECEIVER" = prometheus ] && echo 'logging { level = "debug" }'
  echo "prometheus.scrape \"small\" {"
  echo "  targets = ["
  for ((i = 0; i < TARGETS; i++)); do echo "    {\"__address__\" = \"127.0.0.1:$TARGET_PORT\", \"__metrics_path__\" = \"/t/$i\", \"target\" = \"$i\"},"; done
  echo "  ]"
  echo "  forward_to      = [prometheus.remote_write.sink.receiver]"
  echo "  scrape_interval = \"$INTERVAL\""
  echo "  scrape_timeout  = \"$(( ${INTERVAL%s} < 10 ? ${INTERVAL%s} : 10 ))s\"" # Prometheus' 10 s default, capped at the interval
  echo "  clustering { enabled = true }"
  echo "}"
  echo "prometheus.remote_write \"sink\" {"
  echo "  endpoint { url = \"$WRITE_URL\" }"
  [ "$RECEIVER" = prometheus ] && echo '  external_labels = { silo = sys.env("MEASURE_SILO") }'
  echo "}"
} >"$WORK/config.alloy"

# --- silos ------------------------------------------------------------------------------------------------------
declare -A SILO_PID HTTP_PORT SILO_PORT
for ((i = 1; i <= SILOS; i++)); do HTTP_PORT[$i]=$(free_port); SILO_PORT[$i]=$(free_port); done
launch_silo() { # index; a restarted silo's earlier log is kept beside it (its "slot skipped" warnings still count)
  local i=$1
  [ -f "$WORK/silo-$i.log" ] && cat "$WORK/silo-$i.log" >>"$WORK/silo-$i.earlier.log"
  start "silo-$i" env MEASURE_SILO="silo-$i" dotnet "$SILO_DLL" run --server.http.listen-addr=127.0.0.1:${HTTP_PORT[$i]} --storage.path="$WORK/data-$i/" \
    --cluster.enabled --cluster.node-name="silo-$i" --cluster.name=measure --cluster.advertise-address=127.0.0.1:${SILO_PORT[$i]} \
    --dashboard.enabled=false "$WORK/config.alloy"
  SILO_PID[$i]=$LAST_PID
  echo "silo-$i $(now)" >>"$WORK/launches.txt"
}
names() { local i out=""; for i in "$@"; do out+="${out:+,}silo-$i"; done; echo "$out"; }
ports() { local i out=""; for i in "$@"; do out+="${out:+,}${HTTP_PORT[$i]}"; done; echo "$out"; }
# converge TIMEOUT MEMBERS...: seconds until every listed silo serves exactly MEMBERS as participants ("timeout" if not)
cat >"$WORK/peers.py" <<'PY'
import json, os, sys, time, urllib.request
from concurrent.futures import ThreadPoolExecutor
mode, limit, expected, ports = sys.argv[1], float(sys.argv[2]), set(sys.argv[3].split(",")), sys.argv[4].split(",")
# All silos polled at once: one round takes the slowest answer, not the sum of 16 (a starved silo answers in ~1 s).
pool = ThreadPoolExecutor(len(ports))
def view(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v0/web/peers", timeout=1) as r:
            return {p["name"] for p in json.load(r) if p["state"] == "participant"}
    except Exception:
        return None
start = time.monotonic(); deviations = 0; polls = 0; all_up = None
while time.monotonic() - start < limit:
    views = list(pool.map(view, ports)); polls += 1
    if all_up is None and all(v is not None for v in views):
        all_up = time.monotonic() - start
        mark = os.environ.get("FIRST_ALL_UP")  # the first moment every listed silo answered, across calls
        if mark and not os.path.exists(mark):
            open(mark, "w").write(f"{time.time():.3f}")
    agree = all(v == expected for v in views)
    if mode == "converge" and agree:
        mark = os.environ.get("FIRST_ALL_UP")
        if mark and os.path.exists(mark):
            open(mark + ".agreed", "w").write(f"{time.time():.3f}")
        print(f"{time.monotonic() - start:.2f}"); sys.exit(0)
    if mode == "watch" and not agree:
        deviations += 1
    time.sleep(0.1)
if mode == "converge":
    bad = {p: sorted(v) if v is not None else "no answer" for p, v in zip(ports, [view(p) for p in ports]) if v != expected}
    print(f"timeout ({len(bad)} silos disagree, e.g. {list(bad.items())[:2]})"); sys.exit(1)
print(f"{deviations} of {polls} polls saw a silo whose peer list differed")
PY
# converge LIMIT MEMBERS...: sets CONVERGED to the seconds until every member lists exactly the members as participants.
# A member whose process exited meanwhile is started again under its name, as a supervisor (Kubernetes, systemd) would;
# each such exit is counted in RESTARTS and its log's last lines are kept in $WORK/exits.txt for the report. Not to be
# called in $(...): a silo started in a subshell would escape the cleanup.
RESTARTS=0
converge() {
  local limit=$1; shift
  local t0 result i; t0=$(date +%s.%N)
  while :; do
    result=$(python3 "$WORK/peers.py" converge 5 "$(names "$@")" "$(ports "$@")") && break
    for i in "$@"; do
      if ! kill -0 "${SILO_PID[$i]}" 2>/dev/null; then
        wait "${SILO_PID[$i]}" 2>/dev/null || true
        { echo "--- silo-$i exited ($(date -u +%T)); last lines:"; grep -iE "crit|fail|terminated|dead|unhandled" "$WORK/silo-$i.log" | tail -4; } >>"$WORK/exits.txt"
        RESTARTS=$((RESTARTS + 1))
        launch_silo "$i"
      fi
    done
    if [ "$(echo "$(date +%s.%N) - $t0 > $limit" | bc -l)" -eq 1 ]; then CONVERGED="timeout after ${limit} s: $result"; return; fi
  done
  CONVERGED=$(echo "$(date +%s.%N) - $t0" | bc -l | cut -c1-6)
}
ALL=($(seq 1 "$SILOS"))
report() { printf '%-10s %s\n' "$1" "$2"; }
now() { date +%s.%N; }
# The silos' "still being scraped, slot skipped" warnings so far (a scrape that outlasted its interval: CPU starvation
# on this machine), over every log a silo has had.
skipped_warnings() { cat "$WORK"/silo-*.log 2>/dev/null | grep -c "slot skipped" || true; }
# Slots the silos' dispatchers passed over (a whole interval late, or fenced), summed over the live silos' counters
# (prometheus_scrape_slots_skipped_total; a restarted silo's count starts again at 0).
skipped_counter() {
  local i total=0 v
  for i in "${ALL[@]}"; do
    v=$(curl -s --max-time 2 "http://127.0.0.1:${HTTP_PORT[$i]}/metrics" | awk '/^prometheus_scrape_slots_skipped_total/ {s += $2} END {printf "%d", s}') || v=0
    total=$((total + ${v:-0}))
  done
  echo "$total"
}
# mark NAME START [crash]: one audited phase from START until now (the phases file slot-audit.py reads), and the
# skipped-slot figures at its end (skipped.txt); MARK_END is where the next phase begins
mark() { MARK_END=$(now); echo "$1 $2 $MARK_END ${3:-}" >>"$WORK/phases.txt"; echo "$1 $(skipped_warnings) $(skipped_counter)" >>"$WORK/skipped.txt"; }
# When every silo first stood Active in the membership table, and each silo's status there (name:status,...):
# polled in the background during the storm.
poll_active() {
  local row
  while :; do
    row=$(psql_ "SELECT count(*) FILTER (WHERE status = 3), coalesce(string_agg(siloname || ':' || status, ','), '-') FROM orleansmembershiptable" 2>/dev/null) || row="-1 -"
    echo "$(now) ${row//$'\t'/ }"
    sleep 0.2
  done >"$WORK/active.txt"
}

echo "silos=$SILOS targets=$TARGETS interval=$INTERVAL phases=$PHASES receiver=$RECEIVER silo=$SILO_DLL; $(nproc) CPUs; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
RUN_START=$(now)
# The storm is how the cluster starts even when not measured.
poll_active &
ACTIVE_POLLER=$!; PIDS+=("$ACTIVE_POLLER")
t_phase=$(now)
for i in "${ALL[@]}"; do launch_silo "$i"; done
export FIRST_ALL_UP=$WORK/all-up
converge 240 "${ALL[@]}"; storm=$CONVERGED; t_agreed=$(now)
unset FIRST_ALL_UP
kill "$ACTIVE_POLLER" 2>/dev/null || true
after_up=$( [ -f "$WORK/all-up.agreed" ] && echo "$(cat "$WORK/all-up.agreed") - $(cat "$WORK/all-up")" | bc -l | cut -c1-6 || echo "?")
# The last join: the first poll that found all N Active in the table (the join is that silo's write of Active).
t_joined=$(awk -v n="$SILOS" '$2 == n {print $1; exit}' "$WORK/active.txt")
if [ -n "$t_joined" ]; then
  joined="the last silo joined (all $SILOS Active in the table) $(echo "$t_joined - $t_phase" | bc -l | cut -c1-6) s after launch; agreement $(echo "$t_agreed - $t_joined" | bc -l | cut -c1-6) s after that join (poll granularity ~0.2 s + the peers poll)"
else
  joined="the table never showed all $SILOS Active at once while polled"
fi
mark storm "$t_phase"; t_phase=$MARK_END
phase_on storm && report storm "all $SILOS launched at once: every silo lists the same $SILOS participants after ${storm} s from launch, ${after_up} s after the last silo's HTTP server first answered; silos that exited and were started again: $RESTARTS"
phase_on storm && report storm "  $joined"
phase_on storm && python3 "$ROOT/scripts/lib/join-timeline.py" "$WORK/launches.txt" "$WORK/active.txt" "$SILOS" "$t_agreed" "$WORK"/silo-*.log | sed 's/^/  /'

if phase_on steady; then
  sleep 10 # let the storm's writes settle before the quiet window
  psql_ "SELECT pg_stat_statements_reset()" >/dev/null
  stats() { psql_ "SELECT coalesce(sum(seq_scan + coalesce(idx_scan,0)),0), coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del),0) FROM pg_stat_user_tables WHERE relname IN ('orleansmembershiptable','orleansmembershipversiontable')"; }
  read -r reads0 writes0 < <(stats)
  declare -A CPU0; for i in "${ALL[@]}"; do CPU0[$i]=$(ticks "${SILO_PID[$i]}"); done
  sleep "$STEADY"
  read -r reads1 writes1 < <(stats)
  mark steady "$t_phase"; t_phase=$MARK_END
  cores=0; rss_list=()
  for i in "${ALL[@]}"; do
    rss_list+=($(( $(status_kb VmRSS "${SILO_PID[$i]}") / 1024 )))
    cores=$(( cores + $(ticks "${SILO_PID[$i]}") - CPU0[$i] ))
  done
  sorted=$(printf '%s\n' "${rss_list[@]}" | sort -n | tr '\n' ' ')
  report steady "idle RSS per silo MB (sorted): $sorted; CPU of all silos together: $(echo "scale=3; $cores / $CLK_TCK / $STEADY" | bc -l) cores"
  report steady "membership tables (pg_stat_user_tables, ${STEADY}s): $(echo "scale=2; ($reads1 - $reads0) / $STEADY" | bc -l) scans/s, $(echo "scale=2; ($writes1 - $writes0) / $STEADY" | bc -l) row writes/s"
  psql_ "SELECT round(sum(calls) / $STEADY.0, 2), CASE
      WHEN query ILIKE '%SET IAmAliveTime%' THEN 'UpdateIAmAlivetime (heartbeat write)'
      WHEN query ILIKE '%orleans_membership_update%' THEN 'UpdateMembership (write)'
      WHEN query ILIKE '%orleans_membership_insert%' THEN 'InsertMembership (write)'
      WHEN query ILIKE '%m.Address = \$%' THEN 'MembershipReadRow (read)'
      WHEN query ILIKE '%LEFT JOIN OrleansMembershipTable%' THEN 'MembershipReadAll (read)'
      WHEN query ILIKE '%ProxyPort > 0%' THEN 'GatewaysQuery (read)'
      WHEN query ILIKE '%DELETE FROM OrleansMembershipTable%' THEN 'CleanupDefunct (write)'
      ELSE NULL END AS kind
    FROM pg_stat_statements WHERE query ILIKE '%orleans%' GROUP BY kind HAVING sum(calls) > 0 ORDER BY 1 DESC" |
    while IFS=$'\t' read -r rate kind; do [ -n "$kind" ] && report steady "  $kind: $rate calls/s"; done
fi

if phase_on kill; then
  victims=(1 2 3); survivors=("${ALL[@]:3}")
  t=$(date +%s.%N)
  for i in "${victims[@]}"; do kill -9 "${SILO_PID[$i]}"; done
  for i in "${victims[@]}"; do wait "${SILO_PID[$i]}" 2>/dev/null || true; done
  converge 60 "${survivors[@]}"; took=$CONVERGED
  sleep "${INTERVAL%s}"
  mark kill "$t" crash; t_phase=$MARK_END
  report kill "kill -9 of $(names "${victims[@]}") at once: every survivor lists only the $((${#survivors[@]})) survivors after ${took} s"
  for i in "${victims[@]}"; do launch_silo "$i"; done
  converge 120 "${ALL[@]}"
  report kill "  the 3 restarted under their names: all $SILOS agree again after $CONVERGED s (from launch)"
  mark rejoin "$t_phase"; t_phase=$MARK_END
fi

if phase_on rolling; then
  steps=(); t_roll=$(date +%s.%N)
  for i in "${ALL[@]}"; do
    kill -TERM "${SILO_PID[$i]}"
    for _ in $(seq 300); do kill -0 "${SILO_PID[$i]}" 2>/dev/null || break; sleep 0.1; done
    kill -9 "${SILO_PID[$i]}" 2>/dev/null || true
    wait "${SILO_PID[$i]}" 2>/dev/null || true
    launch_silo "$i"
    converge 120 "${ALL[@]}"; steps+=("$CONVERGED")
    report rolling "  silo-$i replaced: all $SILOS agree after ${steps[-1]} s (stop + start + agreement)"
  done
  mark rolling "$t_phase"; t_phase=$MARK_END
  report rolling "all $SILOS replaced one at a time in $(echo "$(date +%s.%N) - $t_roll" | bc -l | cut -c1-6) s; seconds per step (stop + start + agreement): ${steps[*]}"
fi

if phase_on pgrestart; then
  heartbeats() { psql_ "SELECT coalesce(sum(n_tup_upd),0) FROM pg_stat_user_tables WHERE relname = 'orleansmembershiptable'" 2>/dev/null || echo 0; }
  python3 "$WORK/peers.py" watch 40 "$(names "${ALL[@]}")" "$(ports "${ALL[@]}")" >"$WORK/pg-watch.txt" &
  watcher=$!
  sleep 2
  t=$(date +%s.%N)
  pg "$PG_BIN/pg_ctl -D $PG_DATA -m fast -w restart -o '$PG_OPTS' -l $WORK/pg/log" >/dev/null
  down=$(echo "$(date +%s.%N) - $t" | bc -l | cut -c1-5)
  before=$(heartbeats); resumed="no heartbeat within 60 s"
  for k in $(seq 600); do
    if [ "$(heartbeats)" -gt "$before" ]; then resumed="$(echo "$(date +%s.%N) - $t" | bc -l | cut -c1-5) s after the restart began"; break; fi
    sleep 0.1
  done
  wait "$watcher" || true
  mark pgrestart "$t_phase"; t_phase=$MARK_END
  dead=0; for i in "${ALL[@]}"; do kill -0 "${SILO_PID[$i]}" 2>/dev/null || dead=$((dead + 1)); done
  report pgrestart "PostgreSQL restart took ${down} s; heartbeats written again ${resumed}; over 40 s $(cat "$WORK/pg-watch.txt"); silos exited: $dead"
fi

# Slots still due when the run ends are not audited: the last phase ends one interval before the log does.
sleep "${INTERVAL%s}"
echo "slot audit (per target and slot, from the targets' access log):"
python3 "$ROOT/scripts/lib/slot-audit.py" "$WORK/scrapes.log" "$WORK/phases.txt" "${INTERVAL%s}" | sed 's/^/  /'
if [ "$RECEIVER" = prometheus ]; then
  span=$(( $(date +%s) - ${RUN_START%.*} + 2 * ${INTERVAL%s} ))
  curl -sf --max-time 120 "http://127.0.0.1:$PROM_PORT/api/v1/query" --data-urlencode "query=up{job!=\"\"}[${span}s]" -o "$WORK/up.json" ||
    echo '{"status":"error","error":"query failed"}' >"$WORK/up.json"
  echo "receiver audit (per target and slot, by the sample timestamps Prometheus stored; each silo's samples carry silo=<name>):"
  ACCESS_LOG=$WORK/scrapes.log python3 "$ROOT/scripts/lib/receiver-audit.py" "$WORK/up.json" "$WORK/phases.txt" "${INTERVAL%s}" "$WORK"/silo-*.log | sed 's/^/  /'
  appended=$(curl -s "http://127.0.0.1:$PROM_PORT/metrics" | awk '/^prometheus_tsdb_head_samples_appended_total/ {s += $2} END {printf "%d", s}')
  echo "  receiver: $appended samples appended; $(grep -c "remote write" "$WORK/prometheus.log" || true) remote-write errors in its log ($(grep -o 'err="[a-z ]*' "$WORK/prometheus.log" | sort | uniq -c | tr -s ' ' | tr '\n' ';'))"
  echo "  silos: $(cat "$WORK"/silo-*.log | grep -c "the receiver answered" || true) \"dropped ... the receiver answered\" warnings"
fi
echo "skipped slots per phase (CPU starvation, not hand-off: each is also a gap above unless inside a crash window):"
awk 'BEGIN {w = 0; c = 0} {printf "  %-10s %d \"still being scraped, slot skipped\" warnings in the silos'"'"' logs; dispatcher counter +%d (live silos; restarts reset it)\n", $1, $2 - w, $3 - c; w = $2; c = $3}' "$WORK/skipped.txt"
report exits "silos that exited on their own during the run (each started again): $RESTARTS"
[ -f "$WORK/exits.txt" ] && cat "$WORK/exits.txt"
exit 0
