using Router.Queues;
using Router.Tenants;

namespace Router.Journal;

/// <summary>
/// The append-only event journal: the one seam between the router and its storage.
/// Every implementation passes the journal specification suite (tests/Router.Journal.Specification).
/// </summary>
/// <remarks>
/// Invariants every implementation keeps:
/// <list type="bullet">
/// <item>Positions of one tenant are 1, 2, 3, … with no gaps and no reuse, also under concurrent appends.</item>
/// <item>A reader never sees position N before every position below N is visible (no holes while a writer commits).</item>
/// <item>An event id is unique per tenant: appending a known id stores nothing and reports the original event.</item>
/// <item>When <see cref="AppendAsync"/> completes, every event it reports is durable (committed).</item>
/// </list>
/// </remarks>
public interface IEventJournal : IAsyncDisposable
{
    /// <summary>Creates or migrates the schema; safe to call concurrently from several nodes.</summary>
    ValueTask InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Appends several batches of one tenant in one transaction: all of them or none. Within the call,
    /// events get consecutive positions in batch order then event order; duplicates (an id already stored,
    /// or repeated earlier in the same call) take no position. The result has one entry per batch, in order.
    /// Concurrent calls may be committed together (group commit).
    /// </summary>
    /// <exception cref="JournalUnavailableException">The storage cannot be reached; nothing was appended.</exception>
    ValueTask<IReadOnlyList<BatchResult>> AppendAsync(
        TenantId tenant,
        IReadOnlyList<IReadOnlyList<EventToAppend>> batches,
        CancellationToken cancellationToken);

    /// <summary>Reads one page of events in position order (see <see cref="JournalQuery"/>).</summary>
    ValueTask<IReadOnlyList<JournalEvent>> ReadAsync(TenantId tenant, JournalQuery query, CancellationToken cancellationToken);

    /// <summary>The highest position of the tenant, or <see cref="Position.Start"/> when it has no events.</summary>
    ValueTask<Position> ReadHeadAsync(TenantId tenant, CancellationToken cancellationToken);

    /// <summary>The highest position of an event of the queue, or <see cref="Position.Start"/> when it has none.</summary>
    ValueTask<Position> ReadQueueHeadAsync(TenantId tenant, QueueName queue, CancellationToken cancellationToken);

    /// <summary>The lowest retained position of the tenant, or <see cref="Position.Start"/> when it has no events.</summary>
    ValueTask<Position> ReadEarliestAsync(TenantId tenant, CancellationToken cancellationToken);

    /// <summary>
    /// Retention: deletes the tenant's events older than <paramref name="olderThan"/> or beyond the newest
    /// <paramref name="keepNewest"/>, oldest first, in short chunks so appends and reads are not blocked.
    /// The newest event is always kept, so positions are never reused. Returns how many were deleted.
    /// </summary>
    ValueTask<long> PruneAsync(TenantId tenant, DateTimeOffset olderThan, long keepNewest, CancellationToken cancellationToken);

    /// <summary>Every tenant that has retained events (the retention sweep walks them).</summary>
    ValueTask<IReadOnlyList<TenantId>> ReadTenantsAsync(CancellationToken cancellationToken);

    /// <summary>True when the storage answers a trivial query (readiness).</summary>
    ValueTask<bool> PingAsync(CancellationToken cancellationToken);
}
