using System.Collections.Concurrent;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Scrape;

namespace AlloyOrleans.Tests.Infrastructure;

/// <summary>A receiver that keeps every sample it is given, for tests.</summary>
public sealed class RecordingSink : ISampleSink
{
    private readonly ConcurrentQueue<Sample> _samples = new();

    public IReadOnlyList<Sample> Samples => [.. _samples];

    public ValueTask AppendAsync(IReadOnlyList<Sample> samples, CancellationToken cancellationToken)
    {
        foreach (var sample in samples)
        {
            _samples.Enqueue(sample);
        }
        return ValueTask.CompletedTask;
    }

    public IEnumerable<Sample> Series(string name, string target) =>
        Samples.Where(s => s.Labels.Get("__name__") == name && s.Labels.Get("target") == target);
}
