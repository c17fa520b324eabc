using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.RemoteWrite.Wal;

/// <summary>One appended batch of samples, where it starts in the log and where the next record starts.</summary>
public sealed record WalRecord(WalPosition Start, WalPosition Next, IReadOnlyList<Sample> Samples);
