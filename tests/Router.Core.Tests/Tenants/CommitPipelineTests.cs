using Router.TestKit;

namespace Router.Tenants;

/// <summary>A tenant keeps up to two journal calls in flight, and still routes their events in position order.</summary>
public sealed class CommitPipelineTests
{
    private static readonly TimeSpan s_quiet = TimeSpan.FromMilliseconds(150);

    [Fact]
    public async Task Appends_WhileACommitIsInFlight_SecondCallStartsAndThirdWaits()
    {
        await using var rig = new RouterRig();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        rig.Journal.AppendGate = gate.Task;
        var queue = await rig.OpenAsync(RouterRig.QueueScope("q"));

        Task<long> first, second, third;
        try
        {
            first = rig.PublishAsync("a.v1", "q");
            await Eventually.UntilAsync(() => rig.Journal.AppendsStarted == 1, "the first journal call");
            second = rig.PublishAsync("b.v1", "q");
            await Eventually.UntilAsync(() => rig.Journal.AppendsStarted == 2, "a second call while the first is held");
            third = rig.PublishAsync("c.v1", "q");
            await Task.Delay(s_quiet);
            Assert.Equal(TenantActor.MaxCommitsInFlight, rig.Journal.AppendsStarted);
        }
        finally
        {
            gate.SetResult(); // a failed assertion must not leave the rig's disposal waiting on a held commit
        }

        var positions = new[] { await first, await second, await third };
        Assert.Equal([1L, 2L, 3L], positions.Order());
        Assert.Equal("1", (await queue.NextEventAsync()).Id);
        Assert.Equal("2", (await queue.NextEventAsync()).Id);
        Assert.Equal("3", (await queue.NextEventAsync()).Id);
    }

    [Fact]
    public async Task SecondCall_CompletesBeforeFirst_PublisherAnsweredButRoutedAfterFirst()
    {
        await using var rig = new RouterRig();
        var holdFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        rig.Journal.AfterCommit = call => call == 1 ? holdFirst.Task : Task.CompletedTask;
        var queue = await rig.OpenAsync(RouterRig.QueueScope("q"));
        var readsBefore = rig.Journal.Reads;

        Task<long> first;
        try
        {
            first = rig.PublishAsync("a.v1", "q");
            await Eventually.UntilAsync(() => rig.Journal.Commits == 1, "the first call committed (and held)");
            var second = await rig.PublishAsync("b.v1", "q");

            // The second publisher was answered at once, but its event is not routed ahead of the first call's
            // report: routing it first would find position 1 missing and read it back from the journal.
            Assert.Equal(2, second);
            Assert.False(first.IsCompleted);
            await queue.Reader.ExpectNoneAsync(s_quiet);
        }
        finally
        {
            holdFirst.SetResult();
        }

        Assert.Equal(1, await first);
        Assert.Equal(("1", "a.v1"), await queue.NextEventAsync());
        Assert.Equal(("2", "b.v1"), await queue.NextEventAsync());
        Assert.Equal(readsBefore, rig.Journal.Reads);
    }
}
