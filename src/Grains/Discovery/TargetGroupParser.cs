using System.Text.Json;
using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Discovery.Relabel;
using YamlDotNet.RepresentationModel;

namespace AlloyOrleans.Grains.Discovery;

/// <summary>
/// Reads the target group list that Prometheus' file and HTTP discovery use:
/// <c>[{"targets": ["host:port", …], "labels": {"name": "value", …}}, …]</c>, as JSON or YAML.
/// Invalid documents throw <see cref="FormatException"/> with a message saying what is wrong.
/// </summary>
public static class TargetGroupParser
{
    public static IReadOnlyList<TargetGroup> ParseJson(ReadOnlySpan<byte> json, string source, LabelSet extraLabels)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("expected a JSON array of target groups");
            }
            var groups = new List<TargetGroup>();
            foreach (var element in document.RootElement.EnumerateArray())
            {
                if (element.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException($"target group {groups.Count} is not an object");
                }
                var targets = new List<string>();
                var labels = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    switch (property.Name)
                    {
                        case "targets" when property.Value.ValueKind == JsonValueKind.Array:
                            foreach (var target in property.Value.EnumerateArray())
                            {
                                targets.Add(target.ValueKind == JsonValueKind.String
                                    ? target.GetString()!
                                    : throw new FormatException($"target group {groups.Count}: targets must be strings"));
                            }
                            break;
                        case "labels" when property.Value.ValueKind == JsonValueKind.Object:
                            foreach (var label in property.Value.EnumerateObject())
                            {
                                labels[label.Name] = label.Value.ValueKind == JsonValueKind.String
                                    ? label.Value.GetString()!
                                    : throw new FormatException($"target group {groups.Count}: label {label.Name} must be a string");
                            }
                            break;
                        case "labels" when property.Value.ValueKind == JsonValueKind.Null:
                            break;
                        case "targets" or "labels":
                            throw new FormatException($"target group {groups.Count}: {property.Name} has the wrong type");
                    }
                }
                groups.Add(Build(source, groups.Count, targets, labels, extraLabels));
            }
            return groups;
        }
        catch (JsonException e)
        {
            throw new FormatException($"invalid JSON: {e.Message}", e);
        }
    }

    public static IReadOnlyList<TargetGroup> ParseYaml(string yaml, string source, LabelSet extraLabels)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new FormatException($"invalid YAML at line {e.Start.Line}: {e.Message}", e);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return [];
        }
        if (stream.Documents[0].RootNode is not YamlSequenceNode sequence)
        {
            throw new FormatException("expected a YAML list of target groups");
        }
        var groups = new List<TargetGroup>();
        foreach (var node in sequence)
        {
            if (node is not YamlMappingNode mapping)
            {
                throw new FormatException($"target group {groups.Count} is not a mapping");
            }
            var targets = new List<string>();
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (keyNode, valueNode) in mapping)
            {
                var key = (keyNode as YamlScalarNode)?.Value;
                if (key == "targets")
                {
                    if (valueNode is not YamlSequenceNode targetNodes)
                    {
                        throw new FormatException($"target group {groups.Count}: targets must be a list");
                    }
                    foreach (var target in targetNodes)
                    {
                        targets.Add(target is YamlScalarNode { Value: { } value }
                            ? value
                            : throw new FormatException($"target group {groups.Count}: targets must be strings"));
                    }
                }
                else if (key == "labels" && valueNode is YamlMappingNode labelNodes)
                {
                    foreach (var (nameNode, labelValue) in labelNodes)
                    {
                        var name = ((YamlScalarNode)nameNode).Value ?? "";
                        labels[name] = labelValue is YamlScalarNode { Value: var value }
                            ? value ?? ""
                            : throw new FormatException($"target group {groups.Count}: label {name} must be a string");
                    }
                }
                else if (key == "labels" && valueNode is not YamlScalarNode { Value: null or "" or "~" or "null" })
                {
                    throw new FormatException($"target group {groups.Count}: labels must be a mapping");
                }
            }
            groups.Add(Build(source, groups.Count, targets, labels, extraLabels));
        }
        return groups;
    }

    private static TargetGroup Build(
        string source, int index, List<string> targets, Dictionary<string, string> labels, LabelSet extraLabels)
    {
        foreach (var name in labels.Keys)
        {
            if (!RelabelRule.IsValidLabelName(name))
            {
                throw new FormatException($"target group {index}: \"{name}\" is not a valid label name");
            }
        }
        foreach (var label in extraLabels)
        {
            labels[label.Name] = label.Value;
        }
        var targetSets = targets.Select(t => LabelSet.From((TargetGroup.AddressLabel, t))).ToList();
        return new TargetGroup($"{source}:{index}", targetSets, LabelSet.FromDictionary(labels));
    }
}
