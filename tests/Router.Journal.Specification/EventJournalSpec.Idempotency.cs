using Router.TestKit;

namespace Router.Journal.Specification;

public abstract partial class EventJournalSpec
{
    [Fact]
    public async Task AppendAsync_KnownEventId_ReturnsOriginalAsDuplicateAndStoresNothing()
    {
        var original = NewEvent("evt-1", Questions, json: """{"v":1}""", originClientId: "tab-1");
        await AppendAsync(TenantA, original);

        var again = await AppendAsync(TenantA, NewEvent("evt-1", Answers, json: """{"v":2}""", type: "answer.created.v1"));

        var duplicate = Assert.Single(again);
        Assert.True(duplicate.Duplicate);
        AssertStored(original, 1, duplicate.Event); // the event stored first, not the one re-sent
        AssertStored(original, 1, Assert.Single(await ReadAllAsync(TenantA)));
        Assert.Equal(new Position(1), await Journal.ReadHeadAsync(TenantA, CancellationToken.None).DefaultTimeout());
    }

    [Fact]
    public async Task AppendAsync_IdRepeatedInOneBatch_RepeatTakesNoPositionAndReportsTheFirst()
    {
        var first = NewEvent("a", json: """{"first":true}""");

        var appended = await AppendAsync(TenantA, first, NewEvent("b"), NewEvent("a", json: """{"first":false}"""), NewEvent("c"));

        Assert.Equal([false, false, true, false], appended.Select(e => e.Duplicate));
        Assert.Equal([1, 2, 1, 3], Positions(appended));
        AssertStored(first, 1, appended[2].Event);
        Assert.Equal(["a", "b", "c"], (await ReadAllAsync(TenantA)).Select(e => e.EventId));
    }

    [Fact]
    public async Task AppendAsync_IdRepeatedAcrossBatchesOfOneCall_RepeatTakesNoPosition()
    {
        var results = await AppendBatchesAsync(TenantA, [NewEvent("a"), NewEvent("b")], [NewEvent("b"), NewEvent("c")]);

        Assert.Equal([false, false], results[0].Events.Select(e => e.Duplicate));
        Assert.Equal([true, false], results[1].Events.Select(e => e.Duplicate));
        Assert.Equal([2, 3], Positions(results[1].Events));
        Assert.Equal(Range(1, 3), Positions(await ReadAllAsync(TenantA)));
    }

    [Fact]
    public async Task AppendAsync_KnownIdAmongNewOnes_NewOnesStayGapless()
    {
        await AppendAsync(TenantA, NewEvent("known"));

        var appended = await AppendAsync(TenantA, NewEvent("x"), NewEvent("known"), NewEvent("y"));

        Assert.Equal([false, true, false], appended.Select(e => e.Duplicate));
        Assert.Equal([2, 1, 3], Positions(appended));
        Assert.Equal(["known", "x", "y"], (await ReadAllAsync(TenantA)).Select(e => e.EventId));
    }

    [Fact]
    public async Task AppendAsync_SameIdFromConcurrentCalls_StoresItOnce()
    {
        var calls = Enumerable.Range(0, 16)
            .Select(i => Task.Run(() => AppendAsync(TenantA, NewEvent("same", json: $$"""{"call":{{i}}}"""))))
            .ToArray();
        var outcomes = (await Task.WhenAll(calls).DefaultTimeout()).Select(Enumerable.Single).ToArray();

        Assert.Single(outcomes, e => !e.Duplicate);
        var stored = Assert.Single(await ReadAllAsync(TenantA));
        Assert.All(outcomes, e =>
        {
            Assert.Equal(1, e.Event.Position.Value);
            Assert.Equal(stored.Data.ToArray(), e.Event.Data.ToArray()); // every caller learns what was kept
        });
    }

    [Fact]
    public async Task AppendAsync_ProducerIdsAmongGeneratedOnes_StillDedupeAgainstStoredAndEarlierInTheCall()
    {
        // Journals may skip the lookup for generated ids; producers' ids in the same batch must still be checked.
        await AppendAsync(TenantA, NewEvent("known"));

        var appended = await AppendAsync(
            TenantA,
            Generated(),
            NewEvent("known"),
            Generated(),
            NewEvent("fresh"),
            Generated(),
            NewEvent("fresh"));

        Assert.Equal([false, true, false, false, false, true], appended.Select(e => e.Duplicate));
        Assert.Equal([2, 1, 3, 4, 5, 4], Positions(appended));
        Assert.Equal(Range(1, 5), Positions(await ReadAllAsync(TenantA)));
    }

    [Fact]
    public async Task AppendAsync_SameIdInTwoTenants_StoresBoth()
    {
        var inA = await AppendAsync(TenantA, NewEvent("shared", json: """{"tenant":"a"}"""));
        var inB = await AppendAsync(TenantB, NewEvent("shared", json: """{"tenant":"b"}"""));

        Assert.False(Assert.Single(inA).Duplicate);
        Assert.False(Assert.Single(inB).Duplicate);
        Assert.Equal("""{"tenant":"a"}"""u8.ToArray(), Assert.Single(await ReadAllAsync(TenantA)).Data.ToArray());
        Assert.Equal("""{"tenant":"b"}"""u8.ToArray(), Assert.Single(await ReadAllAsync(TenantB)).Data.ToArray());
    }

    /// <summary>An event whose id the router generated (a fresh UUIDv7), as the publish endpoint marks it.</summary>
    private static EventToAppend Generated() => NewEvent(Guid.CreateVersion7().ToString()) with { IdGenerated = true };
}
