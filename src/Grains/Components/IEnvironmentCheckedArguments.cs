namespace AlloyOrleans.Grains.Components;

/// <summary>
/// Arguments whose sense depends on the machine (a service account, a file that must exist). Checked when the
/// component starts with them — never by the static <c>validate</c>, which must answer the same everywhere.
/// </summary>
public interface IEnvironmentCheckedArguments
{
    /// <summary>Throws <see cref="ComponentArgumentException"/> when this machine cannot serve the arguments.</summary>
    void CheckEnvironment();
}
