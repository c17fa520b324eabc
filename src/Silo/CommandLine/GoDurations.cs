using System.Globalization;
using System.Text.RegularExpressions;

namespace AlloyOrleans.Silo.CommandLine;

/// <summary>Go duration strings as Alloy's flags take them: <c>300ms</c>, <c>30s</c>, <c>1m30s</c>, <c>2h</c>, <c>0</c>.</summary>
public static partial class GoDurations
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (text == "0")
        {
            return true;
        }
        var match = Pattern().Match(text);
        if (!match.Success)
        {
            return false;
        }
        foreach (Capture capture in match.Groups["part"].Captures)
        {
            var unitStart = capture.Value.IndexOfAny(['n', 'u', 'µ', 'm', 's', 'h']);
            var number = double.Parse(capture.Value[..unitStart], CultureInfo.InvariantCulture);
            duration += capture.Value[unitStart..] switch
            {
                "ns" => TimeSpan.FromTicks((long)(number / 100)),
                "us" or "µs" => TimeSpan.FromMicroseconds(number),
                "ms" => TimeSpan.FromMilliseconds(number),
                "s" => TimeSpan.FromSeconds(number),
                "m" => TimeSpan.FromMinutes(number),
                _ => TimeSpan.FromHours(number),
            };
        }
        return true;
    }

    [GeneratedRegex(@"^(?<part>\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$")]
    private static partial Regex Pattern();
}
