using System.Text;
using System.Text.RegularExpressions;

namespace AlloyOrleans.Grains.Discovery.Relabel;

/// <summary>
/// Expands a replacement template against a match the way Go's <c>regexp.Expand</c> does, which is what Prometheus
/// relabelling uses: <c>$1</c>, <c>${1}</c>, <c>$name</c>, <c>${name}</c>; <c>$$</c> is a literal dollar; a name is the
/// longest run of letters, digits and underscores (so <c>$1x</c> means the group named "1x"); a group that does not
/// exist or did not take part in the match expands to nothing; a malformed reference keeps the dollar as text.
/// </summary>
public sealed class GoRegexTemplate
{
    private readonly Part[] _parts;

    private GoRegexTemplate(Part[] parts, string? literal)
    {
        _parts = parts;
        Literal = literal;
    }

    /// <summary>The whole expansion when the template references no group (then expanding allocates nothing).</summary>
    public string? Literal { get; }

    /// <summary>The .NET group number when the template is exactly one group reference (<c>$1</c>), else null.</summary>
    public int? SingleGroup => _parts.Length == 1 && _parts[0].Text is null ? _parts[0].Group : null;

    /// <summary>True when the template contains a group reference; Prometheus' replace fast path keys on this.</summary>
    public bool HasReferences => Literal is null;

    public static GoRegexTemplate Parse(string template, RelabelRegex regex)
    {
        var parts = new List<Part>();
        var text = new StringBuilder();
        var i = 0;
        while (i < template.Length)
        {
            var c = template[i];
            if (c != '$')
            {
                text.Append(c);
                i++;
                continue;
            }
            if (i + 1 < template.Length && template[i + 1] == '$')
            {
                text.Append('$');
                i += 2;
                continue;
            }
            if (!TryExtractName(template, i + 1, out var name, out var next))
            {
                text.Append('$');
                i++;
                continue;
            }
            if (text.Length > 0)
            {
                parts.Add(new Part(text.ToString(), -1));
                text.Clear();
            }
            parts.Add(new Part(null, GroupIndex(name, regex)));
            i = next;
        }
        if (parts.Count == 0)
        {
            return new GoRegexTemplate([], text.ToString());
        }
        if (text.Length > 0)
        {
            parts.Add(new Part(text.ToString(), -1));
        }
        return new GoRegexTemplate(parts.ToArray(), null);
    }

    /// <summary>Expands the template against a successful match.</summary>
    public string Expand(Match match)
    {
        if (Literal is not null)
        {
            return Literal;
        }
        if (_parts.Length == 1)
        {
            return GroupValue(match, _parts[0].Group);
        }
        var builder = new StringBuilder();
        foreach (var part in _parts)
        {
            if (part.Text is not null)
            {
                builder.Append(part.Text);
            }
            else if (part.Group >= 0)
            {
                var group = match.Groups[part.Group];
                if (group.Success)
                {
                    builder.Append(group.ValueSpan);
                }
            }
        }
        return builder.ToString();
    }

    private static string GroupValue(Match match, int index)
    {
        if (index < 0)
        {
            return string.Empty;
        }
        var group = match.Groups[index];
        return group.Success ? group.Value : string.Empty;
    }

    /// <summary>Resolves a reference as Go does: all digits (no leading zero, below 1e8) is a number, else a name; -1 when absent.</summary>
    private static int GroupIndex(string name, RelabelRegex regex)
    {
        var number = 0;
        foreach (var c in name)
        {
            if (c is < '0' or > '9' || number >= 100_000_000)
            {
                number = -1;
                break;
            }
            number = number * 10 + (c - '0');
        }
        if (name.Length > 1 && name[0] == '0')
        {
            number = -1;
        }
        return number >= 0 ? regex.GroupFromGoNumber(number) : regex.GroupFromName(name);
    }

    private static bool TryExtractName(string template, int start, out string name, out int next)
    {
        name = string.Empty;
        next = start;
        if (start >= template.Length)
        {
            return false;
        }
        var brace = template[start] == '{';
        var i = brace ? start + 1 : start;
        var nameStart = i;
        while (i < template.Length && (char.IsLetterOrDigit(template[i]) || template[i] == '_'))
        {
            i++;
        }
        if (i == nameStart)
        {
            return false;
        }
        name = template[nameStart..i];
        if (brace)
        {
            if (i >= template.Length || template[i] != '}')
            {
                return false;
            }
            i++;
        }
        next = i;
        return true;
    }

    private readonly record struct Part(string? Text, int Group);
}
