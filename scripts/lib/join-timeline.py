#!/usr/bin/env python3
"""Where a join storm's time goes, per silo: launch, components up (first log line), first row in the membership table, Active there,
HTTP serving ("Started: serving"), and the first cluster view holding all N (a debug line), as seconds from the
storm's launch.

    join-timeline.py LAUNCHES ACTIVE_POLL N AGREED SILO_LOG...

LAUNCHES: lines "<name> <epoch>" (the first per name counts). ACTIVE_POLL: lines "<epoch> <active count> <name:status,...>"
polled every ~0.2 s (Orleans' SiloStatus: 2 Joining, 3 Active). Prints one line per silo and the median and the
slowest of each step, so a slow step (process start, the table join, the first full view) stands out. AGREED: the
epoch the peers poll saw every silo agree; the silos' own "Cluster view" debug lines say when each view last changed
before it (to exactly N active), which is agreement without the poll's HTTP round.
"""
import re
import statistics
import sys
from datetime import datetime

launches_path, poll_path, n, agreed = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
logs = sys.argv[5:]

launch = {}
with open(launches_path) as f:
    for line in f:
        name, t = line.split()
        launch.setdefault(name, float(t))
t0 = min(launch.values())

row, active = {}, {}
with open(poll_path) as f:
    for line in f:
        parts = line.split()
        if len(parts) < 3 or parts[2] == "-":
            continue
        t = float(parts[0])
        for entry in parts[2].split(","):
            name, _, status = entry.rpartition(":")
            row.setdefault(name, t)
            if status == "3":
                active.setdefault(name, t)


def stamp(line):
    token = line.split(" ", 1)[0]
    try:
        return datetime.fromisoformat(token.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


first_line, serving, full_view, settled, prejoin, cost = {}, {}, {}, {}, {}, {}
start_cost = re.compile(r"Start-up took ([\d.]+) CPU-s in ([\d.]+) s; the JIT compiled (\d+) methods, ([\d.]+) s of wall time in it")
full = re.compile(rf"Cluster view \S+: {n} active silos")
view = re.compile(r"Cluster view \S+: (\d+) active silos")
for path in logs:
    if path.endswith(".earlier.log"):
        continue  # the storm is the first life of each silo; a restart's log would blur it
    name = path.rsplit("/", 1)[-1][:-4]
    with open(path, errors="replace") as f:
        for line in f:
            t = stamp(line)
            if t is None:
                continue
            first_line.setdefault(name, t)
            if "Started: serving" in line:
                serving.setdefault(name, t)
            if full.search(line):
                full_view.setdefault(name, t)
            if "Failed to get ping responses" in line:  # Orleans' pre-join check failed: it retries after the probe timeout
                prejoin[name] = prejoin.get(name, 0) + 1
            m = start_cost.search(line)
            if m:  # logged once the silo has started (joined): its CPU and JIT until then
                cost[name] = (float(m.group(1)), float(m.group(4)), int(m.group(3)))
            m = view.search(line)
            if m and t <= agreed:  # the last change before the poll's agreement, if it was to all N
                settled[name] = t if int(m.group(1)) == n else None

steps = [("launch", launch), ("components up (first log line)", first_line), ("row in table", row), ("Active in table", active),
         (f"view of all {n}", full_view), ("HTTP serving", serving)]
# Both the full view and HTTP serving follow the silo's own Active; either may come first.
pairs = list(zip(steps[:4], steps[1:4])) + [(steps[3], steps[4]), (steps[3], steps[5])]
print("join timeline, seconds from the storm's launch: " + " / ".join(s for s, _ in steps))
names = sorted(launch, key=lambda s: int(re.sub(r"\D", "", s) or 0))
for name in names:
    cells = [f"{d[name] - t0:6.2f}" if name in d else "     -" for _, d in steps]
    print(f"  {name:<8} " + " ".join(cells))
if settled and all(settled.get(s) for s in names):
    last = max(settled.values())
    print(f"  every silo's own view settled on all {n} at {last - t0:.2f} s (the polled agreement: {agreed - t0:.2f} s)")
if prejoin:
    print(f"  Orleans' pre-join connectivity check failed {sum(prejoin.values())} times (each a probe timeout, then as long again) on "
          f"{len(prejoin)} silos: " + ", ".join(f"{s} {c}" for s, c in sorted(prejoin.items())))
for (a, da), (b, db) in pairs:
    gaps = [db[s] - da[s] for s in names if s in da and s in db]
    if gaps:
        print(f"  {a} -> {b}: median {statistics.median(gaps):.2f} s, slowest {max(gaps):.2f} s")
if cost:
    cpu, jit, methods = zip(*cost.values())
    print(f"  start-up until joined, per silo (its own log): CPU median {statistics.median(cpu):.2f} s (max {max(cpu):.2f}, "
          f"sum {sum(cpu):.1f}), JIT {statistics.median(methods):.0f} methods, median {statistics.median(jit):.2f} s of wall time in it")
