namespace AlloyOrleans.Grains.Components.Prometheus.Operator;

/// <summary>The <c>selector</c> block: a Kubernetes label selector over the monitors themselves.</summary>
public sealed class MonitorSelectorArguments
{
    [Alloy("match_labels")]
    public IReadOnlyDictionary<string, string> MatchLabels { get; set; } = new Dictionary<string, string>();

    [AlloyBlock("match_expression")]
    public IReadOnlyList<MatchExpressionArguments> MatchExpressions { get; set; } = [];

    public void Validate()
    {
        foreach (var expression in MatchExpressions)
        {
            if (expression.Operator is not ("In" or "NotIn" or "Exists" or "DoesNotExist"))
            {
                throw new ComponentArgumentException("selector", $"unknown match_expression operator \"{expression.Operator}\" (In, NotIn, Exists, DoesNotExist)");
            }
        }
    }

    /// <summary>Whether an object with <paramref name="labels"/> is selected (Kubernetes' label selector semantics).</summary>
    public bool Matches(IDictionary<string, string>? labels)
    {
        labels ??= new Dictionary<string, string>();
        return MatchLabels.All(m => labels.TryGetValue(m.Key, out var value) && value == m.Value)
            && MatchExpressions.All(e => e.Operator switch
            {
                "In" => labels.TryGetValue(e.Key, out var v) && e.Values.Contains(v),
                "NotIn" => !labels.TryGetValue(e.Key, out var v) || !e.Values.Contains(v),
                "Exists" => labels.ContainsKey(e.Key),
                _ => !labels.ContainsKey(e.Key),
            });
    }
}

public sealed class MatchExpressionArguments
{
    [Alloy("key", Required = true)]
    public string Key { get; set; } = "";

    [Alloy("operator", Required = true)]
    public string Operator { get; set; } = "";

    [Alloy("values")]
    public IReadOnlyList<string> Values { get; set; } = [];
}
