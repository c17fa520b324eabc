using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.RemoteWrite.Wal;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace AlloyOrleans.Tests.RemoteWrite;

/// <summary>Series written once and referenced by id: across restarts, truncation and a torn definition.</summary>
public sealed class SeriesTableTests : IDisposable
{
    private readonly TestStorage _test = new();

    private static LabelSet Series(string metric, int i) => LabelSet.From(("__name__", metric), ("instance", $"host-{i}:9100"));

    private static async Task<List<Sample>> ReadAllAsync(WriteAheadLog wal, WalPosition from)
    {
        using var reader = wal.OpenReader(from);
        var samples = new List<Sample>();
        while (reader.Position < wal.Head)
        {
            samples.AddRange((await reader.ReadAsync(NullLogger.Instance, CancellationToken.None)).Samples);
        }
        return samples;
    }

    [Fact]
    public async Task Labels_are_written_once_per_series_and_resolved_after_a_restart()
    {
        var series = Enumerable.Range(0, 50).Select(i => Series("m", i)).ToArray();
        long firstRecord, secondRecord;
        await using (var wal = WriteAheadLog.Open(_test.Directory, NullLogger.Instance))
        {
            var first = await wal.AppendAsync(TestStorage.Scrape(series, 1_000, 1.5), CancellationToken.None);
            var second = await wal.AppendAsync(TestStorage.Scrape(series, 2_000, 2), CancellationToken.None);
            (firstRecord, secondRecord) = (first.Next.Offset - first.Start.Offset, second.Next.Offset - second.Start.Offset);
        }
        // Ids, one shared timestamp and small integer values: about two bytes per sample plus the frame.
        Assert.InRange(secondRecord, 50, 8 + 50 * 3 + 16);
        Assert.True(firstRecord > secondRecord, "1.5 is not an integer: the first scrape's values take 8 bytes each");

        await using var reopened = WriteAheadLog.Open(_test.Directory, NullLogger.Instance);
        var samples = await ReadAllAsync(reopened, new WalPosition(1, 0));
        Assert.Equal(series.Concat(series), samples.Select(s => s.Labels));
        Assert.Equal(Enumerable.Repeat(1.5, 50).Concat(Enumerable.Repeat(2.0, 50)), samples.Select(s => s.Value));
        Assert.Equal(Enumerable.Repeat(1_000L, 50).Concat(Enumerable.Repeat(2_000L, 50)), samples.Select(s => s.TimestampMs));

        // A series seen before the restart keeps its id: appending it again defines nothing new.
        var definitions = new FileInfo(Path.Combine(_test.Directory, SeriesTable.FileName)).Length;
        await reopened.AppendAsync(TestStorage.Scrape(series, 3_000, 3), CancellationToken.None);
        Assert.Equal(definitions, new FileInfo(Path.Combine(_test.Directory, SeriesTable.FileName)).Length);
    }

    [Fact]
    public async Task Two_logs_given_the_same_label_set_instances_each_name_them_by_their_own_ids()
    {
        // Every sample of a series carries one instance, and each log keeps its id on it (LabelSet.SeriesRef): a
        // second log, which numbers the series the other way round, overwrites that hint on every append.
        var series = Enumerable.Range(0, 20).Select(i => Series("shared", i)).ToArray();
        var other = new TestStorage();
        try
        {
            await using var first = WriteAheadLog.Open(_test.Directory, NullLogger.Instance);
            await using var second = WriteAheadLog.Open(other.Directory, NullLogger.Instance);
            await second.AppendAsync(TestStorage.Scrape([.. series.Reverse()], 500, 0), CancellationToken.None);
            for (var round = 1; round <= 3; round++)
            {
                await first.AppendAsync(TestStorage.Scrape(series, round * 1_000, round), CancellationToken.None);
                await second.AppendAsync(TestStorage.Scrape(series, round * 1_000, round), CancellationToken.None);
            }
            var expected = Enumerable.Range(1, 3).SelectMany(_ => series).ToArray();
            Assert.Equal(expected, (await ReadAllAsync(first, new WalPosition(1, 0))).Select(s => s.Labels));
            Assert.Equal([.. series.Reverse(), .. expected], (await ReadAllAsync(second, new WalPosition(1, 0))).Select(s => s.Labels));
            // An equal set that is another instance finds the same id: nothing is defined twice.
            var definitions = new FileInfo(Path.Combine(_test.Directory, SeriesTable.FileName)).Length;
            var copies = series.Select(s => LabelSet.From(s)).ToArray();
            await first.AppendAsync(TestStorage.Scrape(copies, 9_000, 9), CancellationToken.None);
            Assert.Equal(definitions, new FileInfo(Path.Combine(_test.Directory, SeriesTable.FileName)).Length);
        }
        finally
        {
            other.Dispose();
        }
    }

    [Fact]
    public async Task Values_of_every_kind_survive_the_compact_encoding()
    {
        double[] values = [0, -0.0, 1, -1, 42.5, 1e300, -1e-300, double.NaN, Sample.StaleNaN, double.PositiveInfinity,
            double.NegativeInfinity, 9007199254740992d, -9007199254740991d, long.MaxValue, 123456789012.25];
        var series = Series("kinds", 0);
        await using (var wal = WriteAheadLog.Open(_test.Directory, NullLogger.Instance))
        {
            // Out-of-order timestamps and a series repeated in one batch still decode exactly.
            await wal.AppendAsync([.. values.Select((v, i) => new Sample(series, 10_000 - i * 7, v))], CancellationToken.None);
        }
        await using var reopened = WriteAheadLog.Open(_test.Directory, NullLogger.Instance);
        var samples = await ReadAllAsync(reopened, new WalPosition(1, 0));
        Assert.Equal(values.Select(BitConverter.DoubleToInt64Bits), samples.Select(s => BitConverter.DoubleToInt64Bits(s.Value)));
        Assert.Equal(values.Select((_, i) => 10_000L - i * 7), samples.Select(s => s.TimestampMs));
    }

    [Fact]
    public async Task Series_gone_with_truncated_segments_are_forgotten_and_the_live_ones_survive_a_restart()
    {
        var old = Enumerable.Range(0, 40).Select(i => Series("old", i)).ToArray();
        var live = Enumerable.Range(0, 5).Select(i => Series("live", i)).ToArray();
        var path = Path.Combine(_test.Directory, SeriesTable.FileName);
        WalPosition liveStart;
        await using (var wal = WriteAheadLog.Open(_test.Directory, NullLogger.Instance, segmentBytes: 64))
        {
            await wal.AppendAsync(TestStorage.Scrape(old, 1_000, 1), CancellationToken.None);
            var before = new FileInfo(path).Length;
            liveStart = (await wal.AppendAsync(TestStorage.Scrape(live, 2_000, 2), CancellationToken.None)).Start;
            await wal.AppendAsync(TestStorage.Scrape(live, 3_000, 3), CancellationToken.None);
            Assert.True(liveStart.Segment > 1);

            await wal.TruncateAsync(liveStart, TimeSpan.Zero, TimeSpan.MaxValue, DateTime.UtcNow.AddMinutes(1), CancellationToken.None);

            Assert.Equal(5, wal.Series.Count);
            Assert.True(new FileInfo(path).Length < before / 4, "the series file is rewritten with the live series only");
        }
        await using var reopened = WriteAheadLog.Open(_test.Directory, NullLogger.Instance);
        var samples = await ReadAllAsync(reopened, reopened.Tail);
        Assert.Equal(live.Concat(live), samples.Select(s => s.Labels));
    }

    [Fact]
    public async Task A_torn_series_definition_is_cut_off_and_the_whole_ones_are_kept()
    {
        var series = Series("m", 0);
        await using (var wal = WriteAheadLog.Open(_test.Directory, NullLogger.Instance))
        {
            await wal.AppendAsync([new Sample(series, 1_000, 1)], CancellationToken.None);
        }
        var path = Path.Combine(_test.Directory, SeriesTable.FileName);
        var intact = new FileInfo(path).Length;
        await File.AppendAllBytesAsync(path, [0x30, 0x00, 0x00, 0x00, 0x01]); // a definition never finished

        await using var reopened = WriteAheadLog.Open(_test.Directory, NullLogger.Instance);
        Assert.Equal(intact, new FileInfo(path).Length);
        await reopened.AppendAsync([new Sample(Series("m", 1), 2_000, 2)], CancellationToken.None);
        var samples = await ReadAllAsync(reopened, new WalPosition(1, 0));
        Assert.Equal([series, Series("m", 1)], samples.Select(s => s.Labels));
    }

    [Fact]
    public async Task Segments_of_the_earlier_format_are_set_aside_rather_than_read_with_the_wrong_series()
    {
        await using (var wal = WriteAheadLog.Open(_test.Directory, NullLogger.Instance))
        {
            await wal.AppendAsync([new Sample(Series("m", 0), 1_000, 1)], CancellationToken.None);
        }
        File.Delete(Path.Combine(_test.Directory, SeriesTable.FileName)); // what a WAL written before the series file looks like

        await using var reopened = WriteAheadLog.Open(_test.Directory, NullLogger.Instance);
        Assert.True(File.Exists(WriteAheadLog.SegmentPath(_test.Directory, 1) + ".v1"));
        await reopened.AppendAsync([new Sample(Series("m", 1), 2_000, 2)], CancellationToken.None);
        var samples = await ReadAllAsync(reopened, reopened.Tail);
        Assert.Equal([Series("m", 1)], samples.Select(s => s.Labels));
    }

    public void Dispose() => _test.Dispose();
}
