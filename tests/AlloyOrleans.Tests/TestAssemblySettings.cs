using Xunit;

// Cluster, process and receiver tests measure slots in wall-clock time on a 2-core machine: running test classes
// one at a time keeps one test's silos from starving another's scrapes.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
