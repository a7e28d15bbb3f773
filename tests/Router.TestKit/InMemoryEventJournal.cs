using Router.Journal;
using Router.Queues;
using Router.Tenants;

namespace Router.TestKit;

/// <summary>
/// A journal in memory for actor tests: same contract as the real ones (it passes the journal
/// specification), plus hooks to make appends or reads fail or wait, to drive supervision and backpressure.
/// </summary>
public sealed class InMemoryEventJournal : IEventJournal
{
    private readonly Lock _gate = new();
    private readonly Dictionary<TenantId, List<JournalEvent>> _events = [];
    private readonly Dictionary<(TenantId, string), JournalEvent> _ids = [];
    private bool _disposed;
    private int _appendsStarted;
    private int _readsInFlight;
    private int _maxReadsInFlight;

    /// <summary>When set, the next appends throw it (nothing is stored).</summary>
    public Exception? FailAppendsWith { get; set; }

    /// <summary>When set, appends wait for this task before committing (lets a test hold a commit in flight).</summary>
    public Task? AppendGate { get; set; }

    /// <summary>When set, head reads wait for this task (lets a test hold a tenant actor in its start).</summary>
    public Task? HeadGate { get; set; }

    /// <summary>When set, event reads wait for this task; <see cref="ReadsInFlight"/> and <see cref="MaxReadsInFlight"/> count them.</summary>
    public Task? ReadGate { get; set; }

    /// <summary>Event reads waiting on <see cref="ReadGate"/> now.</summary>
    public int ReadsInFlight => Volatile.Read(ref _readsInFlight);

    /// <summary>The most event reads that waited on <see cref="ReadGate"/> at once.</summary>
    public int MaxReadsInFlight => Volatile.Read(ref _maxReadsInFlight);

    /// <summary>
    /// When set, called with each append call's number (1, 2, ... in call order) once it committed; the call
    /// returns when the task completes (lets a test complete commits in another order than they were made).
    /// </summary>
    public Func<int, Task>? AfterCommit { get; set; }

    /// <summary>Number of AppendAsync calls begun, including those waiting on <see cref="AppendGate"/>.</summary>
    public int AppendsStarted => Volatile.Read(ref _appendsStarted);

    /// <summary>Number of AppendAsync calls that committed (group commit shows as fewer calls than batches).</summary>
    public int Commits { get; private set; }

    public int Reads { get; private set; }

    /// <summary>Tenants whose head reads throw (a tenant actor then fails in PreStart), to show faults stay in one tenant.</summary>
    public HashSet<TenantId> BrokenTenants { get; } = [];

    public ValueTask InitializeAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public async ValueTask<IReadOnlyList<BatchResult>> AppendAsync(TenantId tenant, IReadOnlyList<IReadOnlyList<EventToAppend>> batches, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref _appendsStarted);
        if (AppendGate is { } gate)
        {
            await gate.WaitAsync(cancellationToken);
        }
        var results = Commit(tenant, batches);
        if (AfterCommit is { } afterCommit)
        {
            await afterCommit(call).WaitAsync(cancellationToken);
        }
        return results;
    }

    private List<BatchResult> Commit(TenantId tenant, IReadOnlyList<IReadOnlyList<EventToAppend>> batches)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                throw new JournalUnavailableException("The journal is disposed.");
            }
            if (FailAppendsWith is { } failure)
            {
                throw failure;
            }
            var list = EventsOf(tenant);
            var results = new List<BatchResult>();
            var staged = new Dictionary<string, JournalEvent>();
            var head = list.Count == 0 ? 0 : list[^1].Position.Value;
            var added = new List<JournalEvent>();
            foreach (var batch in batches)
            {
                var outcome = new List<AppendedEvent>();
                foreach (var e in batch)
                {
                    if (_ids.TryGetValue((tenant, e.EventId), out var existing) || staged.TryGetValue(e.EventId, out existing))
                    {
                        outcome.Add(new AppendedEvent(existing, true));
                        continue;
                    }
                    var stored = new JournalEvent(new Position(++head), e.EventId, e.Type, e.Queue, e.Time, e.Data, e.Audience, e.OriginClientId);
                    staged[e.EventId] = stored;
                    added.Add(stored);
                    outcome.Add(new AppendedEvent(stored, false));
                }
                results.Add(new BatchResult(outcome));
            }
            foreach (var stored in added)
            {
                list.Add(stored);
                _ids[(tenant, stored.EventId)] = stored;
            }
            Commits++;
            return results;
        }
    }

    public async ValueTask<IReadOnlyList<JournalEvent>> ReadAsync(TenantId tenant, JournalQuery query, CancellationToken cancellationToken)
    {
        if (ReadGate is not { } gate)
        {
            return ReadPage(tenant, query);
        }
        var inFlight = Interlocked.Increment(ref _readsInFlight);
        InterlockedMax(ref _maxReadsInFlight, inFlight);
        try
        {
            await gate.WaitAsync(cancellationToken);
            return ReadPage(tenant, query);
        }
        finally
        {
            Interlocked.Decrement(ref _readsInFlight);
        }
    }

    private List<JournalEvent> ReadPage(TenantId tenant, JournalQuery query)
    {
        lock (_gate)
        {
            Reads++;
            return EventsOf(tenant)
                .Where(e => e.Position > query.After && (query.Queue is null || e.Queue == query.Queue.Value.Value))
                .Take(query.Limit)
                .ToList();
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) is var seen && seen != current)
        {
            current = seen;
        }
    }

    public async ValueTask<Position> ReadHeadAsync(TenantId tenant, CancellationToken cancellationToken)
    {
        if (HeadGate is { } gate)
        {
            await gate.WaitAsync(cancellationToken);
        }
        return ReadHead(tenant);
    }

    private Position ReadHead(TenantId tenant)
    {
        lock (_gate)
        {
            if (BrokenTenants.Contains(tenant))
            {
                throw new InvalidOperationException($"Tenant {tenant} is broken for this test.");
            }
            var list = EventsOf(tenant);
            return list.Count == 0 ? Position.Start : list[^1].Position;
        }
    }

    public ValueTask<Position> ReadQueueHeadAsync(TenantId tenant, QueueName queue, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var last = EventsOf(tenant).LastOrDefault(e => e.Queue == queue.Value);
            return ValueTask.FromResult(last?.Position ?? Position.Start);
        }
    }

    public ValueTask<Position> ReadEarliestAsync(TenantId tenant, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var list = EventsOf(tenant);
            return ValueTask.FromResult(list.Count == 0 ? Position.Start : list[0].Position);
        }
    }

    public ValueTask<long> PruneAsync(TenantId tenant, DateTimeOffset olderThan, long keepNewest, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var list = EventsOf(tenant);
            if (list.Count == 0)
            {
                return ValueTask.FromResult(0L);
            }
            var head = list[^1].Position.Value;
            var removed = list.RemoveAll(e => e.Position.Value < head && (e.Time < olderThan || e.Position.Value <= head - keepNewest));
            return ValueTask.FromResult((long)removed);
        }
    }

    public ValueTask<IReadOnlyList<TenantId>> ReadTenantsAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult<IReadOnlyList<TenantId>>(_events.Where(p => p.Value.Count > 0).Select(p => p.Key).ToList());
        }
    }

    public ValueTask<bool> PingAsync(CancellationToken cancellationToken) => ValueTask.FromResult(!_disposed);

    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _disposed = true;
        }
        return ValueTask.CompletedTask;
    }

    private List<JournalEvent> EventsOf(TenantId tenant)
    {
        if (!_events.TryGetValue(tenant, out var list))
        {
            _events[tenant] = list = [];
        }
        return list;
    }
}
