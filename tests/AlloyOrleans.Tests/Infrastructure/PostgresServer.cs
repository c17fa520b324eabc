using System.Diagnostics;
using Npgsql;

namespace AlloyOrleans.Tests.Infrastructure;

/// <summary>
/// A private PostgreSQL server for one test run: initdb into a temporary directory owned by the <c>postgres</c>
/// user, started with pg_ctl on a free loopback port and a private socket directory. It can be stopped and started
/// again (outage tests); disposing stops it and deletes the directory.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string ServiceUser = "postgres";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private readonly string _bin;
    private readonly string _root;

    private PostgresServer(string bin, string root, int port)
    {
        _bin = bin;
        _root = root;
        Port = port;
    }

    public int Port { get; }

    public bool IsRunning { get; private set; }

    private string DataDirectory => Path.Combine(_root, "data");

    private string SocketDirectory => Path.Combine(_root, "socket");

    private string LogFile => Path.Combine(_root, "server.log");

    public static async Task<PostgresServer> StartAsync()
    {
        var bin = FindBinDirectory();
        var root = Directory.CreateTempSubdirectory("alloy-orleans-pg-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "socket"));
        if (IsRoot)
        {
            // initdb refuses to run as root; the server's files must belong to the user it runs as.
            await RunAsync("chown", ["-R", $"{ServiceUser}:{ServiceUser}", root]);
        }
        var server = new PostgresServer(bin, root, SiloProcess.FreePort());
        await server.RunAsServiceUserAsync("initdb", ["-D", server.DataDirectory, "-U", ServiceUser, "-A", "trust", "--no-sync", "-E", "UTF8"]);
        await server.StartAgainAsync();
        return server;
    }

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = ServiceUser,
        Database = database,
        Pooling = false,
        Timeout = 5,
    }.ConnectionString;

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>Stops the server at once (fast shutdown: open connections are cut).</summary>
    public async Task StopAsync()
    {
        await RunAsServiceUserAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "stop"]);
        IsRunning = false;
    }

    public async Task StartAgainAsync()
    {
        await RunAsServiceUserAsync("pg_ctl", [
            "-D", DataDirectory, "-l", LogFile, "-w", "-t", "60",
            "-o", $"-p {Port} -k {SocketDirectory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
            "start"]);
        IsRunning = true;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (IsRunning)
            {
                await StopAsync();
            }
        }
        finally
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private Task RunAsServiceUserAsync(string tool, IReadOnlyList<string> args) =>
        IsRoot
            ? RunAsync("runuser", ["-u", ServiceUser, "--", Path.Combine(_bin, tool), .. args])
            : RunAsync(Path.Combine(_bin, tool), args);

    private static bool IsRoot => Environment.UserName == "root";

    private static async Task RunAsync(string file, IReadOnlyList<string> args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {await stderr}{await stdout}");
        }
    }

    private static string FindBinDirectory()
    {
        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
            : [];
        return candidates.OrderByDescending(d => d, StringComparer.Ordinal).FirstOrDefault()
               ?? throw new InvalidOperationException("PostgreSQL is not installed: no /usr/lib/postgresql/*/bin/initdb (apt-get install postgresql)");
    }
}
