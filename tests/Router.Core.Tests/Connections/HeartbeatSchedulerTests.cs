using Router.Tenants;
using Router.TestKit;

namespace Router.Connections;

/// <summary>One timer per heartbeat interval serves every connection (bench/RESULTS.md, idle memory).</summary>
public sealed class HeartbeatSchedulerTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Tick = Interval / HeartbeatScheduler.Slots;

    [Fact]
    public void Join_ClockPassesIntervals_DueOncePerInterval()
    {
        var time = new ManualTimeProvider();
        using var scheduler = new HeartbeatScheduler(time);
        var target = new CountingTarget();
        scheduler.Join(Interval, target);

        time.Advance(Interval - TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, target.Due);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, target.Due);
        time.Advance(Interval * 3);
        Assert.Equal(4, target.Due);
    }

    [Fact]
    public void Join_BetweenTicks_FirstDueNoLaterThanOneIntervalNorEarlierThanOneTick()
    {
        var time = new ManualTimeProvider();
        using var scheduler = new HeartbeatScheduler(time);
        scheduler.Join(Interval, new CountingTarget()); // the wheel turns from here
        time.Advance(Tick * 3.5);
        var late = new CountingTarget();
        scheduler.Join(Interval, late);

        time.Advance(Interval - Tick - TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, late.Due);
        time.Advance(Tick + TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, late.Due);
        time.Advance(Interval);
        Assert.Equal(2, late.Due);
    }

    [Fact]
    public void Join_ManyTargets_OneTimerPerInterval()
    {
        var time = new ManualTimeProvider();
        using var scheduler = new HeartbeatScheduler(time);
        var targets = Enumerable.Range(0, 100).Select(_ => new CountingTarget()).ToList();
        foreach (var target in targets)
        {
            scheduler.Join(Interval, target);
        }
        var other = new CountingTarget();
        scheduler.Join(TimeSpan.FromSeconds(10), other);

        Assert.Equal(2, time.ActiveTimers);
        time.Advance(Interval);
        Assert.All(targets, t => Assert.Equal(1, t.Due));
        Assert.Equal(3, other.Due);
    }

    [Fact]
    public void Leave_ClockPassesInterval_NoLongerDue()
    {
        var time = new ManualTimeProvider();
        using var scheduler = new HeartbeatScheduler(time);
        var staying = new CountingTarget();
        var leaving = new CountingTarget();
        scheduler.Join(Interval, staying);
        var ticket = scheduler.Join(Interval, leaving);

        scheduler.Leave(ticket, leaving);
        time.Advance(Interval);

        Assert.Equal(0, leaving.Due);
        Assert.Equal(1, staying.Due);
    }

    [Fact]
    public void Dispose_ClockPassesInterval_TimerStopped()
    {
        var time = new ManualTimeProvider();
        var scheduler = new HeartbeatScheduler(time);
        var target = new CountingTarget();
        scheduler.Join(Interval, target);

        scheduler.Dispose();
        time.Advance(Interval);

        Assert.Equal(0, target.Due);
        Assert.Equal(0, time.ActiveTimers);
    }

    [Fact]
    public async Task IdleConnections_ClockPassesInterval_EachGetsHeartbeatFromOneSharedTimer()
    {
        var time = new ManualTimeProvider();
        await using var rig = new RouterRig(time);
        var first = await rig.OpenAsync(RouterRig.QueueScope("q"));
        // A connection joins the scheduler right after its preamble is flushed.
        await Eventually.UntilAsync(() => rig.Heartbeats.Members == 1, "first connection's heartbeat");
        var timersWithOne = time.ActiveTimers;
        var others = new List<OpenConnection>();
        for (var i = 0; i < 4; i++)
        {
            others.Add(await rig.OpenAsync(RouterRig.QueueScope("q")));
        }
        await Eventually.UntilAsync(() => rig.Heartbeats.Members == 5, "all heartbeats");

        // A timer per connection would have added four.
        Assert.Equal(timersWithOne, time.ActiveTimers);
        time.Advance(rig.Streams.Heartbeat);

        foreach (var open in others.Prepend(first))
        {
            Assert.Equal("heartbeat", (await open.Reader.NextAsync().DefaultTimeout()).EventType);
        }
    }

    private sealed class CountingTarget : IHeartbeatTarget
    {
        public int Due { get; private set; }

        public void OnHeartbeatDue() => Due++;
    }
}
