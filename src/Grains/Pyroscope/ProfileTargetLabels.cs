using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Pyroscope;

/// <summary>
/// Alloy's target label rules for profiles. Each discovered target becomes one scheduled target per enabled profile
/// type, told apart by <c>__name__</c> (so each has its own ring key and slot), with <c>__profile_path__</c> and
/// <c>__profile_path_prefix__</c> unless discovery set them; the URL path and the delta <c>seconds</c> parameter are
/// expressed as the scrape core's <c>__metrics_path__</c> and <c>__param_seconds</c>.
/// </summary>
public static class ProfileTargetLabels
{
    public const string ProfileName = "__name__";
    public const string ProfilePath = "__profile_path__";
    public const string ProfilePathPrefix = "__profile_path_prefix__";
    public const string Delta = "__delta__";
    public const string ServiceName = "service_name";

    /// <summary>
    /// The scheduled targets of one discovered target. <paramref name="deltaSeconds"/> is what a delta profile's
    /// request asks for; a <c>seconds</c> in the job's params wins over it (Go reads the first value).
    /// </summary>
    public static IEnumerable<LabelSet> Expand(
        LabelSet discovered, IReadOnlyList<ProfileTargetSpec> profiles, string pathPrefix, string scheme, long deltaSeconds, bool paramsHaveSeconds)
    {
        foreach (var profile in profiles)
        {
            var labels = discovered.ToDictionary();
            SetIfAbsentAndNotEmpty(labels, ProfilePath, profile.Path);
            SetIfAbsentAndNotEmpty(labels, ProfileName, profile.Name);
            SetIfAbsentAndNotEmpty(labels, ProfilePathPrefix, pathPrefix);
            labels.TryAdd("__scheme__", scheme);
            if (labels.TryGetValue("__address__", out var address) && address.Length > 0 && NeedsPort(address))
            {
                // As Alloy (and Prometheus before 3.0): an address without a port gets the scheme's default port.
                labels["__address__"] = address + (labels["__scheme__"] == "https" ? ":443" : ":80");
            }
            labels["__metrics_path__"] = JoinPath(labels.GetValueOrDefault(ProfilePathPrefix, ""), labels.GetValueOrDefault(ProfilePath, ""));
            if (profile.Delta && !paramsHaveSeconds)
            {
                labels["__param_seconds"] = deltaSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            yield return LabelSet.FromDictionary(labels);
        }
    }

    /// <summary>
    /// The labels a scraped profile is handed on with: the target's public labels, <c>service_name</c> (inferred in
    /// Alloy's order when the target has none), <c>__name__</c> as pushed, and <c>__delta__="false"</c> when the
    /// profile already is a delta the server must not take again.
    /// </summary>
    public static LabelSet ForPush(LabelSet discovered, LabelSet targetLabels, bool alreadyDelta)
    {
        var labels = targetLabels.ToDictionary();
        if (!labels.TryGetValue(ServiceName, out var service) || service.Length == 0)
        {
            labels[ServiceName] = InferServiceName(discovered);
        }
        labels[ProfileName] = ProfileType.PushedName(discovered.Get(ProfileName));
        if (alreadyDelta)
        {
            labels[Delta] = "false";
        }
        return LabelSet.FromDictionary(labels);
    }

    /// <summary>Alloy's order: the Kubernetes annotation, namespace/container, Docker, Docker Swarm, else <c>unspecified</c>.</summary>
    public static string InferServiceName(LabelSet labels)
    {
        if (NotEmpty(labels.Get("__meta_kubernetes_pod_annotation_pyroscope_io_service_name")) is { } annotated)
        {
            return annotated;
        }
        if (NotEmpty(labels.Get("__meta_kubernetes_namespace")) is { } ns && NotEmpty(labels.Get("__meta_kubernetes_pod_container_name")) is { } container)
        {
            return ns + "/" + container;
        }
        return NotEmpty(labels.Get("__meta_docker_container_name"))
            ?? NotEmpty(labels.Get("__meta_dockerswarm_container_label_service_name"))
            ?? NotEmpty(labels.Get("__meta_dockerswarm_service_name"))
            ?? "unspecified";
    }

    private static string? NotEmpty(string value) => value.Length == 0 ? null : value;

    private static void SetIfAbsentAndNotEmpty(Dictionary<string, string> labels, string name, string value)
    {
        if (value.Length > 0 && (!labels.TryGetValue(name, out var existing) || existing.Length == 0))
        {
            labels[name] = value;
        }
    }

    /// <summary>Joins the prefix and the path with single slashes, as Go's url.JoinPath does.</summary>
    public static string JoinPath(string prefix, string path)
    {
        var parts = (prefix + "/" + path).Split('/', StringSplitOptions.RemoveEmptyEntries);
        return "/" + string.Join('/', parts);
    }

    /// <summary>True for <c>host</c> and <c>[v6]</c>; false for <c>host:port</c>, <c>[v6]:port</c> and a bare v6 address (not valid with a port appended).</summary>
    private static bool NeedsPort(string address) =>
        address.StartsWith('[') ? !address.Contains("]:", StringComparison.Ordinal) : !address.Contains(':');
}
