namespace AlloyOrleans.Grains.Membership;

/// <summary>
/// Whether this silo may scrape clustered targets: only while it can show it is still an active member. It is fenced
/// when its last confirmation of membership is older than the failure-detection window (peers may have declared it
/// dead and taken its targets), after its own loop saw a stall longer than that window (a GC pause, a SIGSTOP, a VM
/// stall) until a confirmation requested after the stall arrives, and for good once it learns it was declared dead.
/// The caller passes the times; calls may come from any thread.
/// </summary>
public sealed class MembershipFence(long windowMs)
{
    private long _lastConfirmedMs = long.MinValue;
    private long _lastTickMs = long.MinValue;
    private long? _stallEndedMs;
    private readonly object _gate = new();

    public long WindowMs { get; } = windowMs;

    public bool DeclaredDead { get; private set; }

    /// <summary>
    /// Membership showed this silo active, from evidence requested at <paramref name="requestedAtMs"/>. Evidence
    /// whose age is unknown (<paramref name="fresh"/> false: a membership update that may have been queued before a
    /// stall) keeps an unstalled silo confirmed but never lifts a stall.
    /// </summary>
    public void Confirm(long requestedAtMs, bool fresh = true)
    {
        lock (_gate)
        {
            if (DeclaredDead || (_stallEndedMs is { } stall && (!fresh || requestedAtMs < stall)))
            {
                return; // evidence gathered before (or during) the stall proves nothing about now
            }
            _stallEndedMs = null;
            _lastConfirmedMs = Math.Max(_lastConfirmedMs, requestedAtMs);
        }
    }

    /// <summary>Membership says this silo is dead: it never scrapes again.</summary>
    public void Dead() => DeclaredDead = true;

    /// <summary>The silo's loop ran at <paramref name="nowMs"/>; a gap longer than the window since the last run is a stall.</summary>
    public void Tick(long nowMs)
    {
        lock (_gate)
        {
            if (_lastTickMs != long.MinValue && nowMs - _lastTickMs > WindowMs)
            {
                _stallEndedMs = nowMs;
            }
            _lastTickMs = Math.Max(_lastTickMs, nowMs);
        }
    }

    /// <summary>
    /// Fenced by a stall until evidence requested after it arrives: the caller should then ask the authority (the
    /// membership table) rather than a peer, whose view of this silo may lag a death declared during the stall.
    /// </summary>
    public bool AwaitsStallEvidence
    {
        get
        {
            lock (_gate)
            {
                return _stallEndedMs is not null;
            }
        }
    }

    public bool IsFenced(long nowMs) => Reason(nowMs) is not null;

    /// <summary>Why it is fenced, for logs and metrics; null when it is not.</summary>
    public string? Reason(long nowMs)
    {
        lock (_gate)
        {
            return DeclaredDead ? "declared dead"
                : _stallEndedMs is not null ? "stalled longer than failure detection"
                : _lastConfirmedMs == long.MinValue || nowMs - _lastConfirmedMs > WindowMs ? "membership not confirmed within failure detection"
                : null;
        }
    }
}
