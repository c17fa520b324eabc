using AlloyOrleans.Silo.Syntax;

namespace AlloyOrleans.Silo.Configuration.Modules;

/// <summary>
/// How a module's graph talks to the custom component that runs it: the argument values it was given, the
/// callback its <c>export</c> blocks publish through, and the prefix of its components' ids
/// (<c>pair.a/prometheus.scrape.default</c>, as Alloy names components inside modules).
/// </summary>
public sealed record ModuleInterface(IReadOnlyDictionary<string, AlloyValue> Arguments, Action<string, AlloyValue> Export, string IdPrefix);
