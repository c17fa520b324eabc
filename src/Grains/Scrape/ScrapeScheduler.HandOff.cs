using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Membership;
using AlloyOrleans.Grains.Ring;
using Microsoft.Extensions.Logging;

namespace AlloyOrleans.Grains.Scrape;

/// <summary>
/// The hand-off protocol between silos: a gaining silo pulls targets from their previous owner (<see cref="Release"/>),
/// and a leaving silo pushes its targets to their successors (<see cref="Accept"/>), each at a slot boundary.
/// </summary>
public sealed partial class ScrapeScheduler
{
    /// <summary>Asks the previous owner to release targets and starts them at the first slot it did not scrape.</summary>
    private async Task PullAsync(string previousOwner, List<TargetRef> targets, CancellationToken cancellationToken)
    {
        TargetHandOff[] handOffs;
        try
        {
            var coordinator = _grains.GetGrain<IScrapeCoordinatorGrain>(previousOwner);
            handOffs = await coordinator.Release(NodeName, [.. targets]).WaitAsync(_options.HandOffTimeout, _time, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogPullFailed(ex, previousOwner, targets.Count);
            handOffs = [.. targets.Select(t => new TargetHandOff(t, null))];
        }
        catch (OperationCanceledException)
        {
            return;
        }

        lock (_lock)
        {
            foreach (var handOff in handOffs)
            {
                _acquiring.Remove(handOff.Target);
                if (_running && !_scraping.ContainsKey(handOff.Target) && _registry.TryGet(handOff.Target, out var job, out _)
                    && Ownership(_cluster.Current, job).IsLocal(handOff.Target.Key))
                {
                    Start(handOff.Target, FirstSlot(handOff, job), grantedBy: null);
                }
            }
        }
        LogPulled(previousOwner, handOffs.Length, handOffs.Count(h => h.NextSlotMs is not null));
        _wake.Release();
    }

    /// <summary>Called through this silo's coordinator: another silo now owns these targets.</summary>
    public TargetHandOff[] Release(string requester, TargetRef[] targets)
    {
        var result = new TargetHandOff[targets.Length];
        lock (_lock)
        {
            for (var i = 0; i < targets.Length; i++)
            {
                var target = targets[i];
                long? nextSlot = null;
                if (_scraping.TryGetValue(target, out var scheduled))
                {
                    nextSlot = scheduled.NextSlotMs;
                    Stop(scheduled, "released to " + requester);
                    _movedTotal.Add(1, new KeyValuePair<string, object?>("component_id", target.ComponentId));
                }
                if (_running)
                {
                    _releasedTo[target] = (requester, NowMs());
                    _hasPendingMoves = true;
                }
                result[i] = new TargetHandOff(target, nextSlot);
            }
        }
        LogReleased(requester, targets.Length, result.Count(r => r.NextSlotMs is not null));
        return result;
    }

    /// <summary>Called through this silo's coordinator: a leaving silo hands these targets over.</summary>
    public void Accept(string sender, TargetHandOff[] handOffs)
    {
        var accepted = 0;
        lock (_lock)
        {
            foreach (var handOff in handOffs)
            {
                _releasedTo.Remove(handOff.Target);
                if (_running && !_scraping.ContainsKey(handOff.Target) && _registry.TryGet(handOff.Target, out var job, out _))
                {
                    Start(handOff.Target, FirstSlot(handOff, job), grantedBy: sender);
                    accepted++;
                }
            }
        }
        LogAccepted(sender, handOffs.Length, accepted);
        _wake.Release();
    }

    /// <summary>Where a handed-over target resumes: the sender's next slot, unless the sender was far behind.</summary>
    private long FirstSlot(TargetHandOff handOff, ScrapeJob job)
    {
        var now = NowMs();
        var intervalMs = ScrapeSlots.IntervalMs(job.Interval);
        // A late start still scrapes the slot the sender left (stamped with its own time); only a sender far behind is skipped.
        return handOff.NextSlotMs is { } next && next >= now - 3 * intervalMs
            ? next
            : ScrapeSlots.AtOrAfter(handOff.Target.Key, job.Interval, now);
    }

    /// <summary>On leave: stop every clustered target and group it by the owner of the ring without this silo.</summary>
    private Dictionary<string, List<TargetHandOff>> PlanHandOffOnLeave()
    {
        var view = _cluster.Current;
        var successor = WithoutLocal(view);
        var plan = new Dictionary<string, List<TargetHandOff>>(StringComparer.Ordinal);
        foreach (var scheduled in _scraping.Values.ToList())
        {
            var nextSlot = scheduled.NextSlotMs;
            Stop(scheduled, "silo stopping");
            if (!_registry.TryGet(scheduled.Target, out var job, out _) || !job.ClusteringEnabled)
            {
                continue;
            }
            if (Ownership(successor, job).Owner(scheduled.Target.Key) is { } owner && owner != view.LocalName)
            {
                (plan.TryGetValue(owner, out var list) ? list : plan[owner] = []).Add(new TargetHandOff(scheduled.Target, nextSlot));
            }
        }
        return plan;
    }

    private async Task SendHandOffAsync(string owner, List<TargetHandOff> handOffs, CancellationToken cancellationToken)
    {
        try
        {
            await _grains.GetGrain<IScrapeCoordinatorGrain>(owner).Accept(NodeName, [.. handOffs])
                .WaitAsync(_options.HandOffTimeout, _time, cancellationToken);
            LogHandedOff(owner, handOffs.Count);
        }
        catch (Exception ex)
        {
            LogHandOffFailed(ex, owner, handOffs.Count);
        }
    }

    private static ClusterView WithoutLocal(ClusterView view)
    {
        var others = view.ActiveByName.Where(p => p.Key != view.LocalName).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var ring = others.Count == view.ActiveByName.Count ? view.Ring : HashRing.Build(others.Keys);
        return new ClusterView(view.LocalName, view.Version, view.IsReady, ring, others, view.Peers);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not ask {PreviousOwner} to release {Targets} targets; starting them at their next slots")]
    private partial void LogPullFailed(Exception exception, string previousOwner, int targets);

    [LoggerMessage(Level = LogLevel.Information, Message = "Took {Targets} targets from {PreviousOwner} ({Scraping} were being scraped there)")]
    private partial void LogPulled(string previousOwner, int targets, int scraping);

    [LoggerMessage(Level = LogLevel.Information, Message = "Released {Targets} targets to {Requester} ({Scraping} were being scraped here)")]
    private partial void LogReleased(string requester, int targets, int scraping);

    [LoggerMessage(Level = LogLevel.Information, Message = "Accepted {Accepted} of {Targets} targets handed over by {Sender}")]
    private partial void LogAccepted(string sender, int targets, int accepted);

    [LoggerMessage(Level = LogLevel.Information, Message = "Handed {Targets} targets to {Owner}")]
    private partial void LogHandedOff(string owner, int targets);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not hand {Targets} targets to {Owner}; it will pick them up when it sees this silo leave")]
    private partial void LogHandOffFailed(Exception exception, string owner, int targets);
}
