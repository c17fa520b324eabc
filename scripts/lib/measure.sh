# Shared helpers of scripts/measure-*.sh (sourced, not run): processes started in the background and killed on exit,
# free loopback ports, readiness waits, CPU ticks and RSS of a process tree from /proc.
# The sourcing script sets WORK (a temp directory) before calling start.

PIDS=()
CLK_TCK=$(getconf CLK_TCK)

measure_cleanup() { # SIGTERM to all, 5 s for all of them together (not each in turn: 16 silos took 80 s), then SIGKILL
  local pid alive
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for _ in $(seq 50); do
    alive=0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && { alive=1; break; }; done
    [ "$alive" -eq 0 ] && break
    sleep 0.1
  done
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start() { # name, command...: runs in the background with its output in $WORK/<name>.log; sets LAST_PID
  local name=$1; shift
  "$@" >"$WORK/$name.log" 2>&1 &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
}

wait_ready() { # name, url, pid, [seconds=60]
  local limit=$(( ${4:-60} * 10 ))
  for _ in $(seq "$limit"); do
    curl -sf -o /dev/null --max-time 1 "$2" && return 0
    kill -0 "$3" 2>/dev/null || { echo "$1 exited; its log:" >&2; tail -30 "$WORK/$1.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "$1 not ready at $2 after ${4:-60} s; its log:" >&2; tail -30 "$WORK/$1.log" >&2; exit 1
}

tree() { # pid and its descendants
  local pid=$1 child
  echo "$pid"
  for child in $(ps -o pid= --ppid "$pid" 2>/dev/null); do tree "$child"; done
}

ticks() { # utime+stime of a process tree, in clock ticks
  local total=0 pid fields
  for pid in $(tree "$1"); do
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

silo_dll() { # the Release build of the silo, built when missing; SILO_DLL names another (e.g. a ReadyToRun publish)
  [ -n "${SILO_DLL:-}" ] && { [ -f "$SILO_DLL" ] || { echo "SILO_DLL=$SILO_DLL: no such file" >&2; exit 2; }; echo "$SILO_DLL"; return; }
  local dll=$ROOT/src/Silo/bin/Release/net10.0/alloy-orleans.dll
  if [ ! -f "$dll" ]; then
    echo "building the silo (Release)..." >&2
    dotnet build -c Release "$ROOT/src/Silo" >/dev/null
  fi
  echo "$dll"
}
