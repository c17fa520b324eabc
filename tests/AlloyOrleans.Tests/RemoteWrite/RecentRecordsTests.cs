using AlloyOrleans.Grains.RemoteWrite.Wal;
using Xunit;

namespace AlloyOrleans.Tests.RemoteWrite;

/// <summary>The WAL's in-memory copy of its latest records: exact bytes across the ring's wrap, nothing stale.</summary>
public sealed class RecentRecordsTests
{
    private static byte[] Payload(int record, int length) => [.. Enumerable.Range(0, length).Select(i => (byte)(record * 31 + i))];

    private static WalPosition At(int record) => new(1, record * 1000L);

    [Fact]
    public void Records_that_wrap_around_the_ring_come_back_whole_and_overwritten_ones_are_not_offered()
    {
        var recent = new RecentRecords(capacityBytes: 100, maxRecords: 1000);
        for (var record = 0; record < 10; record++)
        {
            recent.Add(At(record), At(record + 1), Payload(record, 30)); // 300 bytes through a 100-byte ring
        }

        var buffer = new byte[4];
        for (var record = 0; record < 10; record++)
        {
            var held = recent.TryCopy(At(record), ref buffer, out var length, out var next);
            // Only the last three 30-byte records fit in 100 bytes; record 6 started 10 bytes before the window.
            Assert.Equal(record >= 7, held);
            if (held)
            {
                Assert.Equal(Payload(record, 30), buffer[..length]);
                Assert.Equal(At(record + 1), next);
            }
        }
    }

    [Fact]
    public void Past_the_record_limit_the_oldest_go_and_a_record_larger_than_the_ring_is_left_to_the_segment()
    {
        var recent = new RecentRecords(capacityBytes: 1000, maxRecords: 2);
        recent.Add(At(0), At(1), Payload(0, 10));
        recent.Add(At(1), At(2), Payload(1, 10));
        recent.Add(At(2), At(3), Payload(2, 10));
        recent.Add(At(3), At(4), Payload(3, 1001));

        var buffer = Array.Empty<byte>();
        Assert.False(recent.TryCopy(At(0), ref buffer, out _, out _));
        Assert.True(recent.TryCopy(At(1), ref buffer, out var length, out _));
        Assert.Equal(Payload(1, 10), buffer[..length]);
        Assert.True(recent.TryCopy(At(2), ref buffer, out _, out _));
        Assert.False(recent.TryCopy(At(3), ref buffer, out _, out _));
    }
}
