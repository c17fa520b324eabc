using AlloyOrleans.Grains.Scrape;

namespace AlloyOrleans.Grains.Components.Prometheus.Operator;

/// <summary><c>prometheus.operator.servicemonitors</c>: scrapes what the cluster's ServiceMonitors describe.</summary>
[AlloyComponent("prometheus.operator.servicemonitors", typeof(ServiceMonitorsArguments))]
public sealed class ServiceMonitorsComponent(IComponentHost host, IScrapeJobRegistry registry) : OperatorComponent<ServiceMonitorsArguments>(host, registry)
{
    protected override string Plural => "servicemonitors";

    protected override int EndpointCount(MonitorResource monitor) => monitor.Spec.Endpoints?.Count ?? 0;

    protected override MonitorScrapeConfig Generate(MonitorResource monitor, int index, ServiceMonitorsArguments arguments) =>
        ScrapeConfigGenerator.ForServiceMonitor(monitor, index, arguments.Role, arguments.Scrape.Defaults);
}
