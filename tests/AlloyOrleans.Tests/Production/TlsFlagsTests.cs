using AlloyOrleans.Silo.Hosting;
using AlloyOrleans.Tests.Infrastructure;
using Xunit;

namespace AlloyOrleans.Tests.Production;

/// <summary>Bad TLS flags stop <c>run</c> before anything starts, with a message naming the flag.</summary>
public sealed class TlsFlagsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("alloy-orleans-tls-flags-").FullName;

    [Fact]
    public async Task A_missing_certificate_file_is_a_usage_error()
    {
        var error = await RunAsync("--cluster.tls-cert-path", Path.Combine(_directory, "absent.crt"), "--cluster.tls-key-path", Path.Combine(_directory, "absent.key"),
            "--cluster.tls-server-name", "silo.test");
        Assert.Contains("--cluster.tls-cert-path", error);
    }

    [Fact]
    public async Task A_CA_file_without_certificates_is_a_usage_error()
    {
        using var authority = new TestCertificates(_directory, "ca");
        var (certificate, key) = authority.Issue("silo", "silo.test");
        var empty = Path.Combine(_directory, "empty.pem");
        await File.WriteAllTextAsync(empty, "");
        var error = await RunAsync("--cluster.tls-cert-path", certificate, "--cluster.tls-key-path", key, "--cluster.tls-ca-path", empty);
        Assert.Contains("--cluster.tls-ca-path", error);
    }

    [Fact]
    public async Task Tls_without_a_key_is_a_usage_error()
    {
        var error = await RunAsync("--cluster.tls-cert-path", Path.Combine(_directory, "a.crt"));
        Assert.Contains("--cluster.tls-key-path", error);
    }

    private async Task<string> RunAsync(params string[] tlsArgs)
    {
        var config = Path.Combine(_directory, "config.alloy");
        await File.WriteAllTextAsync(config, "logging {\n  level = \"warn\"\n}\n");
        var error = new StringWriter();
        var exit = await RunCommand.RunAsync(["--cluster.enabled", "--server.http.listen-addr", $"127.0.0.1:{SiloProcess.FreePort()}", "--cluster.enable-tls", .. tlsArgs, config], error);
        Assert.Equal(1, exit);
        return error.ToString();
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
