using Microsoft.Extensions.Logging.Abstractions;
using Router.Tenants;
using Router.TestKit;

namespace Router.Journal.Postgres;

public sealed class PostgresJournalChangeFeedTests : IAsyncLifetime
{
    private static readonly TenantId TenantA = TenantId.Parse("tenant-a");
    private static readonly TenantId TenantB = TenantId.Parse("tenant-b");

    private readonly PostgresTestStore _store = PostgresTestStore.Create();
    private readonly CancellationTokenSource _stop = new();
    private PostgresEventJournal _journal = null!;
    private IAsyncEnumerator<JournalChange> _changes = null!;

    public async Task InitializeAsync()
    {
        _journal = await _store.OpenJournalAsync().DefaultTimeout();
        var feed = new PostgresJournalChangeFeed(_store.Options(), TimeProvider.System, NullLogger<PostgresJournalChangeFeed>.Instance);
        _changes = feed.ListenAsync(_stop.Token).GetAsyncEnumerator(_stop.Token);
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _changes.DisposeAsync().AsTask().DefaultTimeout();
        await _journal.DisposeAsync().DefaultTimeout();
        await _store.DisposeAsync().DefaultTimeout();
        _stop.Dispose();
    }

    [Fact]
    public async Task ListenAsync_Connected_FirstChangeIsResync()
    {
        Assert.Equal(JournalChange.Resync, await NextAsync());
    }

    [Fact]
    public async Task ListenAsync_AppendCommitted_YieldsItsTenantOnce()
    {
        Assert.Equal(JournalChange.Resync, await NextAsync()); // listening from here on

        await _journal.AppendAsync(TenantA, [[Event("a1"), Event("a2")], [Event("a3")]], CancellationToken.None).DefaultTimeout();
        await _journal.AppendAsync(TenantB, [[Event("b1")]], CancellationToken.None).DefaultTimeout();

        // One wake-up per tenant per commit, whatever the number of events; payload-free, so just the tenant.
        Assert.Equal(JournalChange.Appended(TenantA), await NextAsync());
        Assert.Equal(JournalChange.Appended(TenantB), await NextAsync());
    }

    [Fact]
    public async Task ListenAsync_OnlyDuplicatesAppended_YieldsNothingForThem()
    {
        await _journal.AppendAsync(TenantA, [[Event("a1")]], CancellationToken.None).DefaultTimeout();
        Assert.Equal(JournalChange.Resync, await NextAsync());

        await _journal.AppendAsync(TenantA, [[Event("a1")]], CancellationToken.None).DefaultTimeout(); // nothing new
        await _journal.AppendAsync(TenantB, [[Event("b1")]], CancellationToken.None).DefaultTimeout();

        Assert.Equal(JournalChange.Appended(TenantB), await NextAsync());
    }

    [Fact]
    public async Task ListenAsync_ConnectionKilled_ReconnectsResyncsAndKeepsListening()
    {
        Assert.Equal(JournalChange.Resync, await NextAsync());

        Assert.True(await _store.TerminateConnectionsAsync().DefaultTimeout() >= 1);

        // Whatever was committed while it was away is covered by the resync that follows the reconnect.
        Assert.Equal(JournalChange.Resync, await NextAsync());
        await _journal.AppendAsync(TenantA, [[Event("a1")]], CancellationToken.None).DefaultTimeout();
        Assert.Equal(JournalChange.Appended(TenantA), await NextAsync());
    }

    [Fact]
    public async Task ListenAsync_ConsumerFallsBehindTheBuffer_EveryTenantIsYieldedOrCoveredByAResync()
    {
        var feed = new PostgresJournalChangeFeed(_store.Options(), TimeProvider.System, NullLogger<PostgresJournalChangeFeed>.Instance, bufferCapacity: 2);
        await using var slow = feed.ListenAsync(_stop.Token).GetAsyncEnumerator(_stop.Token);
        Assert.True(await slow.MoveNextAsync().AsTask().DefaultTimeout());
        Assert.Equal(JournalChange.Resync, slow.Current);
        var tenants = Enumerable.Range(0, 6).Select(i => TenantId.Parse($"tenant-{i}")).ToArray();

        foreach (var tenant in tenants)
        {
            await _journal.AppendAsync(tenant, [[Event("e")]], CancellationToken.None).DefaultTimeout();
        }

        // Not consumed while they were committed: at most two fit, the rest were dropped for a resync.
        var seen = new HashSet<TenantId>();
        while (seen.Count < tenants.Length)
        {
            Assert.True(await slow.MoveNextAsync().AsTask().DefaultTimeout());
            if (slow.Current.IsResync)
            {
                break;
            }
            seen.Add(slow.Current.Tenant);
        }
        Assert.Subset(tenants.ToHashSet(), seen);
    }

    [Fact]
    public async Task ListenAsync_QuietForTheResyncInterval_YieldsResync()
    {
        var options = _store.Options();
        options.ResyncInterval = TimeSpan.FromMilliseconds(100);
        var feed = new PostgresJournalChangeFeed(options, TimeProvider.System, NullLogger<PostgresJournalChangeFeed>.Instance);
        await using var quiet = feed.ListenAsync(_stop.Token).GetAsyncEnumerator(_stop.Token);

        // Connected, then nothing happens: the safety net fires again and again.
        for (var i = 0; i < 3; i++)
        {
            Assert.True(await quiet.MoveNextAsync().AsTask().DefaultTimeout());
            Assert.Equal(JournalChange.Resync, quiet.Current);
        }
    }

    private async Task<JournalChange> NextAsync()
    {
        Assert.True(await _changes.MoveNextAsync().AsTask().DefaultTimeout());
        return _changes.Current;
    }

    private static EventToAppend Event(string id) =>
        new(id, "question.created.v1", null, DateTimeOffset.UnixEpoch, "{}"u8.ToArray(), null, null);
}
