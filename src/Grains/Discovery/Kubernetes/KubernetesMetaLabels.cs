using System.Globalization;

namespace AlloyOrleans.Grains.Discovery.Kubernetes;

/// <summary>Helpers that write Prometheus' <c>__meta_kubernetes_*</c> labels.</summary>
internal static class KubernetesMetaLabels
{
    public const string Prefix = "__meta_kubernetes_";
    public const string Namespace = Prefix + "namespace";

    /// <summary>Prometheus' SanitizeLabelName: every character outside <c>[a-zA-Z0-9_]</c> becomes <c>_</c>.</summary>
    public static string Sanitize(string name) =>
        string.Create(name.Length, name, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' ? c : '_';
            }
        });

    /// <summary>Adds <c>{prefix}label_x</c>, <c>{prefix}labelpresent_x</c>, <c>{prefix}annotation_x</c>, <c>{prefix}annotationpresent_x</c>.</summary>
    public static void AddObjectMetadata(
        Dictionary<string, string> labels, string prefix, IDictionary<string, string>? objectLabels, IDictionary<string, string>? annotations)
    {
        foreach (var (name, value) in objectLabels ?? new Dictionary<string, string>())
        {
            var sanitized = Sanitize(name);
            labels[prefix + "label_" + sanitized] = value;
            labels[prefix + "labelpresent_" + sanitized] = "true";
        }
        foreach (var (name, value) in annotations ?? new Dictionary<string, string>())
        {
            var sanitized = Sanitize(name);
            labels[prefix + "annotation_" + sanitized] = value;
            labels[prefix + "annotationpresent_" + sanitized] = "true";
        }
    }

    public static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Bool(bool value) => value ? "true" : "false";

    /// <summary>Go's net.JoinHostPort.</summary>
    public static string JoinHostPort(string host, int port) =>
        host.Contains(':') ? $"[{host}]:{Number(port)}" : $"{host}:{Number(port)}";
}
