using AlloyOrleans.Silo.Configuration;
using AlloyOrleans.Silo.Syntax;

namespace AlloyOrleans.Tests.Configuration;

/// <summary>Loading helpers: the registry with the test components, and a standard library with a fixed environment.</summary>
internal static class TestConfigurations
{
    public static readonly ComponentRegistry Registry = ComponentRegistry.Create([typeof(TestConfigurations).Assembly]);

    public static readonly IReadOnlyDictionary<string, AlloyValue> Library =
        StandardLibrary.Create(name => name == "TEST_VARIABLE" ? "from-env" : null, hostname: "test-host");

    public static LoadedConfiguration Load(string source, string fileName = "test.alloy") =>
        ConfigurationLoader.Load(fileName, source, Registry, Library);

    public static string DataDirectory(string kind) => Path.Combine(AppContext.BaseDirectory, "Data", "config", kind);

    /// <summary>Waits (bounded) for a condition the graph reaches asynchronously.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (timeout.IsCancellationRequested)
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }
            await Task.Delay(10);
        }
    }
}
