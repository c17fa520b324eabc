using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AlloyOrleans.Tests.Discovery;

/// <summary>
/// A minimal authoritative DNS server on 127.0.0.1 (UDP) for tests: answers A, AAAA, SRV and MX questions from a
/// table the test can change, NXDOMAIN for unknown names, and SERVFAIL while <see cref="Failing"/> is set.
/// </summary>
internal sealed class TinyDnsServer : IAsyncDisposable
{
    private const ushort TypeA = 1, TypeMx = 15, TypeAaaa = 28, TypeSrv = 33;

    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private volatile IReadOnlyDictionary<string, IReadOnlyList<Record>> _records = new Dictionary<string, IReadOnlyList<Record>>();
    private int _queries;

    public TinyDnsServer() => _loop = Task.Run(LoopAsync);

    public IPEndPoint EndPoint => (IPEndPoint)_socket.Client.LocalEndPoint!;

    public volatile bool Failing;

    public int Queries => Volatile.Read(ref _queries);

    /// <summary>Replaces the answers; names are lower case and without the trailing dot.</summary>
    public void SetRecords(IReadOnlyDictionary<string, IReadOnlyList<Record>> records) => _records = records;

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult request;
            try
            {
                request = await _socket.ReceiveAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            Interlocked.Increment(ref _queries);
            var response = Answer(request.Buffer);
            if (response is not null)
            {
                await _socket.SendAsync(response, request.RemoteEndPoint);
            }
        }
    }

    private byte[]? Answer(byte[] query)
    {
        if (query.Length < 12)
        {
            return null;
        }
        // Question: labels up to the root, then type and class.
        var offset = 12;
        var name = new StringBuilder();
        while (query[offset] != 0)
        {
            var length = query[offset];
            if (name.Length > 0)
            {
                name.Append('.');
            }
            name.Append(Encoding.ASCII.GetString(query, offset + 1, length));
            offset += length + 1;
        }
        offset++;
        var type = BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(offset));
        var questionEnd = offset + 4;

        var answers = new List<byte[]>();
        var rcode = 0;
        if (Failing)
        {
            rcode = 2;
        }
        else if (_records.TryGetValue(name.ToString().ToLowerInvariant(), out var records))
        {
            answers.AddRange(records.Where(r => r.Type == type).Select(r => r.Data));
        }
        else
        {
            rcode = 3;
        }

        var response = new List<byte>();
        response.AddRange(query.AsSpan(0, 2).ToArray());
        response.AddRange([0x85, (byte)(0x80 | rcode)]);
        response.AddRange([0, 1, (byte)(answers.Count >> 8), (byte)answers.Count, 0, 0, 0, 0]);
        response.AddRange(query.AsSpan(12, questionEnd - 12).ToArray());
        foreach (var data in answers)
        {
            response.AddRange([0xC0, 0x0C, (byte)(type >> 8), (byte)type, 0, 1, 0, 0, 0, 30, (byte)(data.Length >> 8), (byte)data.Length]);
            response.AddRange(data);
        }
        return response.ToArray();
    }

    public sealed record Record(ushort Type, byte[] Data)
    {
        public static Record A(string address) => new(TypeA, IPAddress.Parse(address).GetAddressBytes());

        public static Record Aaaa(string address) => new(TypeAaaa, IPAddress.Parse(address).GetAddressBytes());

        public static Record Srv(ushort priority, ushort weight, ushort port, string target)
        {
            var data = new List<byte> { (byte)(priority >> 8), (byte)priority, (byte)(weight >> 8), (byte)weight, (byte)(port >> 8), (byte)port };
            data.AddRange(EncodeName(target));
            return new Record(TypeSrv, data.ToArray());
        }

        public static Record Mx(ushort preference, string exchange)
        {
            var data = new List<byte> { (byte)(preference >> 8), (byte)preference };
            data.AddRange(EncodeName(exchange));
            return new Record(TypeMx, data.ToArray());
        }

        private static byte[] EncodeName(string name)
        {
            var bytes = new List<byte>();
            foreach (var label in name.TrimEnd('.').Split('.'))
            {
                bytes.Add((byte)label.Length);
                bytes.AddRange(Encoding.ASCII.GetBytes(label));
            }
            bytes.Add(0);
            return bytes.ToArray();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        await _loop;
    }
}
