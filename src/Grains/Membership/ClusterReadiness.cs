namespace AlloyOrleans.Grains.Membership;

/// <summary>
/// Alloy's wait-for-size rule as a small state machine. The timer starts at process start; a cluster of at least
/// the minimum size is ready; a ready cluster that shrinks below it stops work and restarts the timer; once a
/// deadline has passed the silo proceeds and stays so.
/// </summary>
public sealed class ClusterReadiness
{
    private readonly int _minimumSize;
    private readonly TimeSpan _waitTimeout;
    private DateTimeOffset _timerStart;
    private bool _deadlinePassed;
    private bool _ready;

    public ClusterReadiness(int minimumSize, TimeSpan waitTimeout, DateTimeOffset processStart)
    {
        _minimumSize = minimumSize;
        _waitTimeout = waitTimeout;
        _timerStart = processStart;
        _ready = minimumSize <= 0;
    }

    public bool IsReady => _ready;

    public int MinimumSize => _minimumSize;

    /// <summary>When the current wait runs out, or null when nothing is waiting on a deadline.</summary>
    public DateTimeOffset? Deadline =>
        _ready || _waitTimeout <= TimeSpan.Zero ? null : _timerStart + _waitTimeout;

    /// <summary>Re-evaluates readiness for the given number of active silos at <paramref name="now"/>.</summary>
    public bool Update(int activeSilos, DateTimeOffset now)
    {
        if (_minimumSize <= 0 || _deadlinePassed)
        {
            return _ready = true;
        }
        if (activeSilos >= _minimumSize)
        {
            return _ready = true;
        }
        if (_ready)
        {
            // A ready cluster that shrank: stop work and wait afresh.
            _timerStart = now;
        }
        if (_waitTimeout > TimeSpan.Zero && now - _timerStart >= _waitTimeout)
        {
            _deadlinePassed = true;
            return _ready = true;
        }
        return _ready = false;
    }
}
