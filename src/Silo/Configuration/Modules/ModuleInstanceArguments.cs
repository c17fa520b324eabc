using AlloyOrleans.Silo.Syntax;

namespace AlloyOrleans.Silo.Configuration.Modules;

/// <summary>
/// What the graph gives a custom component: the evaluated attributes of its use (its arguments), and how to load
/// its body. <see cref="Key"/> is equal for equal bodies: a new key (the imported file changed) rebuilds the
/// module, an equal one only passes new argument values in.
/// </summary>
public sealed record ModuleInstanceArguments(IReadOnlyDictionary<string, AlloyValue> Values, object Key, Func<LoadedConfiguration> Load);
