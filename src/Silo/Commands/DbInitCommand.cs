using AlloyOrleans.Silo.CommandLine;
using AlloyOrleans.Silo.Membership;
using Npgsql;

namespace AlloyOrleans.Silo.Commands;

/// <summary>
/// <c>alloy-orleans db init [--connection-string CS] [--timeout 60s]</c>: creates (or brings up to date) the
/// Orleans membership tables and queries in PostgreSQL. The connection string may come from
/// <c>ALLOY_ORLEANS_MEMBERSHIP_CONNECTION_STRING</c> instead, so it stays out of process listings. Waits up to
/// the timeout for the database to accept connections (containers start together), then exits 0, or 1 with the
/// database's error.
/// </summary>
public static class DbInitCommand
{
    public const string Usage = "usage: alloy-orleans db init [--connection-string CS] [--timeout 60s]  (or set " + RunOptions.ConnectionStringVariable + ")";

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var connectionString = Environment.GetEnvironmentVariable(RunOptions.ConnectionStringVariable);
        var timeout = TimeSpan.FromSeconds(60);
        try
        {
            var positional = new FlagReader()
                .String("connection-string", v => connectionString = v)
                .Duration("timeout", v => timeout = v)
                .Parse(args);
            if (positional.Count > 0)
            {
                throw new UsageException($"db init takes no arguments, got: {string.Join(" ", positional)}");
            }
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new UsageException("db init needs --connection-string or " + RunOptions.ConnectionStringVariable);
            }
            _ = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception ex) when (ex is UsageException or ArgumentException)
        {
            await error.WriteLineAsync("Error: " + ex.Message);
            await error.WriteLineAsync(Usage);
            return 1;
        }

        try
        {
            await using var connection = await ConnectAsync(connectionString!, timeout, error, cancellationToken);
            await MembershipSchema.ApplyAsync(connection, cancellationToken);
            await output.WriteLineAsync($"membership schema applied to database \"{connection.Database}\" ({string.Join(", ", MembershipSchema.Scripts.Select(s => s.Name))})");
            return 0;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            await error.WriteLineAsync("Error: " + ex.Message);
            return 1;
        }
    }

    /// <summary>Opens a connection, retrying with a doubling backoff until the deadline (the server may be starting).</summary>
    private static async Task<NpgsqlConnection> ConnectAsync(string connectionString, TimeSpan timeout, TextWriter error, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        var backoff = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            var connection = new NpgsqlConnection(connectionString);
            try
            {
                await connection.OpenAsync(cancellationToken);
                return connection;
            }
            catch (NpgsqlException ex) when (DateTime.UtcNow + backoff < deadline && IsTransient(ex))
            {
                await connection.DisposeAsync();
                await error.WriteLineAsync($"database not reachable yet ({ex.Message}); retrying in {backoff.TotalSeconds:0.##}s");
                await Task.Delay(backoff, cancellationToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }
    }

    // Wrong passwords and missing databases do not heal by waiting; refused connections and a starting server do.
    private static bool IsTransient(NpgsqlException ex) =>
        ex.IsTransient || ex is PostgresException { SqlState: PostgresErrorCodes.CannotConnectNow };
}
