using System.Runtime.CompilerServices;
using Xunit;

// Cluster, process and receiver tests measure slots in wall-clock time on a 2-core machine: running test classes
// one at a time keeps one test's silos from starving another's scrapes.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace AlloyOrleans.Tests;

internal static class TestAssemblySettings
{
    /// <summary>
    /// The test host serves the scrape targets (<c>Infrastructure/ScrapeTargetServer</c>) on the thread pool. On two
    /// cores the pool starts with two threads and adds one about every half second while work waits; with silo
    /// processes starting beside it, a thread held for a moment (JIT, a synchronous wait) left a backlog of queued
    /// requests (dotnet-counters on the test host: ~90 queued work items, threads injected one by one), so targets
    /// answered after their scrape timeout, all at once — scrapes that failed (up 0) for the test's own reasons. Enough
    /// threads from the start let queued requests run at once.
    /// </summary>
    [ModuleInitializer]
    internal static void GiveTheThreadPoolRoomForTheTargetServer()
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(completionPorts, 64));
    }
}
