using System.Text.Json;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.RemoteWrite;
using AlloyOrleans.Grains.RemoteWrite.Queue;
using AlloyOrleans.Grains.RemoteWrite.Wal;
using AlloyOrleans.Grains.Scrape;

namespace AlloyOrleans.Grains.Components.Prometheus.RemoteWrite;

/// <summary>
/// <c>prometheus.remote_write</c>: samples sent to its <c>receiver</c> go into a WAL under the component's data path
/// and from there to every endpoint. Reconfiguring restarts the endpoint queues, which resume from their durable
/// positions; the WAL itself lives as long as the component.
/// </summary>
[AlloyComponent("prometheus.remote_write", typeof(RemoteWriteArguments), typeof(RemoteWriteExports))]
public sealed class RemoteWriteComponent : IComponent, ISampleSink, IAsyncDisposable
{
    private readonly IComponentHost _host;
    private readonly RemoteWriteStorage _storage;
    private string? _appliedFingerprint;

    public RemoteWriteComponent(IComponentHost host)
    {
        _host = host;
        _storage = new RemoteWriteStorage(Path.Combine(host.DataPath, "wal"), host.ComponentId, new WalOptions(), host.Logger);
        host.SetExports(new RemoteWriteExports { Receiver = this });
    }

    public async Task UpdateAsync(object arguments, CancellationToken cancellationToken)
    {
        var args = (RemoteWriteArguments)arguments;
        args.Validate();
        var fingerprint = JsonSerializer.Serialize(args);
        if (fingerprint == _appliedFingerprint)
        {
            return;
        }
        var endpoints = args.Endpoints.Select(e => EndpointOptionsMapper.ToOptions(e)).ToList();
        var duplicate = endpoints.GroupBy(e => e.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ComponentArgumentException("endpoint", $"two endpoints resolve to the name \"{duplicate.Key}\"; give them distinct names");
        }
        var wal = new WalOptions
        {
            TruncateFrequency = args.Wal.TruncateFrequency,
            MinKeepaliveTime = args.Wal.MinKeepaliveTime,
            MaxKeepaliveTime = args.Wal.MaxKeepaliveTime,
            MaxDiskUsageBytes = args.Wal.MaxDiskUsageBytes,
        };
        await _storage.ConfigureAsync(endpoints, args.ExternalLabelList(), wal, cancellationToken).ConfigureAwait(false);
        _appliedFingerprint = fingerprint;
    }

    public ValueTask AppendAsync(IReadOnlyList<Sample> samples, CancellationToken cancellationToken) =>
        _storage.AppendAsync(samples, cancellationToken);

    public Task FlushAsync(CancellationToken cancellationToken) => _storage.FlushAsync(cancellationToken);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _storage.RunTruncationAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // A graceful stop (the host is shutting down): send what is in the WAL before the process goes, so a
            // rolling update leaves nothing behind on a node whose disk may not come back.
            await _storage.DrainAsync().ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => _storage.DisposeAsync();
}
