using System.IO.Compression;
using System.Text;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Pyroscope;
using Xunit;

namespace AlloyOrleans.Tests.Pyroscope;

/// <summary>
/// Hostile or broken profile targets: a body that is not pprof, a gzip bomb, an error status, a target that hangs.
/// Each fails that target and profile type's scrape with a clear error; the other types of the same target and the
/// other targets are scraped and pushed as usual.
/// </summary>
public sealed class ProfileBadInputTests : IAsyncLifetime
{
    private const long Limit = 1 << 20;
    private PprofTargetServer _server = null!;

    public async Task InitializeAsync() => _server = await PprofTargetServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string, string> Broken() => new()
    {
        { "html", "not a pprof profile: " },
        { "text", "not a pprof profile: " },
        { "truncated-gzip", "invalid gzip data: " },
        { "gzip-bomb", $"decompressed profile larger than the limit of {Limit} bytes" },
        { "status-500", "server returned HTTP status (500) profiling is off" },
        { "empty", "empty goroutine profile from " },
        { "hang", "context deadline exceeded (timeout 1s)" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public async Task A_broken_profile_fails_only_its_own_target_and_type(string kind, string expectedError)
    {
        using var harness = new ProfileScrapeHarness(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), Limit);
        var specs = new ProfileTargetSpec[] { new("goroutine", "/debug/pprof/goroutine", false), new("memory", "/debug/pprof/allocs", false) };
        var targets = Enumerable.Range(0, 3)
            .SelectMany(i => harness.Targets(LabelSet.From(("__address__", _server.Address), ("target", i.ToString())), specs, $"/t/{i}"))
            .ToList();
        Break(1, "goroutine", kind);

        for (var round = 0; round < 2; round++)
        {
            foreach (var target in targets)
            {
                var report = await harness.ScrapeAsync(target);
                var broken = target.Labels.Get("target") == "1" && target.DiscoveredLabels.Get("__name__") == "goroutine";
                Assert.Equal(!broken, report.Up);
                if (broken)
                {
                    Assert.StartsWith(expectedError, report.Error);
                }
            }
        }

        var pushed = harness.Sink.Profiles.Select(p => (p.Labels.Get("target"), p.Labels.Get("__name__"))).ToList();
        // goroutine twice for targets 0 and 2, memory once (its first profile is the baseline) for all three.
        Assert.Equal(
            [("0", "goroutine"), ("0", "goroutine"), ("0", "memory"), ("1", "memory"), ("2", "goroutine"), ("2", "goroutine"), ("2", "memory")],
            pushed.Order());
    }

    [Fact]
    public void Gunzipping_a_bomb_allocates_about_the_limit_not_the_bomb()
    {
        var bomb = GzipOfZeros(256 << 20);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<ProfileFormatException>(() => ProfileDecoder.Decode(bomb, Limit));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.StartsWith("decompressed profile larger than the limit", error.Message);
        Assert.InRange(allocated, 0, 8 * Limit + bomb.Length);
    }

    private void Break(int id, string type, string kind)
    {
        switch (kind)
        {
            case "html":
                _server.Serve(id, type, Encoding.UTF8.GetBytes("<!DOCTYPE html><html><body>404 page not found</body></html>"));
                break;
            case "text":
                _server.Serve(id, type, Encoding.UTF8.GetBytes("goroutine profile: total 12\n1 @ 0x43a4d6 0x46d4a5\n"));
                break;
            case "truncated-gzip":
                var whole = SyntheticProfiles.HeapGzip(1, (0x10, 0x20, [1, 1, 1, 1]));
                _server.Serve(id, type, whole[..(whole.Length / 2)]);
                break;
            case "gzip-bomb":
                _server.Serve(id, type, GzipOfZeros(64 << 20));
                break;
            case "status-500":
                _server.Serve(id, type, Encoding.UTF8.GetBytes("profiling is off"), status: 500);
                break;
            case "empty":
                _server.Serve(id, type, []);
                break;
            case "hang":
                _server.Hang(id, type);
                break;
        }
    }

    private static byte[] GzipOfZeros(int length)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1 << 20];
            for (var written = 0; written < length; written += zeros.Length)
            {
                gzip.Write(zeros);
            }
        }
        return output.ToArray();
    }
}
