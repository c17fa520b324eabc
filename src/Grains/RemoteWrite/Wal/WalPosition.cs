

namespace AlloyOrleans.Grains.RemoteWrite.Wal;

/// <summary>A place in the write-ahead log: a segment number and a byte offset inside it.</summary>
public readonly record struct WalPosition(int Segment, long Offset) : IComparable<WalPosition>
{
    public int CompareTo(WalPosition other) =>
        Segment != other.Segment ? Segment.CompareTo(other.Segment) : Offset.CompareTo(other.Offset);

    public static bool operator <(WalPosition a, WalPosition b) => a.CompareTo(b) < 0;

    public static bool operator >(WalPosition a, WalPosition b) => a.CompareTo(b) > 0;

    public static bool operator <=(WalPosition a, WalPosition b) => a.CompareTo(b) <= 0;

    public static bool operator >=(WalPosition a, WalPosition b) => a.CompareTo(b) >= 0;

    public override string ToString() => $"{Segment}:{Offset}";
}
