using AlloyOrleans.Grains.Abstractions;

namespace AlloyOrleans.Grains.Components.Prometheus.RemoteWrite;

/// <summary>
/// Turns an endpoint's <c>write_relabel_config</c> rules into a function (labels in; labels out, or null to drop the
/// sample). The relabel engine registers an implementation as a silo service; prometheus.remote_write resolves it
/// and fails validation of a configuration with rules when none is registered.
/// </summary>
public interface IWriteRelabelCompiler
{
    /// <summary>Compiles <paramref name="rules"/>; throws <see cref="ComponentArgumentException"/> for an invalid rule.</summary>
    Func<LabelSet, LabelSet?> Compile(IReadOnlyList<WriteRelabelRule> rules);
}
