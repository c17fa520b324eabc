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
        foreach (var notice in options.Notices)
        {
            LogNotice(logger, notice);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Started: serving http://{ListenAddress} as node {NodeName}, {Membership}; {Components} components from {ConfigPath}")]
    private static partial void LogStarted(ILogger logger, string listenAddress, string nodeName, string membership, int components, string configPath);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ignored flag: {Notice}")]
    private static partial void LogNotice(ILogger logger, string notice);
}
