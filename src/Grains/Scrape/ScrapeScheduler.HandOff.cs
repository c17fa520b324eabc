using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Membership;
using AlloyOrleans.Grains.Ownership;
using Microsoft.Extensions.Logging;

namespace AlloyOrleans.Grains.Scrape;

/// <summary>
/// The hand-off calls between silos, as the planner asks for them: release requests to peers (<see cref="PullAsync"/>)
/// and pushes to new owners or successors (<see cref="PushAsync"/>), and the two entry points the coordinator grain
/// forwards peers' calls to. Every answer, and every failure, goes back to the planner.
/// </summary>
public sealed partial class ScrapeScheduler
{
    private async Task PullAsync(string peer, List<TargetRef> targets, CancellationToken cancellationToken)
    {
        ReleaseAnswer[]? answers;
        try
        {
            var coordinator = _grains.GetGrain<IScrapeCoordinatorGrain>(peer);
            answers = await coordinator.Release(NodeName, _cluster.LocalGeneration, [.. targets]).WaitAsync(_options.HandOffTimeout, _time, cancellationToken);
            LogPulled(peer, targets.Count, answers.Count(a => a.Outcome == ReleaseOutcome.Released));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            LogPullFailed(ex, peer, targets.Count);
            answers = null;
        }
        PlannerActions actions;
        lock (_lock)
        {
            actions = _planner.OnReleaseAnswers(peer, targets, answers, NowMs());
            Apply(actions);
        }
        Perform(actions);
    }

    /// <summary>
    /// Offers targets to their new owner. Nobody scrapes them until the answer arrives, so a call that certainly did not
    /// reach the owner counts as a refusal and this silo scrapes on at once: a peer that cannot host the coordinator
    /// yet (it has just joined; eight silos started at once kept pushes waiting seconds in Orleans' placement retries,
    /// then taken for delivered: gaps until the owner asked for the targets itself) is not called at all.
    /// </summary>
    private async Task PushAsync(string peer, List<TargetHandOff> handOffs, CancellationToken cancellationToken)
    {
        bool[]? accepted = null;
        var undelivered = false;
        if (!_cluster.CanPlaceOn(peer))
        {
            LogHandOffNotYet(peer, handOffs.Count);
            undelivered = true;
        }
        else
        {
            try
            {
                await WhenLastSamplesSentAsync([.. handOffs.Select(h => h.Target)]);
                accepted = await _grains.GetGrain<IScrapeCoordinatorGrain>(peer).Accept(NodeName, [.. handOffs])
                    .WaitAsync(_options.HandOffTimeout, _time, CancellationToken.None);
                LogHandedOff(peer, handOffs.Count, accepted.Count(a => a));
            }
            catch (Exception ex)
            {
                LogHandOffFailed(ex, peer, handOffs.Count);
                undelivered = ex is NamedSiloUnavailableException;
            }
        }
        PlannerActions actions;
        lock (_lock)
        {
            actions = _planner.OnAcceptAnswers(peer, handOffs, accepted, NowMs(), undelivered);
            Apply(actions);
        }
        if (!cancellationToken.IsCancellationRequested || _planner.Leaving)
        {
            Perform(actions);
        }
    }

    /// <summary>
    /// Called through this silo's coordinator: another silo now owns these targets. The answer waits (bounded) until
    /// the last samples of the targets released here at once are sent: the requester starts them when it hears. (One
    /// released from a slot further ahead is still scraped here; its flush follows its last slot.)
    /// </summary>
    public async Task<ReleaseAnswer[]> ReleaseAsync(string requester, int requesterGeneration, TargetRef[] targets)
    {
        var actions = new PlannerActions();
        ReleaseAnswer[] answers;
        lock (_lock)
        {
            answers = _planner.Release(requester, requesterGeneration, targets, NowMs(), actions);
            Apply(actions);
        }
        LogReleased(requester, targets.Length, answers.Count(a => a.Outcome == ReleaseOutcome.Released));
        await WhenLastSamplesSentAsync([.. answers.Where(a => a.Outcome == ReleaseOutcome.Released).Select(a => a.Target)]);
        return answers;
    }

    /// <summary>Called through this silo's coordinator: a peer hands these targets over.</summary>
    public bool[] Accept(string sender, TargetHandOff[] handOffs)
    {
        var actions = new PlannerActions();
        bool[] accepted;
        lock (_lock)
        {
            accepted = _running ? _planner.Accept(sender, handOffs, NowMs(), actions) : new bool[handOffs.Length];
            Apply(actions);
        }
        LogAccepted(sender, handOffs.Length, accepted.Count(a => a));
        Perform(actions);
        return accepted;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not ask {Peer} to release {Targets} targets; asking again shortly")]
    private partial void LogPullFailed(Exception exception, string peer, int targets);

    [LoggerMessage(Level = LogLevel.Information, Message = "Asked {Peer} for {Targets} targets; it released {Released}")]
    private partial void LogPulled(string peer, int targets, int released);

    [LoggerMessage(Level = LogLevel.Information, Message = "Released {Released} of {Targets} targets asked for by {Requester}")]
    private partial void LogReleased(string requester, int targets, int released);

    [LoggerMessage(Level = LogLevel.Information, Message = "Accepted {Accepted} of {Targets} targets handed over by {Sender}")]
    private partial void LogAccepted(string sender, int targets, int accepted);

    [LoggerMessage(Level = LogLevel.Information, Message = "Handed {Targets} targets to {Owner}; it took {Accepted}")]
    private partial void LogHandedOff(string owner, int targets, int accepted);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Owner} cannot take {Targets} targets yet (it has just joined); scraping them on and offering them again later")]
    private partial void LogHandOffNotYet(string owner, int targets);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not hand {Targets} targets to {Owner}; it takes them through the view if it is alive")]
    private partial void LogHandOffFailed(Exception exception, string owner, int targets);
}
