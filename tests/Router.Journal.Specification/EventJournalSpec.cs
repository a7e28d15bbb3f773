using System.Text;
using Router.Queues;
using Router.Tenants;
using Router.TestKit;

namespace Router.Journal.Specification;

/// <summary>
/// The journal TCK: what every <see cref="IEventJournal"/> must do, written once (like Akka.Persistence.TCK's
/// JournalSpec). A journal's test project derives from it and says how to create, reopen and delete a store;
/// xunit runs every test here against that journal. Each test gets a fresh, empty, initialized store.
/// </summary>
public abstract partial class EventJournalSpec : IAsyncLifetime
{
    protected static readonly TenantId TenantA = TenantId.Parse("tenant-a");
    protected static readonly TenantId TenantB = TenantId.Parse("tenant-b");
    protected static readonly QueueName Questions = QueueName.Parse("questions");
    protected static readonly QueueName Answers = QueueName.Parse("answers");

    /// <summary>
    /// A time with a non-UTC offset and microsecond digits: the instant must round-trip exactly. The seam
    /// promises no finer precision than a microsecond (what PostgreSQL's timestamptz keeps).
    /// </summary>
    protected static readonly DateTimeOffset Time0 = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.FromHours(2)).AddTicks(1_234_560);

    /// <summary>SPEC §3 caps an event id at 128 characters; a journal must refuse a longer one rather than store it.</summary>
    protected static readonly string EventIdTooLong = new('x', 129);

    /// <summary>The journal under test; replaced by <see cref="ReopenAsync"/>.</summary>
    protected IEventJournal Journal { get; private set; } = null!;

    /// <summary>A fresh, empty store, already initialized.</summary>
    protected abstract Task<IEventJournal> CreateJournalAsync();

    /// <summary>Disposes <see cref="Journal"/> (it may already be disposed) and opens the same store again, initialized.</summary>
    protected virtual Task<IEventJournal> ReopenJournalAsync() =>
        throw new NotSupportedException($"{GetType().Name} must override ReopenJournalAsync: durability is part of the journal contract.");

    /// <summary>Removes what <see cref="CreateJournalAsync"/> created, after the journal is disposed.</summary>
    protected virtual Task DeleteStoreAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => Journal = await CreateJournalAsync().DefaultTimeout();

    public async Task DisposeAsync()
    {
        if (Journal is not null)
        {
            await Journal.DisposeAsync().DefaultTimeout();
        }
        await DeleteStoreAsync().DefaultTimeout();
    }

    protected async Task ReopenAsync() => Journal = await ReopenJournalAsync().DefaultTimeout();

    /// <summary>An event whose data is small JSON naming its id, so every event's bytes differ.</summary>
    protected static EventToAppend NewEvent(
        string id,
        QueueName? queue = null,
        string? json = null,
        byte[]? audience = null,
        string? originClientId = null,
        string type = "question.created.v1") =>
        new(
            id,
            type,
            queue?.Value,
            Time0,
            Encoding.UTF8.GetBytes(json ?? $$"""{"id":"{{id}}"}"""),
            // Cast first: a null byte[] (and `null` in a conditional with a ReadOnlyMemory<byte>) converts to an
            // empty, non-null ReadOnlyMemory<byte>?.
            audience is null ? (ReadOnlyMemory<byte>?)null : audience,
            originClientId);

    protected async Task<IReadOnlyList<BatchResult>> AppendBatchesAsync(TenantId tenant, params IReadOnlyList<EventToAppend>[] batches) =>
        await Journal.AppendAsync(tenant, batches, CancellationToken.None).DefaultTimeout();

    /// <summary>Appends one batch and returns its events' outcomes.</summary>
    protected async Task<IReadOnlyList<AppendedEvent>> AppendAsync(TenantId tenant, params EventToAppend[] events) =>
        (await AppendBatchesAsync(tenant, events)).Single().Events;

    protected async Task<IReadOnlyList<JournalEvent>> ReadAsync(TenantId tenant, long after, int limit, QueueName? queue = null) =>
        await Journal.ReadAsync(tenant, new JournalQuery(new Position(after), limit, queue), CancellationToken.None).DefaultTimeout();

    /// <summary>Every event of the tenant (or queue), page by page.</summary>
    protected async Task<IReadOnlyList<JournalEvent>> ReadAllAsync(TenantId tenant, QueueName? queue = null)
    {
        var all = new List<JournalEvent>();
        while (true)
        {
            var page = await ReadAsync(tenant, all.Count == 0 ? 0 : all[^1].Position.Value, 100, queue);
            if (page.Count == 0)
            {
                return all;
            }
            all.AddRange(page);
        }
    }

    protected static List<long> Positions(IEnumerable<JournalEvent> events) => events.Select(e => e.Position.Value).ToList();

    protected static List<long> Positions(IEnumerable<AppendedEvent> events) => events.Select(e => e.Event.Position.Value).ToList();

    protected static long[] Range(long first, int count) => Enumerable.Range(0, count).Select(i => first + i).ToArray();

    /// <summary>The stored event is the appended one, field for field and byte for byte, at the given position.</summary>
    protected static void AssertStored(EventToAppend expected, long position, JournalEvent actual)
    {
        Assert.Equal(position, actual.Position.Value);
        Assert.Equal(expected.EventId, actual.EventId);
        Assert.Equal(expected.Type, actual.Type);
        Assert.Equal(expected.Queue, actual.Queue);
        Assert.Equal(expected.Time, actual.Time); // DateTimeOffset equality compares instants
        Assert.Equal(expected.Data.ToArray(), actual.Data.ToArray());
        Assert.Equal(expected.Audience.HasValue, actual.Audience.HasValue);
        Assert.Equal(expected.Audience?.ToArray(), actual.Audience?.ToArray());
        Assert.Equal(expected.OriginClientId, actual.OriginClientId);
    }
}
