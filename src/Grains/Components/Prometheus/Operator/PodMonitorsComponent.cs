using AlloyOrleans.Grains.Scrape;

namespace AlloyOrleans.Grains.Components.Prometheus.Operator;

/// <summary><c>prometheus.operator.podmonitors</c>: scrapes what the cluster's PodMonitors describe.</summary>
[AlloyComponent("prometheus.operator.podmonitors", typeof(PodMonitorsArguments))]
public sealed class PodMonitorsComponent(IComponentHost host, IScrapeJobRegistry registry) : OperatorComponent<PodMonitorsArguments>(host, registry)
{
    protected override string Plural => "podmonitors";

    protected override int EndpointCount(MonitorResource monitor) => monitor.Spec.PodMetricsEndpoints?.Count ?? 0;

    protected override MonitorScrapeConfig Generate(MonitorResource monitor, int index, PodMonitorsArguments arguments) =>
        ScrapeConfigGenerator.ForPodMonitor(monitor, index, arguments.Scrape.Defaults);
}
