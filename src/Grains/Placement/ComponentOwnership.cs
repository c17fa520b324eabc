using AlloyOrleans.Grains.Membership;

namespace AlloyOrleans.Grains.Placement;

/// <summary>
/// Who owns each target of one component in one cluster view: the ownership seam the scheduler asks. The view's rules
/// hold for every balance (nobody while not ready; this silo when the ring is empty, failing open as Alloy); a
/// component that balances by samples then follows its assignment, any other the plain ring.
/// </summary>
public sealed class ComponentOwnership
{
    private readonly ClusterView _view;
    private readonly Assignment? _assignment;

    public ComponentOwnership(ClusterView view, Assignment? assignment)
    {
        _view = view;
        _assignment = assignment;
    }

    /// <summary>The weights table version the assignment was placed from; null for the plain ring.</summary>
    public long? WeightsVersion => _assignment?.WeightsVersion;

    public string? Owner(ulong key)
    {
        if (_assignment is null || !_view.IsReady || _view.Ring.Nodes.Count == 0)
        {
            return _view.Owner(key);
        }
        return _assignment.Owner(key);
    }

    /// <summary>Whether this silo should scrape the target with this key.</summary>
    public bool IsLocal(ulong key) => _view.LocalHoldsName && Owner(key) == _view.LocalName;
}
