using AlloyOrleans.Grains.RemoteWrite.Wal;
using Xunit;

namespace AlloyOrleans.Tests.RemoteWrite;

/// <summary>The WAL tables' chunked arrays keep every element through growth and answer beyond their length.</summary>
public sealed class ChunkedArrayTests
{
    [Fact]
    public void Growing_keeps_every_element_where_it_was()
    {
        var array = new ChunkedArray<int>(1);
        Assert.Equal(8192, array.Length);
        for (var i = 0; i < 50_000; i++)
        {
            array.EnsureLength(i + 1);
            array[i] = i * 3 + 1;
        }

        Assert.Equal(57_344, array.Length); // 7 chunks: whole chunks, not a doubling
        for (var i = 0; i < 50_000; i++)
        {
            Assert.Equal(i * 3 + 1, array[i]);
        }
        Assert.Equal(0, array[50_000]);
        Assert.Equal(0, array.GetOrDefault(57_344));
        Assert.Equal(0, array.GetOrDefault(-1));
        Assert.Equal(49_999 * 3 + 1, array.GetOrDefault(49_999));
    }
}
