using Router.TestKit;

namespace Router.Journal.Specification;

public abstract partial class EventJournalSpec
{
    [Fact]
    public async Task PruneAsync_ByCount_KeepsTheNewest()
    {
        for (var i = 1; i <= 10; i++)
        {
            await AppendAsync(TenantA, NewEvent($"e{i}"));
        }

        var deleted = await Journal.PruneAsync(TenantA, DateTimeOffset.MinValue, keepNewest: 3, CancellationToken.None).DefaultTimeout();

        Assert.Equal(7, deleted);
        Assert.Equal(8, (await Journal.ReadEarliestAsync(TenantA, CancellationToken.None).DefaultTimeout()).Value);
        Assert.Equal([8L, 9L, 10L], (await ReadAsync(TenantA, 0, 100)).Select(e => e.Position.Value));
    }

    [Fact]
    public async Task PruneAsync_ByAge_DeletesOnlyOlderEvents()
    {
        for (var i = 0; i < 6; i++)
        {
            var e = NewEvent($"e{i}") with { Time = Time0.AddMinutes(i) };
            await AppendAsync(TenantA, e);
        }

        await Journal.PruneAsync(TenantA, Time0.AddMinutes(4), keepNewest: 1_000_000, CancellationToken.None).DefaultTimeout();

        Assert.Equal([5L, 6L], (await ReadAsync(TenantA, 0, 100)).Select(e => e.Position.Value));
    }

    [Fact]
    public async Task PruneAsync_EverythingExpired_KeepsHeadSoPositionsAreNeverReused()
    {
        await AppendAsync(TenantA, NewEvent("a"), NewEvent("b"), NewEvent("c"));

        await Journal.PruneAsync(TenantA, DateTimeOffset.MaxValue, keepNewest: 1, CancellationToken.None).DefaultTimeout();
        var next = await AppendAsync(TenantA, NewEvent("d"));

        Assert.Equal(3, (await Journal.ReadEarliestAsync(TenantA, CancellationToken.None).DefaultTimeout()).Value);
        Assert.Equal(4, next.Single().Event.Position.Value);
    }

    [Fact]
    public async Task PruneAsync_OtherTenant_Untouched()
    {
        await AppendAsync(TenantA, NewEvent("a1"), NewEvent("a2"));
        await AppendAsync(TenantB, NewEvent("b1"), NewEvent("b2"));

        await Journal.PruneAsync(TenantA, DateTimeOffset.MaxValue, keepNewest: 1, CancellationToken.None).DefaultTimeout();

        Assert.Equal(2, (await ReadAsync(TenantB, 0, 100)).Count);
        Assert.Equal([TenantA, TenantB], (await Journal.ReadTenantsAsync(CancellationToken.None).DefaultTimeout()).OrderBy(t => t.Value));
    }

    [Fact]
    public async Task PruneAsync_WhileAppending_PositionsStayGaplessAboveTheCut()
    {
        using var stop = new CancellationTokenSource();
        var appended = 0;
        var appender = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await AppendAsync(TenantA, NewEvent($"c{appended}"));
                Interlocked.Increment(ref appended);
            }
        });
        // Prune over and over until the appender has run well past the cut, so the two really overlap.
        var prunes = 0;
        while (Volatile.Read(ref appended) < 60 || prunes < 20)
        {
            await Journal.PruneAsync(TenantA, DateTimeOffset.MinValue, keepNewest: 10, CancellationToken.None).DefaultTimeout();
            prunes++;
            await Task.Yield();
        }
        await stop.CancelAsync();
        await appender.DefaultTimeout();

        var left = await ReadAsync(TenantA, 0, 100_000);
        Assert.NotEmpty(left);
        Assert.Equal(Volatile.Read(ref appended), left[^1].Position.Value);
        Assert.Equal(Enumerable.Range((int)left[0].Position.Value, left.Count).Select(p => (long)p), left.Select(e => e.Position.Value));
    }
}
