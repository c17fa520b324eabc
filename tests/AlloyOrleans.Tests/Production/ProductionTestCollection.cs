using AlloyOrleans.Tests.Infrastructure;
using Xunit;

namespace AlloyOrleans.Tests.Production;

/// <summary>
/// Production tests share one private PostgreSQL server (each test makes its own database) and run one at a time:
/// they start real silo processes whose failure detection needs the cores.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProductionTestCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "Production: PostgreSQL and silo processes";
}

public sealed class PostgresFixture : IAsyncLifetime
{
    private int _databases;

    public PostgresServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await PostgresServer.StartAsync();

    /// <summary>A fresh empty database for one test.</summary>
    public Task<string> NewDatabaseAsync() => Server.CreateDatabaseAsync($"test{Interlocked.Increment(ref _databases)}");

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
