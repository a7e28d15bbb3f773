using System.Runtime.InteropServices;
using Router.Tenants;
using Router.TestKit;

namespace Router.Journal.Sqlite;

/// <summary>The journal's own pool of page connections (replay reads): no connection mutex, reuse, bounds, shutdown.</summary>
public sealed class PageConnectionPoolTests : IDisposable
{
    private static readonly TenantId Tenant = TenantId.Parse("tenant-a");

    private readonly SqliteTestStore _store = new();

    public void Dispose() => _store.Dispose();

    /// <summary>The connection's mutex: null when it was opened with SQLITE_OPEN_NOMUTEX (and SQLite is not serialized for all).</summary>
    [DllImport("e_sqlite3", EntryPoint = "sqlite3_db_mutex")]
    private static extern nint DbMutex(nint db);

    private static async Task AppendAsync(IEventJournal journal, int count)
    {
        var events = Enumerable.Range(0, count)
            .Select(i => new EventToAppend($"e{i}", "question.created.v1", "q", new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero), "{}"u8.ToArray(), null, null))
            .ToList();
        await journal.AppendAsync(Tenant, [events], CancellationToken.None).DefaultTimeout();
    }

    [Fact]
    public async Task Rent_AfterTheJournalOpened_ConnectionHasNoMutex()
    {
        await using var journal = await _store.OpenJournalAsync().DefaultTimeout();

        var connection = journal.Pages.Rent();
        try
        {
            Assert.Equal(0, DbMutex(connection.Handle.DangerousGetHandle()));
        }
        finally
        {
            journal.Pages.Return(connection);
        }
    }

    [Fact]
    public async Task ReadAsync_ManyPagesOneAfterAnother_ReuseOneConnection()
    {
        await using var journal = await _store.OpenJournalAsync().DefaultTimeout();
        await AppendAsync(journal, 50);

        var after = Position.Start;
        for (var i = 0; i < 10; i++)
        {
            var page = await journal.ReadAsync(Tenant, new JournalQuery(after, 5, i % 2 == 0 ? null : Router.Queues.QueueName.Parse("q")), CancellationToken.None).DefaultTimeout();
            Assert.Equal(Enumerable.Range(i * 5 + 1, 5).Select(p => (long)p), page.Select(e => e.Position.Value));
            after = page[^1].Position;
        }

        Assert.Equal(1, journal.Pages.OpenedCount);
        Assert.Equal(1, journal.Pages.IdleCount);
    }

    [Fact]
    public async Task Return_MoreThanMaxIdle_ClosesTheRest()
    {
        await using var journal = await _store.OpenJournalAsync().DefaultTimeout();
        var pool = journal.Pages;

        var rented = Enumerable.Range(0, pool.MaxIdle + 2).Select(_ => pool.Rent()).ToList();
        foreach (var connection in rented)
        {
            pool.Return(connection);
        }

        Assert.Equal(pool.MaxIdle, pool.IdleCount);
        Assert.True(rented[^1].Handle.IsClosed);
    }

    [Fact]
    public async Task DisposeAsync_AfterPageReads_ClosesPageConnectionsSoTheWalIsRemoved()
    {
        var journal = await _store.OpenJournalAsync().DefaultTimeout();
        await AppendAsync(journal, 10);
        await journal.ReadAsync(Tenant, new JournalQuery(Position.Start, 100), CancellationToken.None).DefaultTimeout();
        Assert.Equal(1, journal.Pages.IdleCount);

        await journal.DisposeAsync();

        // The writer's connection was the file's last: SQLite checkpointed the WAL and deleted it.
        Assert.Equal(0, journal.Pages.IdleCount);
        Assert.False(File.Exists(_store.DatabasePath + "-wal"));
    }
}
