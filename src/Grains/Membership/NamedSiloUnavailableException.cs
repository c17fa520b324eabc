using Orleans.Runtime;

namespace AlloyOrleans.Grains.Membership;

/// <summary>
/// A grain placed by node name could not be placed: no active silo holds the name, or that silo cannot host the grain
/// yet (it has just joined and its grain manifest has not reached this silo). Thrown before any message leaves this
/// silo, so a call that fails with it certainly did not reach the named silo.
/// </summary>
public sealed class NamedSiloUnavailableException(string message, Exception? inner = null) : OrleansException(message, inner!);
