using System.Collections.Concurrent;
using Router.Tenants;
using Router.TestKit;

namespace Router.Journal.Postgres;

/// <summary>PostgreSQL going away while publishers keep appending: clean failures, nothing acknowledged lost, recovery by itself.</summary>
public sealed class PostgresOutageTests : IAsyncLifetime
{
    private static readonly TenantId TenantA = TenantId.Parse("tenant-a");

    private PostgresTestStore _store = null!;
    private PostgresEventJournal _journal = null!;

    public async Task InitializeAsync()
    {
        _store = await PostgresTestStore.CreateWithDatabaseAsync().DefaultTimeout();
        _journal = await _store.OpenJournalAsync().DefaultTimeout();
    }

    public async Task DisposeAsync()
    {
        await _journal.DisposeAsync().DefaultTimeout();
        await _store.DisposeAsync().DefaultTimeout();
    }

    [Fact]
    public async Task AppendAsync_DatabaseDownWhilePublishing_FailsWithJournalUnavailableAndRecovers()
    {
        var acknowledged = new ConcurrentDictionary<string, long>();
        var failures = new ConcurrentBag<Exception>();
        var enoughBefore = Signal();
        var failing = Signal();
        var enoughAfter = Signal();
        var recovered = false;
        using var stop = new CancellationTokenSource();

        var publishers = Enumerable.Range(0, 4).Select(p => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var id = $"p{p}-{i}";
                try
                {
                    var results = await _journal.AppendAsync(TenantA, [[Event(id)]], CancellationToken.None);
                    acknowledged[id] = results[0].Events[0].Event.Position.Value;
                    (Volatile.Read(ref recovered) ? enoughAfter : enoughBefore).TrySetResult();
                }
                catch (Exception exception)
                {
                    failures.Add(exception);
                    failing.TrySetResult();
                    await Task.Yield(); // a failure is immediate while connections are refused: let the test run
                }
            }
        })).ToArray();

        await enoughBefore.Task.DefaultTimeout();
        await _store.AllowConnectionsAsync(false).DefaultTimeout();
        await _store.TerminateConnectionsAsync().DefaultTimeout();
        await failing.Task.DefaultTimeout();
        Assert.False(await _journal.PingAsync(CancellationToken.None).DefaultTimeout());
        await Assert.ThrowsAsync<JournalUnavailableException>(() => _journal.ReadHeadAsync(TenantA, CancellationToken.None).AsTask()).DefaultTimeout();

        await _store.AllowConnectionsAsync(true).DefaultTimeout();
        Volatile.Write(ref recovered, true);
        await enoughAfter.Task.DefaultTimeout();
        await stop.CancelAsync();
        await Task.WhenAll(publishers).DefaultTimeout();

        Assert.NotEmpty(failures);
        Assert.All(failures, f => Assert.IsType<JournalUnavailableException>(f));
        Assert.True(await _journal.PingAsync(CancellationToken.None).DefaultTimeout());
        var stored = new List<JournalEvent>();
        while (true)
        {
            var page = await _journal.ReadAsync(TenantA, new JournalQuery(stored.Count == 0 ? Position.Start : stored[^1].Position, 500), CancellationToken.None).DefaultTimeout();
            if (page.Count == 0)
            {
                break;
            }
            stored.AddRange(page);
        }
        // Every acknowledged event is stored at the position it was given; positions stay gapless across the outage.
        Assert.Equal(Enumerable.Range(1, stored.Count).Select(p => (long)p), stored.Select(e => e.Position.Value));
        var byId = stored.ToDictionary(e => e.EventId, e => e.Position.Value);
        Assert.All(acknowledged, pair => Assert.Equal(pair.Value, byId[pair.Key]));
    }

    private static TaskCompletionSource Signal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static EventToAppend Event(string id) =>
        new(id, "question.created.v1", null, DateTimeOffset.UnixEpoch, "{}"u8.ToArray(), null, null);
}
