using System.IO.Pipelines;
using Router.Connections;
using Router.Tenants;
using Router.TestKit;

namespace Router.Queues;

/// <summary>
/// A fan-out pass takes in what arrives while it runs: followers it has not reached yet get the new events in the same
/// write. The tests hold a pass inside one follower's flush (a gated writer) while events or leavings queue up.
/// </summary>
public sealed class FanOutPassTests
{
    [Fact]
    public async Task Pass_EventsArriveWhileItIsUnderWay_FollowersItHasNotReachedGetThemInTheSameWrite()
    {
        await using var rig = new RouterRig();
        var gated = await Gated.OpenAsync(rig); // the first follower: the pass reaches it first
        await OpenFillersAsync(rig, QueueActor.SliceFollowers);
        var counted = await Gated.OpenAsync(rig); // in the pass's second slice: the pass looks at its mailbox before it
        var witness = await rig.OpenAsync(RouterRig.TenantScope("*"));
        await WarmUpAsync(rig, [gated, counted], [witness]);

        using var gate = new ManualResetEventSlim();
        gated.Writer.Gate = gate;
        var flushesBefore = counted.Writer.Flushes;
        var first = await rig.PublishAsync("x.happened.v1", "q");
        await Eventually.UntilAsync(() => gated.Writer.Blocked, "the pass blocking in the first follower's flush");
        var last = first;
        for (var i = 0; i < 5; i++)
        {
            last = await rig.PublishAsync("x.happened.v1", "q");
        }
        // The tenant tells the queue before the tenant-level stream: once the witness has the last event, the queue's
        // mailbox holds the whole burst.
        await ReadUpToAsync(witness, last);
        gate.Set();

        for (var id = first; id <= last; id++)
        {
            Assert.Equal(id.ToString(), (await counted.Reader.NextNonHeartbeatAsync()).EventId);
        }
        // Before passes took in what arrived, the first event went alone and the burst waited for the next pass.
        Assert.Equal(1, counted.Writer.Flushes - flushesBefore);
    }

    [Fact]
    public async Task Pass_FollowerItVisitedLeavesMidPass_TheLastFollowerStillGetsTheEvent()
    {
        await using var rig = new RouterRig();
        var leaving = await rig.OpenAsync(RouterRig.QueueScope("q")); // slot 0: visited before the gate
        var gated = await Gated.OpenAsync(rig);
        await OpenFillersAsync(rig, QueueActor.SliceFollowers - 1);
        var last = await rig.OpenAsync(RouterRig.QueueScope("q")); // the last slot, in the pass's second slice
        await WarmUpAsync(rig, [gated], [leaving, last]);

        using var gate = new ManualResetEventSlim();
        gated.Writer.Gate = gate;
        var id = (await rig.PublishAsync("x.happened.v1", "q")).ToString();
        await Eventually.UntilAsync(() => gated.Writer.Blocked, "the pass blocking in the second follower's flush");
        Assert.Equal(id, (await leaving.NextEventAsync()).Id);
        await leaving.Cancel.CancelAsync();
        await leaving.Run.DefaultTimeout(); // its unfollow now waits in the queue's mailbox
        gate.Set();

        // Removing the leaver at once would move the last follower into slot 0, behind the pass: it would miss the event.
        Assert.Equal(id, (await last.NextEventAsync()).Id);
        var next = (await rig.PublishAsync("x.happened.v1", "q")).ToString();
        Assert.Equal(next, (await last.NextEventAsync()).Id);
    }

    [Fact]
    public async Task Passes_FollowersJoinAndLeaveWhileEventsFlow_EveryFollowerGetsEveryEventOnceInOrder()
    {
        await using var rig = new RouterRig();
        const int events = 300;
        var readers = new List<Task>();
        // Each follower resumes from 0: what it missed replays from the journal, the rest comes from passes under way.
        async Task<OpenConnection> OpenReadingAsync()
        {
            var follower = await rig.OpenAsync(RouterRig.QueueScope("q"), resume: 0);
            readers.Add(Task.Run(async () =>
            {
                for (var id = 1; id <= events; id++)
                {
                    Assert.Equal(id.ToString(), (await follower.NextEventAsync()).Id);
                }
            }));
            return follower;
        }
        for (var i = 0; i < 2 * QueueActor.SliceFollowers; i++)
        {
            await OpenReadingAsync();
        }

        var publishing = Task.Run(async () =>
        {
            for (var i = 0; i < events; i++)
            {
                await rig.PublishAsync("x.happened.v1", "q");
            }
        });
        var random = new Random(10);
        var leavers = new List<OpenConnection>();
        while (!publishing.IsCompleted)
        {
            await OpenReadingAsync();
            leavers.Add(await rig.OpenAsync(RouterRig.QueueScope("q"), resume: 0));
            if (leavers.Count > 4)
            {
                var leaving = leavers[random.Next(leavers.Count)];
                leavers.Remove(leaving);
                await leaving.Cancel.CancelAsync();
                await leaving.Run.DefaultTimeout();
            }
        }
        await publishing.DefaultTimeout();

        await Task.WhenAll(readers).DefaultTimeout();
        Assert.True(readers.Count > 2 * QueueActor.SliceFollowers, "no follower joined while events flowed");
    }

    private static async Task OpenFillersAsync(RouterRig rig, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await rig.OpenAsync(RouterRig.QueueScope("q"));
        }
    }

    /// <summary>Publishes until the gated followers are written by the fan-out itself (write-through); all read each event.</summary>
    private static async Task WarmUpAsync(RouterRig rig, Gated[] gated, OpenConnection[] plain)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var id = await rig.PublishAsync("x.happened.v1", "q");
            foreach (var follower in gated)
            {
                Assert.Equal(id.ToString(), (await follower.Reader.NextNonHeartbeatAsync()).EventId);
            }
            foreach (var follower in plain)
            {
                await ReadUpToAsync(follower, id);
            }
            if (gated.All(g => g.Writer.FlushedByFanOut > 0))
            {
                return;
            }
        }
        Assert.Fail("write-through never happened in 200 events");
    }

    private static async Task ReadUpToAsync(OpenConnection connection, long id)
    {
        while ((await connection.NextEventAsync()).Id != id.ToString())
        {
        }
    }

    /// <summary>A follower of queue q whose writer counts flushes and can hold the fan-out in one.</summary>
    private sealed record Gated(RecordingWriter Writer, SseReader Reader)
    {
        public static async Task<Gated> OpenAsync(RouterRig rig)
        {
            var writer = new RecordingWriter(new Pipe());
            var reader = new SseReader(writer.Inner.Reader.AsStream());
            await rig.OpenAsync(RouterRig.QueueScope("q"), output: writer);
            Assert.Equal("connection", (await reader.NextAsync()).EventType);
            return new Gated(writer, reader);
        }
    }
}
