using AlloyOrleans.Grains.Components.Common.Relabel;

namespace AlloyOrleans.Grains.Components.Prometheus.Relabel;

/// <summary>
/// <c>prometheus.relabel</c>: applies relabel rules to every sample passing through its <c>receiver</c> and forwards
/// the result. The receiver is exported once and kept; argument updates swap rules and destinations inside it.
/// </summary>
[AlloyComponent("prometheus.relabel", typeof(PrometheusRelabelArguments), typeof(PrometheusRelabelExports))]
public sealed class PrometheusRelabelComponent(IComponentHost host) : IComponent
{
    private readonly RelabellingSampleSink _receiver = new(host.ComponentId);

    public Task UpdateAsync(object arguments, CancellationToken cancellationToken)
    {
        var args = (PrometheusRelabelArguments)arguments;
        args.Validate();
        var rules = RelabelRuleArguments.ToRules(args.Rules);
        _receiver.Configure(rules, args.ForwardTo, args.MaxCacheSize);
        host.SetExports(new PrometheusRelabelExports { Receiver = _receiver, Rules = rules });
        return Task.CompletedTask;
    }

    public Task RunAsync(CancellationToken cancellationToken) => ComponentTasks.UntilCancelledAsync(cancellationToken);
}
