using System.IO.Pipelines;
using Router.Tenants;
using Router.TestKit;

namespace Router.Connections;

/// <summary>Live events written by the fan-out itself (write-through), bursts fanned out in one write per connection.</summary>
public sealed class WriteThroughTests
{
    private static readonly string s_padding = $"{{\"pad\":\"{new string('x', 300)}\"}}";

    [Fact]
    public async Task Offer_LiveIdleConnection_FanOutWritesTheEventItself()
    {
        await using var rig = new RouterRig();
        var output = new RecordingWriter(new Pipe());
        var reader = new SseReader(output.Inner.Reader.AsStream());
        await rig.OpenAsync(RouterRig.QueueScope("q"), output: output);
        Assert.Equal("connection", (await reader.NextAsync()).EventType);

        // The first events may still meet the run loop holding the writer while it goes live; once idle, the queue
        // actor's fan-out writes and flushes on its own thread, without waking the connection's loop.
        var id = 0L;
        await RepeatUntilAsync(async () =>
        {
            id = await rig.PublishAsync("x.happened.v1", "q");
            Assert.Equal(id.ToString(), (await reader.NextAsync()).EventId);
            return output.FlushedByFanOut > 0;
        });
    }

    [Fact]
    public async Task Offer_BurstWhileFanOutIsBusy_OneFlushForTheWholeBurst()
    {
        await using var rig = new RouterRig();
        var blocking = new RecordingWriter(new Pipe());
        var blockingReader = new SseReader(blocking.Inner.Reader.AsStream());
        await rig.OpenAsync(RouterRig.QueueScope("q"), output: blocking); // first follower: fanned out to first
        var counted = new RecordingWriter(new Pipe());
        var reader = new SseReader(counted.Inner.Reader.AsStream());
        await rig.OpenAsync(RouterRig.QueueScope("q"), output: counted);
        Assert.Equal("connection", (await blockingReader.NextAsync()).EventType);
        Assert.Equal("connection", (await reader.NextAsync()).EventType);
        await RepeatUntilAsync(async () =>
        {
            var id = (await rig.PublishAsync("x.happened.v1", "q")).ToString();
            Assert.Equal(id, (await blockingReader.NextAsync()).EventId);
            Assert.Equal(id, (await reader.NextAsync()).EventId);
            return blocking.FlushedByFanOut > 0 && counted.FlushedByFanOut > 0;
        });

        // The next event blocks the fan-out inside the first follower's flush, so the burst after it queues up.
        using var gate = new ManualResetEventSlim();
        blocking.Gate = gate;
        var flushesBefore = counted.Flushes;
        var advancesBefore = counted.Advances;
        var first = await rig.PublishAsync("x.happened.v1", "q");
        await Eventually.UntilAsync(() => blocking.Blocked);
        for (var i = 0; i < 20; i++)
        {
            await rig.PublishAsync("x.happened.v1", "q", data: s_padding);
        }
        gate.Set();

        for (var id = first; id <= first + 20; id++)
        {
            Assert.Equal(id.ToString(), (await reader.NextAsync()).EventId);
        }
        // The blocked event, then the burst in one pass (a third if it met the connection's loop); was 21 flushes.
        Assert.InRange(counted.Flushes - flushesBefore, 2, 3);
        // The burst's ~13 KB of frames fill one buffer after the other (Pipe's default segment is 4 KiB): one Advance
        // per buffer, not one per frame (was 21 and more).
        Assert.InRange(counted.Advances - advancesBefore, 2, 10);
    }

    [Fact]
    public async Task Offer_FlushStallsMidBurst_LoopFinishesItAndNothingIsLostOrRepeated()
    {
        await using var rig = new RouterRig();
        // A reader that takes nothing for a while: write-through fills the pipe, its flush cannot complete and is
        // handed over to the connection's loop; later events queue behind it.
        var stalled = new Pipe(new PipeOptions(pauseWriterThreshold: 2048, resumeWriterThreshold: 1024));
        var reader = new SseReader(stalled.Reader.AsStream());
        var open = await rig.OpenAsync(RouterRig.QueueScope("q"), output: stalled.Writer);
        Assert.Equal("connection", (await reader.NextAsync()).EventType);

        for (var i = 0; i < 60; i++)
        {
            await rig.PublishAsync("x.happened.v1", "q", data: s_padding);
        }

        for (var id = 1; id <= 60; id++)
        {
            Assert.Equal(id.ToString(), (await reader.NextAsync()).EventId);
        }
        Assert.Equal(CloseReason.None, open.Connection.CloseReason);
    }

    /// <summary>Runs <paramref name="step"/> (each publishes and reads one event) until it returns true; at most 200 times.</summary>
    private static async Task RepeatUntilAsync(Func<Task<bool>> step)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if (await step())
            {
                return;
            }
        }
        Assert.Fail("write-through never happened in 200 events");
    }
}
