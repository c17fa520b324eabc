using System.Diagnostics.Metrics;
using AlloyOrleans.Grains.Telemetry;

namespace AlloyOrleans.Tests.RemoteWrite;

/// <summary>Sums the remote write counters of one <c>remote_name</c>, as a Prometheus scrape would show them.</summary>
public sealed class MetricCollector : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, long> _totals = [];
    private readonly string _remoteName;

    public MetricCollector(string remoteName)
    {
        _remoteName = remoteName;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == AlloyMeter.Name && instrument.Name.StartsWith("prometheus_remote_storage_", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "remote_name" && Equals(tag.Value, _remoteName))
                {
                    lock (_totals)
                    {
                        _totals[instrument.Name] = _totals.GetValueOrDefault(instrument.Name) + value;
                    }
                }
            }
        });
        _listener.Start();
    }

    public long this[string name]
    {
        get
        {
            lock (_totals)
            {
                return _totals.GetValueOrDefault(name);
            }
        }
    }

    public void Dispose() => _listener.Dispose();
}
