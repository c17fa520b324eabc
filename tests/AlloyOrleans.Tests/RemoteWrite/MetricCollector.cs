using System.Diagnostics.Metrics;
using AlloyOrleans.Grains.Telemetry;

namespace AlloyOrleans.Tests.RemoteWrite;

/// <summary>The remote write metrics of one <c>remote_name</c>: counters summed, gauges read on demand.</summary>
public sealed class MetricCollector : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, long> _totals = [];
    private readonly Dictionary<string, double> _gauges = [];
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
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Reads the gauges now (they report only when collected); their latest values replace the old ones.</summary>
    public IReadOnlyDictionary<string, double> Gauges()
    {
        lock (_totals)
        {
            _gauges.Clear();
        }
        _listener.RecordObservableInstruments();
        lock (_totals)
        {
            return new Dictionary<string, double>(_gauges);
        }
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key != "remote_name" || !Equals(tag.Value, _remoteName))
            {
                continue;
            }
            lock (_totals)
            {
                if (instrument.IsObservable)
                {
                    _gauges[instrument.Name] = value;
                }
                else if (instrument is Counter<long>)
                {
                    _totals[instrument.Name] = _totals.GetValueOrDefault(instrument.Name) + (long)value;
                }
            }
        }
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
