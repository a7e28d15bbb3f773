using System.IO.Pipelines;
using Router.Connections;
using Router.TestKit;

namespace Router.Tenants;

public sealed class ConnectionChurnTests
{
    [Fact]
    public async Task TenThousandConnectDisconnectCycles_LeaveNoConnectionsActorsOrBuffersBehind()
    {
        var time = new ManualTimeProvider();
        await using var rig = new RouterRig(time);
        await rig.PublishAsync("x.happened.v1", "q");
        GC.Collect();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);

        for (var i = 0; i < 10_000; i++)
        {
            var open = await rig.OpenAsync(i % 2 == 0 ? RouterRig.QueueScope("q") : RouterRig.TenantScope("q"));
            await open.Cancel.CancelAsync();
            await open.Run.DefaultTimeout();
            await open.Reader.DisposeAsync();
        }
        rig.ForgetClosedConnections();

        // Every follower left its stream: the idle streams passivate, then the childless tenant does.
        var deadline = DateTime.UtcNow + TaskTimeoutExtensions.DefaultTimeoutSpan;
        while (rig.System.TopLevelCount > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{rig.System.TopLevelCount} actors still alive");
            time.Advance(TimeSpan.FromSeconds(30));
            await Task.Delay(1);
        }
        Assert.Equal(0, rig.Tenants.ActiveTenants);
        GC.Collect();
        var growth = GC.GetTotalMemory(forceFullCollection: true) - baseline;
        Assert.True(growth < 8L * 1024 * 1024, $"managed memory grew by {growth / 1024} KiB over 10,000 cycles");
    }

    [Fact]
    public async Task ClientGoneBeforeTheFollowIsAnswered_ClosesAsClientGone()
    {
        await using var rig = new RouterRig();
        var connection = rig.NewConnection(RouterRig.QueueRequest("q"), new Pipe().Writer);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connection.RunAsync(new CancellationToken(canceled: true))).DefaultTimeout();

        Assert.Equal(CloseReason.ClientGone, connection.CloseReason);
    }

    [Fact]
    public async Task ManyConnectionsLeaveAtOnce_QueueMailboxFull_EveryOneUnfollowsAndQueuePassivates()
    {
        var time = new ManualTimeProvider();
        await using var rig = new RouterRig(time);
        rig.Tuning.QueueMailboxCapacity = 1; // most of the leaving connections find it full
        var opens = new List<OpenConnection>();
        for (var i = 0; i < 50; i++)
        {
            opens.Add(await rig.OpenAsync(RouterRig.QueueScope("q")));
        }

        await Task.WhenAll(opens.Select(o => o.Cancel.CancelAsync()));
        await Task.WhenAll(opens.Select(o => o.Run)).DefaultTimeout();

        // Nothing is published, so a follower left behind would keep the idle queue (and the tenant) alive.
        var deadline = DateTime.UtcNow + TaskTimeoutExtensions.DefaultTimeoutSpan;
        while (rig.System.TopLevelCount > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{rig.System.TopLevelCount} actors still alive");
            time.Advance(TimeSpan.FromSeconds(30));
            await Task.Delay(1);
        }
    }
}
