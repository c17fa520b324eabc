#!/usr/bin/env python3
"""Counts scrapes per target per slot from a target server's access log, and reports duplicates and gaps per phase.

    slot-audit.py ACCESS_LOG PHASES_FILE INTERVAL_SECONDS

ACCESS_LOG: lines "<epoch seconds with ms> <uri>", one per scrape (nginx: log_format '$msec $uri'); the uri names
the target. PHASES_FILE: lines "<name> <start epoch> <end epoch> [crash]": a phase marked crash excuses gaps (not
duplicates) in the slots inside it, as a crash's failure-detection window does.

Each target's slot grid is inferred from its own scrapes (the circular mean of start time mod interval, which the
scrapes on time dominate); a scrape belongs to the latest slot that began before it (with a tolerance of a tenth of
an interval for jitter), as its sample's timestamp does: a scrape that runs late still counts for its own slot. A slot counts for a phase when
its time lies in the phase and after the target's first scrape (before that, nobody was running yet). Printed per
phase: slots, slots scraped twice or more, slots not scraped, and the worst targets as examples.
"""
import cmath
import math
import sys
from collections import defaultdict

log_path, phases_path, interval = sys.argv[1], sys.argv[2], float(sys.argv[3])

scrapes = defaultdict(list)
with open(log_path) as log:
    for line in log:
        parts = line.split()
        if len(parts) >= 2:
            scrapes[parts[1]].append(float(parts[0]))

phases = []
with open(phases_path) as f:
    for line in f:
        parts = line.split()
        if len(parts) >= 3:
            phases.append((parts[0], float(parts[1]), float(parts[2]), "crash" in parts[3:]))


def phase_of(times):
    """The target's slot phase in [0, interval): the circular mean of its start times mod interval."""
    mean = sum(cmath.exp(2j * math.pi * (t % interval) / interval) for t in times) / len(times)
    return (cmath.phase(mean) / (2 * math.pi) * interval) % interval


counts = {}  # target -> {slot index: scrapes}
for target, times in scrapes.items():
    times.sort()
    phase = phase_of(times)
    per_slot = defaultdict(int)
    for t in times:
        per_slot[math.floor((t - phase) / interval + 0.1)] += 1
    counts[target] = (phase, per_slot, times[0])

crash_windows = [(s, e) for _, s, e, crash in phases if crash]
for name, start, end, crash in phases:
    slots = duplicates = gaps = 0
    worst = []
    for target, (phase, per_slot, first) in counts.items():
        lo = math.ceil((max(start, first) - phase) / interval)
        hi = math.floor((end - phase) / interval)
        bad = []
        for k in range(lo, hi + 1):
            slots += 1
            n = per_slot.get(k, 0)
            slot_time = phase + k * interval
            if n > 1:
                duplicates += 1
                bad.append(f"{k}:{n}")
            elif n == 0 and not any(s <= slot_time <= e for s, e in crash_windows):
                gaps += 1
                bad.append(f"{k}:0")
        if bad:
            worst.append((len(bad), target, bad[:4]))
    worst.sort(reverse=True)
    examples = "; ".join(f"{t} {' '.join(b)}" for _, t, b in worst[:3])
    note = " (gaps inside it excused: crash window)" if crash else ""
    print(f"{name:<10} {end - start:7.1f} s, {len(counts)} targets, {slots} slots: {duplicates} scraped twice or more, "
          f"{gaps} missed{note}{'; e.g. ' + examples if examples else ''}")
