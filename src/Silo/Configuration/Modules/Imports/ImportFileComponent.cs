using AlloyOrleans.Grains.Components;

namespace AlloyOrleans.Silo.Configuration.Modules.Imports;

/// <summary><c>import.file</c>: a module from a file or a directory of <c>*.alloy</c> files, re-read when it changes.</summary>
[AlloyComponent(ModuleBlocks.ImportFile, typeof(ImportFileArguments), typeof(ImportExports))]
public sealed class ImportFileComponent(IComponentHost host) : ImportComponent<ImportFileArguments>(host)
{
    private FileSystemWatcher? _watcher;

    protected override async Task<IReadOnlyDictionary<string, string>> FetchAsync(ImportFileArguments arguments, CancellationToken cancellationToken)
    {
        var files = Directory.Exists(arguments.Filename)
            ? Directory.GetFiles(arguments.Filename, "*.alloy").Order(StringComparer.Ordinal).ToArray()
            : [arguments.Filename];
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            sources[file] = await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
        }
        return sources;
    }

    protected override TimeSpan PollFrequency(ImportFileArguments arguments) => arguments.PollFrequency;

    protected override void OnConfigured(ImportFileArguments arguments)
    {
        _watcher?.Dispose();
        _watcher = null;
        if (arguments.Detector != "fsnotify")
        {
            return;
        }
        var isDirectory = Directory.Exists(arguments.Filename);
        var directory = isDirectory ? arguments.Filename : Path.GetDirectoryName(Path.GetFullPath(arguments.Filename))!;
        _watcher = new FileSystemWatcher(directory, isDirectory ? "*.alloy" : Path.GetFileName(arguments.Filename))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size,
        };
        _watcher.Changed += (_, _) => Wake();
        _watcher.Created += (_, _) => Wake();
        _watcher.Renamed += (_, _) => Wake();
        _watcher.Deleted += (_, _) => Wake();
        _watcher.EnableRaisingEvents = true;
    }

    protected override void OnStopped() => _watcher?.Dispose();
}
