#!/usr/bin/env python3
"""Counts samples per target per slot at a real Prometheus receiver, by the timestamps it stored, per phase.

    receiver-audit.py UP_JSON PHASES_FILE INTERVAL_SECONDS [SILO_LOG...]

UP_JSON: the answer of /api/v1/query?query=up[<run>s] at the end of the run, the silos writing with an external label
`silo` (their node name) and the targets labelled `target`. A sample's timestamp is its slot (DESIGN: within one
interval before the scrape), so a scrape that ran late still lands on its own slot, and two silos scraping one slot
are two series (`silo` differs) holding the same timestamp: a duplicate, whatever the arrival times were. One silo
scraping a slot twice would write one series twice at one timestamp; Prometheus keeps one (or refuses the request
with "duplicate sample for timestamp", which the receiver's log shows), so the caller compares served scrapes too.
PHASES_FILE: lines "<name> <start epoch> <end epoch> [crash]"; a crash phase excuses gaps (not duplicates) inside it.

Each target's grid is the most common timestamp modulo the interval; a sample elsewhere is off grid. A slot counts for
a phase when its time lies in the phase and at or after the target's first sample. Per phase: slots, slots held by two
or more silos, slots held by none, slots whose only samples are up 0 (the scrape failed: the target or the machine
was slow), off-grid samples. Every duplicate is listed (target, slot, silos and their up values) with the debug lines
of the silos involved that name a target key on the same grid offset (key mod interval = the slot's offset) within
two intervals of the slot: "scraping target K from slot S", "acquiring target K", "stopped target K". For gaps, the
holders before and after are counted, the slots a silo named in a "slot skipped" warning are told apart (CPU
starvation), and the first few targets with other gaps get the same trace from every silo. GAPS_FILE (environment):
where to write every gap (phase, target, slot, holder before, holder after, named skip). ACCESS_LOG (environment):
the targets' access log ("<epoch> /t/<target>" per request): the scrapes served up to each target's last held slot
are compared with the samples held — equal means nothing was lost and no silo scraped a slot twice (which one series
could not show); the difference is samples refused or lost, or second scrapes of a slot by one silo.
"""
import json
import os
import re
import sys
from collections import Counter, defaultdict
from datetime import datetime, timezone

up_path, phases_path, interval_ms = sys.argv[1], sys.argv[2], round(float(sys.argv[3]) * 1000)
silo_logs = sys.argv[4:]

with open(up_path) as f:
    answer = json.load(f)
if answer.get("status") != "success":
    sys.exit(f"the receiver's query failed: {answer}")

held = defaultdict(lambda: defaultdict(dict))  # target -> slot ms -> silo -> up value
for series in answer["data"]["result"]:
    target, silo = series["metric"].get("target"), series["metric"].get("silo", "?")
    for ts, value in series["values"]:
        held[target][round(float(ts) * 1000)][silo] = float(value)

phases = []
with open(phases_path) as f:
    for line in f:
        parts = line.split()
        if len(parts) >= 3:
            phases.append((parts[0], round(float(parts[1]) * 1000), round(float(parts[2]) * 1000), "crash" in parts[3:]))
crash_windows = [(s, e) for _, s, e, crash in phases if crash]

grid = {}  # target -> (offset, first slot)
off_grid = []
for target, slots in held.items():
    offset = Counter(ms % interval_ms for ms in slots).most_common(1)[0][0]
    on = sorted(ms for ms in slots if ms % interval_ms == offset)
    off_grid += [(target, ms) for ms in slots if ms % interval_ms != offset]
    grid[target] = (offset, on[0])

LOG_LINE = re.compile(r"^(\S+Z) .*?(scraping target|acquiring target|stopped target) ([0-9a-f]{16})(.*)$")


def log_events():
    """Per silo (log file name), the debug lines naming a target key: (epoch ms, key, text)."""
    events = defaultdict(list)
    for path in silo_logs:
        silo = re.sub(r"(\.earlier)?\.log$", "", path.rsplit("/", 1)[-1])
        with open(path, errors="replace") as f:
            for line in f:
                m = LOG_LINE.match(line)
                if m:
                    ms = round(datetime.fromisoformat(m.group(1).replace("Z", "+00:00")).timestamp() * 1000)
                    events[silo].append((ms, int(m.group(3), 16), f"{m.group(1)} {m.group(2)} {m.group(3)}{m.group(4)}"))
    return events


def utc(ms):
    return datetime.fromtimestamp(ms / 1000, timezone.utc).strftime("%H:%M:%S.%f")[:-3]


duplicates, gaps_found = [], []
for name, start, end, crash in phases:
    slots = twice = gaps = failed = 0
    worst = []
    for target, (offset, first) in grid.items():
        lo = max(start, first)
        slot = lo + (offset - lo) % interval_ms
        bad = []
        while slot < end:
            slots += 1
            silos = held[target].get(slot, {})
            if len(silos) > 1:
                twice += 1
                bad.append(f"{slot}:{len(silos)}")
                duplicates.append((name, target, slot, silos))
            elif not silos and not any(s <= slot <= e for s, e in crash_windows):
                gaps += 1
                bad.append(f"{slot}:0")
                gaps_found.append((name, target, slot))
            elif silos and max(silos.values()) == 0:
                failed += 1
            slot += interval_ms
        if bad:
            worst.append((len(bad), target, bad[:3]))
    worst.sort(reverse=True)
    examples = "; ".join(f"target {t} {' '.join(b)}" for _, t, b in worst[:3])
    note = " (gaps inside it excused: crash window)" if crash else ""
    print(f"{name:<10} {(end - start) / 1000:7.1f} s, {len(grid)} targets, {slots} slots: {twice} held by two or more silos, "
          f"{gaps} held by none{note}, {failed} only up 0{'; e.g. ' + examples if examples else ''}")
print(f"off grid: {len(off_grid)} samples{' e.g. ' + str(off_grid[:3]) if off_grid else ''}")

events = log_events() if duplicates or gaps_found else {}


def trace(slot, silos, around):
    for silo in sorted(silos):
        for ms, key, text in events.get(silo, []):
            if key % interval_ms == slot % interval_ms and abs(ms - slot) <= around:
                yield f"      {silo}: {text}"


if gaps_found:
    named = set()
    skip = re.compile(r"slot (\d{13})(?: reached the worker \d+ ms late)?; slot skipped")
    for path in silo_logs:
        with open(path, errors="replace") as f:
            named.update(int(m.group(1)) for m in map(skip.search, f) if m)

    def holders(target, slot):
        before = [held[target][ms] for ms in sorted(held[target]) if ms < slot][-1:]
        after = [held[target][ms] for ms in sorted(held[target]) if ms > slot][:1]
        return ("+".join(sorted(before[0])) if before else "-"), ("+".join(sorted(after[0])) if after else "-")

    rows = [(name, target, slot, *holders(target, slot), slot in named) for name, target, slot in gaps_found]
    print(f"gaps: {len(rows)}, of which {sum(r[5] for r in rows)} a silo named in a 'slot skipped' warning (starvation); "
          f"holder before: {Counter(r[3] for r in rows).most_common(4)}; after: {Counter(r[4] for r in rows).most_common(4)}")
    if os.environ.get("GAPS_FILE"):
        with open(os.environ["GAPS_FILE"], "w") as out:
            out.writelines(f"{' '.join(map(str, r))}\n" for r in rows)
    unnamed = [r for r in rows if not r[5]]
    shown = list(dict.fromkeys(r[1] for r in unnamed))[:3]
    for target in shown:
        slots = [r[2] for r in unnamed if r[1] == target]
        print(f"  target {target}: no sample for slots {' '.join(map(str, slots))} ({utc(slots[0])} UTC on); every silo's lines for its offset:")
        print("\n".join(trace(slots[0], events, 3 * interval_ms)))

if os.environ.get("ACCESS_LOG"):
    served = defaultdict(list)
    with open(os.environ["ACCESS_LOG"]) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2:
                served[parts[1].rsplit("/", 1)[-1]].append(float(parts[0]) * 1000)
    n_served = n_held = 0
    for target, slots in held.items():
        last = max(slots) + 500  # a scrape starts a little after its slot
        n_served += sum(1 for t in served.get(target, []) if t <= last)
        n_held += sum(len(silos) for silos in slots.values())
    print(f"served up to each target's last held slot: {n_served}; samples held: {n_held}; difference: {n_served - n_held}")

if duplicates:
    print(f"every slot held by two or more silos ({len(duplicates)}), with the involved silos' debug lines for keys on its grid offset:")
    for name, target, slot, silos in duplicates:
        who = ", ".join(f"{s} (up {v:g})" for s, v in sorted(silos.items()))
        print(f"  [{name}] target {target} slot {slot} ({utc(slot)} UTC): {who}")
        print("\n".join(trace(slot, silos, 2 * interval_ms)))
