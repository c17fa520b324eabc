using System.Globalization;
using System.Text;

namespace AlloyOrleans.Silo.Configuration;

/// <summary>Go's duration strings (<c>15s</c>, <c>1m30s</c>, <c>1.5h</c>, <c>250ms</c>), which Alloy uses for every duration.</summary>
public static class GoDuration
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var s = text.AsSpan();
        var negative = false;
        if (s.Length > 0 && s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        if (s is "0")
        {
            return true;
        }
        if (s.Length == 0)
        {
            return false;
        }
        decimal totalNanoseconds = 0;
        while (s.Length > 0)
        {
            var numberLength = 0;
            while (numberLength < s.Length && (char.IsAsciiDigit(s[numberLength]) || s[numberLength] == '.'))
            {
                numberLength++;
            }
            if (numberLength == 0 || !decimal.TryParse(s[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }
            s = s[numberLength..];
            var unitLength = 0;
            while (unitLength < s.Length && !char.IsAsciiDigit(s[unitLength]) && s[unitLength] != '.')
            {
                unitLength++;
            }
            decimal? nanosecondsPerUnit = s[..unitLength] switch
            {
                "ns" => 1m,
                "us" or "µs" or "μs" => 1_000m,
                "ms" => 1_000_000m,
                "s" => 1_000_000_000m,
                "m" => 60_000_000_000m,
                "h" => 3_600_000_000_000m,
                _ => null,
            };
            if (nanosecondsPerUnit is null)
            {
                return false;
            }
            totalNanoseconds += number * nanosecondsPerUnit.Value;
            s = s[unitLength..];
        }
        var ticks = totalNanoseconds / 100m;
        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }
        duration = TimeSpan.FromTicks((long)(negative ? -ticks : ticks));
        return true;
    }

    /// <summary>Formats as Go's <c>Duration.String</c> does: <c>1h2m3s</c>, <c>1m30s</c>, <c>500ms</c>, <c>0s</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero)
        {
            return "0s";
        }
        var builder = new StringBuilder();
        if (duration < TimeSpan.Zero)
        {
            builder.Append('-');
            duration = duration.Negate();
        }
        if (duration < TimeSpan.FromSeconds(1))
        {
            var nanoseconds = duration.Ticks * 100;
            return builder.Append(nanoseconds switch
            {
                < 1_000 => $"{nanoseconds}ns",
                < 1_000_000 => Trim(nanoseconds / 1_000m) + "µs",
                _ => Trim(nanoseconds / 1_000_000m) + "ms",
            }).ToString();
        }
        var hours = (long)duration.TotalHours;
        if (hours > 0)
        {
            builder.Append(hours).Append('h');
        }
        if (hours > 0 || duration.Minutes > 0)
        {
            builder.Append(duration.Minutes).Append('m');
        }
        var seconds = duration.Seconds + (duration.Ticks % TimeSpan.TicksPerSecond) / (decimal)TimeSpan.TicksPerSecond;
        return builder.Append(Trim(seconds)).Append('s').ToString();
    }

    private static string Trim(decimal value) => value.ToString("0.#########", CultureInfo.InvariantCulture);
}
