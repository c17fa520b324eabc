namespace AlloyOrleans.Silo.Configuration;

/// <summary>Orders components so each comes after everything it references; a cycle is an error naming its members.</summary>
internal static class DependencyOrder
{
    public static IReadOnlyList<ComponentDefinition> Sort(IReadOnlyList<ComponentDefinition> definitions)
    {
        var byId = definitions.ToDictionary(d => d.Id, StringComparer.Ordinal);
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false: in progress, true: done
        var ordered = new List<ComponentDefinition>(definitions.Count);
        var path = new List<string>();

        void Visit(ComponentDefinition definition)
        {
            if (state.TryGetValue(definition.Id, out var done))
            {
                if (!done)
                {
                    var cycle = path.Skip(path.IndexOf(definition.Id)).Append(definition.Id).ToList();
                    throw new ConfigurationException(definition.Block.Start, $"cycle detected: {string.Join(" -> ", cycle)}");
                }
                return;
            }
            state[definition.Id] = false;
            path.Add(definition.Id);
            foreach (var dependency in definition.Dependencies)
            {
                Visit(byId[dependency]);
            }
            path.RemoveAt(path.Count - 1);
            state[definition.Id] = true;
            ordered.Add(definition);
        }

        foreach (var definition in definitions)
        {
            Visit(definition);
        }
        return ordered;
    }
}
