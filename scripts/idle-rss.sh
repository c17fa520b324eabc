#!/usr/bin/env bash
# Where an idle silo's memory goes: one silo scraping only its own /metrics every 15 s and remote-writing to a sink
# that answers 204 (nginx), measured after a settle time. Prints VmRSS/VmHWM and a breakdown of the resident pages
# by mapping (from /proc/<pid>/smaps): the GC heap and other anonymous memory, the runtime's native libraries
# (coreclr, clrjit), ICU, the managed assemblies (*.dll mapped from disk), thread stacks, and the rest.
#
#   scripts/idle-rss.sh [--settle 45] [--runs 3]
#
# DOTNET_* variables pass through to the silo, to compare runtime settings (DOTNET_GCgen0size=0x400000, ...).
# Needs /usr/sbin/nginx, python3, curl and a Release build of the silo (SILO_DLL= another build to measure).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SETTLE=45
RUNS=3
while [ $# -gt 0 ]; do
  case "$1" in
    --settle) SETTLE=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
done
SILO_DLL=${SILO_DLL:-$ROOT/src/Silo/bin/Release/net10.0/alloy-orleans.dll}
[ -f "$SILO_DLL" ] || dotnet build -c Release src/Silo >/dev/null

WORK=$(mktemp -d /tmp/idle-rss.XXXXXX)
chmod a+rx "$WORK"
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
SINK_PORT=$(free_port)
mkdir -p "$WORK/nginx"
cat >"$WORK/nginx.conf" <<EOF
worker_processes 1; pid $WORK/nginx/nginx.pid; error_log $WORK/nginx/error.log; daemon off;
events { worker_connections 64; }
http { client_body_temp_path $WORK/nginx/body; proxy_temp_path $WORK/nginx/proxy; fastcgi_temp_path $WORK/nginx/fcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi; scgi_temp_path $WORK/nginx/scgi; access_log off;
  server { listen 127.0.0.1:$SINK_PORT; client_max_body_size 64m; location / { return 204; } } }
EOF
/usr/sbin/nginx -c "$WORK/nginx.conf" -p "$WORK/nginx" >"$WORK/nginx.log" 2>&1 &
PIDS+=($!)

for ((run = 0; run < RUNS; run++)); do
  HTTP_PORT=$(free_port)
  cat >"$WORK/silo.alloy" <<EOF
prometheus.scrape "self" {
  targets    = [{"__address__" = "127.0.0.1:$HTTP_PORT"}]
  forward_to = [prometheus.remote_write.sink.receiver]
}
prometheus.remote_write "sink" {
  endpoint {
    url = "http://127.0.0.1:$SINK_PORT/api/v1/write"
  }
}
EOF
  dotnet "$SILO_DLL" run --server.http.listen-addr=127.0.0.1:$HTTP_PORT --storage.path="$WORK/data-$run/" \
    --cluster.silo-port="$(free_port)" --dashboard.enabled=false "$WORK/silo.alloy" >"$WORK/silo-$run.log" 2>&1 &
  SILO=$!
  PIDS+=("$SILO")
  for _ in $(seq 600); do curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$HTTP_PORT/-/ready" && break; sleep 0.1; done
  sleep "$SETTLE"
  python3 - "$SILO" "$run" <<'EOF'
import re, sys
pid, run = sys.argv[1], int(sys.argv[2])
status = {l.split(":")[0]: l.split()[1] for l in open(f"/proc/{pid}/status") if l.startswith(("VmRSS", "VmHWM", "Threads"))}
groups, name = {}, None
for line in open(f"/proc/{pid}/smaps"):
    if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
        parts = line.split()
        path = parts[5] if len(parts) > 5 else ""
        if "libcoreclr" in path or "libclrjit" in path or "libSystem." in path or "libhostfxr" in path or "libhostpolicy" in path:
            name = "runtime native libraries"
        elif "libicu" in path:
            name = "ICU"
        elif path.endswith(".dll"):
            name = "managed assemblies (mapped)"
        elif path.startswith("[stack"):
            name = "main stack"
        elif path == "" or path.startswith("[anon") or path == "[heap]":
            name = "anonymous (GC heap, JIT code, native)"
        elif path.startswith("/memfd:doublemapper"):
            name = "JIT code (double-mapped)"
        else:
            name = "other files"
    elif line.startswith("Rss:") and name:
        groups[name] = groups.get(name, 0) + int(line.split()[1])
print(f"run {run + 1}: VmRSS {int(status['VmRSS']) / 1024:.0f} MB, VmHWM {int(status['VmHWM']) / 1024:.0f} MB, threads {status['Threads']}; "
      + ", ".join(f"{k} {v / 1024:.1f}" for k, v in sorted(groups.items(), key=lambda kv: -kv[1])))
EOF
  kill "$SILO"
  for _ in $(seq 100); do kill -0 "$SILO" 2>/dev/null || break; sleep 0.1; done
done
