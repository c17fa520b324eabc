using System.Threading.Channels;

namespace AlloyOrleans.Grains.Discovery.Shared;

/// <summary>A level-triggered wake-up: any number of notifications before a wait collapse into one.</summary>
internal sealed class ChangeSignal
{
    private readonly Channel<bool> _pending = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => _pending.Writer.TryWrite(true);

    public async Task WaitAsync(CancellationToken cancellationToken) => await _pending.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Waits for a notification or for <paramref name="timeout"/>, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var notified = _pending.Reader.WaitToReadAsync(waiting.Token).AsTask();
        await Task.WhenAny(notified, Task.Delay(timeout, time, waiting.Token)).ConfigureAwait(false);
        await waiting.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        _pending.Reader.TryRead(out _);
    }
}
