using System.Reflection;
using Npgsql;

namespace AlloyOrleans.Silo.Membership;

/// <summary>
/// The PostgreSQL scripts of <c>sql/</c> (tables and named queries of the Orleans ADO.NET membership provider),
/// carried inside the binary so <c>alloy-orleans db init</c> needs nothing else. Every script is idempotent.
/// </summary>
public static class MembershipSchema
{
    private const string ResourcePrefix = "sql/";

    // Any constant works; it only has to be the same for every process that initialises the schema at once
    // (three containers starting together), so that CREATE ... IF NOT EXISTS never races with itself.
    private const long InitLockKey = 0x416C6C6F794F726CL;

    /// <summary>The scripts in the order they run (by file name).</summary>
    public static IReadOnlyList<(string Name, string Text)> Scripts { get; } = LoadScripts();

    /// <summary>Applies every script in one transaction, serialised against concurrent initialisers.</summary>
    public static async Task ApplyAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", InitLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }
        foreach (var (_, text) in Scripts)
        {
            await using var command = new NpgsqlCommand(text, connection, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private static List<(string Name, string Text)> LoadScripts()
    {
        var assembly = typeof(MembershipSchema).Assembly;
        var scripts = new List<(string, string)>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            scripts.Add((name[ResourcePrefix.Length..], reader.ReadToEnd()));
        }
        return scripts.Count > 0
            ? scripts
            : throw new InvalidOperationException($"no {ResourcePrefix}*.sql resources in {assembly.GetName().Name}");
    }
}
