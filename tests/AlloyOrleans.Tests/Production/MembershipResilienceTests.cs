using AlloyOrleans.Silo.Commands;
using AlloyOrleans.Tests.Infrastructure;
using System.Net.Http.Json;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace AlloyOrleans.Tests.Production;

/// <summary>
/// What the membership database and the silo-to-silo channel may do to a running cluster: a database outage stops
/// nobody's scraping, and a silo without a certificate from the cluster's CA cannot join.
/// </summary>
[Collection(ProductionTestCollection.Name)]
public sealed class MembershipResilienceTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(10) + TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Scraping_goes_on_while_the_database_is_down_and_silos_catch_up_when_it_returns()
    {
        var connectionString = await postgres.NewDatabaseAsync();
        Assert.Equal(0, await DbInitCommand.RunAsync(["--connection-string", connectionString], TextWriter.Null, TextWriter.Null));
        await using var cluster = await SiloProcessCluster.StartAsync(connectionString, targetCount: 300, Interval);
        await Task.WhenAll(new[] { "a", "b", "c" }.Select(name => cluster.StartSiloAsync(name)));
        var owners = await cluster.WaitForStableOwnershipAsync(["a", "b", "c"], SettleTimeout);

        var stoppedAt = SiloProcessCluster.Now();
        await postgres.Server.StopAsync();
        try
        {
            await Task.Delay(Outage);
        }
        finally
        {
            await postgres.Server.StartAgainAsync();
        }
        var restartedAt = SiloProcessCluster.Now();

        cluster.AssertEverySlotExactlyOnce(stoppedAt, restartedAt - (long)Interval.TotalMilliseconds);
        var during = cluster.ScrapersBetween(stoppedAt, restartedAt);
        Assert.All(owners, o => Assert.Equal([o.Value], during[o.Key]));
        Assert.All(cluster.Silos, silo => Assert.False(silo.Process!.HasExited, $"{silo.Name} exited:\n{cluster.Logs()}"));

        // Catching up: every silo writes its heartbeat to the table again, and ownership is unchanged. Orleans backs
        // its table refreshes off exponentially while the database is down (up to a minute between attempts, a
        // constant of Orleans 10.4.2's MembershipTableManager), and a silo's first heartbeat after the outage came
        // 25-40 s after the database returned in the whole suite: the bound is that minute plus one heartbeat period.
        var heartbeats = await WaitForHeartbeatsAfterAsync(connectionString, DateTimeOffset.FromUnixTimeMilliseconds(restartedAt), expected: 3, CatchUpTimeout, cluster);
        output.WriteLine($"{heartbeats} silos wrote a heartbeat after the database returned");
        Assert.Equal(owners.OrderBy(o => o.Key), (await cluster.WaitForStableOwnershipAsync(["a", "b", "c"], SettleTimeout)).OrderBy(o => o.Key));
        Assert.All(cluster.Silos, silo => Assert.False(silo.Process!.HasExited, $"{silo.Name} exited:\n{cluster.Logs()}"));
    }

    [Fact]
    public async Task Silos_with_certificates_of_the_cluster_CA_form_a_cluster_and_a_foreign_certificate_is_refused()
    {
        var connectionString = await postgres.NewDatabaseAsync();
        Assert.Equal(0, await DbInitCommand.RunAsync(["--connection-string", connectionString], TextWriter.Null, TextWriter.Null));
        await using var cluster = await SiloProcessCluster.StartAsync(connectionString, targetCount: 300, Interval);
        var directory = Directory.CreateTempSubdirectory("alloy-orleans-tls-").FullName;
        try
        {
            const string serverName = "silo.alloy-orleans.test";
            using var clusterCa = new TestCertificates(directory, "cluster");
            using var foreignCa = new TestCertificates(directory, "foreign");
            string[] TlsArgs(string caPath, (string Certificate, string Key) pair) =>
            [
                "--cluster.enable-tls", "--cluster.tls-ca-path", caPath, "--cluster.tls-cert-path", pair.Certificate,
                "--cluster.tls-key-path", pair.Key, "--cluster.tls-server-name", serverName,
            ];
            await Task.WhenAll(
                cluster.StartSiloAsync("a", TlsArgs(clusterCa.AuthorityPath, clusterCa.Issue("a", serverName))),
                cluster.StartSiloAsync("b", TlsArgs(clusterCa.AuthorityPath, clusterCa.Issue("b", serverName))));
            var owners = await cluster.WaitForStableOwnershipAsync(["a", "b"], SettleTimeout);

            // The intruder trusts the cluster's CA, but its own certificate comes from another one.
            var intruderFrom = SiloProcessCluster.Now();
            var intruder = await cluster.StartSiloAsync("x", TlsArgs(clusterCa.AuthorityPath, foreignCa.Issue("x", serverName)), waitUntilReady: false);
            var joined = await BecomesPeerAsync(cluster["a"].HttpAddress, "x", TimeSpan.FromSeconds(20));
            output.WriteLine($"intruder exited: {intruder.Process!.HasExited}");

            Assert.False(joined, "the silo with a foreign certificate joined:\n" + cluster.Logs());
            var scrapers = cluster.ScrapersBetween(intruderFrom, SiloProcessCluster.Now());
            Assert.DoesNotContain(scrapers.Values, s => s.Contains("x"));
            Assert.Equal(owners.OrderBy(o => o.Key), (await cluster.WaitForStableOwnershipAsync(["a", "b"], SettleTimeout)).OrderBy(o => o.Key));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Polls a silo's <c>/api/v0/web/peers</c>: true as soon as the named node is listed as a participant.</summary>
    private static async Task<bool> BecomesPeerAsync(string httpAddress, string name, TimeSpan within)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            var peers = await http.GetFromJsonAsync<Peer[]>($"http://{httpAddress}/api/v0/web/peers") ?? [];
            if (peers.Any(p => p.name == name && p.state == "participant"))
            {
                return true;
            }
            await Task.Delay(250);
        }
        return false;
    }

    private static async Task<int> WaitForHeartbeatsAfterAsync(string connectionString, DateTimeOffset after, int expected, TimeSpan timeout, SiloProcessCluster cluster)
    {
        var deadline = DateTime.UtcNow + timeout;
        var count = 0;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("SELECT count(*) FROM OrleansMembershipTable WHERE Status = 3 AND IAmAliveTime > @after", connection);
                command.Parameters.AddWithValue("after", after.UtcDateTime);
                count = Convert.ToInt32(await command.ExecuteScalarAsync());
                if (count >= expected)
                {
                    return count;
                }
            }
            catch (NpgsqlException)
            {
                // The server may still be finishing its start.
            }
            await Task.Delay(500);
        }
        Assert.Fail($"only {count} of {expected} silos wrote a heartbeat within {timeout} after the database returned (at {after:HH:mm:ss.fff}); "
            + $"the table: {await MembershipRowsAsync(connectionString)}\nsilo logs: {cluster.DumpLogs()}\n{cluster.Logs()}");
        return count;
    }

    /// <summary>Every row of the membership table (address, status, last heartbeat), for a failure message.</summary>
    private static async Task<string> MembershipRowsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT Address, Port, Generation, Status, IAmAliveTime, SuspectTimes FROM OrleansMembershipTable", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add($"{reader.GetValue(0)}:{reader.GetValue(1)}@{reader.GetValue(2)} status {reader.GetValue(3)} alive {reader.GetDateTime(4):HH:mm:ss.fff} suspect [{reader.GetValue(5)}]");
        }
        return string.Join("; ", rows);
    }

    private sealed record Peer(string name, string addr, bool isSelf, string state);
}
