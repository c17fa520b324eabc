using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Ring;

namespace AlloyOrleans.Grains.Scrape;

/// <summary>
/// A discovered target made ready to scrape, following Prometheus' target label rules: defaults for
/// <c>job</c>, <c>__scheme__</c>, <c>__metrics_path__</c> and <c>__param_*</c>; <c>instance</c> from
/// <c>__address__</c>; the URL from those; and the labels every sample gets (all without the <c>__</c> prefix).
/// </summary>
public sealed class ScrapeTarget
{
    private ScrapeTarget(ulong key, LabelSet discoveredLabels, LabelSet labels, Uri url)
    {
        Key = key;
        DiscoveredLabels = discoveredLabels;
        Labels = labels;
        Url = url;
    }

    /// <summary>The ring key of the discovered labels (without <c>__meta_</c> labels): ownership and slot offset.</summary>
    public ulong Key { get; }

    /// <summary>The labels as discovery delivered them.</summary>
    public LabelSet DiscoveredLabels { get; }

    /// <summary>The target labels attached to every sample (<c>job</c>, <c>instance</c>, and the rest).</summary>
    public LabelSet Labels { get; }

    public Uri Url { get; }

    /// <summary>The labels of a synthetic series (<c>up</c>, <c>scrape_duration_seconds</c>, …): the target labels and a name.</summary>
    public LabelSet SyntheticSeries(string name)
    {
        lock (_synthetic)
        {
            if (!_synthetic.TryGetValue(name, out var labels))
            {
                _synthetic[name] = labels = LabelSet.From(Labels.Append(new Label("__name__", name)));
            }
            return labels;
        }
    }

    private readonly Dictionary<string, LabelSet> _synthetic = new(StringComparer.Ordinal);

    /// <summary>Builds the target, or returns null with the reason when it cannot be scraped (no address).</summary>
    public static ScrapeTarget? Create(ScrapeJob job, LabelSet discovered, out string? error)
    {
        var labels = discovered.ToDictionary();
        labels.TryAdd("job", job.JobName);
        labels.TryAdd("__scheme__", job.Scheme);
        labels.TryAdd("__metrics_path__", job.MetricsPath);
        foreach (var (name, values) in job.Params)
        {
            if (values.Count > 0)
            {
                labels.TryAdd("__param_" + name, values[0]);
            }
        }

        if (!labels.TryGetValue("__address__", out var address) || address.Length == 0)
        {
            error = "target has no __address__ label";
            return null;
        }
        labels.TryAdd("instance", address);

        var scheme = labels["__scheme__"];
        var path = labels["__metrics_path__"];
        if (!Uri.TryCreate($"{scheme}://{address}{(path.StartsWith('/') ? path : "/" + path)}{BuildQuery(job, labels)}", UriKind.Absolute, out var url))
        {
            error = $"invalid URL from __scheme__ \"{scheme}\", __address__ \"{address}\" and __metrics_path__ \"{path}\"";
            return null;
        }

        var visible = LabelSet.From(labels
            .Where(l => !l.Key.StartsWith("__", StringComparison.Ordinal))
            .Select(l => new Label(l.Key, l.Value)));
        error = null;
        return new ScrapeTarget(TargetKey.Compute(discovered), discovered, visible, url);
    }

    /// <summary>The job's params, each overridden by a <c>__param_NAME</c> label as Prometheus does.</summary>
    private static string BuildQuery(ScrapeJob job, Dictionary<string, string> labels)
    {
        var query = new List<string>();
        var names = job.Params.Keys.ToHashSet(StringComparer.Ordinal);
        foreach (var name in labels.Keys.Where(n => n.StartsWith("__param_", StringComparison.Ordinal)))
        {
            names.Add(name["__param_".Length..]);
        }
        foreach (var name in names.Order(StringComparer.Ordinal))
        {
            if (labels.TryGetValue("__param_" + name, out var single))
            {
                query.Add(Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(single));
                if (job.Params.TryGetValue(name, out var more))
                {
                    query.AddRange(more.Skip(1).Select(v => Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(v)));
                }
            }
        }
        return query.Count == 0 ? string.Empty : "?" + string.Join("&", query);
    }
}
