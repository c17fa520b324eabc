using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace AlloyOrleans.Tests.RemoteWrite;

/// <summary>
/// An HTTPS remote write receiver on loopback built from a TcpListener and an SslStream, with its own CA: a server
/// certificate for <see cref="ServerName"/> (not for 127.0.0.1, so only <c>server_name</c> makes it match) and a
/// client certificate it requires. Answers every request 204 and records how many samples it got and from whom.
/// </summary>
public sealed class TlsWriteReceiver : IAsyncDisposable
{
    public const string ServerName = "receiver.rw.test";

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2 _serverCertificate;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _samples;

    public TlsWriteReceiver(string directory)
    {
        Directory.CreateDirectory(directory);
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=rw test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        CaFile = Path.Combine(directory, "ca.pem");
        File.WriteAllText(CaFile, ca.ExportCertificatePem());

        _serverCertificate = Issue(ca, "CN=" + ServerName, ServerName, serverAuth: true);
        using var client = Issue(ca, "CN=rw client", null, serverAuth: false);
        ClientCertFile = Path.Combine(directory, "client.pem");
        ClientKeyFile = Path.Combine(directory, "client.key");
        File.WriteAllText(ClientCertFile, client.ExportCertificatePem());
        File.WriteAllText(ClientKeyFile, client.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());

        _listener.Start();
        Url = new Uri($"https://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/api/v1/write");
        _loop = Task.Run(ServeAsync);
    }

    public Uri Url { get; }

    public string CaFile { get; }

    public string ClientCertFile { get; }

    public string ClientKeyFile { get; }

    public int Samples => Volatile.Read(ref _samples);

    /// <summary>The subject of the client certificate of the last accepted request.</summary>
    public string? ClientSubject { get; private set; }

    private static X509Certificate2 Issue(X509Certificate2 ca, string subject, string? dnsName, bool serverAuth)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (dnsName is not null)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddDnsName(dnsName);
            request.CertificateExtensions.Add(san.Build());
        }
        var serial = RandomNumberGenerator.GetBytes(8);
        using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), serial);
        return issued.CopyWithPrivateKey(key);
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            _ = Task.Run(() => AnswerAsync(client));
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            await using var tls = new SslStream(client.GetStream());
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = _serverCertificate,
                ClientCertificateRequired = true,
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null,
            }, _stop.Token);
            var body = await ReadRequestBodyAsync(tls);
            Interlocked.Add(ref _samples, WriteRequestDecoder.DecodeCompressed(body).Sum(s => s.Samples.Count));
            ClientSubject = tls.RemoteCertificate?.Subject;
            await tls.WriteAsync("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
        {
            // A client that does not trust us hangs up during the handshake: that is the point of some tests.
        }
    }

    private static async Task<byte[]> ReadRequestBodyAsync(Stream stream)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 4 || !(head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await stream.ReadAsync(one) == 0)
            {
                throw new IOException("connection closed inside the request head");
            }
            head.Add(one[0]);
        }
        var lengthLine = Encoding.ASCII.GetString(head.ToArray()).Split("\r\n")
            .First(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        var body = new byte[int.Parse(lengthLine["Content-Length:".Length..].Trim())];
        await stream.ReadExactlyAsync(body);
        return body;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _serverCertificate.Dispose();
        _stop.Dispose();
    }
}
