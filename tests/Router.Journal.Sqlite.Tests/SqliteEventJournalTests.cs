using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Router.Tenants;
using Router.TestKit;

namespace Router.Journal.Sqlite;

/// <summary>What the SQLite journal does beyond the TCK: WAL, group commit, savepoints, locks, shutdown, SQL plans.</summary>
public sealed class SqliteEventJournalTests : IDisposable
{
    private static readonly TenantId TenantA = TenantId.Parse("tenant-a");
    private static readonly TenantId TenantB = TenantId.Parse("tenant-b");

    private readonly SqliteTestStore _store = new();

    public void Dispose() => _store.Dispose();

    private static EventToAppend NewEvent(string id) =>
        new(id, "question.created.v1", null, new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero), "{}"u8.ToArray(), null, null);

    private static Task<IReadOnlyList<BatchResult>> AppendAsync(IEventJournal journal, TenantId tenant, params EventToAppend[] events) =>
        journal.AppendAsync(tenant, [events], CancellationToken.None).AsTask();

    private static async Task<string[]> ReadIdsAsync(IEventJournal journal, TenantId tenant)
    {
        var page = await journal.ReadAsync(tenant, new JournalQuery(Position.Start, 1_000), CancellationToken.None).DefaultTimeout();
        Assert.Equal(Enumerable.Range(1, page.Count).Select(p => (long)p), page.Select(e => e.Position.Value));
        return page.Select(e => e.EventId).ToArray();
    }

    [Fact]
    public async Task InitializeAsync_NewStore_CreatesDirectoryAndTurnsOnWal()
    {
        Assert.False(Directory.Exists(Path.GetDirectoryName(_store.DatabasePath)));

        await using var journal = await _store.OpenJournalAsync().DefaultTimeout();

        Assert.True(File.Exists(_store.DatabasePath));
        using var connection = _store.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
    }

    [Fact]
    public async Task InitializeAsync_Writer_KeepsSavepointJournalsInMemory()
    {
        // A group of several requests journals each savepoint's pages; with the default temp_store SQLite spilled
        // them to a temp file past 64 KiB, in most transactions of batches of 100 (bench/RESULTS.md, session 12).
        await using var journal = await _store.OpenJournalAsync().DefaultTimeout();

        const long memory = 2;
        Assert.Equal(memory, journal.WriterTempStore);
    }

    [Theory]
    [InlineData(SqliteSynchronous.Normal)]
    [InlineData(SqliteSynchronous.Full)]
    public async Task AppendAsync_EitherSynchronousMode_EventsSurviveReopen(SqliteSynchronous synchronous)
    {
        await using (var journal = await _store.OpenJournalAsync(synchronous).DefaultTimeout())
        {
            await AppendAsync(journal, TenantA, NewEvent("a"), NewEvent("b")).DefaultTimeout();
        }

        await using var reopened = await _store.OpenJournalAsync(synchronous).DefaultTimeout();
        Assert.Equal(["a", "b"], await ReadIdsAsync(reopened, TenantA));
    }

    [Fact]
    public async Task AppendAsync_64ConcurrentSingleEventAppends_CommitInFarFewerTransactions()
    {
        await using var journal = await _store.OpenJournalAsync(maxEventsPerCommit: 256).DefaultTimeout();
        var commitsBefore = journal.CommitCount;

        Task<IReadOnlyList<BatchResult>>[] appends;
        using (_store.HoldWriteLock())
        {
            appends = Enumerable.Range(0, 64).Select(i => AppendAsync(journal, TenantA, NewEvent($"e{i}"))).ToArray();
        }
        var results = await Task.WhenAll(appends).DefaultTimeout();

        // The writer took what was queued when it started (at least one append) and blocked on the lock;
        // everything else queued behind it and went into the next transaction.
        Assert.InRange(journal.CommitCount - commitsBefore, 1, 2);
        Assert.Equal(Enumerable.Range(1, 64).Select(p => (long)p), results.Select(r => r[0].Events[0].Event.Position.Value).Order());
    }

    [Fact]
    public async Task AppendAsync_MoreQueuedThanTheCap_SplitsIntoCommitsOfAtMostTheCap()
    {
        await using var journal = await _store.OpenJournalAsync(maxEventsPerCommit: 4).DefaultTimeout();
        var commitsBefore = journal.CommitCount;

        Task<IReadOnlyList<BatchResult>>[] appends;
        using (_store.HoldWriteLock())
        {
            appends = Enumerable.Range(0, 12).Select(i => AppendAsync(journal, TenantA, NewEvent($"e{i}"))).ToArray();
        }
        await Task.WhenAll(appends).DefaultTimeout();

        Assert.True(journal.CommitCount - commitsBefore >= 3, $"12 events under a cap of 4 took {journal.CommitCount - commitsBefore} commits.");
        Assert.Equal(12, (await ReadIdsAsync(journal, TenantA)).Length);
    }

    [Fact]
    public async Task AppendAsync_CallLargerThanTheCap_CommitsWholeInOneTransaction()
    {
        await using var journal = await _store.OpenJournalAsync(maxEventsPerCommit: 4).DefaultTimeout();
        var commitsBefore = journal.CommitCount;

        var result = await AppendAsync(journal, TenantA, Enumerable.Range(0, 10).Select(i => NewEvent($"e{i}")).ToArray()).DefaultTimeout();

        Assert.Equal(1, journal.CommitCount - commitsBefore);
        Assert.Equal(Enumerable.Range(1, 10).Select(p => (long)p), result[0].Events.Select(e => e.Event.Position.Value));
    }

    [Fact]
    public async Task AppendAsync_OneRequestOfAGroupFails_TheOthersCommitGapless()
    {
        await using var journal = await _store.OpenJournalAsync().DefaultTimeout();
        var commitsBefore = journal.CommitCount;

        Task<IReadOnlyList<BatchResult>> other, before, failing, after;
        using (_store.HoldWriteLock())
        {
            // Whatever the writer took before blocking, the failing request shares a transaction with at least
            // one good one: the group before it, or the one it forms with everything queued after it.
            other = AppendAsync(journal, TenantB, NewEvent("b1"));
            before = AppendAsync(journal, TenantA, NewEvent("a1"));
            failing = AppendAsync(journal, TenantA, NewEvent("in-failing-call"), NewEvent(new string('x', 129)));
            after = AppendAsync(journal, TenantA, NewEvent("a2"));
        }

        await Task.WhenAll(other, before, after).DefaultTimeout();
        var error = await Record.ExceptionAsync(() => failing).DefaultTimeout();

        var constraint = Assert.IsType<SqliteException>(error); // the caller's bug, reported as it is
        Assert.Equal(SQLitePCL.raw.SQLITE_CONSTRAINT, constraint.SqliteErrorCode);
        Assert.InRange(journal.CommitCount - commitsBefore, 1, 2);
        Assert.Equal(["b1"], await ReadIdsAsync(journal, TenantB));
        // "in-failing-call" held position 2 inside its savepoint; rolled back, it leaves no hole and no id.
        Assert.Equal(["a1", "a2"], await ReadIdsAsync(journal, TenantA));
        var retried = await AppendAsync(journal, TenantA, NewEvent("in-failing-call")).DefaultTimeout();
        Assert.False(retried[0].Events[0].Duplicate);
        Assert.Equal(3, retried[0].Events[0].Event.Position.Value);
    }

    [Fact]
    public async Task AppendAsync_FailingRequestAloneInItsGroup_RollsBackWholeAndStaysGapless()
    {
        // Nothing else is queued, so the request is a group of one, committed without a savepoint.
        await using var journal = await _store.OpenJournalAsync().DefaultTimeout();
        await AppendAsync(journal, TenantA, NewEvent("a1")).DefaultTimeout();
        var commitsBefore = journal.CommitCount;

        var error = await Record.ExceptionAsync(() => AppendAsync(journal, TenantA, NewEvent("in-failing-call"), NewEvent(new string('x', 129)))).DefaultTimeout();

        var constraint = Assert.IsType<SqliteException>(error);
        Assert.Equal(SQLitePCL.raw.SQLITE_CONSTRAINT, constraint.SqliteErrorCode);
        Assert.Equal(commitsBefore, journal.CommitCount);
        Assert.Equal(["a1"], await ReadIdsAsync(journal, TenantA));
        var next = await AppendAsync(journal, TenantA, NewEvent("in-failing-call"), NewEvent("a2")).DefaultTimeout();
        Assert.Equal([2L, 3L], next[0].Events.Select(e => e.Event.Position.Value));
        Assert.All(next[0].Events, e => Assert.False(e.Duplicate));
        Assert.Equal(commitsBefore + 1, journal.CommitCount);
    }

    [Fact]
    public async Task AppendAsync_RowsRepeatingAndChangingTheirStrings_EachRowStoredWithItsOwnValues()
    {
        // The insert keeps a string bound while the next row holds the same instance: every change, to another
        // string, to null and back, and across tenants, must still reach its row; non-ASCII text must round-trip.
        await using var journal = await _store.OpenJournalAsync().DefaultTimeout();
        var time = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
        var type = "question.créé.v1";
        EventToAppend Row(string id, string? queue, string? origin, string eventType) =>
            new(id, eventType, queue, time, "{}"u8.ToArray(), null, origin);
        EventToAppend[] rowsA =
        [
            Row("a1", "q", null, type), Row("a2", "q", null, type), Row("a3", null, "client-ü", type),
            Row("a4", "r", "client-ü", "other.v1"), Row("a5", "q", null, type),
        ];
        var a = journal.AppendAsync(TenantA, [rowsA], CancellationToken.None).AsTask();
        var b = AppendAsync(journal, TenantB, Row("b1", null, null, "b.v1"), Row("b2", "q", "🙂", type));
        await Task.WhenAll(a, b).DefaultTimeout();

        var storedA = await journal.ReadAsync(TenantA, new JournalQuery(Position.Start, 10), CancellationToken.None).DefaultTimeout();
        Assert.Equal(
            rowsA.Select(e => (e.EventId, e.Type, e.Queue, e.OriginClientId)),
            storedA.Select(e => (e.EventId, e.Type, e.Queue, e.OriginClientId)));
        var storedB = await journal.ReadAsync(TenantB, new JournalQuery(Position.Start, 10), CancellationToken.None).DefaultTimeout();
        Assert.Equal(
            [("b1", "b.v1", (string?)null, (string?)null), ("b2", type, "q", "🙂")],
            storedB.Select(e => (e.EventId, e.Type, e.Queue, e.OriginClientId)));
    }

    [Fact]
    public async Task AppendAsync_GeneratedIdAlreadyStored_SkipsTheLookupAndTheUniqueIndexRefusesIt()
    {
        // IdGenerated is the caller's promise that the id is new; the lookup is skipped, the index still guards it.
        await using var journal = await _store.OpenJournalAsync().DefaultTimeout();
        await AppendAsync(journal, TenantA, NewEvent("taken")).DefaultTimeout();

        var error = await Record.ExceptionAsync(() => AppendAsync(journal, TenantA, NewEvent("taken") with { IdGenerated = true })).DefaultTimeout();

        Assert.IsType<JournalUnavailableException>(error);
        Assert.Equal(["taken"], await ReadIdsAsync(journal, TenantA));
        var next = await AppendAsync(journal, TenantA, NewEvent("b") with { IdGenerated = true }).DefaultTimeout();
        Assert.Equal(2, next[0].Events[0].Event.Position.Value);
    }

    [Fact]
    public async Task Writer_AfterAnAppend_RunsOnADedicatedThreadNotThePool()
    {
        await using var journal = await _store.OpenJournalAsync().DefaultTimeout();

        await AppendAsync(journal, TenantA, NewEvent("a")).DefaultTimeout();

        var thread = Assert.IsType<Thread>(journal.WriterThread);
        Assert.False(thread.IsThreadPoolThread);
        Assert.True(thread.IsBackground);
        Assert.True(thread.IsAlive);
    }

    [Fact]
    public async Task AppendAsync_WriteLockHeldPastTheBusyTimeout_ThrowsJournalUnavailableAndStaysGapless()
    {
        // Zero here still waits one second: Microsoft.Data.Sqlite's own retry budget is whole seconds.
        await using var journal = await _store.OpenJournalAsync(busyTimeout: TimeSpan.Zero).DefaultTimeout();
        await AppendAsync(journal, TenantA, NewEvent("a")).DefaultTimeout();

        Exception? error;
        using (_store.HoldWriteLock())
        {
            error = await Record.ExceptionAsync(() => AppendAsync(journal, TenantA, NewEvent("b"))).DefaultTimeout();
        }

        Assert.IsType<JournalUnavailableException>(error);
        Assert.IsType<SqliteException>(error.InnerException);
        await AppendAsync(journal, TenantA, NewEvent("c")).DefaultTimeout();
        Assert.Equal(["a", "c"], await ReadIdsAsync(journal, TenantA));
    }

    [Fact]
    public async Task AppendAsync_CancelledWhileQueued_EitherStoresOrReportsCancelledNeverBoth()
    {
        await using var journal = await _store.OpenJournalAsync().DefaultTimeout();
        using var cancellation = new CancellationTokenSource();

        Task<IReadOnlyList<BatchResult>> first, cancelled;
        using (_store.HoldWriteLock())
        {
            first = AppendAsync(journal, TenantA, NewEvent("first"));
            cancelled = journal.AppendAsync(TenantA, [[NewEvent("cancelled")]], cancellation.Token).AsTask();
            await cancellation.CancelAsync();
        }

        await first.DefaultTimeout();
        var error = await Record.ExceptionAsync(() => cancelled).DefaultTimeout();
        var ids = await ReadIdsAsync(journal, TenantA);
        if (error is null)
        {
            Assert.Equal(["first", "cancelled"], ids); // the writer had taken it before the cancellation
        }
        else
        {
            Assert.IsAssignableFrom<OperationCanceledException>(error);
            Assert.Equal(["first"], ids);
        }
    }

    [Fact]
    public async Task DisposeAsync_WithAppendsQueued_CommitsThemAndRefusesNewOnes()
    {
        var journal = await _store.OpenJournalAsync().DefaultTimeout();

        Task<IReadOnlyList<BatchResult>>[] queued;
        Task disposal;
        using (_store.HoldWriteLock())
        {
            queued = Enumerable.Range(0, 10).Select(i => AppendAsync(journal, TenantA, NewEvent($"e{i}"))).ToArray();
            disposal = journal.DisposeAsync().AsTask();

            var refused = await Assert.ThrowsAsync<JournalUnavailableException>(() => AppendAsync(journal, TenantA, NewEvent("late"))).DefaultTimeout();
            Assert.Contains("shutting down", refused.Message);
        }

        await Task.WhenAll(queued).DefaultTimeout();
        await disposal.DefaultTimeout();
        Assert.False(await journal.PingAsync(CancellationToken.None).DefaultTimeout());
        await using var reopened = await _store.OpenJournalAsync().DefaultTimeout();
        Assert.Equal(10, (await ReadIdsAsync(reopened, TenantA)).Length);
    }

    [Fact]
    public async Task AppendAsync_BeforeInitialize_ThrowsInvalidOperation()
    {
        await using var journal = _store.CreateJournal();

        await Assert.ThrowsAsync<InvalidOperationException>(() => AppendAsync(journal, TenantA, NewEvent("a"))).DefaultTimeout();
        Assert.False(await journal.PingAsync(CancellationToken.None).DefaultTimeout());
    }

    [Theory]
    [InlineData(nameof(SqlStatements.SelectEvents), "USING PRIMARY KEY")]
    [InlineData(nameof(SqlStatements.SelectTenantHead), "USING PRIMARY KEY")]
    [InlineData(nameof(SqlStatements.SelectEarliest), "USING PRIMARY KEY")]
    [InlineData(nameof(SqlStatements.SelectQueueEvents), "USING INDEX events_tenant_queue_position")]
    [InlineData(nameof(SqlStatements.SelectQueuePageBounds), "USING COVERING INDEX events_tenant_queue_position")]
    [InlineData(nameof(SqlStatements.SelectQueueEventsInRange), "USING PRIMARY KEY (tenant_id=? AND position>? AND position<?)")]
    [InlineData(nameof(SqlStatements.SelectQueueHead), "USING COVERING INDEX events_tenant_queue_position")]
    [InlineData(nameof(SqlStatements.SelectEventById), "USING INDEX events_tenant_event_id")]
    [InlineData(nameof(SqlStatements.SelectFirstUnexpired), "USING PRIMARY KEY (tenant_id=? AND position<?)")]
    [InlineData(nameof(SqlStatements.PruneEvents), "USING PRIMARY KEY (tenant_id=? AND position<?)")]
    [InlineData(nameof(SqlStatements.SelectTenants), "SEARCH events USING COVERING INDEX events_tenant_event_id (tenant_id=?)")]
    [InlineData(nameof(SqlStatements.SelectTenantId), "SEARCH tenants USING COVERING INDEX sqlite_autoindex_tenants_1 (name=?)")]
    public async Task Queries_OnTheEventsTable_SeekAnIndexInsteadOfScanning(string statement, string expectedPlan)
    {
        await using (await _store.OpenJournalAsync().DefaultTimeout())
        {
        }
        var sql = (string)typeof(SqlStatements).GetProperty(statement)!.GetValue(null)!;
        using var connection = _store.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var parameter in new[] { "@tenant", "@tenant_id", "@queue", "@event_id", "@after", "@limit", "@last", "@head", "@cutoff", "@upto", "@chunk" }.Where(sql.Contains))
        {
            command.Parameters.AddWithValue(parameter, parameter is "@tenant" or "@queue" or "@event_id" ? "x" : 1);
        }

        var plan = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                plan.Add(reader.GetString(3));
            }
        }

        Assert.Contains(plan, step => step.Contains(expectedPlan, StringComparison.Ordinal));
        // A scan of a subquery's own rows (a page's worth), or of the tenants table (one row per tenant, each with a
        // seek into events), is not a scan of the events table.
        string[] notTheTable = ["SCAN (subquery", "SCAN tenants"];
        Assert.DoesNotContain(plan, step => (step.StartsWith("SCAN", StringComparison.Ordinal)
                && !notTheTable.Any(allowed => step.StartsWith(allowed, StringComparison.Ordinal)))
            || step.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("", 1)]
    [InlineData("journal.db", 0)]
    public void Constructor_InvalidOptions_Throws(string path, int maxEventsPerCommit)
    {
        var options = SqliteTestStore.Options(path, maxEventsPerCommit: maxEventsPerCommit);

        Assert.Throws<ArgumentException>(() => new SqliteEventJournal(options, NullLogger<SqliteEventJournal>.Instance));
    }

    [Fact]
    public void Constructor_NegativeBusyTimeout_Throws()
    {
        var options = SqliteTestStore.Options(_store.DatabasePath, busyTimeout: TimeSpan.FromSeconds(-1));

        Assert.Throws<ArgumentException>(() => new SqliteEventJournal(options, NullLogger<SqliteEventJournal>.Instance));
    }
}
