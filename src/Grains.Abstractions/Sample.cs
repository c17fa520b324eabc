namespace AlloyOrleans.Grains.Abstractions;

/// <summary>One sample of one series: labels, a timestamp in Unix milliseconds and a value.</summary>
public readonly record struct Sample(LabelSet Labels, long TimestampMs, double Value)
{
    /// <summary>Prometheus' staleness marker: a NaN with this exact bit pattern ends a series.</summary>
    public const ulong StaleNaNBits = 0x7ff0000000000002;

    public static double StaleNaN => BitConverter.UInt64BitsToDouble(StaleNaNBits);

    public static bool IsStaleNaN(double value) => BitConverter.DoubleToUInt64Bits(value) == StaleNaNBits;
}
