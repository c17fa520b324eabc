using System.Globalization;

namespace AlloyOrleans.Silo.Commands;

/// <summary>
/// The flags of one operator command: <c>--name value</c> or <c>--name=value</c> for valued flags, bare
/// <c>--name</c> for switches. Unknown flags, repeated flags and stray arguments are errors, so a typo never
/// silently changes what the command answers.
/// </summary>
public sealed class CommandOptions
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _switches = new(StringComparer.Ordinal);

    private CommandOptions()
    {
    }

    public static bool WantsHelp(IReadOnlyList<string> args) => args.Any(a => a is "-h" or "--help");

    public static CommandOptions Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> valueFlags, IReadOnlyCollection<string> switches)
    {
        var options = new CommandOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new CommandLineException($"unexpected argument '{arg}'");
            }
            var equals = arg.IndexOf('=');
            var name = equals < 0 ? arg : arg[..equals];
            if (switches.Contains(name))
            {
                if (equals >= 0)
                {
                    throw new CommandLineException($"{name} takes no value");
                }
                options._switches.Add(name);
                continue;
            }
            if (!valueFlags.Contains(name))
            {
                throw new CommandLineException($"unknown flag {name}");
            }
            string value;
            if (equals >= 0)
            {
                value = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                throw new CommandLineException($"{name} needs a value");
            }
            if (!options._values.TryAdd(name, value))
            {
                throw new CommandLineException($"{name} given more than once");
            }
        }
        return options;
    }

    public bool Has(string flag) => _switches.Contains(flag);

    public string Required(string flag) =>
        _values.TryGetValue(flag, out var value) ? value : throw new CommandLineException($"{flag} is required");

    public string? Optional(string flag) => _values.GetValueOrDefault(flag);

    /// <summary>The flag's value, which must be one of <paramref name="choices"/>; <paramref name="fallback"/> when absent.</summary>
    public string Choice(string flag, string fallback, params string[] choices)
    {
        var value = Optional(flag) ?? fallback;
        return choices.Contains(value, StringComparer.Ordinal)
            ? value
            : throw new CommandLineException($"{flag}: '{value}' is not one of {string.Join(", ", choices)}");
    }

    public int RequiredInt(string flag, int min, int max) => ParseInt(flag, Required(flag), min, max);

    public int OptionalInt(string flag, int fallback, int min, int max) =>
        _values.TryGetValue(flag, out var value) ? ParseInt(flag, value, min, max) : fallback;

    private static int ParseInt(string flag, string text, int min, int max)
    {
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw new CommandLineException($"{flag}: '{text}' is not a whole number");
        }
        if (value < min || value > max)
        {
            throw new CommandLineException($"{flag}: {value} is out of range {min}..{max}");
        }
        return value;
    }
}
