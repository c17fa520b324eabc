using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Components.Common.Relabel;
using AlloyOrleans.Grains.Discovery.Relabel;

namespace AlloyOrleans.Grains.Components.Discovery.Relabel;

/// <summary>
/// <c>discovery.relabel</c>: rewrites, filters and drops targets with relabel rules. It has no loop of its own; every
/// new argument value (new targets upstream, edited rules) recomputes the output.
/// </summary>
[AlloyComponent("discovery.relabel", typeof(DiscoveryRelabelArguments), typeof(DiscoveryRelabelExports))]
public sealed class DiscoveryRelabelComponent(IComponentHost host) : IComponent
{
    public Task UpdateAsync(object arguments, CancellationToken cancellationToken)
    {
        var args = (DiscoveryRelabelArguments)arguments;
        var rules = RelabelRuleArguments.ToRules(args.Rules);
        host.SetExports(new DiscoveryRelabelExports { Output = Relabel(args.Targets, rules), Rules = rules });
        return Task.CompletedTask;
    }

    public Task RunAsync(CancellationToken cancellationToken) => ComponentTasks.UntilCancelledAsync(cancellationToken);

    /// <summary>Applies the rules to each target, leaving out the dropped ones and keeping the order.</summary>
    public static IReadOnlyList<LabelSet> Relabel(IReadOnlyList<LabelSet> targets, IReadOnlyList<RelabelRule> rules)
    {
        var output = new List<LabelSet>(targets.Count);
        foreach (var target in targets)
        {
            if (RelabelProcessor.Process(target, rules) is { } relabelled)
            {
                output.Add(relabelled);
            }
        }
        return output;
    }
}
