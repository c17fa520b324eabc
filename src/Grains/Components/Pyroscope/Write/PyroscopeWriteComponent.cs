using System.Text.Json;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Pyroscope;

namespace AlloyOrleans.Grains.Components.Pyroscope.Write;

/// <summary>
/// <c>pyroscope.write</c>: profiles sent to its <c>receiver</c> are pushed to every endpoint with Pyroscope's push
/// API. The receiver is the component itself, so it stays the same across reconfigurations; a changed configuration
/// replaces the endpoint queues (what was still queued in the old ones is counted as dropped).
/// </summary>
[AlloyComponent("pyroscope.write", typeof(PyroscopeWriteArguments), typeof(PyroscopeWriteExports))]
public sealed class PyroscopeWriteComponent : IComponent, IProfileSink, IAsyncDisposable
{
    private readonly IComponentHost _host;
    private readonly TimeProvider _time;
    private ProfileWriter? _writer;
    private string? _appliedFingerprint;

    public PyroscopeWriteComponent(IComponentHost host, TimeProvider time)
    {
        _host = host;
        _time = time;
        host.SetExports(new PyroscopeWriteExports { Receiver = this });
    }

    /// <summary>The current writer (tests and the metrics page read its queues).</summary>
    public ProfileWriter? Writer => Volatile.Read(ref _writer);

    public async Task UpdateAsync(object arguments, CancellationToken cancellationToken)
    {
        var args = (PyroscopeWriteArguments)arguments;
        var fingerprint = JsonSerializer.Serialize(args);
        if (fingerprint == _appliedFingerprint)
        {
            return;
        }
        var endpoints = args.Endpoints.Select(e => new PushEndpointOptions
        {
            Url = new Uri(e.Url),
            Name = e.Name,
            Headers = e.Headers,
            RemoteTimeout = e.RemoteTimeout,
            MinBackoff = e.MinBackoffPeriod,
            MaxBackoff = e.MaxBackoffPeriod,
            MaxBackoffRetries = e.MaxBackoffRetries,
            Http = e.ToSettings(),
        }).ToList();
        var previous = Interlocked.Exchange(ref _writer, new ProfileWriter(endpoints, args.ExternalLabels, _time, _host.Logger));
        _appliedFingerprint = fingerprint;
        if (previous is not null)
        {
            await previous.DisposeAsync().ConfigureAwait(false);
        }
    }

    public ValueTask AppendAsync(LabelSet labels, ReadOnlyMemory<byte> rawProfile, CancellationToken cancellationToken) =>
        Writer is { } writer ? writer.AppendAsync(labels, rawProfile, cancellationToken) : ValueTask.CompletedTask;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ComponentTasks.UntilCancelledAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _writer, null) is { } writer)
        {
            await writer.DisposeAsync().ConfigureAwait(false);
        }
    }
}
