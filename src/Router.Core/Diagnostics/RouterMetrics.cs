using System.Diagnostics;
using System.Diagnostics.Metrics;
using Router.Journal;

namespace Router.Diagnostics;

/// <summary>
/// The router's instruments (meter <c>Router</c>, SPEC §9), recorded with one call at the place where the thing
/// happens. Labels are bounded by construction: no tenant, queue or connection id is ever a tag, so a million
/// tenants cost the same series as one. <c>GET /metrics</c> exports them in Prometheus text format.
/// </summary>
internal sealed class RouterMetrics : IDisposable
{
    public const string MeterName = "Router";

    /// <summary>Seconds: from half a millisecond (an fsync-less commit) to ten seconds (a stuck disk).</summary>
    private static readonly double[] s_latencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>Events per group commit: one lone publish up to the writer's cap.</summary>
    private static readonly long[] s_batchBuckets = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

    private readonly Meter _meter;
    private readonly Counter<long> _published;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _overflowDisconnects;
    private readonly Counter<long> _throttled;
    private readonly Counter<long> _replays;
    private readonly Counter<long> _replayedEvents;
    private readonly Histogram<double> _appendDuration;
    private readonly Histogram<long> _appendBatch;
    private readonly Histogram<double> _ingestDuration;

    /// <param name="factory">The host's meter factory (scopes the meter to one host, so tests in one process stay apart); null for a standalone meter.</param>
    /// <param name="openConnections">Read when the connections gauge is observed.</param>
    public RouterMetrics(IMeterFactory? factory = null, Func<int>? openConnections = null)
    {
        _meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        var connections = openConnections ?? (() => 0);
        _meter.CreateObservableUpDownCounter("router.connections", () => connections(), "{connection}", "Open SSE connections on this node.");
        _published = _meter.CreateCounter<long>("router.events.published", "{event}", "Events appended to the journal (idempotent duplicates excluded).");
        _delivered = _meter.CreateCounter<long>("router.events.delivered", "{event}", "Events written to SSE connections, live and replayed.");
        _dropped = _meter.CreateCounter<long>("router.events.dropped", "{event}", "Events a drop-oldest connection discarded from its full buffer.");
        _overflowDisconnects = _meter.CreateCounter<long>("router.overflow.disconnects", "{connection}", "Connections closed because their buffer overflowed (disconnect policy).");
        _throttled = _meter.CreateCounter<long>("router.events.throttled", "{event}", "Events held back or conflated by a connection's throttle.");
        _replays = _meter.CreateCounter<long>("router.replays", "{connection}", "Connections that resumed from a Last-Event-ID.");
        _replayedEvents = _meter.CreateCounter<long>("router.replayed.events", "{event}", "Events written from the journal to connections that resumed from a Last-Event-ID.");
        _appendDuration = _meter.CreateHistogram("router.journal.append.duration", "s", "Time of one journal group commit.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_latencyBuckets });
        _appendBatch = _meter.CreateHistogram("router.journal.append.batch", "{event}", "Events in one journal group commit.",
            tags: null, advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = s_batchBuckets });
        _ingestDuration = _meter.CreateHistogram("router.ingest.duration", "s", "Time of one publish request, from routing to the response (after commit).",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_latencyBuckets });
    }

    public Meter Meter => _meter;

    /// <summary>One group commit: its latency, its size, and the events it added (duplicates are not published again).</summary>
    public void JournalAppended(TimeSpan duration, IReadOnlyList<IReadOnlyList<EventToAppend>> batches, IReadOnlyList<BatchResult>? results)
    {
        _appendDuration.Record(duration.TotalSeconds);
        var events = 0L;
        foreach (var batch in batches)
        {
            events += batch.Count;
        }
        _appendBatch.Record(events);
        if (results is null)
        {
            return;
        }
        var added = 0L;
        foreach (var result in results)
        {
            foreach (var appended in result.Events)
            {
                added += appended.Duplicate ? 0 : 1;
            }
        }
        _published.Add(added);
    }

    /// <summary>Events delivered, counted once per write (a replay page, a live write) rather than once per event.</summary>
    public void EventsDelivered(long count) => _delivered.Add(count);

    /// <summary>A connection opened; <paramref name="resuming"/> when it gave a resume position (a replay).</summary>
    public void StreamOpened(bool resuming)
    {
        if (resuming)
        {
            _replays.Add(1);
        }
    }

    public void EventReplayed() => _replayedEvents.Add(1);

    public void EventsReplayed(long count) => _replayedEvents.Add(count);

    public void EventDropped() => _dropped.Add(1);

    public void OverflowDisconnect() => _overflowDisconnects.Add(1);

    public void EventsThrottled(long count) => _throttled.Add(count);

    /// <summary>A publish request answered with <paramref name="status"/> (a handful of codes: the label stays bounded).</summary>
    public void IngestCompleted(TimeSpan duration, int status) =>
        _ingestDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("status", status));

    /// <summary>Elapsed time since <paramref name="startedTimestamp"/> (from <see cref="Stopwatch.GetTimestamp"/>): a measurement of real work, not a decision, so no injected clock.</summary>
    public static TimeSpan Since(long startedTimestamp) => Stopwatch.GetElapsedTime(startedTimestamp);

    public void Dispose() => _meter.Dispose();
}
