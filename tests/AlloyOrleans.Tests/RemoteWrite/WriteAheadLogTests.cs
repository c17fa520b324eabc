using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.RemoteWrite;
using AlloyOrleans.Grains.RemoteWrite.Queue;
using AlloyOrleans.Grains.RemoteWrite.Wal;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace AlloyOrleans.Tests.RemoteWrite;

public sealed class WriteAheadLogTests : IDisposable
{
    private readonly TestStorage _test = new();

    [Fact]
    public async Task A_torn_last_record_is_cut_off_and_the_records_before_it_are_kept()
    {
        var labels = LabelSet.From(("__name__", "m"), ("job", "j"));
        await using (var wal = WriteAheadLog.Open(_test.Directory, NullLogger.Instance))
        {
            for (var i = 0; i < 3; i++)
            {
                await wal.AppendAsync([new Sample(labels, i, i), new Sample(labels, i + 10, Sample.StaleNaN)], CancellationToken.None);
            }
        }
        var segment = WriteAheadLog.SegmentPath(_test.Directory, 1);
        var intact = new FileInfo(segment).Length;
        await File.AppendAllBytesAsync(segment, [0x40, 0x00, 0x00, 0x00, 0x12, 0x34]); // half a header of a record never finished

        await using var reopened = WriteAheadLog.Open(_test.Directory, NullLogger.Instance);
        Assert.Equal(intact, reopened.Head.Offset);
        using var reader = reopened.OpenReader(new WalPosition(reopened.Head.Segment, 0));
        for (var i = 0; i < 3; i++)
        {
            var record = await reader.ReadAsync(NullLogger.Instance, CancellationToken.None);
            Assert.Equal([(long)i, i + 10], record.Samples.Select(s => s.TimestampMs));
            Assert.Equal(labels, record.Samples[0].Labels);
            Assert.True(Sample.IsStaleNaN(record.Samples[1].Value));
        }
        Assert.Equal(reopened.Head, reader.Position);

        var appended = await reopened.AppendAsync([new Sample(labels, 99, 1)], CancellationToken.None);
        Assert.Equal(intact, appended.Start.Offset);
    }

    [Fact]
    public async Task A_record_with_a_bad_checksum_is_cut_off_with_everything_after_it()
    {
        var labels = LabelSet.From(("__name__", "m"));
        long secondStart;
        await using (var wal = WriteAheadLog.Open(_test.Directory, NullLogger.Instance))
        {
            await wal.AppendAsync([new Sample(labels, 1, 1)], CancellationToken.None);
            secondStart = (await wal.AppendAsync([new Sample(labels, 2, 2)], CancellationToken.None)).Start.Offset;
        }
        var segment = WriteAheadLog.SegmentPath(_test.Directory, 1);
        var bytes = await File.ReadAllBytesAsync(segment);
        bytes[^1] ^= 0xFF;
        await File.WriteAllBytesAsync(segment, bytes);

        await using var reopened = WriteAheadLog.Open(_test.Directory, NullLogger.Instance);
        Assert.Equal(secondStart, reopened.Head.Offset);
    }

    [Fact]
    public async Task A_zero_filled_tail_is_cut_off_like_a_torn_record()
    {
        var labels = LabelSet.From(("__name__", "m"));
        long intact;
        await using (var wal = WriteAheadLog.Open(_test.Directory, NullLogger.Instance))
        {
            intact = (await wal.AppendAsync([new Sample(labels, 1, 1)], CancellationToken.None)).Next.Offset;
        }
        // A crash can leave zeros where a record was about to go; CRC-32 of an empty payload is 0, so they look framed.
        var segment = WriteAheadLog.SegmentPath(_test.Directory, 1);
        await File.AppendAllBytesAsync(segment, new byte[64]);

        await using var reopened = WriteAheadLog.Open(_test.Directory, NullLogger.Instance);
        Assert.Equal(intact, reopened.Head.Offset);
        await reopened.AppendAsync([new Sample(labels, 2, 2)], CancellationToken.None);
        using var reader = reopened.OpenReader(new WalPosition(reopened.Head.Segment, 0));
        Assert.Equal(1, (await reader.ReadAsync(NullLogger.Instance, CancellationToken.None)).Samples.Single().TimestampMs);
        Assert.Equal(2, (await reader.ReadAsync(NullLogger.Instance, CancellationToken.None)).Samples.Single().TimestampMs);
    }

    [Fact]
    public async Task A_failed_append_is_cut_off_so_the_records_after_it_survive_a_restart()
    {
        var labels = LabelSet.From(("__name__", "m"));
        var files = new ScriptedSegmentFiles { FailingWrite = 2 }; // writes: the series definition, the first record, the second
        await using (var wal = WriteAheadLog.Open(_test.Directory, new WalOptions(), NullLogger.Instance, files))
        {
            await wal.AppendAsync([new Sample(labels, 1, 1)], CancellationToken.None);
            await Assert.ThrowsAsync<IOException>(async () => await wal.AppendAsync([new Sample(labels, 2, 2)], CancellationToken.None));
            await wal.AppendAsync([new Sample(labels, 3, 3)], CancellationToken.None);
        }

        await using var reopened = WriteAheadLog.Open(_test.Directory, NullLogger.Instance);
        using var reader = reopened.OpenReader(new WalPosition(1, 0));
        var timestamps = new List<long>();
        while (reader.Position < reopened.Head)
        {
            timestamps.AddRange((await reader.ReadAsync(NullLogger.Instance, CancellationToken.None)).Samples.Select(s => s.TimestampMs));
        }
        Assert.Equal([1L, 3L], timestamps);
    }

    public void Dispose() => _test.Dispose();
}
