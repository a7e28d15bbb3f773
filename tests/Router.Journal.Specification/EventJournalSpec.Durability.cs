using Router.TestKit;

namespace Router.Journal.Specification;

public abstract partial class EventJournalSpec
{
    [Fact]
    public async Task ReopenJournalAsync_AfterAppends_EventsHeadsAndIdsSurvive()
    {
        var events = new[]
        {
            NewEvent("a", Questions, audience: """{"roles":["admin"]}"""u8.ToArray(), originClientId: "tab-1"),
            NewEvent("b"),
            NewEvent("c", Answers),
        };
        await AppendAsync(TenantA, events);
        await AppendAsync(TenantB, NewEvent("a"));

        await ReopenAsync();

        var stored = await ReadAllAsync(TenantA);
        Assert.Equal(3, stored.Count);
        for (var i = 0; i < events.Length; i++)
        {
            AssertStored(events[i], i + 1, stored[i]);
        }
        Assert.Equal(new Position(3), await Journal.ReadHeadAsync(TenantA, CancellationToken.None).DefaultTimeout());
        Assert.Equal(new Position(1), await Journal.ReadQueueHeadAsync(TenantA, Questions, CancellationToken.None).DefaultTimeout());
        Assert.Equal(new Position(1), await Journal.ReadHeadAsync(TenantB, CancellationToken.None).DefaultTimeout());
        // Appends continue where the store left off, and ids stay known.
        var next = await AppendAsync(TenantA, NewEvent("b"), NewEvent("d"));
        Assert.Equal([true, false], next.Select(e => e.Duplicate));
        Assert.Equal([2, 4], Positions(next));
    }

    [Fact]
    public async Task ReopenJournalAsync_EmptyStore_StaysEmpty()
    {
        await ReopenAsync();

        Assert.Equal(Position.Start, await Journal.ReadHeadAsync(TenantA, CancellationToken.None).DefaultTimeout());
        Assert.Equal([1], Positions(await AppendAsync(TenantA, NewEvent("a"))));
    }
}
