using System.Collections.Concurrent;
using System.Text;
using Router.Tenants;
using Router.TestKit;

namespace Router.Journal.Specification;

public abstract partial class EventJournalSpec
{
    [Fact]
    public async Task AppendAsync_EventsWithAndWithoutOptionalFields_ReadReturnsThemExactly()
    {
        var full = NewEvent(
            "evt-1",
            Questions,
            json: """ { "text" : "Ça va? \u00e9 😀", "n": [1, 2.50, null] } """,
            audience: Encoding.UTF8.GetBytes("""{"users":["u1"],"groups":[],"roles":["admin"]}"""),
            originClientId: "tab-42",
            type: "question.created.v2");
        var bare = NewEvent("evt-2") with { Time = Time0.AddDays(1) };

        var appended = await AppendAsync(TenantA, full, bare);

        Assert.All(appended, e => Assert.False(e.Duplicate));
        AssertStored(full, 1, appended[0].Event);
        AssertStored(bare, 2, appended[1].Event);
        var stored = await ReadAllAsync(TenantA);
        Assert.Equal(2, stored.Count);
        AssertStored(full, 1, stored[0]);
        AssertStored(bare, 2, stored[1]);
    }

    [Fact]
    public async Task AppendAsync_EmptyAudience_IsStoredAsEmptyNotAsNone()
    {
        var appended = await AppendAsync(TenantA, NewEvent("evt-1", audience: []));

        var stored = Assert.Single(await ReadAllAsync(TenantA));
        Assert.True(stored.Audience.HasValue);
        Assert.Equal(0, stored.Audience.Value.Length);
        AssertStored(NewEvent("evt-1", audience: []), 1, appended[0].Event);
    }

    [Fact]
    public async Task AppendAsync_NoAudience_ReturnedAndReadAsNone()
    {
        // A public event must not come back with an empty audience: the router treats any audience as private.
        var appended = await AppendAsync(TenantA, NewEvent("evt-1"));

        Assert.Null(appended[0].Event.Audience);
        Assert.Null(Assert.Single(await ReadAllAsync(TenantA)).Audience);
    }

    [Fact]
    public async Task AppendAsync_LargePayload_RoundTripsByteForByte()
    {
        var random = new Random(42);
        var data = new byte[64 * 1024];
        var audience = new byte[2 * 1024];
        random.NextBytes(data); // every byte value, zeros included: the journal must not treat data as text
        random.NextBytes(audience);
        var big = NewEvent("big", Questions, audience: audience) with { Data = data };

        await AppendAsync(TenantA, big);

        AssertStored(big, 1, Assert.Single(await ReadAllAsync(TenantA)));
    }

    [Fact]
    public async Task AppendAsync_SeveralCalls_PositionsStartAtOneAndAreGapless()
    {
        var first = await AppendAsync(TenantA, NewEvent("a"));
        var second = await AppendAsync(TenantA, NewEvent("b"), NewEvent("c"), NewEvent("d"));
        var third = await AppendAsync(TenantA, NewEvent("e"), NewEvent("f"));

        Assert.Equal([1], Positions(first));
        Assert.Equal([2, 3, 4], Positions(second));
        Assert.Equal([5, 6], Positions(third));
        Assert.Equal(Range(1, 6), Positions(await ReadAllAsync(TenantA)));
    }

    [Fact]
    public async Task AppendAsync_TwoTenants_PositionsAreIndependent()
    {
        var a1 = await AppendAsync(TenantA, NewEvent("a1"), NewEvent("a2"));
        var b1 = await AppendAsync(TenantB, NewEvent("b1"));
        var a2 = await AppendAsync(TenantA, NewEvent("a3"));

        Assert.Equal([1, 2], Positions(a1));
        Assert.Equal([1], Positions(b1));
        Assert.Equal([3], Positions(a2));
    }

    [Fact]
    public async Task AppendAsync_SeveralBatches_ReturnsOneResultPerBatchWithConsecutivePositions()
    {
        var results = await AppendBatchesAsync(TenantA, [NewEvent("a"), NewEvent("b")], [], [NewEvent("c")]);

        Assert.Equal(3, results.Count);
        Assert.Equal([1, 2], Positions(results[0].Events));
        Assert.Empty(results[1].Events);
        Assert.Equal([3], Positions(results[2].Events));
        Assert.Equal(["a", "b", "c"], (await ReadAllAsync(TenantA)).Select(e => e.EventId));
    }

    [Fact]
    public async Task AppendAsync_NoEvents_ReturnsEmptyResultsAndStoresNothing()
    {
        Assert.Empty(await AppendBatchesAsync(TenantA));
        var emptyBatch = await AppendBatchesAsync(TenantA, Array.Empty<EventToAppend>());

        Assert.Empty(Assert.Single(emptyBatch).Events);
        Assert.Equal(Position.Start, await Journal.ReadHeadAsync(TenantA, CancellationToken.None).DefaultTimeout());
        Assert.Equal([1], Positions(await AppendAsync(TenantA, NewEvent("a"))));
    }

    [Fact]
    public async Task AppendAsync_ConcurrentCallsToOneTenant_PositionsAreExactlyOneToN()
    {
        const int Tasks = 16;
        const int CallsPerTask = 50;
        var reported = new ConcurrentDictionary<string, long>();

        var workers = Enumerable.Range(0, Tasks).Select(task => Task.Run(async () =>
        {
            for (var call = 0; call < CallsPerTask; call++)
            {
                // One to three events per call, so calls of different sizes commit together.
                var events = Enumerable.Range(0, (task + call) % 3 + 1).Select(i => NewEvent($"t{task}-c{call}-e{i}")).ToArray();
                var appended = await AppendAsync(TenantA, events);
                var positions = Positions(appended);
                Assert.Equal(Range(positions[0], positions.Count), positions); // a call's events are consecutive
                foreach (var e in appended)
                {
                    Assert.False(e.Duplicate);
                    Assert.True(reported.TryAdd(e.Event.EventId, e.Event.Position.Value));
                }
            }
        })).ToArray();
        await Task.WhenAll(workers).DefaultTimeout();

        var total = reported.Count;
        Assert.Equal(Range(1, total), reported.Values.Order().ToArray());
        var stored = await ReadAllAsync(TenantA);
        Assert.Equal(Range(1, total), Positions(stored));
        Assert.All(stored, e => Assert.Equal(reported[e.EventId], e.Position.Value));
        Assert.Equal(new Position(total), await Journal.ReadHeadAsync(TenantA, CancellationToken.None).DefaultTimeout());
    }

    [Fact]
    public async Task AppendAsync_ConcurrentCallsToManyTenants_EachTenantIsGapless()
    {
        var tenants = Enumerable.Range(0, 4).Select(i => TenantId.Parse($"tenant-{i}")).ToArray();
        const int TasksPerTenant = 4;
        const int CallsPerTask = 25;

        var workers = tenants.SelectMany(tenant => Enumerable.Range(0, TasksPerTenant).Select(task => Task.Run(async () =>
        {
            for (var call = 0; call < CallsPerTask; call++)
            {
                await AppendAsync(tenant, NewEvent($"{task}-{call}"));
            }
        }))).ToArray();
        await Task.WhenAll(workers).DefaultTimeout();

        foreach (var tenant in tenants)
        {
            Assert.Equal(Range(1, TasksPerTenant * CallsPerTask), Positions(await ReadAllAsync(tenant)));
        }
    }

    [Fact]
    public async Task AppendAsync_CallWithAnEventTheJournalRejects_StoresNothingOfTheCall()
    {
        await AppendAsync(TenantA, NewEvent("before"));

        var error = await Record.ExceptionAsync(() => Journal.AppendAsync(
            TenantA,
            [[NewEvent("a"), NewEvent("b")], [NewEvent("c"), NewEvent(EventIdTooLong)]],
            CancellationToken.None).AsTask()).DefaultTimeout();

        Assert.NotNull(error);
        Assert.IsNotType<JournalUnavailableException>(error); // the caller's mistake: retrying would not help
        Assert.Equal(["before"], (await ReadAllAsync(TenantA)).Select(e => e.EventId));
        // The failed call took no position and left no id behind.
        var after = await AppendAsync(TenantA, NewEvent("a"), NewEvent("c"));
        Assert.Equal([2, 3], Positions(after));
        Assert.All(after, e => Assert.False(e.Duplicate));
    }

    [Fact]
    public async Task AppendAsync_TokenAlreadyCancelled_ThrowsAndStoresNothing()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Journal.AppendAsync(TenantA, [[NewEvent("a")]], cancellation.Token).AsTask()).DefaultTimeout();

        Assert.Equal(Position.Start, await Journal.ReadHeadAsync(TenantA, CancellationToken.None).DefaultTimeout());
    }

    [Fact]
    public async Task AppendAsync_AfterDispose_ThrowsJournalUnavailableAndStoresNothing()
    {
        await AppendAsync(TenantA, NewEvent("a"));
        await Journal.DisposeAsync().DefaultTimeout();

        await Assert.ThrowsAsync<JournalUnavailableException>(
            () => Journal.AppendAsync(TenantA, [[NewEvent("b")]], CancellationToken.None).AsTask()).DefaultTimeout();

        await ReopenAsync();
        Assert.Equal(["a"], (await ReadAllAsync(TenantA)).Select(e => e.EventId));
    }

    [Fact]
    public async Task DisposeAsync_CalledTwice_IsHarmless()
    {
        await Journal.DisposeAsync().DefaultTimeout();
        await Journal.DisposeAsync().DefaultTimeout();
    }
}
