using Microsoft.Data.Sqlite;
using Router.Queues;
using Router.Tenants;
using Router.TestKit;

namespace Router.Journal.Sqlite;

/// <summary>The file's layout: tenant numbers, the migration from the first layout (tenants by name), versions.</summary>
public sealed class JournalSchemaTests : IDisposable
{
    private static readonly TenantId Acme = TenantId.Parse("acme");
    private static readonly TenantId Globex = TenantId.Parse("globex");

    /// <summary>The first layout, as routers before session 16 created it (user_version 0).</summary>
    private const string TenantNameLayout = """
        CREATE TABLE events (
            tenant           TEXT    NOT NULL,
            position         INTEGER NOT NULL CHECK (position >= 1),
            event_id         TEXT    NOT NULL CHECK (length(event_id) BETWEEN 1 AND 128),
            type             TEXT    NOT NULL,
            queue            TEXT    NULL,
            time             INTEGER NOT NULL,
            data             BLOB    NOT NULL,
            audience         BLOB    NULL,
            origin_client_id TEXT    NULL,
            PRIMARY KEY (tenant, position)
        ) STRICT, WITHOUT ROWID;
        CREATE UNIQUE INDEX events_tenant_event_id ON events (tenant, event_id);
        CREATE INDEX events_tenant_queue_position ON events (tenant, queue, position) WHERE queue IS NOT NULL;
        """;

    private static readonly DateTimeOffset Time = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    private readonly SqliteTestStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task InitializeAsync_NewFile_NumbersTenantsAndRecordsTheLayout()
    {
        await using (var journal = await _store.OpenJournalAsync().DefaultTimeout())
        {
            await AppendAsync(journal, Globex, NewEvent("g1", "q1"));
            await AppendAsync(journal, Acme, NewEvent("a1", null));
        }

        using var connection = _store.OpenConnection();
        Assert.Equal(JournalSchema.Version, Scalar<long>(connection, "PRAGMA user_version"));
        Assert.Equal(["globex", "acme"], Column(connection, "SELECT name FROM tenants ORDER BY id"));
        Assert.Equal(["1", "2"], Column(connection, "SELECT tenant_id FROM events ORDER BY tenant_id"));
    }

    [Fact]
    public async Task InitializeAsync_FileWithTenantNames_MigratesEveryEventAndContinuesFromItsHeads()
    {
        CreateTenantNameFile(
            ("globex", 1, "g1", "q1", null),
            ("acme", 1, "a1", "q1", "client-7"),
            ("acme", 2, "a2", null, null),
            ("acme", 3, "a3", "q2", null));

        await using var journal = await _store.OpenJournalAsync().DefaultTimeout();

        var acme = await journal.ReadAsync(Acme, new JournalQuery(Position.Start, 100), CancellationToken.None).DefaultTimeout();
        Assert.Equal(["a1", "a2", "a3"], acme.Select(e => e.EventId));
        Assert.Equal([1L, 2L, 3L], acme.Select(e => e.Position.Value));
        Assert.Equal(["q1", null, "q2"], acme.Select(e => e.Queue));
        Assert.Equal("client-7", acme[0].OriginClientId);
        Assert.Equal(Time, acme[0].Time);
        Assert.Equal("{\"n\":\"a1\"}", System.Text.Encoding.UTF8.GetString(acme[0].Data.Span));
        var queue = await journal.ReadAsync(Acme, new JournalQuery(Position.Start, 100, QueueName.Parse("q2")), CancellationToken.None).DefaultTimeout();
        Assert.Equal(["a3"], queue.Select(e => e.EventId));
        Assert.Equal(1, (await journal.ReadHeadAsync(Globex, CancellationToken.None).DefaultTimeout()).Value);
        Assert.Equal([Acme, Globex], await journal.ReadTenantsAsync(CancellationToken.None).DefaultTimeout());

        // Positions continue from the migrated heads, and a migrated id is still known (idempotency).
        var appended = await AppendAsync(journal, Acme, NewEvent("a4", "q1"), NewEvent("a2", null));
        Assert.Equal(4, appended[0].Events[0].Event.Position.Value);
        Assert.True(appended[0].Events[1].Duplicate);
        Assert.Equal(2, appended[0].Events[1].Event.Position.Value);

        using var connection = _store.OpenConnection();
        Assert.Equal(JournalSchema.Version, Scalar<long>(connection, "PRAGMA user_version"));
        Assert.Equal(0, Scalar<long>(connection, "SELECT count(*) FROM pragma_table_info('events') WHERE name = 'tenant'"));
        Assert.Equal(0, Scalar<long>(connection, "SELECT count(*) FROM sqlite_schema WHERE name = 'events_by_tenant_name'"));
        Assert.Equal(
            ["events_tenant_event_id", "events_tenant_queue_position"],
            Column(connection, "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL ORDER BY name"));
    }

    [Fact]
    public async Task InitializeAsync_MigrationFails_LeavesTheFileAsItWas()
    {
        CreateTenantNameFile(("acme", 1, "a1", null, null));
        using (var connection = _store.OpenConnection())
        {
            // Something the migration cannot fill: its INSERT INTO tenants (name) fails half-way through.
            Execute(connection, "CREATE TABLE tenants (label TEXT)");
        }

        var error = await Record.ExceptionAsync(() => _store.OpenJournalAsync()).DefaultTimeout();

        Assert.IsType<JournalUnavailableException>(error);
        using var check = _store.OpenConnection();
        Assert.Equal(0, Scalar<long>(check, "PRAGMA user_version"));
        Assert.Equal(["acme"], Column(check, "SELECT tenant FROM events"));
        Assert.Equal(0, Scalar<long>(check, "SELECT count(*) FROM sqlite_schema WHERE name = 'events_by_tenant_name'"));
    }

    [Fact]
    public async Task InitializeAsync_FileFromANewerRouter_IsRefusedAndLeftAlone()
    {
        await using (await _store.OpenJournalAsync().DefaultTimeout())
        {
        }
        using (var connection = _store.OpenConnection())
        {
            Execute(connection, $"PRAGMA user_version = {JournalSchema.Version + 1}");
        }

        var error = await Record.ExceptionAsync(() => _store.OpenJournalAsync()).DefaultTimeout();

        var refused = Assert.IsType<JournalUnavailableException>(error);
        Assert.Contains($"layout {JournalSchema.Version + 1}, written by a newer router", refused.Message, StringComparison.Ordinal);
        using var check = _store.OpenConnection();
        Assert.Equal(JournalSchema.Version + 1, Scalar<long>(check, "PRAGMA user_version"));
    }

    [Fact]
    public async Task AppendAsync_NewTenantsOnlyAppendFails_ItsNumberIsTakenBackWithIt()
    {
        // A group of one, rolled back whole: the tenants row it inserted goes too. Were the writer to cache the
        // number anyway, the next append would store rows under a number no name leads to, unreadable.
        await using var journal = await _store.OpenJournalAsync().DefaultTimeout();

        await Assert.ThrowsAsync<SqliteException>(() => AppendAsync(journal, Acme, NewEvent(new string('x', 129), null)));
        await AppendAsync(journal, Acme, NewEvent("a1", null));

        Assert.Equal(["a1"], await ReadIdsAsync(journal, Acme));
    }

    [Fact]
    public async Task AppendAsync_NewTenantsAppendFailsInsideAGroup_ItsNumberIsTakenBackWithItsSavepoint()
    {
        await using var journal = await _store.OpenJournalAsync().DefaultTimeout();

        Task other, after;
        Task<Exception?> failing;
        using (_store.HoldWriteLock())
        {
            other = AppendAsync(journal, Globex, NewEvent("g1", null));
            failing = Record.ExceptionAsync(() => AppendAsync(journal, Acme, NewEvent(new string('x', 129), null)));
            after = AppendAsync(journal, Acme, NewEvent("a1", null));
        }
        await Task.WhenAll(other, failing, after).DefaultTimeout();
        Assert.IsType<SqliteException>(await failing);
        await AppendAsync(journal, Acme, NewEvent("a2", null));

        Assert.Equal(["a1", "a2"], await ReadIdsAsync(journal, Acme));
        Assert.Equal(["g1"], await ReadIdsAsync(journal, Globex));
    }

    private static EventToAppend NewEvent(string id, string? queue) =>
        new(id, "question.created.v1", queue, Time, System.Text.Encoding.UTF8.GetBytes($"{{\"n\":\"{id}\"}}"), null, null);

    private static Task<IReadOnlyList<BatchResult>> AppendAsync(IEventJournal journal, TenantId tenant, params EventToAppend[] events) =>
        journal.AppendAsync(tenant, [events], CancellationToken.None).AsTask().DefaultTimeout();

    private static async Task<string[]> ReadIdsAsync(IEventJournal journal, TenantId tenant) =>
        (await journal.ReadAsync(tenant, new JournalQuery(Position.Start, 100), CancellationToken.None).DefaultTimeout()).Select(e => e.EventId).ToArray();

    private void CreateTenantNameFile(params (string Tenant, long Position, string EventId, string? Queue, string? Origin)[] rows)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_store.DatabasePath)!);
        using var connection = _store.OpenConnection();
        Execute(connection, "PRAGMA journal_mode = WAL");
        Execute(connection, TenantNameLayout);
        foreach (var row in rows)
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO events VALUES (@tenant, @position, @id, 'question.created.v1', @queue, @time, @data, NULL, @origin)";
            insert.Parameters.AddWithValue("@tenant", row.Tenant);
            insert.Parameters.AddWithValue("@position", row.Position);
            insert.Parameters.AddWithValue("@id", row.EventId);
            insert.Parameters.AddWithValue("@queue", (object?)row.Queue ?? DBNull.Value);
            insert.Parameters.AddWithValue("@time", Time.UtcTicks);
            insert.Parameters.AddWithValue("@data", System.Text.Encoding.UTF8.GetBytes($"{{\"n\":\"{row.EventId}\"}}"));
            insert.Parameters.AddWithValue("@origin", (object?)row.Origin ?? DBNull.Value);
            insert.ExecuteNonQuery();
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static T Scalar<T>(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)command.ExecuteScalar()!;
    }

    private static List<string?> Column(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string?>();
        while (reader.Read())
        {
            values.Add(reader.IsDBNull(0) ? null : Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        }
        return values;
    }
}
