using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Http;
using AlloyOrleans.Grains.RemoteWrite;
using AlloyOrleans.Grains.RemoteWrite.Queue;
using AlloyOrleans.Grains.RemoteWrite.Wal;
using Xunit;

namespace AlloyOrleans.Tests.RemoteWrite;

/// <summary>tls_config: a private CA, a server name other than the address, and a client certificate.</summary>
public sealed class RemoteWriteTlsTests : IDisposable
{
    private readonly TestStorage _test = new();
    private readonly string _remoteName = "tls-" + Guid.NewGuid().ToString("N")[..8];
    private readonly ListLogger _log = new();

    private async Task<RemoteWriteStorage> StartAsync(Uri url, TlsSettings tls)
    {
        var storage = new RemoteWriteStorage(Path.Combine(_test.Directory, "wal"), "prometheus.remote_write.tls", new WalOptions(), _log);
        var endpoint = new RemoteWriteEndpointOptions { Name = _remoteName, Url = url, Queue = TestStorage.FastQueue(), Http = new HttpClientSettings { Tls = tls } };
        await storage.ConfigureAsync([endpoint], [], new WalOptions(), CancellationToken.None);
        return storage;
    }

    private static Sample[] OneSample() => [new Sample(LabelSet.From(("__name__", "tls_test")), 1_000, 1)];

    [Fact]
    public async Task Samples_arrive_over_TLS_with_the_configured_CA_server_name_and_client_certificate()
    {
        await using var receiver = new TlsWriteReceiver(Path.Combine(_test.Directory, "certs"));
        await using var storage = await StartAsync(receiver.Url, new TlsSettings
        {
            CaFile = receiver.CaFile,
            ServerName = TlsWriteReceiver.ServerName,
            CertFile = receiver.ClientCertFile,
            KeyFile = receiver.ClientKeyFile,
        });

        await storage.AppendAsync(OneSample(), CancellationToken.None);

        await Eventually.TrueAsync(() => receiver.Samples == 1, "the sample arrives over TLS", () => string.Join(" | ", _log.Messages.Take(2)));
        Assert.Equal("CN=rw client", receiver.ClientSubject);
    }

    [Fact]
    public async Task A_server_name_the_certificate_does_not_carry_is_refused()
    {
        await using var receiver = new TlsWriteReceiver(Path.Combine(_test.Directory, "certs"));
        using var metrics = new MetricCollector(_remoteName);
        await using var storage = await StartAsync(receiver.Url, new TlsSettings
        {
            CaFile = receiver.CaFile,
            ServerName = "someone-else.rw.test",
            CertFile = receiver.ClientCertFile,
            KeyFile = receiver.ClientKeyFile,
        });

        await storage.AppendAsync(OneSample(), CancellationToken.None);

        await Eventually.TrueAsync(() => metrics["prometheus_remote_storage_samples_retried_total"] >= 3, "the handshake fails repeatedly");
        Assert.Equal(0, receiver.Samples);
    }

    [Fact]
    public async Task An_untrusted_server_gets_nothing_until_verification_is_skipped()
    {
        await using var receiver = new TlsWriteReceiver(Path.Combine(_test.Directory, "certs"));
        using var metrics = new MetricCollector(_remoteName);
        await using (var strict = await StartAsync(receiver.Url, new TlsSettings
        {
            CertFile = receiver.ClientCertFile,
            KeyFile = receiver.ClientKeyFile,
        }))
        {
            await strict.AppendAsync(OneSample(), CancellationToken.None);
            await Eventually.TrueAsync(() => metrics["prometheus_remote_storage_samples_retried_total"] > 0, "the handshake fails and is retried");
            Assert.Equal(0, receiver.Samples);
        }

        await using var lax = await StartAsync(receiver.Url, new TlsSettings
        {
            CertFile = receiver.ClientCertFile,
            KeyFile = receiver.ClientKeyFile,
            InsecureSkipVerify = true,
        });
        await Eventually.TrueAsync(() => receiver.Samples == 1, "the WAL's sample arrives once verification is skipped");
    }

    public void Dispose() => _test.Dispose();
}
