using System.Globalization;
using System.Text.RegularExpressions;

namespace AlloyOrleans.Grains.Components.Prometheus.Operator;

/// <summary>Prometheus' duration syntax as the monitor CRDs use it (<c>30s</c>, <c>1m30s</c>, <c>1h</c>, <c>500ms</c>, <c>1d</c>).</summary>
public static partial class PrometheusDuration
{
    private static readonly (string Unit, TimeSpan Length)[] Units =
    [
        ("y", TimeSpan.FromDays(365)), ("w", TimeSpan.FromDays(7)), ("d", TimeSpan.FromDays(1)), ("h", TimeSpan.FromHours(1)),
        ("m", TimeSpan.FromMinutes(1)), ("s", TimeSpan.FromSeconds(1)), ("ms", TimeSpan.FromMilliseconds(1)),
    ];

    public static TimeSpan Parse(string text)
    {
        var match = Syntax().Match(text);
        if (!match.Success || text == "")
        {
            throw new FormatException($"invalid duration \"{text}\"");
        }
        var total = TimeSpan.Zero;
        for (var i = 0; i < Units.Length; i++)
        {
            if (match.Groups[i + 1].Success)
            {
                total += Units[i].Length * long.Parse(match.Groups[i + 1].Value, CultureInfo.InvariantCulture);
            }
        }
        return total;
    }

    [GeneratedRegex(@"^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$")]
    private static partial Regex Syntax();
}
