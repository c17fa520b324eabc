using System.Globalization;
using AlloyOrleans.Silo.Configuration;

namespace AlloyOrleans.Silo.CommandLine;

/// <summary>
/// Reads Alloy-style flags (<c>--name=value</c>, <c>--name value</c>, a bare <c>--flag</c> for true) and the
/// positional arguments around them. Each flag is declared with a setter; an unknown flag or a bad value is a
/// <see cref="UsageException"/> naming the flag.
/// </summary>
public sealed class FlagReader
{
    private readonly Dictionary<string, (bool IsBool, Action<string> Set)> _flags = new(StringComparer.Ordinal);

    public FlagReader String(string name, Action<string> set)
    {
        _flags[name] = (false, set);
        return this;
    }

    public FlagReader Bool(string name, Action<bool> set)
    {
        _flags[name] = (true, value => set(value switch
        {
            "true" or "1" => true,
            "false" or "0" => false,
            _ => throw new UsageException($"invalid boolean value \"{value}\" for flag --{name}"),
        }));
        return this;
    }

    public FlagReader Int(string name, Action<int> set) =>
        String(name, value => set(int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) && parsed >= 0
            ? parsed
            : throw new UsageException($"invalid value \"{value}\" for flag --{name}: expected a non-negative integer")));

    public FlagReader Duration(string name, Action<TimeSpan> set) =>
        String(name, value => set(GoDuration.TryParse(value, out var parsed)
            ? parsed
            : throw new UsageException($"invalid value \"{value}\" for flag --{name}: expected a duration such as 30s or 1m")));

    /// <summary>Applies every flag and returns the positional arguments in order.</summary>
    public IReadOnlyList<string> Parse(IReadOnlyList<string> args)
    {
        var positional = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-') || arg == "-")
            {
                positional.Add(arg);
                continue;
            }
            var body = arg.TrimStart('-');
            var equals = body.IndexOf('=');
            var name = equals >= 0 ? body[..equals] : body;
            if (!_flags.TryGetValue(name, out var flag))
            {
                throw new UsageException($"unknown flag: --{name}");
            }
            string value;
            if (equals >= 0)
            {
                value = body[(equals + 1)..];
            }
            else if (flag.IsBool)
            {
                value = "true";
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                throw new UsageException($"flag needs an argument: --{name}");
            }
            flag.Set(value);
        }
        return positional;
    }
}
