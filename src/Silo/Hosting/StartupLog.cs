using System.Diagnostics;
using System.Runtime;
using AlloyOrleans.Silo.CommandLine;
using AlloyOrleans.Silo.Configuration;

namespace AlloyOrleans.Silo.Hosting;

/// <summary>What a user needs from a start: where the silo serves, under which name, how it clusters, and which Alloy flags it ignored.</summary>
public static partial class StartupLog
{
    public static void Write(ILogger logger, RunOptions options, LoadedConfiguration configuration)
    {
        var membership = !options.ClusterEnabled
            ? "standalone (a one-node cluster)"
            : !string.IsNullOrEmpty(options.MembershipConnectionString)
                ? "clustered through the PostgreSQL membership table"
                : options.JoinAddresses.Count > 0
                    ? $"clustered through development membership, primary {options.JoinAddresses[0]}"
                    : "clustered through development membership, this silo the primary";
        LogStarted(logger, options.HttpListenAddress, options.NodeName, membership, configuration.Components.Count, options.ConfigPath);
        // What the start cost, JIT included: many silos starting on few cores (a Deployment created whole) wait for it.
        using var process = Process.GetCurrentProcess();
        LogStartCost(logger, process.TotalProcessorTime.TotalSeconds, (DateTime.Now - process.StartTime).TotalSeconds,
            JitInfo.GetCompiledMethodCount(), JitInfo.GetCompilationTime().TotalSeconds);
        foreach (var notice in options.Notices)
        {
            LogNotice(logger, notice);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Started: serving http://{ListenAddress} as node {NodeName}, {Membership}; {Components} components from {ConfigPath}")]
    private static partial void LogStarted(ILogger logger, string listenAddress, string nodeName, string membership, int components, string configPath);

    [LoggerMessage(Level = LogLevel.Information, Message = "Start-up took {CpuSeconds:F2} CPU-s in {WallSeconds:F2} s; the JIT compiled {JitMethods} methods, {JitSeconds:F2} s of wall time in it")]
    private static partial void LogStartCost(ILogger logger, double cpuSeconds, double wallSeconds, long jitMethods, double jitSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ignored flag: {Notice}")]
    private static partial void LogNotice(ILogger logger, string notice);
}
