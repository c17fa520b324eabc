using AlloyOrleans.Grains.Components;
using Microsoft.Extensions.Logging;

namespace AlloyOrleans.Tests.Discovery;

/// <summary>An <see cref="IComponentHost"/> that records every export, so a test can wait for the one it expects.</summary>
internal sealed class FakeComponentHost(string componentId) : IComponentHost
{
    private readonly List<object> _exports = [];
    private readonly SemaphoreSlim _changed = new(0);

    public string ComponentId { get; } = componentId;

    public string DataPath { get; } = Path.Combine(Path.GetTempPath(), "alloy-orleans-tests", componentId);

    public RecordingLogger Logger { get; } = new();

    ILogger IComponentHost.Logger => Logger;

    public IReadOnlyList<object> Exports
    {
        get
        {
            lock (_exports)
            {
                return _exports.ToList();
            }
        }
    }

    public void SetExports(object exports)
    {
        lock (_exports)
        {
            _exports.Add(exports);
        }
        _changed.Release();
    }

    /// <summary>Waits until the latest export is a <typeparamref name="T"/> that satisfies <paramref name="predicate"/>.</summary>
    public async Task<T> WaitForExportsAsync<T>(Func<T, bool> predicate, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            if (Exports.LastOrDefault() is T latest && predicate(latest))
            {
                return latest;
            }
            try
            {
                await _changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{ComponentId}: no matching export; the last was {Describe(Exports.LastOrDefault())}");
            }
        }
    }

    private static string Describe(object? exports) => exports switch
    {
        null => "none",
        AlloyOrleans.Grains.Components.Discovery.DiscoveryExports d => "[" + string.Join(", ", d.Targets) + "]",
        _ => exports.ToString() ?? "?",
    };
}

/// <summary>Keeps every log message, so a test can show what a component reported.</summary>
internal sealed class RecordingLogger : ILogger
{
    private readonly List<string> _messages = [];

    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_messages)
            {
                return _messages.ToList();
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_messages)
        {
            _messages.Add($"{logLevel}: {formatter(state, exception)}{(exception is null ? "" : " -- " + exception)}");
        }
    }
}
