using AlloyOrleans.Grains.Components;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

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

    /// <summary>
    /// Configures console logging from the block: the minimum level, and JSON lines for <c>json</c> or one line per
    /// entry for <c>logfmt</c> (the closest built-in console format).
    /// </summary>
    public void Apply(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(MinimumLevel);
        if (Format == FormatName.Json)
        {
            logging.AddJsonConsole(o =>
            {
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.UseUtcTimestamp = true;
            });
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                o.UseUtcTimestamp = true;
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            });
        }
    }
}
