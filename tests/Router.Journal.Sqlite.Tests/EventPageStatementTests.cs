using Router.Queues;
using Router.Tenants;
using Router.TestKit;

namespace Router.Journal.Sqlite;

/// <summary>Queue pages: a dense queue is read as a primary-key range, a sparse one through the queue index; the rows are the same either way.</summary>
public sealed class EventPageStatementTests : IDisposable
{
    private static readonly TenantId Tenant = TenantId.Parse("tenant-a");

    private readonly SqliteTestStore _store = new();

    public void Dispose() => _store.Dispose();

    /// <summary>Appends one event per entry, in order: positions 1..n, the id naming the position.</summary>
    private static async Task AppendAsync(IEventJournal journal, IEnumerable<string?> queues)
    {
        var events = queues
            .Select((queue, i) => new EventToAppend($"e{i + 1}", "question.created.v1", queue, new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero), "{}"u8.ToArray(), null, null))
            .ToList();
        await journal.AppendAsync(Tenant, [events], CancellationToken.None).DefaultTimeout();
    }

    private static async Task<List<JournalEvent>> ReadQueueAsync(SqliteEventJournal journal, string queue, int limit)
    {
        var all = new List<JournalEvent>();
        var after = Position.Start;
        while (true)
        {
            var page = await journal.ReadAsync(Tenant, new JournalQuery(after, limit, QueueName.Parse(queue)), CancellationToken.None).DefaultTimeout();
            all.AddRange(page);
            if (page.Count < limit)
            {
                return all;
            }
            after = page[^1].Position;
        }
    }

    private static long RangePages(SqliteEventJournal journal)
    {
        var connection = journal.Pages.Rent();
        try
        {
            return connection.RangePages;
        }
        finally
        {
            journal.Pages.Return(connection);
        }
    }

    [Fact]
    public async Task ReadAsync_QueueAloneInTheTenant_ReadsEveryFullPageAsARange()
    {
        await using var journal = await _store.OpenJournalAsync().DefaultTimeout();
        await AppendAsync(journal, Enumerable.Repeat<string?>("q", 30));

        var rows = await ReadQueueAsync(journal, "q", limit: 10);

        Assert.Equal(Enumerable.Range(1, 30).Select(p => (long)p), rows.Select(e => e.Position.Value));
        Assert.All(rows, e => Assert.Equal("q", e.Queue));
        // Three full pages; the fourth found nothing to read.
        Assert.Equal(3, RangePages(journal));
    }

    [Fact]
    public async Task ReadAsync_DenseAndSparseQueuesInterleaved_EachGetsExactlyItsRowsInOrder()
    {
        await using var journal = await _store.OpenJournalAsync().DefaultTimeout();
        // Every 9th event is on "sparse", every 7th on no queue (tenant-level), the rest on "dense".
        var queues = Enumerable.Range(1, 400).Select(p => p % 9 == 0 ? "sparse" : p % 7 == 0 ? null : "dense").ToList();
        await AppendAsync(journal, queues);

        var sparse = await ReadQueueAsync(journal, "sparse", limit: 4);
        Assert.Equal(0, RangePages(journal));
        var dense = await ReadQueueAsync(journal, "dense", limit: 4);

        Assert.Equal(Enumerable.Range(1, 400).Where(p => queues[p - 1] == "sparse").Select(p => (long)p), sparse.Select(e => e.Position.Value));
        Assert.Equal(Enumerable.Range(1, 400).Where(p => queues[p - 1] == "dense").Select(p => (long)p), dense.Select(e => e.Position.Value));
        Assert.All(sparse.Concat(dense), e => Assert.Equal($"e{e.Position.Value}", e.EventId));
        Assert.True(RangePages(journal) > 0);
    }
}
