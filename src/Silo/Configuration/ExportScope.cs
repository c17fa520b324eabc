using AlloyOrleans.Silo.Syntax;

namespace AlloyOrleans.Silo.Configuration;

/// <summary>
/// Builds the scope expressions are evaluated in: the standard library, plus every component's exports nested by the
/// fragments of its id, so <c>discovery.file.pods.targets</c> is field access all the way down.
/// </summary>
internal static class ExportScope
{
    public static IReadOnlyDictionary<string, AlloyValue> Build(
        IReadOnlyDictionary<string, AlloyValue> standardLibrary,
        IEnumerable<KeyValuePair<string, AlloyValue>> exportsById)
    {
        var tree = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (id, exports) in exportsById)
        {
            var fragments = id.Split('.');
            var node = tree;
            for (var i = 0; i < fragments.Length - 1; i++)
            {
                if (!node.TryGetValue(fragments[i], out var child))
                {
                    child = new Dictionary<string, object>(StringComparer.Ordinal);
                    node[fragments[i]] = child;
                }
                node = (Dictionary<string, object>)child;
            }
            node[fragments[^1]] = exports;
        }

        var scope = new Dictionary<string, AlloyValue>(standardLibrary, StringComparer.Ordinal);
        foreach (var (name, child) in tree)
        {
            scope[name] = ToValue(child);
        }
        return scope;
    }

    private static AlloyValue ToValue(object node) => node switch
    {
        AlloyValue value => value,
        Dictionary<string, object> children => AlloyValue.Object(children.ToDictionary(c => c.Key, c => ToValue(c.Value), StringComparer.Ordinal)),
        _ => throw new InvalidOperationException(),
    };
}
