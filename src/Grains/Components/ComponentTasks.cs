namespace AlloyOrleans.Grains.Components;

/// <summary>Helpers for component run loops.</summary>
public static class ComponentTasks
{
    /// <summary>
    /// Completes (successfully) when <paramref name="cancellationToken"/> is cancelled: the run loop of a component
    /// that does all its work in <see cref="IComponent.UpdateAsync"/>.
    /// </summary>
    public static Task UntilCancelledAsync(CancellationToken cancellationToken)
    {
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cancellationToken.Register(static state => ((TaskCompletionSource)state!).TrySetResult(), completion);
        return completion.Task;
    }
}
