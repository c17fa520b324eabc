using System.Threading.Channels;
using AlloyOrleans.Grains.Abstractions;
using Microsoft.Extensions.Logging;

namespace AlloyOrleans.Grains.Discovery.File;

/// <summary>
/// Discovers targets from JSON/YAML files matching glob patterns. Every file is re-read each refresh interval and as
/// soon as a file system notification says something changed in a watched directory. A file that fails to parse
/// keeps the targets it had when last read successfully; a file that disappears takes its targets with it.
/// Each group carries <c>__meta_filepath</c>.
/// </summary>
public sealed partial class FileDiscoverer(FileDiscoveryOptions options, ILogger logger) : ITargetDiscoverer
{
    public const string FilePathLabel = "__meta_filepath";

    /// <summary>Editors write in several steps; gather a burst of notifications into one re-read.</summary>
    private static readonly TimeSpan NotificationSettleTime = TimeSpan.FromMilliseconds(50);

    private readonly Dictionary<string, IReadOnlyList<TargetGroup>> _lastGood = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FileSystemWatcher> _watchers = new(StringComparer.Ordinal);

    public async Task RunAsync(Action<IReadOnlyList<LabelSet>> publish, CancellationToken cancellationToken)
    {
        var publisher = new TargetListPublisher(publish);
        var changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var files = await RefreshAsync(cancellationToken).ConfigureAwait(false);
                publisher.Publish(TargetGroup.FlattenAll(files.SelectMany(f => _lastGood.GetValueOrDefault(f, []))));
                WatchDirectories(files, changed.Writer);

                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(options.RefreshInterval);
                try
                {
                    await changed.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
                    await Task.Delay(NotificationSettleTime, cancellationToken).ConfigureAwait(false);
                    changed.Reader.TryRead(out _);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The refresh interval elapsed.
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var watcher in _watchers.Values)
            {
                watcher.Dispose();
            }
            _watchers.Clear();
        }
    }

    /// <summary>Re-reads every matching file; returns the files currently matched, in order.</summary>
    private async Task<IReadOnlyList<string>> RefreshAsync(CancellationToken cancellationToken)
    {
        var files = new List<string>();
        foreach (var pattern in options.Files)
        {
            try
            {
                files.AddRange(FileGlob.Expand(pattern).Where(f => !files.Contains(f)));
            }
            catch (ArgumentException e)
            {
                LogBadPattern(logger, pattern, e.Message);
            }
        }
        foreach (var file in files)
        {
            try
            {
                var content = await System.IO.File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false);
                _lastGood[file] = Parse(file, content);
            }
            catch (FileNotFoundException)
            {
                _lastGood.Remove(file);
            }
            catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
            {
                LogBadFile(logger, file, e.Message);
            }
        }
        foreach (var gone in _lastGood.Keys.Except(files).ToList())
        {
            _lastGood.Remove(gone);
        }
        return files;
    }

    private static IReadOnlyList<TargetGroup> Parse(string file, byte[] content)
    {
        var labels = LabelSet.From((FilePathLabel, file));
        return file.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            ? TargetGroupParser.ParseJson(content, file, labels)
            : TargetGroupParser.ParseYaml(System.Text.Encoding.UTF8.GetString(content), file, labels);
    }

    /// <summary>Watches the directories of the patterns and of the matched files (those that exist).</summary>
    private void WatchDirectories(IReadOnlyList<string> files, ChannelWriter<bool> changed)
    {
        var directories = options.Files.Select(FileGlob.StaticDirectory)
            .Concat(files.Select(Path.GetDirectoryName))
            .OfType<string>()
            .Where(Directory.Exists)
            .ToHashSet(StringComparer.Ordinal);
        foreach (var stale in _watchers.Keys.Where(d => !directories.Contains(d)).ToList())
        {
            _watchers.Remove(stale, out var watcher);
            watcher!.Dispose();
        }
        foreach (var directory in directories.Where(d => !_watchers.ContainsKey(d)))
        {
            try
            {
                var watcher = new FileSystemWatcher(directory)
                {
                    NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                };
                FileSystemEventHandler onChange = (_, _) => changed.TryWrite(true);
                watcher.Changed += onChange;
                watcher.Created += onChange;
                watcher.Deleted += onChange;
                watcher.Renamed += (_, _) => changed.TryWrite(true);
                watcher.Error += (_, e) => LogWatchError(logger, directory, e.GetException().Message);
                watcher.EnableRaisingEvents = true;
                _watchers[directory] = watcher;
            }
            catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
            {
                // Without a watcher the refresh interval still picks changes up.
                LogWatchError(logger, directory, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "discovery.file: cannot read {File}, keeping its last good targets: {Error}")]
    private static partial void LogBadFile(ILogger logger, string file, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "discovery.file: invalid pattern {Pattern}: {Error}")]
    private static partial void LogBadPattern(ILogger logger, string pattern, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "discovery.file: cannot watch {Directory}, relying on refresh_interval: {Error}")]
    private static partial void LogWatchError(ILogger logger, string directory, string error);
}
