using System.Text.RegularExpressions;

namespace AlloyOrleans.Grains.Discovery.Relabel;

/// <summary>
/// A relabel regular expression, anchored at both ends with dot matching newlines as Prometheus does
/// (<c>^(?s:expr)$</c>), translated from Go's RE2 spelling where .NET differs: <c>(?P&lt;name&gt;…)</c> groups, and
/// group numbers, which Go assigns strictly left to right while .NET numbers named groups after unnamed ones.
/// </summary>
public sealed class RelabelRegex
{
    public const string DefaultPattern = "(.*)";

    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    private readonly int[] _goGroupToDotNet;

    /// <summary>Characters that make a pattern more than a literal string.</summary>
    private static readonly System.Buffers.SearchValues<char> Metacharacters = System.Buffers.SearchValues.Create(@"\.+*?()|[]{}^$");

    /// <summary>Set when the pattern is a plain string (matches only itself): compared without the regex engine.</summary>
    private readonly string? _literal;

    /// <summary>Set when the pattern is a plain string followed by <c>.*</c>: a prefix test.</summary>
    private readonly string? _prefix;

    private RelabelRegex(string pattern, Regex regex, int[] goGroupToDotNet)
    {
        Pattern = pattern;
        Regex = regex;
        _goGroupToDotNet = goGroupToDotNet;
        if (pattern.AsSpan().IndexOfAny(Metacharacters) < 0)
        {
            _literal = pattern;
        }
        else if (pattern.EndsWith(".*", StringComparison.Ordinal) && pattern.AsSpan(0, pattern.Length - 2).IndexOfAny(Metacharacters) < 0)
        {
            _prefix = pattern[..^2];
        }
    }

    /// <summary>The pattern as the user wrote it.</summary>
    public string Pattern { get; }

    /// <summary>The anchored, compiled expression.</summary>
    public Regex Regex { get; }

    public bool IsDefault => Pattern == DefaultPattern;

    /// <summary>Compiles <paramref name="pattern"/>; throws <see cref="ArgumentException"/> when it is not a valid expression.</summary>
    public static RelabelRegex Create(string pattern)
    {
        var translated = pattern.Replace("(?P<", "(?<", StringComparison.Ordinal);
        var regex = new Regex(
            "^(?s:" + translated + @")\z",
            RegexOptions.Compiled | RegexOptions.CultureInvariant,
            MatchTimeout);
        return new RelabelRegex(pattern, regex, GoGroupOrder(translated, regex));
    }

    /// <summary>Whether the whole of <paramref name="value"/> matches (plain strings and prefixes skip the regex engine).</summary>
    public bool IsMatch(ReadOnlySpan<char> value)
    {
        if (_literal is not null)
        {
            return value.SequenceEqual(_literal);
        }
        if (_prefix is not null)
        {
            return value.StartsWith(_prefix, StringComparison.Ordinal);
        }
        return Regex.IsMatch(value);
    }

    /// <summary>The .NET group number of Go's group <paramref name="number"/>, or -1 when there is no such group.</summary>
    public int GroupFromGoNumber(int number) =>
        number < _goGroupToDotNet.Length ? _goGroupToDotNet[number] : -1;

    /// <summary>The .NET group number of a named group, or -1 when there is none.</summary>
    public int GroupFromName(string name) => Regex.GroupNumberFromName(name);

    /// <summary>Lists the capturing groups in order of their opening parenthesis, as Go numbers them.</summary>
    private static int[] GoGroupOrder(string pattern, Regex regex)
    {
        var order = new List<int> { 0 };
        var unnamed = 0;
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                i++;
                continue;
            }
            if (inClass)
            {
                inClass = c != ']';
                continue;
            }
            if (c == '[')
            {
                inClass = true;
                // A ']' right after '[' or '[^' is a literal member of the class.
                if (i + 1 < pattern.Length && pattern[i + 1] == '^')
                {
                    i++;
                }
                if (i + 1 < pattern.Length && pattern[i + 1] == ']')
                {
                    i++;
                }
                continue;
            }
            if (c != '(')
            {
                continue;
            }
            if (i + 1 < pattern.Length && pattern[i + 1] == '?')
            {
                if (i + 2 < pattern.Length && pattern[i + 2] == '<' && i + 3 < pattern.Length && pattern[i + 3] is not ('=' or '!'))
                {
                    var end = pattern.IndexOf('>', i + 3);
                    order.Add(regex.GroupNumberFromName(pattern[(i + 3)..end]));
                }
                continue;
            }
            order.Add(++unnamed);
        }
        return order.ToArray();
    }
}
