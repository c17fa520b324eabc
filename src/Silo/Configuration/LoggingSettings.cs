using AlloyOrleans.Grains.Components;
using Microsoft.Extensions.Logging;

namespace AlloyOrleans.Silo.Configuration;

/// <summary>The top-level <c>logging</c> block (<c>level</c>: debug, info, warn, error; <c>format</c>: logfmt, json).</summary>
public sealed class LoggingSettings
{
    public enum LevelName
    {
        Debug,
        Info,
        Warn,
        Error,
    }

    public enum FormatName
    {
        Logfmt,
        Json,
    }

    [Alloy("level")]
    public LevelName Level { get; init; } = LevelName.Info;

    [Alloy("format")]
    public FormatName Format { get; init; } = FormatName.Logfmt;

    /// <summary>The minimum level for Microsoft.Extensions.Logging.</summary>
    public LogLevel MinimumLevel => Level switch
    {
        LevelName.Debug => LogLevel.Debug,
        LevelName.Warn => LogLevel.Warning,
        LevelName.Error => LogLevel.Error,
        _ => LogLevel.Information,
    };
}
