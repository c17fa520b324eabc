namespace AlloyOrleans.Tests.Simulation;

/// <summary>One change a deployment makes to the cluster, at a simulated time.</summary>
public abstract record ClusterChange(long AtMs, string Name)
{
    /// <summary>A silo process starts under this name (a new incarnation: Orleans gives it a new generation).</summary>
    public sealed record Start(long AtMs, string Name) : ClusterChange(AtMs, Name);

    /// <summary>SIGTERM: the silo hands its targets over and leaves.</summary>
    public sealed record Leave(long AtMs, string Name) : ClusterChange(AtMs, Name);

    /// <summary>kill -9: the silo stops at once; peers declare it dead after failure detection.</summary>
    public sealed record Crash(long AtMs, string Name) : ClusterChange(AtMs, Name);

    /// <summary>SIGSTOP for a while, then SIGCONT (a GC pause, a VM stall): declared dead if it lasts past detection.</summary>
    public sealed record Freeze(long AtMs, string Name, long DurationMs) : ClusterChange(AtMs, Name);
}

/// <summary>
/// Generates membership histories from a seed: a first set of silos started at once (a Deployment created whole) or
/// one after another, then joins, graceful leaves, crashes, freezes past failure detection, restarts under the same
/// name, and the concurrent shapes that break hand-offs: two joins or two leaves at once, a join during a leave, a
/// leave right after a join, a silo flapping in and out, and a rolling restart of every silo under its name.
/// </summary>
public static class MembershipHistory
{
    public static List<ClusterChange> Generate(Random random, long durationMs)
    {
        var changes = new List<ClusterChange>();
        var running = new List<string>();
        var spare = Enumerable.Range(0, 12).Select(i => "silo-" + (char)('a' + i)).ToList();
        var storm = random.Next(3) > 0;
        var initial = random.Next(1, 9);
        for (var i = 0; i < initial; i++)
        {
            var name = Take(spare, random);
            changes.Add(new ClusterChange.Start(storm ? 0 : random.Next(0, 3000), name));
            running.Add(name);
        }

        var t = 6_000L;
        var faults = 0;
        while (t < durationMs - 12_000)
        {
            var kind = random.Next(100);
            if (kind < 20 && spare.Count > 0)
            {
                // A join, sometimes two at once.
                var count = random.Next(4) == 0 ? 2 : 1;
                for (var i = 0; i < count && spare.Count > 0; i++)
                {
                    var name = Take(spare, random);
                    changes.Add(new ClusterChange.Start(t + random.Next(0, 50), name));
                    running.Add(name);
                }
            }
            else if (kind < 38 && running.Count > 1)
            {
                // A graceful leave, sometimes two at once, sometimes with a join during it.
                var leaving = Take(running, random);
                changes.Add(new ClusterChange.Leave(t, leaving));
                if (random.Next(3) == 0 && running.Count > 1)
                {
                    changes.Add(new ClusterChange.Leave(t + random.Next(0, 50), Take(running, random)));
                }
                else if (random.Next(2) == 0 && spare.Count > 0)
                {
                    var joining = Take(spare, random);
                    changes.Add(new ClusterChange.Start(t + random.Next(0, 400), joining));
                    running.Add(joining);
                }
                if (random.Next(2) == 0)
                {
                    spare.Add(leaving); // may come back later under the same name
                }
            }
            else if (kind < 52 && running.Count > 0)
            {
                // A rolling restart of one silo under its name: SIGTERM, then the new process.
                var name = running[random.Next(running.Count)];
                changes.Add(new ClusterChange.Leave(t, name));
                changes.Add(new ClusterChange.Start(t + random.Next(0, 3000), name));
            }
            else if (kind < 62 && spare.Count > 0)
            {
                // A leave right after a join, or a silo flapping in and out.
                var name = Take(spare, random);
                var flaps = random.Next(1, 3);
                var at = t;
                for (var i = 0; i < flaps; i++)
                {
                    changes.Add(new ClusterChange.Start(at, name));
                    at += random.Next(200, 2500);
                    changes.Add(new ClusterChange.Leave(at, name));
                    at += random.Next(200, 2500);
                }
                spare.Add(name);
                t = at;
            }
            else if (kind < 78 && running.Count > 1 && faults < 2)
            {
                faults++;
                var name = running[random.Next(running.Count)];
                if (random.Next(2) == 0)
                {
                    changes.Add(new ClusterChange.Crash(t, name));
                    running.Remove(name);
                    if (random.Next(2) == 0)
                    {
                        changes.Add(new ClusterChange.Start(t + random.Next(100, 6000), name)); // restarted under its name
                        running.Add(name);
                    }
                    else
                    {
                        spare.Add(name);
                    }
                }
                else
                {
                    // Long enough to be declared dead (most), or a shorter pause.
                    var duration = random.Next(3) == 0 ? random.Next(300, 1800) : random.Next(3500, 9000);
                    changes.Add(new ClusterChange.Freeze(t, name, duration));
                    if (duration >= 3500)
                    {
                        running.Remove(name); // Orleans ends a silo that learns it was declared dead
                        spare.Add(name);
                    }
                }
            }
            else if (kind >= 92 && running.Count > 1)
            {
                // A StatefulSet rolling restart: every silo in turn, under its own name; the next pod is terminated
                // once the previous one's new process is up.
                foreach (var name in running.ToList())
                {
                    changes.Add(new ClusterChange.Leave(t, name));
                    t += random.Next(0, 3000);
                    changes.Add(new ClusterChange.Start(t, name));
                    t += random.Next(1500, 3000);
                }
            }
            t += random.Next(500, 5000);
        }
        return [.. changes.OrderBy(c => c.AtMs)];
    }

    private static string Take(List<string> names, Random random)
    {
        var index = random.Next(names.Count);
        var name = names[index];
        names.RemoveAt(index);
        return name;
    }
}
