using System.Collections.Concurrent;
using System.Text;
using Npgsql;
using Router.Tenants;
using Router.TestKit;

namespace Router.Journal.Postgres;

/// <summary>What the TCK cannot say about one process: several nodes on one schema, group commit, outages.</summary>
public sealed class PostgresEventJournalTests : IAsyncLifetime
{
    private static readonly TenantId TenantA = TenantId.Parse("tenant-a");
    private static readonly DateTimeOffset Time0 = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    private readonly PostgresTestStore _store = PostgresTestStore.Create();
    private readonly List<PostgresEventJournal> _journals = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var journal in _journals)
        {
            await journal.DisposeAsync().DefaultTimeout();
        }
        await _store.DisposeAsync().DefaultTimeout();
    }

    [Fact]
    public async Task InitializeAsync_SeveralNodesStartTogether_AllOpenOneSchema()
    {
        var journals = Enumerable.Range(0, 4).Select(_ => Track(_store.CreateJournal())).ToArray();

        await Task.WhenAll(journals.Select(j => j.InitializeAsync(CancellationToken.None).AsTask())).DefaultTimeout();

        var appended = await Task.WhenAll(journals.Select((j, i) => AppendAsync(j, TenantA, $"node-{i}"))).DefaultTimeout();
        Assert.Equal([1, 2, 3, 4], appended.SelectMany(a => a).Order());
    }

    [Fact]
    public async Task AppendAsync_ThreeNodesAppendToOneTenant_PositionsAreExactlyOneToN()
    {
        var nodes = await OpenNodesAsync(3);
        const int TasksPerNode = 8;
        const int CallsPerTask = 25;
        var reported = new ConcurrentDictionary<string, long>();

        var workers = nodes.SelectMany((node, n) => Enumerable.Range(0, TasksPerNode).Select(task => Task.Run(async () =>
        {
            for (var call = 0; call < CallsPerTask; call++)
            {
                var ids = Enumerable.Range(0, (task + call) % 3 + 1).Select(i => $"n{n}-t{task}-c{call}-e{i}").ToArray();
                var positions = await AppendAsync(node, TenantA, ids);
                Assert.Equal(Enumerable.Range(0, ids.Length).Select(i => positions[0] + i), positions); // a call's events are consecutive
                for (var i = 0; i < ids.Length; i++)
                {
                    Assert.True(reported.TryAdd(ids[i], positions[i]));
                }
            }
        }))).ToArray();
        await Task.WhenAll(workers).DefaultTimeout();

        var total = reported.Count;
        Assert.Equal(Enumerable.Range(1, total).Select(p => (long)p), reported.Values.Order());
        var stored = await ReadAllAsync(nodes[0], TenantA);
        Assert.Equal(Enumerable.Range(1, total).Select(p => (long)p), stored.Select(e => e.Position.Value));
        Assert.All(stored, e => Assert.Equal(reported[e.EventId], e.Position.Value));
    }

    [Fact]
    public async Task AppendAsync_TwoNodesAppendToManyTenantsInOneGroup_NoDeadlockAndEachTenantIsGapless()
    {
        var nodes = await OpenNodesAsync(2);
        var tenants = Enumerable.Range(0, 4).Select(i => TenantId.Parse($"tenant-{i}")).ToArray();
        const int Calls = 40;

        // Each node walks the tenants in a different order, so its group commits hold several tenants' head
        // rows at once, taken in another order than the other node asks for them: only a fixed lock order keeps
        // this free of deadlocks (which PostgreSQL would break by failing a whole group).
        var workers = nodes.SelectMany((node, n) => tenants.Select((_, t) => Task.Run(async () =>
        {
            for (var call = 0; call < Calls; call++)
            {
                var tenant = tenants[n == 0 ? (t + call) % tenants.Length : (tenants.Length - 1 - t + call) % tenants.Length];
                await AppendAsync(node, tenant, $"n{n}-t{t}-c{call}");
            }
        }))).ToArray();
        await Task.WhenAll(workers).DefaultTimeout();

        var counts = new List<int>();
        foreach (var tenant in tenants)
        {
            var positions = (await ReadAllAsync(nodes[1], tenant)).Select(e => e.Position.Value).ToArray();
            Assert.Equal(Enumerable.Range(1, positions.Length).Select(p => (long)p), positions);
            counts.Add(positions.Length);
        }
        Assert.Equal(nodes.Length * tenants.Length * Calls, counts.Sum());
    }

    [Fact]
    public async Task ReadAsync_WhileTwoNodesAppend_NeverSkipsAPosition()
    {
        var nodes = await OpenNodesAsync(2);
        const int CallsPerNode = 150;
        var appenders = nodes.Select((node, n) => Task.Run(async () =>
        {
            for (var i = 0; i < CallsPerNode; i++)
            {
                await AppendAsync(node, TenantA, $"n{n}-{i}");
            }
        })).ToArray();

        // A follower on a third connection reading from its last position must see every position, in order.
        var reader = Track(await _store.OpenJournalAsync());
        var last = 0L;
        while (true)
        {
            var appendersDone = appenders.All(a => a.IsCompleted);
            var page = await reader.ReadAsync(TenantA, new JournalQuery(new Position(last), 7), CancellationToken.None).DefaultTimeout();
            foreach (var e in page)
            {
                Assert.Equal(last + 1, e.Position.Value);
                last = e.Position.Value;
            }
            if (page.Count == 0)
            {
                if (appendersDone)
                {
                    break;
                }
                await Task.Yield();
            }
        }

        await Task.WhenAll(appenders).DefaultTimeout();
        Assert.Equal(nodes.Length * CallsPerNode, last);
    }

    [Fact]
    public async Task AppendAsync_CallsQueuedWhileAnotherNodeHoldsTheTenant_CommitInOneGroup()
    {
        var journal = Track(await _store.OpenJournalAsync());
        await AppendAsync(journal, TenantA, "first");
        var commitsBefore = journal.CommitCount;

        // Another node's transaction holds the tenant's head row: this node's writer blocks on it.
        Task<long[]>[] appends;
        await using (await HoldTenantAsync("tenant-a"))
        {
            appends = Enumerable.Range(0, 20).Select(i => AppendAsync(journal, TenantA, $"queued-{i}")).ToArray();
        }

        var positions = (await Task.WhenAll(appends).DefaultTimeout()).SelectMany(p => p).Order();
        Assert.Equal(Enumerable.Range(2, 20).Select(p => (long)p), positions);
        Assert.InRange(journal.CommitCount - commitsBefore, 1, 2); // the one that met the lock, then all the others at once
    }

    [Fact]
    public async Task AppendAsync_OneRefusedCallInAGroup_OnlyThatCallFails()
    {
        var journal = Track(await _store.OpenJournalAsync());
        await AppendAsync(journal, TenantA, "first");

        Task<long[]> blocked, good1, good2;
        Task refused;
        await using (await HoldTenantAsync("tenant-a"))
        {
            // The writer blocks on the head row with the first call; the others queue up behind it and are
            // committed together, the refused one among them.
            blocked = AppendAsync(journal, TenantA, "blocked");
            good1 = AppendAsync(journal, TenantA, "good-1", "good-2");
            refused = journal.AppendAsync(TenantA, [[Event("refused-ok"), Event(new string('x', 129))]], CancellationToken.None).AsTask();
            good2 = AppendAsync(journal, TenantA, "good-3");
        }

        await Task.WhenAll(blocked, good1, good2).DefaultTimeout();
        var error = await Record.ExceptionAsync(() => refused).DefaultTimeout();
        Assert.NotNull(error);
        Assert.IsNotType<JournalUnavailableException>(error);
        Assert.Equal(["first", "blocked", "good-1", "good-2", "good-3"], (await ReadAllAsync(journal, TenantA)).Select(e => e.EventId));
        Assert.Equal(Enumerable.Range(1, 5).Select(p => (long)p), (await ReadAllAsync(journal, TenantA)).Select(e => e.Position.Value));
    }

    [Fact]
    public async Task AppendAsync_PooledConnectionsKilled_SucceedsOnAFreshConnection()
    {
        var journal = Track(await _store.OpenJournalAsync());
        await AppendAsync(journal, TenantA, "a");

        Assert.True(await _store.TerminateConnectionsAsync().DefaultTimeout() >= 1);

        var positions = await AppendAsync(journal, TenantA, "b");
        Assert.Equal([2L], positions);
        Assert.Equal(["a", "b"], (await ReadAllAsync(journal, TenantA)).Select(e => e.EventId));
    }

    [Fact]
    public async Task AppendAsync_BytesThatAreNotUtf8_RoundTripBecauseDataIsBytea()
    {
        var journal = Track(await _store.OpenJournalAsync());
        var data = new byte[] { 0xff, 0x00, 0xfe, (byte)'{' };

        await journal.AppendAsync(TenantA, [[Event("raw") with { Data = data }]], CancellationToken.None).DefaultTimeout();

        Assert.Equal(data, Assert.Single(await ReadAllAsync(journal, TenantA)).Data.ToArray());
        Assert.Equal("bytea", await _store.AdminScalarAsync($"SELECT data_type FROM information_schema.columns WHERE table_schema = '{_store.Schema}' AND table_name = 'events' AND column_name = 'data'"));
    }

    /// <summary>Locks a tenant's head row from another session, as another node's open append would, until disposed.</summary>
    private async Task<IAsyncDisposable> HoldTenantAsync(string tenant)
    {
        var connection = new NpgsqlConnection(_store.ConnectionString);
        await connection.OpenAsync().DefaultTimeout();
        var transaction = await connection.BeginTransactionAsync().DefaultTimeout();
        await using (var hold = new NpgsqlCommand($"SELECT head FROM {_store.Schema}.tenant_heads WHERE tenant = @tenant FOR UPDATE", connection, transaction))
        {
            hold.Parameters.AddWithValue("tenant", tenant);
            Assert.NotNull(await hold.ExecuteScalarAsync().DefaultTimeout());
        }
        return new Release(connection, transaction);
    }

    private sealed class Release(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.CommitAsync();
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    private async Task<PostgresEventJournal[]> OpenNodesAsync(int count)
    {
        var nodes = new PostgresEventJournal[count];
        for (var i = 0; i < count; i++)
        {
            nodes[i] = Track(await _store.OpenJournalAsync(maxPoolSize: 4));
        }
        return nodes;
    }

    private PostgresEventJournal Track(PostgresEventJournal journal)
    {
        _journals.Add(journal);
        return journal;
    }

    private static EventToAppend Event(string id) =>
        new(id, "question.created.v1", null, Time0, Encoding.UTF8.GetBytes($$"""{"id":"{{id}}"}"""), null, null);

    /// <summary>Appends one batch; returns the positions.</summary>
    private static async Task<long[]> AppendAsync(IEventJournal journal, TenantId tenant, params string[] ids)
    {
        var results = await journal.AppendAsync(tenant, [ids.Select(Event).ToArray()], CancellationToken.None).DefaultTimeout();
        return results.Single().Events.Select(e => e.Event.Position.Value).ToArray();
    }

    private static async Task<List<JournalEvent>> ReadAllAsync(IEventJournal journal, TenantId tenant)
    {
        var all = new List<JournalEvent>();
        while (true)
        {
            var after = all.Count == 0 ? Position.Start : all[^1].Position;
            var page = await journal.ReadAsync(tenant, new JournalQuery(after, 100), CancellationToken.None).DefaultTimeout();
            if (page.Count == 0)
            {
                return all;
            }
            all.AddRange(page);
        }
    }
}
