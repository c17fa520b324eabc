using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Pyroscope.Push;
using AlloyOrleans.Grains.Pyroscope.Push.Types;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace AlloyOrleans.Grains.Pyroscope;

/// <summary>
/// The receiver of <c>pyroscope.write</c>: each profile becomes one PushRequest with one series, as Alloy sends them.
/// Labels starting with <c>__</c> are dropped except <c>__name__</c> and <c>__delta__</c>; external labels are
/// added (and win). The request is encoded once and queued for every endpoint.
/// </summary>
public sealed class ProfileWriter : IProfileSink, IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string> _externalLabels;

    public ProfileWriter(IReadOnlyList<PushEndpointOptions> endpoints, IReadOnlyDictionary<string, string> externalLabels, TimeProvider time, ILogger logger)
    {
        _externalLabels = externalLabels;
        Queues = [.. endpoints.Select(e => new PushQueue(e, time, logger))];
    }

    public IReadOnlyList<PushQueue> Queues { get; }

    public ValueTask AppendAsync(LabelSet labels, ReadOnlyMemory<byte> rawProfile, CancellationToken cancellationToken)
    {
        var request = Encode(labels, rawProfile, _externalLabels);
        foreach (var queue in Queues)
        {
            queue.Enqueue(request, 1);
        }
        return ValueTask.CompletedTask;
    }

    public static byte[] Encode(LabelSet labels, ReadOnlyMemory<byte> rawProfile, IReadOnlyDictionary<string, string> externalLabels)
    {
        var kept = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var label in labels)
        {
            if (!label.Name.StartsWith("__", StringComparison.Ordinal) || label.Name is "__name__" or ProfileTargetLabels.Delta)
            {
                kept[label.Name] = label.Value;
            }
        }
        foreach (var (name, value) in externalLabels)
        {
            kept[name] = value;
        }
        var series = new RawProfileSeries();
        series.Labels.Add(kept.Select(l => new LabelPair { Name = l.Key, Value = l.Value }));
        series.Samples.Add(new RawSample { RawProfile = ByteString.CopyFrom(rawProfile.Span) });
        var request = new PushRequest();
        request.Series.Add(series);
        return request.ToByteArray();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var queue in Queues)
        {
            await queue.DisposeAsync();
        }
    }
}
