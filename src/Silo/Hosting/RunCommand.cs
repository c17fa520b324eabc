using AlloyOrleans.Grains;
using AlloyOrleans.Grains.Placement;
using AlloyOrleans.Grains.RemoteWrite.Queue;
using AlloyOrleans.Grains.Telemetry;
using AlloyOrleans.Silo.CommandLine;
using AlloyOrleans.Silo.Configuration;
using AlloyOrleans.Silo.Http;
using AlloyOrleans.Silo.Syntax;
using Microsoft.Extensions.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using Orleans.Dashboard;
using Orleans.Configuration;

namespace AlloyOrleans.Silo.Hosting;

/// <summary>
/// <c>alloy-orleans run [flags] CONFIG_PATH</c>: loads and checks the configuration, then starts the silo, the
/// components and the HTTP server. A bad flag or configuration prints its position and exits 1, starting nothing;
/// Ctrl-C or SIGTERM stops gracefully (targets are handed over) and exits 0.
/// </summary>
public static partial class RunCommand
{
    /// <summary>Series per exported metric (component × endpoint × state combinations), against OpenTelemetry's 2,000.</summary>
    internal const int MetricStreamCardinalityLimit = 500;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter error)
    {
        WebApplication app;
        try
        {
            var options = RunOptions.Parse(args);
            var configuration = ConfigurationLoader.Load(options.ConfigPath);
            // Building reads the TLS certificates, so a bad one is a usage error too.
            app = Build(options, configuration);
        }
        catch (UsageException ex)
        {
            await error.WriteLineAsync("Error: " + ex.Message);
            return 1;
        }
        catch (InvalidConfigurationException ex)
        {
            foreach (var diagnostic in ex.Diagnostics)
            {
                await error.WriteLineAsync($"Error: {diagnostic}");
            }
            return 1;
        }
        catch (SyntaxException ex)
        {
            await error.WriteLineAsync("Error: " + ex.Message);
            return 1;
        }

        await using (app)
        {
            try
            {
                await app.StartAsync();
            }
            catch (SyntaxException ex)
            {
                // A component that failed to start with its real inputs (the graph starts with the host).
                await error.WriteLineAsync("Error: " + ex.Message);
                return 1;
            }
            catch (OperationCanceledException) when (app.Lifetime.ApplicationStopping.IsCancellationRequested)
            {
                await StopBeforeStartedAsync(app);
                return 0;
            }
            await app.WaitForShutdownAsync();
        }
        return 0;
    }

    /// <summary>
    /// A stop asked for while the host was still starting — SIGTERM to a silo still joining its cluster, as a rollout
    /// or a scale-down does — cancels the start. That is a graceful stop, not a crash: what had started (the component
    /// graph, its remote-write queues) is stopped in order, and the process exits 0 as after any other stop.
    /// </summary>
    private static async Task StopBeforeStartedAsync(WebApplication app)
    {
        LogStoppedWhileStarting(app.Logger);
        try
        {
            await app.StopAsync();
        }
        catch (Exception ex) when (ex is InvalidOperationException or AggregateException)
        {
            // Orleans refuses to stop a silo whose start was cancelled ("not in the Running state"); the host still
            // stopped every other service before it says so, and disposing releases the silo's ports and threads.
            LogStopAfterCancelledStart(app.Logger, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: asked to stop while still starting")]
    private static partial void LogStoppedWhileStarting(ILogger logger);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stopping a start that was cancelled: {Reason}")]
    private static partial void LogStopAfterCancelledStart(ILogger logger, string reason);

    private static readonly TimeSpan HandOffBudget = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan FlushDeadline = new QueueOptions().FlushDeadline;

    public static WebApplication Build(RunOptions options, LoadedConfiguration configuration)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(HttpServerTls.Configure(builder.WebHost, configuration.HttpServer.Tls, options.HttpListenAddress));
        configuration.Logging.Apply(builder.Logging);
        builder.Logging.AddFilter("Orleans", level => level >= LogLevel.Warning && level >= configuration.Logging.MinimumLevel);
        builder.Logging.AddFilter("Microsoft", level => level >= LogLevel.Warning && level >= configuration.Logging.MinimumLevel);
        builder.Logging.AddFilter("Polly", level => level >= LogLevel.Warning && level >= configuration.Logging.MinimumLevel);
        UntrueWarningFilter.Apply(builder.Services);
        // A graceful stop hands the targets over (the silo stops within 30 s) and then drains remote_write for up to its
        // flush deadline (1 min, as Prometheus), so samples of a rolling update are sent, not left on a disk that may go.
        // The silo and the HTTP server start side by side, so /-/healthy answers while the silo is still joining (a
        // join on a busy cluster can take tens of seconds; Orleans allows five minutes): a liveness probe must not
        // restart a silo that is merely joining. /-/ready stays 503 until this silo owns targets.
        builder.Services.Configure<HostOptions>(h =>
        {
            h.ShutdownTimeout = HandOffBudget + FlushDeadline;
            h.ServicesStartConcurrently = true;
        });

        // The components start before the silo (in the host's starting phase) and stop after it (hosted services stop
        // in reverse order): the scheduler hands targets over while their jobs are still registered, and remote_write
        // drains last.
        builder.Services.AddSingleton(configuration);
        builder.Services.AddSingleton(new StoragePath(options.StoragePath));
        builder.Services.AddSingleton<ComponentGraphService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ComponentGraphService>());

        builder.UseOrleans(silo =>
        {
            SiloClustering.Configure(silo, options);
            // The directory cache is sized up front (Orleans' default: a million grains, ~9 MB of a 1,000-target silo's
            // heap); this job calls a handful of grains per silo (coordinators, one worker, discovery, weights).
            silo.Configure<GrainDirectoryOptions>(directory => directory.CacheSize = 10_000);
            silo.AddClusteredScraping(ownership =>
            {
                ownership.MinimumClusterSize = options.WaitForSize;
                ownership.WaitTimeout = options.WaitTimeout;
            });
            silo.Services.Configure<TablePollingOptions>(polling =>
            {
                polling.PollInterval = options.BalancePollInterval;
                polling.ReportInterval = options.BalanceReportInterval;
            });
            silo.Services.Configure<PublishingOptions>(publishing => publishing.MinInterval = options.RebalanceInterval);
            if (options.DashboardEnabled)
            {
                silo.AddDashboard(dashboard => dashboard.HideTrace = !options.DashboardLogStream);
            }
        });

        builder.Services.AddOperatorEndpoints();
        // Meters are enabled through the host's metrics rules rather than OpenTelemetry's AddMeter: AddMeter listens to
        // every meter of that name in the process, while a rule in the Global|Local scope takes the process-wide meter
        // plus this host's own meter factory — so silos sharing a process (tests) each export only their own values.
        builder.Metrics.EnableMetrics("Microsoft.Orleans", instrumentName: null, listenerName: null, scopes: MeterScope.Global | MeterScope.Local);
        builder.Metrics.EnableMetrics(AlloyMeter.Name, instrumentName: null, listenerName: null, scopes: MeterScope.Global | MeterScope.Local);
        // OpenTelemetry allocates every metric stream's points up front, 2,000 by default: ~144 KB for each of the ~115
        // streams a silo exports (16.6 MB of heap, measured with dotnet-gcdump) to hold a few dozen series each. Our
        // tags are components, endpoints and states, so a stream needs far fewer; beyond the limit OpenTelemetry
        // exports the excess as one series labelled otel_metric_overflow="true" instead of dropping it silently.
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddView(_ => new MetricStreamConfiguration { CardinalityLimit = MetricStreamCardinalityLimit })
            .AddPrometheusExporter());

        var app = builder.Build();
        app.Lifetime.ApplicationStarted.Register(() =>
            StartupLog.Write(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("alloy-orleans"), options, configuration));
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapStatusEndpoints();
        app.MapOperatorEndpoints(options.DashboardEnabled);
        if (options.DashboardEnabled)
        {
            app.MapOrleansDashboard(routePrefix: "/dashboard");
        }
        return app;
    }
}
