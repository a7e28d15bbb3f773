using Microsoft.Extensions.Logging.Abstractions;
using Router.Tenants;
using Router.TestKit;

namespace Router.Journal;

public sealed class RetentionTests
{
    private static RetentionSweeper Sweeper(RouterRig rig, long maxEvents = 1_000_000, TimeSpan? maxAge = null) =>
        new(rig.Journal, new RetentionOptions { MaxEvents = maxEvents, MaxAge = maxAge ?? TimeSpan.FromDays(7), Interval = TimeSpan.FromMinutes(1) }, rig.Time, NullLogger.Instance);

    [Fact]
    public async Task Resume_FromPrunedPosition_ResetHistoryTruncatedThenRetainedEvents()
    {
        await using var rig = new RouterRig();
        for (var i = 0; i < 10; i++)
        {
            await rig.PublishAsync("x.happened.v1", "q");
        }

        Assert.Equal(5, await Sweeper(rig, maxEvents: 5).SweepOnceAsync(CancellationToken.None).DefaultTimeout());
        var open = await rig.OpenAsync(RouterRig.QueueScope("q"), resume: 2);

        var reset = await open.Reader.NextAsync();
        Assert.Equal("reset", reset.EventType);
        Assert.Equal("""{"reason":"history-truncated","requested":"2","earliest":"6"}""", reset.Data);
        for (var id = 6; id <= 10; id++)
        {
            Assert.Equal(id.ToString(), (await open.NextEventAsync()).Id);
        }
    }

    [Fact]
    public async Task Resume_FromRetainedPosition_NoReset()
    {
        await using var rig = new RouterRig();
        for (var i = 0; i < 10; i++)
        {
            await rig.PublishAsync("x.happened.v1", "q");
        }
        await Sweeper(rig, maxEvents: 5).SweepOnceAsync(CancellationToken.None).DefaultTimeout();

        var open = await rig.OpenAsync(RouterRig.QueueScope("q"), resume: 5);

        Assert.Equal("6", (await open.NextEventAsync()).Id);
    }

    [Fact]
    public async Task Sweep_ClockPastMaxAge_PrunesOnlyOldEvents()
    {
        var time = new ManualTimeProvider();
        await using var rig = new RouterRig(time);
        for (var i = 0; i < 3; i++)
        {
            await rig.PublishAsync("x.happened.v1", "q");
        }
        time.Advance(TimeSpan.FromDays(8));
        for (var i = 0; i < 2; i++)
        {
            await rig.PublishAsync("x.happened.v1", "q");
        }

        await Sweeper(rig).SweepOnceAsync(CancellationToken.None).DefaultTimeout();

        Assert.Equal(4, (await rig.Journal.ReadEarliestAsync(RouterRig.Acme, CancellationToken.None)).Value);
    }

    [Fact]
    public async Task Sweep_DuringPublishingAndReplay_ReaderSeesIncreasingPositionsAndNoErrors()
    {
        await using var rig = new RouterRig();
        for (var i = 0; i < 50; i++)
        {
            await rig.PublishAsync("x.happened.v1", "q");
        }
        using var stop = new CancellationTokenSource();
        var publisher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await rig.PublishAsync("x.happened.v1", "q");
            }
        });
        var sweeper = Sweeper(rig, maxEvents: 20);
        var reader = await rig.OpenAsync(RouterRig.QueueScope("q"), resume: 0);

        long last = 0;
        for (var i = 0; i < 100; i++)
        {
            if (i % 10 == 0)
            {
                await sweeper.SweepOnceAsync(CancellationToken.None).DefaultTimeout();
            }
            var item = await reader.Reader.NextNonHeartbeatAsync();
            if (item.EventType == "reset")
            {
                continue;
            }
            var id = long.Parse(item.EventId!);
            Assert.True(id > last, $"{id} after {last}");
            last = id;
        }
        await stop.CancelAsync();
        await publisher.DefaultTimeout();
    }
}
