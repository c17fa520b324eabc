namespace AlloyOrleans.Grains.Components.Discovery.Kubernetes;

/// <summary>A <c>selectors</c> block of <c>discovery.kubernetes</c>: server-side filtering for one role's objects.</summary>
public sealed class KubernetesSelectorArguments
{
    [Alloy("role", Required = true)]
    public string Role { get; set; } = "";

    [Alloy("label")]
    public string Label { get; set; } = "";

    [Alloy("field")]
    public string Field { get; set; } = "";
}
