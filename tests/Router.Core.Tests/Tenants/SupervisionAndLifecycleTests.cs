using System.Buffers;
using System.IO.Pipelines;
using Router.Connections;
using Router.Journal;
using Router.TestKit;

namespace Router.Tenants;

public sealed class SupervisionAndLifecycleTests
{
    [Fact]
    public async Task Connection_WriterThrows_OnlyThatConnectionCloses()
    {
        await using var rig = new RouterRig();
        var healthy = await rig.OpenAsync(RouterRig.QueueScope("q"));
        var broken = new ThrowingPipeWriter();
        var faulty = await rig.OpenAsync(RouterRig.QueueScope("q"), output: broken);

        await faulty.Run.DefaultTimeout();
        Assert.Equal(CloseReason.Faulted, faulty.Connection.CloseReason);
        await rig.PublishAsync("x.happened.v1", "q");
        await rig.PublishAsync("x.happened.v1", "q");

        Assert.Equal("1", (await healthy.NextEventAsync()).Id);
        Assert.Equal("2", (await healthy.NextEventAsync()).Id);
    }

    [Fact]
    public async Task Tenant_FailingToStart_OtherTenantsUnaffected()
    {
        await using var rig = new RouterRig();
        rig.Journal.BrokenTenants.Add(TenantId.Parse("broken"));
        var globex = await rig.OpenAsync(RouterRig.QueueScope("q", tenant: "globex"));

        var failing = rig.PublishAsync("x.happened.v1", "q", tenant: "broken");
        await rig.PublishAsync("x.happened.v1", "q", tenant: "globex");

        Assert.Equal("1", (await globex.NextEventAsync()).Id);
        await Assert.ThrowsAnyAsync<Exception>(() => failing);
    }

    [Fact]
    public async Task Append_QueuedWhenTheRouterStops_RefusedAsShuttingDown()
    {
        await using var rig = new RouterRig();
        var headGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        rig.Journal.HeadGate = headGate.Task;
        // The tenant actor is held in its start, so the append waits in its mailbox.
        var append = rig.PublishAsync("x.happened.v1", "q");

        rig.Tenants.BeginShutdown();
        var shutdown = rig.System.ShutdownAsync(TimeSpan.FromSeconds(10));
        headGate.SetResult();

        // Drained while stopping: the directory takes no new work, so the publisher hears that instead of waiting on.
        var refused = await Assert.ThrowsAsync<JournalUnavailableException>(() => append).DefaultTimeout();
        Assert.Equal("The router is shutting down.", refused.Message);
        await shutdown.DefaultTimeout();
        Assert.Equal(0, rig.Journal.AppendsStarted);
    }

    [Fact]
    public async Task IdleTenantAndQueue_ClockAdvanced_ArePassivatedAndComeBack()
    {
        var time = new ManualTimeProvider();
        await using var rig = new RouterRig(time);
        var open = await rig.OpenAsync(RouterRig.QueueScope("q"));
        await rig.PublishAsync("x.happened.v1", "q");
        Assert.Equal("1", (await open.NextEventAsync()).Id);
        Assert.Equal(1, rig.Tenants.ActiveTenants);

        await open.Cancel.CancelAsync();
        await open.Run.DefaultTimeout();
        // Queue idle (1 min) first, then the tenant, now childless, idles (2 min).
        await AdvanceUntilAsync(time, () => rig.Tenants.ActiveTenants == 0);

        var again = await rig.OpenAsync(RouterRig.QueueScope("q"));
        await rig.PublishAsync("x.happened.v1", "q");
        Assert.Equal("2", (await again.NextEventAsync()).Id);
    }

    [Fact]
    public async Task IdleConnection_ClockPassesHeartbeatInterval_HeartbeatSent()
    {
        var time = new ManualTimeProvider();
        await using var rig = new RouterRig(time);
        var open = await rig.OpenAsync(RouterRig.QueueScope("q"));
        await open.Reader.ExpectNoneAsync(TimeSpan.FromMilliseconds(100));

        time.Advance(TimeSpan.FromSeconds(30));

        var heartbeat = await open.Reader.NextAsync();
        Assert.Equal("heartbeat", heartbeat.EventType);
        Assert.Contains("\"time\":\"2026-11-22T10:00:30.000Z\"", heartbeat.Data);
        Assert.Null(heartbeat.EventId);
    }

    [Fact]
    public async Task LiveConnection_StopsReading_DisconnectedForOverflowWhileFastOneGetsEverything()
    {
        await using var rig = new RouterRig(bufferEvents: 2);
        var fast = await rig.OpenAsync(RouterRig.QueueScope("q"), bufferEvents: 1024);
        var stalled = new Pipe(new PipeOptions(pauseWriterThreshold: 4096, resumeWriterThreshold: 2048));
        var slowReader = new SseReader(stalled.Reader.AsStream());
        var slow = await rig.OpenAsync(RouterRig.QueueScope("q"), output: stalled.Writer);
        Assert.Equal("connection", (await slowReader.NextAsync()).EventType);

        // From here nobody reads the slow pipe: its flushes block, its 2-event buffer fills, the policy disconnects it.
        var padding = $"{{\"pad\":\"{new string('x', 200)}\"}}";
        for (var i = 1; i <= 100; i++)
        {
            await rig.PublishAsync("x.happened.v1", "q", data: padding);
        }

        for (var i = 1; i <= 100; i++)
        {
            Assert.Equal(i.ToString(), (await fast.NextEventAsync()).Id);
        }
        await AdvanceUntilAsync(null, () => slow.Connection.CloseReason != CloseReason.None);
        Assert.Equal(CloseReason.Overflow, slow.Connection.CloseReason);
    }

    private static Task AdvanceUntilAsync(ManualTimeProvider? time, Func<bool> condition) =>
        Eventually.UntilAsync(() =>
        {
            if (condition())
            {
                return true;
            }
            time?.Advance(TimeSpan.FromSeconds(10));
            return false;
        });

    private sealed class ThrowingPipeWriter : PipeWriter
    {
        public override void Advance(int bytes) => throw new IOException("The socket is broken.");

        public override Memory<byte> GetMemory(int sizeHint = 0) => new byte[Math.Max(sizeHint, 4096)];

        public override Span<byte> GetSpan(int sizeHint = 0) => new byte[Math.Max(sizeHint, 4096)];

        public override void CancelPendingFlush()
        {
        }

        public override void Complete(Exception? exception = null)
        {
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => throw new IOException("The socket is broken.");
    }
}
