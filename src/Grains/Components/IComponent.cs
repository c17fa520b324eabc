namespace AlloyOrleans.Grains.Components;

/// <summary>
/// A running component. The graph creates it with its first arguments, calls <see cref="UpdateAsync"/> whenever
/// re-evaluation produces new ones, and runs <see cref="RunAsync"/> for the component's whole life.
/// Components are constructed with ActivatorUtilities: the constructor takes an <see cref="IComponentHost"/> and
/// any silo service it needs.
/// </summary>
public interface IComponent
{
    /// <summary>Applies new arguments (an instance of the component's arguments type). Called before RunAsync too.</summary>
    Task UpdateAsync(object arguments, CancellationToken cancellationToken);

    /// <summary>The component's loop (discovery refresh, queue sending); returns when cancelled.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}
