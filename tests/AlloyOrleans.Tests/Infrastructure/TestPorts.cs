using System.Net;
using System.Net.Sockets;

namespace AlloyOrleans.Tests.Infrastructure;

/// <summary>
/// Ports for servers the tests start (silos, Prometheus, targets). Taken below the kernel's ephemeral range
/// (32768–60999 here): a port the OS handed out with bind(0) and that the test then passes to a child process can be
/// taken meanwhile by any outgoing connection, which with eight silos starting at once happened ("address already in
/// use"). Outside that range only another listener can take it. Each test process starts at its own offset.
/// </summary>
public static class TestPorts
{
    private const int First = 20_000;
    private const int Count = 12_000;
    private static int _next = Random.Shared.Next(Count);

    /// <summary>A loopback port nothing listens on now, not handed out before by this process.</summary>
    public static int Next()
    {
        for (var attempt = 0; attempt < Count; attempt++)
        {
            var port = First + (int)((uint)Interlocked.Increment(ref _next) % Count);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // in use: try the next one
            }
        }
        throw new InvalidOperationException($"no free loopback port in {First}-{First + Count - 1}");
    }
}
