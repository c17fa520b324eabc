using Xunit;

namespace AlloyOrleans.Tests.Production;

/// <summary>
/// Eight silos started at once. Opt-in, outside the default suite, for their length: eight silo processes on two
/// cores, the receiver-level test for over two minutes. (Until session 4 they were also a known way to fail under
/// heavy load: a hand-off named the sender's next slot, which a round trip longer than the time to it plus an
/// interval lost; a hand-off now names a slot the receiver can still start within the hand-off timeout.)
/// ALLOY_ORLEANS_JOIN_STORM=1 runs them.
/// </summary>
internal sealed class JoinStormFactAttribute : FactAttribute
{
    public const string Variable = "ALLOY_ORLEANS_JOIN_STORM";

    public JoinStormFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null)
        {
            Skip = $"eight silo processes started at once take minutes on two cores; run with {Variable}=1";
        }
    }
}
