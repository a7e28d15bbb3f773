using Router.Queues;
using Router.TestKit;

namespace Router.Journal.Specification;

public abstract partial class EventJournalSpec
{
    /// <summary>Ten events of tenant A: position p is in Questions when p % 3 == 1, Answers when p % 3 == 2, else tenant-level.</summary>
    private async Task AppendTenMixedEventsAsync()
    {
        var events = Enumerable.Range(1, 10)
            .Select(p => NewEvent($"e{p}", (p % 3) switch { 1 => Questions, 2 => Answers, _ => null }))
            .ToArray();
        await AppendAsync(TenantA, events);
    }

    [Fact]
    public async Task ReadAsync_WithLimit_ReturnsOnePageInPositionOrder()
    {
        await AppendTenMixedEventsAsync();

        Assert.Equal([1, 2, 3, 4], Positions(await ReadAsync(TenantA, after: 0, limit: 4)));
        Assert.Equal([5, 6, 7, 8], Positions(await ReadAsync(TenantA, after: 4, limit: 4)));
        Assert.Equal([9, 10], Positions(await ReadAsync(TenantA, after: 8, limit: 4)));
        Assert.Empty(await ReadAsync(TenantA, after: 10, limit: 4));
    }

    [Fact]
    public async Task ReadAsync_AfterAnyPosition_StartsRightAfterIt()
    {
        await AppendTenMixedEventsAsync();

        Assert.Equal(Range(7, 4), Positions(await ReadAsync(TenantA, after: 6, limit: 100)));
        Assert.Equal(Range(1, 10), Positions(await ReadAsync(TenantA, after: 0, limit: 100)));
        Assert.Empty(await ReadAsync(TenantA, after: 1_000, limit: 100));
    }

    [Fact]
    public async Task ReadAsync_WithQueue_ReturnsOnlyThatQueueWithTenantPositions()
    {
        await AppendTenMixedEventsAsync();

        var firstPage = await ReadAsync(TenantA, after: 0, limit: 2, Questions);
        var secondPage = await ReadAsync(TenantA, after: 4, limit: 2, Questions);

        Assert.Equal([1, 4], Positions(firstPage));
        Assert.Equal([7, 10], Positions(secondPage));
        Assert.Empty(await ReadAsync(TenantA, after: 10, limit: 2, Questions));
        Assert.All(firstPage.Concat(secondPage), e => Assert.Equal(Questions.Value, e.Queue));
        Assert.Equal([2, 5, 8], Positions(await ReadAllAsync(TenantA, Answers)));
        Assert.Empty(await ReadAllAsync(TenantA, QueueName.Parse("nobody-here")));
    }

    [Fact]
    public async Task ReadAsync_OtherTenant_NeverSeesTheseEvents()
    {
        await AppendTenMixedEventsAsync();
        await AppendAsync(TenantB, NewEvent("b1", Questions));

        var tenantB = await ReadAllAsync(TenantB);
        var tenantBQuestions = await ReadAllAsync(TenantB, Questions);

        Assert.Equal(["b1"], tenantB.Select(e => e.EventId));
        Assert.Equal(["b1"], tenantBQuestions.Select(e => e.EventId));
        Assert.Equal(10, (await ReadAllAsync(TenantA)).Count);
        Assert.Empty(await ReadAllAsync(Tenants.TenantId.Parse("tenant-c")));
    }

    [Fact]
    public async Task ReadAsync_WhileAppending_NeverSkipsAPosition()
    {
        const int Calls = 200;
        var appender = Task.Run(async () =>
        {
            for (var i = 0; i < Calls; i++)
            {
                await AppendAsync(TenantA, NewEvent($"e{i}", i % 2 == 0 ? Questions : null));
            }
        });

        // A follower reading from its last position must see every position, in order, without a hole.
        var last = 0L;
        while (true)
        {
            var appenderDone = appender.IsCompleted;
            var page = await ReadAsync(TenantA, last, limit: 7);
            foreach (var e in page)
            {
                Assert.Equal(last + 1, e.Position.Value);
                last = e.Position.Value;
            }
            if (page.Count == 0)
            {
                if (appenderDone)
                {
                    break;
                }
                await Task.Yield();
            }
        }

        await appender.DefaultTimeout();
        Assert.Equal(Calls, last);
    }

    [Fact]
    public async Task HeadReads_EmptyTenant_ReturnStart()
    {
        await AppendAsync(TenantB, NewEvent("b1", Questions));

        Assert.Equal(Position.Start, await Journal.ReadHeadAsync(TenantA, CancellationToken.None).DefaultTimeout());
        Assert.Equal(Position.Start, await Journal.ReadQueueHeadAsync(TenantA, Questions, CancellationToken.None).DefaultTimeout());
        Assert.Equal(Position.Start, await Journal.ReadEarliestAsync(TenantA, CancellationToken.None).DefaultTimeout());
    }

    [Fact]
    public async Task ReadHeadAsync_AfterAppendsAndDuplicates_ReturnsHighestPosition()
    {
        await AppendTenMixedEventsAsync();
        await AppendAsync(TenantA, NewEvent("e3"), NewEvent("e7"));

        Assert.Equal(new Position(10), await Journal.ReadHeadAsync(TenantA, CancellationToken.None).DefaultTimeout());
    }

    [Fact]
    public async Task ReadQueueHeadAsync_AfterAppends_ReturnsHighestPositionOfThatQueue()
    {
        await AppendTenMixedEventsAsync();

        Assert.Equal(new Position(10), await Journal.ReadQueueHeadAsync(TenantA, Questions, CancellationToken.None).DefaultTimeout());
        Assert.Equal(new Position(8), await Journal.ReadQueueHeadAsync(TenantA, Answers, CancellationToken.None).DefaultTimeout());
        Assert.Equal(Position.Start, await Journal.ReadQueueHeadAsync(TenantA, QueueName.Parse("nobody-here"), CancellationToken.None).DefaultTimeout());
        Assert.Equal(Position.Start, await Journal.ReadQueueHeadAsync(TenantB, Questions, CancellationToken.None).DefaultTimeout());
    }

    [Fact]
    public async Task ReadEarliestAsync_AfterAppends_ReturnsFirstPosition()
    {
        await AppendTenMixedEventsAsync();

        Assert.Equal(new Position(1), await Journal.ReadEarliestAsync(TenantA, CancellationToken.None).DefaultTimeout());
    }

    [Fact]
    public async Task PingAsync_OpenJournal_ReturnsTrue()
    {
        Assert.True(await Journal.PingAsync(CancellationToken.None).DefaultTimeout());
    }

    [Fact]
    public async Task InitializeAsync_CalledAgain_KeepsEventsAndKeepsWorking()
    {
        await AppendAsync(TenantA, NewEvent("a"));

        await Journal.InitializeAsync(CancellationToken.None).DefaultTimeout();

        Assert.Equal([2], Positions(await AppendAsync(TenantA, NewEvent("b"))));
        Assert.Equal(["a", "b"], (await ReadAllAsync(TenantA)).Select(e => e.EventId));
    }
}
