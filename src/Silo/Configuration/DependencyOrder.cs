using AlloyOrleans.Silo.Syntax;

namespace AlloyOrleans.Silo.Configuration;

/// <summary>Orders nodes so each comes after everything it references; a cycle is an error naming its members.</summary>
internal static class DependencyOrder
{
    public static IReadOnlyList<ComponentDefinition> Sort(IReadOnlyList<ComponentDefinition> definitions) =>
        Sort(definitions, d => d.Id, d => d.Dependencies, d => d.Block.Start);

    public static IReadOnlyList<T> Sort<T>(IReadOnlyList<T> nodes, Func<T, string> id, Func<T, IEnumerable<string>> dependencies, Func<T, SourcePosition> position)
    {
        var byId = nodes.ToDictionary(id, StringComparer.Ordinal);
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false: in progress, true: done
        var ordered = new List<T>(nodes.Count);
        var path = new List<string>();

        void Visit(T node)
        {
            var nodeId = id(node);
            if (state.TryGetValue(nodeId, out var done))
            {
                if (!done)
                {
                    var cycle = path.Skip(path.IndexOf(nodeId)).Append(nodeId).ToList();
                    throw new ConfigurationException(position(node), $"cycle detected: {string.Join(" -> ", cycle)}");
                }
                return;
            }
            state[nodeId] = false;
            path.Add(nodeId);
            foreach (var dependency in dependencies(node))
            {
                Visit(byId[dependency]);
            }
            path.RemoveAt(path.Count - 1);
            state[nodeId] = true;
            ordered.Add(node);
        }

        foreach (var node in nodes)
        {
            Visit(node);
        }
        return ordered;
    }
}
