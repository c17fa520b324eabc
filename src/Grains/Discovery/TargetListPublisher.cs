using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Discovery;

/// <summary>Forwards a target list only when it differs from the one forwarded last.</summary>
internal sealed class TargetListPublisher(Action<IReadOnlyList<LabelSet>> publish)
{
    private IReadOnlyList<LabelSet>? _last;

    public void Publish(IReadOnlyList<LabelSet> targets)
    {
        if (_last is not null && _last.SequenceEqual(targets))
        {
            return;
        }
        _last = targets;
        publish(targets);
    }
}
