using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace AlloyOrleans.Silo.Syntax;

/// <summary>
/// The standard library Alloy users reach for, as a scope of namespaces (<c>sys</c>, <c>constants</c>, <c>array</c>,
/// <c>string</c>, <c>encoding</c>, <c>file</c>) and top-level functions (<c>coalesce</c>), plus the deprecated spellings
/// <c>env</c>, <c>concat</c>, <c>format</c> and <c>json_decode</c>.
/// </summary>
public static class StandardLibrary
{
    /// <summary>The names the library takes at the top level; a component cannot be referenced through them.</summary>
    public static IReadOnlyDictionary<string, AlloyValue> Create(Func<string, string?>? environment = null, string? hostname = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var env = Function(args =>
        {
            Arity(args, 1);
            return AlloyValue.String(environment(String(args, 0)) ?? "");
        });
        var concat = Function(args =>
        {
            var all = new List<AlloyValue>();
            for (var i = 0; i < args.Count; i++)
            {
                all.AddRange(Argument(args, i, ValueKind.Array).AsArray());
            }
            return AlloyValue.Array(all);
        });
        var format = Function(args =>
        {
            if (args.Count < 1)
            {
                throw new ValueException("expected at least 1 argument, got 0");
            }
            return AlloyValue.String(GoFormat.Format(String(args, 0), args.Skip(1).ToArray()));
        });
        var fromJson = Function(args =>
        {
            Arity(args, 1);
            try
            {
                using var document = JsonDocument.Parse(String(args, 0));
                return FromJson(document.RootElement);
            }
            catch (JsonException e)
            {
                throw new ValueException($"invalid JSON: {e.Message}", 0);
            }
        });

        return new Dictionary<string, AlloyValue>(StringComparer.Ordinal)
        {
            ["sys"] = Namespace(("env", env)),
            ["constants"] = Namespace(
                ("hostname", AlloyValue.String(hostname ?? Environment.MachineName)),
                ("os", AlloyValue.String(GoOperatingSystem())),
                ("arch", AlloyValue.String(GoArchitecture()))),
            ["array"] = Namespace(("concat", concat)),
            ["string"] = Namespace(
                ("format", format),
                ("join", Function(args =>
                {
                    Arity(args, 2);
                    var elements = Argument(args, 0, ValueKind.Array).AsArray();
                    return AlloyValue.String(string.Join(String(args, 1), elements.Select((e, i) =>
                        e.Kind == ValueKind.String ? e.AsString() : throw new ValueException($"element {i}: expected string, got {e.Kind.Describe()}", 0))));
                })),
                ("to_lower", StringFunction(s => s.ToLowerInvariant())),
                ("to_upper", StringFunction(s => s.ToUpperInvariant())),
                ("trim_space", StringFunction(s => s.Trim())),
                ("trim", Function(args =>
                {
                    Arity(args, 2);
                    return AlloyValue.String(String(args, 0).Trim(String(args, 1).ToCharArray()));
                })),
                ("trim_prefix", Function(args =>
                {
                    Arity(args, 2);
                    var (s, prefix) = (String(args, 0), String(args, 1));
                    return AlloyValue.String(s.StartsWith(prefix, StringComparison.Ordinal) ? s[prefix.Length..] : s);
                })),
                ("trim_suffix", Function(args =>
                {
                    Arity(args, 2);
                    var (s, suffix) = (String(args, 0), String(args, 1));
                    return AlloyValue.String(s.EndsWith(suffix, StringComparison.Ordinal) ? s[..^suffix.Length] : s);
                })),
                ("split", Function(args =>
                {
                    Arity(args, 2);
                    var (s, separator) = (String(args, 0), String(args, 1));
                    var parts = separator.Length == 0
                        ? s.EnumerateRunes().Select(r => r.ToString()).ToArray()
                        : s.Split(separator);
                    return AlloyValue.Array(parts.Select(AlloyValue.String).ToArray());
                })),
                ("replace", Function(args =>
                {
                    Arity(args, 3);
                    var old = String(args, 1);
                    return AlloyValue.String(old.Length == 0 ? String(args, 0) : String(args, 0).Replace(old, String(args, 2), StringComparison.Ordinal));
                }))),
            ["encoding"] = Namespace(
                ("from_json", fromJson),
                ("from_base64", Function(args =>
                {
                    Arity(args, 1);
                    try
                    {
                        return AlloyValue.String(Encoding.UTF8.GetString(Convert.FromBase64String(String(args, 0))));
                    }
                    catch (FormatException)
                    {
                        throw new ValueException("illegal base64 data", 0);
                    }
                }))),
            ["file"] = Namespace(("path_join", Function(args =>
            {
                var parts = new string[args.Count];
                for (var i = 0; i < args.Count; i++)
                {
                    parts[i] = String(args, i);
                }
                return AlloyValue.String(CleanPath(string.Join('/', parts.Where(p => p.Length > 0))));
            }))),
            ["coalesce"] = Function(Coalesce),
            ["env"] = env,
            ["concat"] = concat,
            ["format"] = format,
            ["json_decode"] = fromJson,
        };
    }

    /// <summary>The name under which a module sees its own directory (Alloy's <c>module_path</c>).</summary>
    public const string ModulePath = "module_path";

    /// <summary><paramref name="library"/> plus <c>module_path</c>: the directory of the module being evaluated.</summary>
    public static IReadOnlyDictionary<string, AlloyValue> WithModulePath(IReadOnlyDictionary<string, AlloyValue> library, string directory) =>
        new Dictionary<string, AlloyValue>(library, StringComparer.Ordinal) { [ModulePath] = AlloyValue.String(directory) };

    /// <summary>Go's <c>path.Clean</c>: no empty, <c>.</c> or resolvable <c>..</c> segments (what <c>file.path_join</c> returns).</summary>
    public static string CleanPath(string path)
    {
        if (path.Length == 0)
        {
            return ".";
        }
        var rooted = path.StartsWith('/');
        var segments = new List<string>();
        foreach (var segment in path.Split('/'))
        {
            if (segment is "" or ".")
            {
                continue;
            }
            if (segment == ".." && segments.Count > 0 && segments[^1] != "..")
            {
                segments.RemoveAt(segments.Count - 1);
            }
            else if (segment != ".." || !rooted)
            {
                segments.Add(segment);
            }
        }
        var joined = string.Join('/', segments);
        return rooted ? "/" + joined : joined.Length == 0 ? "." : joined;
    }

    /// <summary>The first argument that is neither null nor its type's zero value (empty, 0, false); else the last one.</summary>
    private static AlloyValue Coalesce(IReadOnlyList<AlloyValue> args)
    {
        foreach (var value in args)
        {
            var empty = value.Kind switch
            {
                ValueKind.Null => true,
                ValueKind.String => value.AsString().Length == 0,
                ValueKind.Number => value.AsDouble() == 0,
                ValueKind.Bool => !value.AsBool(),
                ValueKind.Array => value.AsArray().Count == 0,
                ValueKind.Object => value.AsObject().Count == 0,
                _ => false,
            };
            if (!empty)
            {
                return value;
            }
        }
        return args.Count > 0 ? args[^1] : AlloyValue.Null;
    }

    public static AlloyValue FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => AlloyValue.Object(element.EnumerateObject().Aggregate(
            new OrderedDictionary<string, AlloyValue>(StringComparer.Ordinal),
            (fields, property) =>
            {
                fields[property.Name] = FromJson(property.Value);
                return fields;
            })),
        JsonValueKind.Array => AlloyValue.Array(element.EnumerateArray().Select(FromJson).ToArray()),
        JsonValueKind.String => AlloyValue.String(element.GetString()!),
        JsonValueKind.Number => element.TryGetInt64(out var integer) ? AlloyValue.Int(integer) : AlloyValue.Float(element.GetDouble()),
        JsonValueKind.True => AlloyValue.True,
        JsonValueKind.False => AlloyValue.False,
        _ => AlloyValue.Null,
    };

    private static AlloyValue Namespace(params (string Name, AlloyValue Value)[] members)
    {
        var fields = new OrderedDictionary<string, AlloyValue>(StringComparer.Ordinal);
        foreach (var (name, value) in members)
        {
            fields[name] = value;
        }
        return AlloyValue.Object(fields);
    }

    private static AlloyValue Function(AlloyFunction function) => AlloyValue.Function(function);

    private static AlloyValue StringFunction(Func<string, string> transform) => Function(args =>
    {
        Arity(args, 1);
        return AlloyValue.String(transform(String(args, 0)));
    });

    private static void Arity(IReadOnlyList<AlloyValue> args, int count)
    {
        if (args.Count != count)
        {
            throw new ValueException($"expected {count} argument{(count == 1 ? "" : "s")}, got {args.Count}");
        }
    }

    private static AlloyValue Argument(IReadOnlyList<AlloyValue> args, int index, ValueKind kind) =>
        args[index].Kind == kind
            ? args[index]
            : throw new ValueException($"expected {kind.Describe()}, got {args[index].Kind.Describe()}", index);

    private static string String(IReadOnlyList<AlloyValue> args, int index) => Argument(args, index, ValueKind.String).AsString();

    /// <summary>The operating system as Go's GOOS names it (Alloy's <c>constants.os</c>).</summary>
    private static string GoOperatingSystem() =>
        OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "darwin" : OperatingSystem.IsFreeBSD() ? "freebsd" : "linux";

    private static string GoArchitecture() => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.Arm64 => "arm64",
        Architecture.X86 => "386",
        Architecture.Arm => "arm",
        var other => other.ToString().ToLowerInvariant(),
    };
}
