using System.Text;
using System.Text.RegularExpressions;

namespace AlloyOrleans.Grains.Discovery.File;

/// <summary>
/// Expands path patterns as Go's <c>filepath.Glob</c> does (which Prometheus' file discovery uses): per path
/// element, <c>*</c> matches any run of characters except the separator, <c>?</c> one character, <c>[a-z]</c> /
/// <c>[^a-z]</c> a class, and <c>\</c> escapes. Wildcards may appear in directory elements too.
/// </summary>
public static class FileGlob
{
    public static bool HasWildcard(string pattern) => pattern.AsSpan().IndexOfAny("*?[\\") >= 0;

    /// <summary>The existing files that match, sorted; a pattern without wildcards yields itself when it exists.</summary>
    public static IReadOnlyList<string> Expand(string pattern)
    {
        var fullPattern = Path.GetFullPath(pattern);
        if (!HasWildcard(fullPattern))
        {
            return System.IO.File.Exists(fullPattern) ? [fullPattern] : [];
        }
        var root = Path.GetPathRoot(fullPattern) ?? "/";
        var elements = fullPattern[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var matches = new List<string>();
        Walk(root, elements, 0, matches);
        matches.Sort(StringComparer.Ordinal);
        return matches;
    }

    /// <summary>The directory that holds a pattern's matches, when it has no wildcard (so it can be watched).</summary>
    public static string? StaticDirectory(string pattern)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(pattern));
        return directory is not null && !HasWildcard(directory) ? directory : null;
    }

    private static void Walk(string directory, string[] elements, int index, List<string> matches)
    {
        var element = elements[index];
        var last = index == elements.Length - 1;
        if (!HasWildcard(element))
        {
            var path = Path.Combine(directory, element);
            if (last ? System.IO.File.Exists(path) : Directory.Exists(path))
            {
                if (last)
                {
                    matches.Add(path);
                }
                else
                {
                    Walk(path, elements, index + 1, matches);
                }
            }
            return;
        }
        var regex = ToRegex(element);
        IEnumerable<string> entries;
        try
        {
            entries = last ? Directory.EnumerateFiles(directory) : Directory.EnumerateDirectories(directory);
            foreach (var entry in entries)
            {
                if (!regex.IsMatch(Path.GetFileName(entry)))
                {
                    continue;
                }
                if (last)
                {
                    matches.Add(entry);
                }
                else
                {
                    Walk(entry, elements, index + 1, matches);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Like Go's Glob, unreadable or vanished directories simply contribute no matches.
        }
    }

    private static Regex ToRegex(string element)
    {
        var builder = new StringBuilder("^");
        for (var i = 0; i < element.Length; i++)
        {
            var c = element[i];
            switch (c)
            {
                case '*':
                    builder.Append("[^/]*");
                    break;
                case '?':
                    builder.Append("[^/]");
                    break;
                case '\\' when i + 1 < element.Length:
                    builder.Append(Regex.Escape(element[++i].ToString()));
                    break;
                case '[':
                    var end = element.IndexOf(']', i + 2);
                    if (end < 0)
                    {
                        throw new ArgumentException($"syntax error in pattern {element}: unterminated character class");
                    }
                    var body = element[(i + 1)..end];
                    builder.Append('[');
                    if (body.StartsWith('^'))
                    {
                        builder.Append('^');
                        body = body[1..];
                    }
                    builder.Append(body.Replace("\\", "\\\\").Replace("[", "\\["));
                    builder.Append(']');
                    i = end;
                    break;
                default:
                    builder.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
        return new Regex(builder.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
