using System.IO.Pipelines;
using Router.Tenants;
using Router.TestKit;

namespace Router.Queues;

/// <summary>A queue whose fan-out passes take long pauses between them and carries what arrived meanwhile in one pass.</summary>
public sealed class FanOutPacingTests
{
    [Fact]
    public async Task Pass_TookLongerThanTheCap_NextWaitsTheCapAndCarriesWhatArrivedMeanwhileInOneFlush()
    {
        var time = new ManualTimeProvider();
        await using var rig = new RouterRig(time);
        var pipe = new Pipe();
        var output = new SlowFlushWriter(pipe.Writer, time, TimeSpan.FromMilliseconds(3));
        var open = await rig.OpenAsync(RouterRig.QueueScope("q"), output: output);
        await using var reader = new SseReader(pipe.Reader.AsStream());
        Assert.Equal("connection", (await reader.NextAsync()).EventType);
        await Eventually.UntilAsync(() => open.Connection.IsLive, "the connection going live");

        await rig.PublishAsync("a.v1", "q"); // its pass's flush takes 3 ms of the manual clock
        Assert.Equal("1", (await reader.NextNonHeartbeatAsync()).EventId);
        var flushes = output.Flushes;
        await rig.PublishAsync("b.v1", "q");
        await rig.PublishAsync("c.v1", "q");

        await reader.ExpectNoneAsync(TimeSpan.FromMilliseconds(150));
        time.Advance(QueueActor.MaxPause);
        Assert.Equal("2", (await reader.NextNonHeartbeatAsync()).EventId);
        Assert.Equal("3", (await reader.NextNonHeartbeatAsync()).EventId);
        Assert.Equal(flushes + 1, output.Flushes);
    }

    [Fact]
    public async Task Pass_FasterThanAMillisecond_NextEventGoesAtOnce()
    {
        var time = new ManualTimeProvider();
        await using var rig = new RouterRig(time);
        var queue = await rig.OpenAsync(RouterRig.QueueScope("q"));
        await Eventually.UntilAsync(() => queue.Connection.IsLive, "the connection going live");

        await rig.PublishAsync("a.v1", "q");
        await rig.PublishAsync("b.v1", "q");

        // The manual clock never moves: no pass takes any time, so none is followed by a pause.
        Assert.Equal("1", (await queue.NextEventAsync()).Id);
        Assert.Equal("2", (await queue.NextEventAsync()).Id);
    }

    /// <summary>A response whose every flush takes <c>took</c> of the manual clock (a pass over many followers).</summary>
    private sealed class SlowFlushWriter(PipeWriter inner, ManualTimeProvider time, TimeSpan took) : PipeWriter
    {
        private int _flushes;

        public int Flushes => Volatile.Read(ref _flushes);

        public override void Advance(int bytes) => inner.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _flushes);
            time.Advance(took);
            return inner.FlushAsync(cancellationToken);
        }
    }
}
