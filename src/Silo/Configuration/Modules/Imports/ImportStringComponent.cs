using AlloyOrleans.Grains.Components;

namespace AlloyOrleans.Silo.Configuration.Modules.Imports;

/// <summary><c>import.string</c>: a module from a string; it changes when re-evaluation gives new content.</summary>
[AlloyComponent(ModuleBlocks.ImportString, typeof(ImportStringArguments), typeof(ImportExports))]
public sealed class ImportStringComponent(IComponentHost host) : ImportComponent<ImportStringArguments>(host)
{
    protected override Task<IReadOnlyDictionary<string, string>> FetchAsync(ImportStringArguments arguments, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string> { [Host.ComponentId] = arguments.Content });

    protected override TimeSpan PollFrequency(ImportStringArguments arguments) => Timeout.InfiniteTimeSpan;
}
