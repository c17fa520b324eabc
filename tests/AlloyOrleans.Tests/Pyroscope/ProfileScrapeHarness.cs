using AlloyOrleans.Grains.Abstractions;
using AlloyOrleans.Grains.Pyroscope;
using AlloyOrleans.Grains.Pyroscope.Pprof;
using AlloyOrleans.Grains.Scrape;
using Microsoft.Extensions.Logging.Abstractions;

namespace AlloyOrleans.Tests.Pyroscope;

/// <summary>
/// Drives the profile executor the way the scrape core does for one silo — one scheduled target per profile type,
/// each with its own state — without a scheduler, so a test decides when each slot happens.
/// </summary>
public sealed class ProfileScrapeHarness : IDisposable
{
    private readonly ScrapeHttpClients _clients = new();
    private readonly Dictionary<ulong, TargetScrapeState> _states = [];

    public ProfileScrapeHarness(TimeSpan interval, TimeSpan timeout, long bodySizeLimit = 16 << 20)
    {
        Executor = new ProfileScraper(_clients, TimeProvider.System, NullLogger.Instance, [Sink]);
        Job = new ScrapeJob
        {
            ComponentId = "pyroscope.scrape.test",
            JobName = "pyroscope.scrape.test",
            Interval = interval,
            Timeout = timeout,
            BodySizeLimitBytes = bodySizeLimit,
            Executor = Executor,
        };
    }

    public RecordingProfileSink Sink { get; } = new();

    public ProfileScraper Executor { get; }

    public ScrapeJob Job { get; }

    /// <summary>The scheduled targets of one discovered target (Alloy's defaults: delta seconds = interval - 1 s).</summary>
    public IReadOnlyList<ScrapeTarget> Targets(LabelSet discovered, IReadOnlyList<ProfileTargetSpec> profiles, string pathPrefix = "") =>
        [.. ProfileTargetLabels.Expand(discovered, profiles, pathPrefix, "http", (long)Job.Interval.TotalSeconds - 1, paramsHaveSeconds: false)
            .Select(labels => ScrapeTarget.Create(Job, labels, out var error) ?? throw new InvalidOperationException(error))];

    public Task<ScrapeReport> ScrapeAsync(ScrapeTarget target)
    {
        if (!_states.TryGetValue(target.Key, out var state))
        {
            _states[target.Key] = state = new TargetScrapeState();
        }
        return Executor.ScrapeAsync(Job, target, state, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), CancellationToken.None);
    }

    /// <summary>The built-in defaults as specs.</summary>
    public static IReadOnlyList<ProfileTargetSpec> Defaults() =>
        [.. ProfileType.BuiltIn.Where(t => t.EnabledByDefault).Select(t => new ProfileTargetSpec(t.Name, t.DefaultPath, t.DeltaByDefault))];

    public static IReadOnlyList<(string Type, string Unit)> SampleTypes(Profile profile) =>
        [.. profile.SampleType.Select(t => (profile.StringTable[(int)t.Type], profile.StringTable[(int)t.Unit]))];

    public void Dispose() => _clients.Dispose();
}
