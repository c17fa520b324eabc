using System.Diagnostics;

namespace AlloyOrleans.Silo.Hosting;

/// <summary>
/// Keeps two Orleans start-up warnings off a healthy start, because they are not true of this process:
/// <list type="bullet">
/// <item>the ServerGC advice (<c>Orleans.Runtime.Silo</c>, event 100405): workstation GC is our choice — several
/// silos share small hosts and containers, where ServerGC's per-core heaps cost memory for nothing;</item>
/// <item>a watchdog stall (<c>Orleans.Runtime.Watchdog</c>, event 100150) longer than the process has existed: its
/// first check measures from a timestamp that is not yet set. A real stall is shorter than the uptime and still logged.</item>
/// </list>
/// Everything else passes through untouched. Applied by decorating every logger provider the host registers.
/// </summary>
public sealed class UntrueWarningFilter(ILoggerProvider inner) : ILoggerProvider
{
    private const int ServerGcAdvice = 100405;
    private const int WatchdogStall = 100150;

    public static void Apply(IServiceCollection services)
    {
        var providers = services.Where(d => d.ServiceType == typeof(ILoggerProvider)).ToList();
        foreach (var descriptor in providers)
        {
            services.Remove(descriptor);
            services.Add(ServiceDescriptor.Singleton<ILoggerProvider>(sp => new UntrueWarningFilter(Create(sp, descriptor))));
        }
    }

    /// <summary>Whether a log entry claims something this process knows to be false (see the class summary).</summary>
    public static bool IsUntrue(string category, EventId eventId, object? state, TimeSpan uptime) => (category, eventId.Id) switch
    {
        ("Orleans.Runtime.Silo", ServerGcAdvice) => true,
        ("Orleans.Runtime.Watchdog", WatchdogStall) => state is IEnumerable<KeyValuePair<string, object?>> fields
            && fields.Any(f => f.Value is TimeSpan stalled && stalled > uptime),
        _ => false,
    };

    public ILogger CreateLogger(string categoryName) => new Logger(inner.CreateLogger(categoryName), categoryName);

    public void Dispose() => inner.Dispose();

    private static ILoggerProvider Create(IServiceProvider services, ServiceDescriptor descriptor) =>
        (ILoggerProvider)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));

    private sealed class Logger(ILogger inner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Warning && IsUntrue(category, eventId, state, Uptime()))
            {
                return;
            }
            inner.Log(logLevel, eventId, state, exception, formatter);
        }

        private static TimeSpan Uptime() => DateTime.Now - Process.GetCurrentProcess().StartTime;
    }
}
