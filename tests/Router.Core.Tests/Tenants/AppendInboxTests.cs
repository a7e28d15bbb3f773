using Router.Journal;
using Router.TestKit;

namespace Router.Tenants;

public sealed class AppendInboxTests
{
    [Fact]
    public void TryPost_Closed_Refused()
    {
        var inbox = new AppendInbox(4);

        Assert.False(inbox.TryPost(NewAppend()));
        Assert.Equal(0, inbox.Count);
    }

    [Fact]
    public void TryPost_OpenUntilFull_AcceptsCapacityThenRefuses()
    {
        var inbox = new AppendInbox(2);
        inbox.Open();

        Assert.True(inbox.TryPost(NewAppend()));
        Assert.True(inbox.TryPost(NewAppend()));
        Assert.False(inbox.TryPost(NewAppend()));
        Assert.Equal(2, inbox.Count);
    }

    [Fact]
    public void CloseAndDrain_Open_MovesBatchesInOrderAndRefusesLaterPosts()
    {
        var inbox = new AppendInbox(4);
        inbox.Open();
        var first = NewAppend();
        var second = NewAppend();
        inbox.TryPost(first);
        inbox.TryPost(second);
        var pending = new List<TenantMessage.Append>();

        inbox.CloseAndDrain(pending);

        Assert.Equal([first, second], pending);
        Assert.Equal(0, inbox.Count);
        Assert.False(inbox.TryPost(NewAppend()));
        inbox.Open();
        Assert.True(inbox.TryPost(NewAppend()));
    }

    [Fact]
    public async Task AppendAsync_WhileCommitInFlight_WaitsInInboxAndJoinsNextCommit()
    {
        await using var rig = new RouterRig();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        rig.Journal.AppendGate = gate.Task;
        var first = rig.PublishAsync("x.happened.v1", "q");
        await rig.Journal.AppendAtGate.DefaultTimeout();

        var second = rig.PublishAsync("x.happened.v1", "q");
        var third = rig.PublishAsync("x.happened.v1", "q");

        // Not in the mailbox: the loop was not woken, the batches wait for the commit in flight to finish.
        Assert.Equal(2, rig.Tenants.InboxCount(RouterRig.Acme));
        gate.SetResult();
        var positions = await Task.WhenAll(first, second, third).DefaultTimeout();
        Assert.Equal(new long[] { 1, 2, 3 }, positions);
        Assert.Equal(2, rig.Journal.Commits);
        Assert.Equal(0, rig.Tenants.InboxCount(RouterRig.Acme));
    }

    [Fact]
    public async Task Shutdown_BatchWaitingInInbox_CommittedBeforeTheTenantStops()
    {
        await using var rig = new RouterRig();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        rig.Journal.AppendGate = gate.Task;
        var first = rig.PublishAsync("x.happened.v1", "q");
        await rig.Journal.AppendAtGate.DefaultTimeout();
        var second = rig.PublishAsync("x.happened.v1", "q");
        Assert.Equal(1, rig.Tenants.InboxCount(RouterRig.Acme));

        var shutdown = rig.System.ShutdownAsync(TimeSpan.FromSeconds(30));
        gate.SetResult();
        await shutdown.DefaultTimeout();

        // Acknowledged means appended: the batch that waited in the inbox was committed, not dropped or failed.
        Assert.Equal(1L, await first);
        Assert.Equal(2L, await second);
        Assert.Equal(new Position(2), await rig.Journal.ReadHeadAsync(RouterRig.Acme, CancellationToken.None));
    }

    private static TenantMessage.Append NewAppend() =>
        new([new EventToAppend(Guid.NewGuid().ToString(), "x.happened.v1", null, DateTimeOffset.UnixEpoch, "{}"u8.ToArray(), null, null)], new TaskCompletionSource<BatchResult>());
}
