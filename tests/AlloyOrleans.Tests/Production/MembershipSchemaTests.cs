using AlloyOrleans.Silo.Commands;
using Npgsql;
using Xunit;

namespace AlloyOrleans.Tests.Production;

/// <summary>
/// The sql/ scripts through <c>alloy-orleans db init</c> on a real PostgreSQL: they apply to an empty database and
/// again to an applied one, and the stored queries keep Orleans' optimistic-concurrency contract.
/// </summary>
[Collection(ProductionTestCollection.Name)]
public sealed class MembershipSchemaTests(PostgresFixture postgres)
{
    private static readonly string[] RequiredQueries =
    [
        "UpdateIAmAlivetimeKey", "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey",
        "MembershipReadRowKey", "MembershipReadAllKey", "DeleteMembershipTableEntriesKey", "GatewaysQueryKey",
        "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey",
    ];

    [Fact]
    public async Task Db_init_applies_to_an_empty_database_and_again_to_an_applied_one()
    {
        var connectionString = await postgres.NewDatabaseAsync();

        Assert.Equal(0, await DbInit(connectionString));
        await using (var connection = await OpenAsync(connectionString))
        {
            await ExecuteAsync(connection, "InsertMembershipVersionKey", ("DeploymentId", "kept"));
        }
        Assert.Equal(0, await DbInit(connectionString));

        await using var reopened = await OpenAsync(connectionString);
        var keys = new List<string>();
        await using (var command = new NpgsqlCommand("SELECT QueryKey FROM OrleansQuery", reopened))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                keys.Add(reader.GetString(0));
            }
        }
        Assert.Equal(RequiredQueries.Order(), keys.Order());
        // Re-running left existing cluster rows alone.
        Assert.Equal(0, await ExecuteScalarAsync(reopened, "InsertMembershipVersionKey", ("DeploymentId", "kept")));
    }

    [Fact]
    public async Task Db_init_without_a_connection_string_fails_with_usage()
    {
        var error = new StringWriter();
        var previous = Environment.GetEnvironmentVariable("ALLOY_ORLEANS_MEMBERSHIP_CONNECTION_STRING");
        Assert.Null(previous);
        Assert.Equal(1, await DbInitCommand.RunAsync([], TextWriter.Null, error));
        Assert.Contains("--connection-string", error.ToString());
    }

    [Fact]
    public async Task Membership_writes_succeed_only_against_the_version_they_read()
    {
        var connectionString = await postgres.NewDatabaseAsync();
        Assert.Equal(0, await DbInit(connectionString));
        await using var connection = await OpenAsync(connectionString);
        const string cluster = "c1";

        Assert.Equal(1, await ExecuteScalarAsync(connection, "InsertMembershipVersionKey", ("DeploymentId", cluster)));
        Assert.Equal(0, await ExecuteScalarAsync(connection, "InsertMembershipVersionKey", ("DeploymentId", cluster)));
        Assert.Equal(0, await ReadVersionAsync(connection, cluster));

        Assert.Equal(1, await ExecuteScalarAsync(connection, "InsertMembershipKey", Silo(cluster, generation: 1, version: 0)));
        // Another writer that also read version 0 loses, and its row is not inserted.
        Assert.Equal(0, await ExecuteScalarAsync(connection, "InsertMembershipKey", Silo(cluster, generation: 2, version: 0)));
        // The same row twice is refused even at the right version, and the version stays.
        Assert.Equal(0, await ExecuteScalarAsync(connection, "InsertMembershipKey", Silo(cluster, generation: 1, version: 1)));
        Assert.Equal(1, await ReadVersionAsync(connection, cluster));
        Assert.Equal(1, await CountMembersAsync(connection, cluster));

        Assert.Equal(0, await ExecuteScalarAsync(connection, "UpdateMembershipKey", Update(cluster, generation: 1, status: 3, version: 0)));
        Assert.Equal(1, await ExecuteScalarAsync(connection, "UpdateMembershipKey", Update(cluster, generation: 1, status: 3, version: 1)));
        // Updating a row that does not exist changes nothing, not even the version.
        Assert.Equal(0, await ExecuteScalarAsync(connection, "UpdateMembershipKey", Update(cluster, generation: 9, status: 3, version: 2)));
        Assert.Equal(2, await ReadVersionAsync(connection, cluster));

        // The heartbeat is not a membership change: the version stays.
        await ExecuteAsync(connection, "UpdateIAmAlivetimeKey",
            ("DeploymentId", cluster), ("Address", "10.0.0.1"), ("Port", 11111), ("Generation", 1), ("IAmAliveTime", DateTime.UtcNow));
        Assert.Equal(2, await ReadVersionAsync(connection, cluster));

        // Dead entries older than the cut-off are cleaned up, live ones are not.
        Assert.Equal(1, await ExecuteScalarAsync(connection, "InsertMembershipKey", Silo(cluster, generation: 3, version: 2)));
        Assert.Equal(1, await ExecuteScalarAsync(connection, "UpdateMembershipKey", Update(cluster, generation: 3, status: 6, version: 3, aliveAt: DateTime.UtcNow.AddHours(-1))));
        await ExecuteAsync(connection, "CleanupDefunctSiloEntriesKey", ("DeploymentId", cluster), ("IAmAliveTime", DateTime.UtcNow.AddMinutes(-1)));
        Assert.Equal(1, await CountMembersAsync(connection, cluster));

        // One dead entry is removed only while it is still exactly as it was read.
        Assert.Equal(1, await ExecuteScalarAsync(connection, "InsertMembershipKey", Silo(cluster, generation: 4, version: 4)));
        Assert.Equal(1, await ExecuteScalarAsync(connection, "UpdateMembershipKey", Update(cluster, generation: 4, status: 6, version: 5)));
        var (startTime, aliveTime) = await ReadTimesAsync(connection, cluster, generation: 4);
        (string, object?)[] entry(DateTime alive) =>
        [
            ("DeploymentId", cluster), ("Address", "10.0.0.1"), ("Port", 11111), ("Generation", 4),
            ("SuspectTimes", null), ("StartTime", startTime), ("IAmAliveTime", alive),
        ];
        await ExecuteAsync(connection, "CleanupDefunctSiloEntryKey", entry(aliveTime.AddSeconds(-1)));
        Assert.Equal(2, await CountMembersAsync(connection, cluster));
        await ExecuteAsync(connection, "CleanupDefunctSiloEntryKey", entry(aliveTime));
        Assert.Equal(1, await CountMembersAsync(connection, cluster));
    }

    private static async Task<(DateTime Start, DateTime Alive)> ReadTimesAsync(NpgsqlConnection connection, string cluster, int generation)
    {
        await using var command = await StoredCommandAsync(connection, "MembershipReadRowKey",
            [("DeploymentId", cluster), ("Address", "10.0.0.1"), ("Port", 11111), ("Generation", generation)]);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetDateTime(reader.GetOrdinal("StartTime")), reader.GetDateTime(reader.GetOrdinal("IAmAliveTime")));
    }

    private static (string, object?)[] Silo(string cluster, int generation, int version) =>
    [
        ("DeploymentId", cluster), ("Address", "10.0.0.1"), ("Port", 11111), ("Generation", generation),
        ("SiloName", "silo-a"), ("HostName", "host-a"), ("Status", 2), ("ProxyPort", 0),
        ("StartTime", DateTime.UtcNow), ("IAmAliveTime", DateTime.UtcNow), ("Version", version),
    ];

    private static (string, object?)[] Update(string cluster, int generation, int status, int version, DateTime? aliveAt = null) =>
    [
        ("DeploymentId", cluster), ("Address", "10.0.0.1"), ("Port", 11111), ("Generation", generation),
        ("Status", status), ("SuspectTimes", null), ("IAmAliveTime", aliveAt ?? DateTime.UtcNow), ("Version", version),
    ];

    private static async Task<int> DbInit(string connectionString)
    {
        var error = new StringWriter();
        var exit = await DbInitCommand.RunAsync(["--connection-string", connectionString], TextWriter.Null, error);
        Assert.True(exit == 0, error.ToString());
        return exit;
    }

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Runs a stored query the way the Orleans provider does: its text from OrleansQuery, parameters by name.</summary>
    private static async Task<NpgsqlCommand> StoredCommandAsync(NpgsqlConnection connection, string key, (string Name, object? Value)[] parameters)
    {
        string text;
        await using (var lookup = new NpgsqlCommand("SELECT QueryText FROM OrleansQuery WHERE QueryKey = @key", connection))
        {
            lookup.Parameters.AddWithValue("key", key);
            text = (string)(await lookup.ExecuteScalarAsync())!;
        }
        var command = new NpgsqlCommand(text, connection);
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string key, params (string, object?)[] parameters)
    {
        await using var command = await StoredCommandAsync(connection, key, parameters);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<int> ExecuteScalarAsync(NpgsqlConnection connection, string key, params (string, object?)[] parameters)
    {
        await using var command = await StoredCommandAsync(connection, key, parameters);
        return Convert.ToInt32(await command.ExecuteScalarAsync());
    }

    private static async Task<int> ReadVersionAsync(NpgsqlConnection connection, string cluster)
    {
        await using var command = await StoredCommandAsync(connection, "MembershipReadAllKey", [("DeploymentId", cluster)]);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "the version row comes back even without members");
        return reader.GetInt32(reader.GetOrdinal("Version"));
    }

    private static async Task<int> CountMembersAsync(NpgsqlConnection connection, string cluster)
    {
        await using var command = new NpgsqlCommand("SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = @c", connection);
        command.Parameters.AddWithValue("c", cluster);
        return Convert.ToInt32(await command.ExecuteScalarAsync());
    }
}
