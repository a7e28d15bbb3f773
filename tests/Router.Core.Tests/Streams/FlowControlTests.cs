using System.IO.Pipelines;
using Router.Connections;
using Router.Tenants;
using Router.TestKit;

namespace Router.Streams;

public sealed class FlowControlTests
{
    private static readonly TimeSpan s_quiet = TimeSpan.FromMilliseconds(150);

    [Fact]
    public async Task Throttle_TenPerSecond_ExactCountsPerInterval()
    {
        var time = new ManualTimeProvider();
        await using var rig = new RouterRig(time);
        rig.Streams.ThrottleEventsPerSecond = 10;
        rig.Streams.ThrottleBurst = 10;
        var open = await rig.OpenAsync(RouterRig.QueueScope("q"));
        for (var i = 0; i < 25; i++)
        {
            await rig.PublishAsync("x.happened.v1", "q");
        }

        await ExpectIdsAsync(open, 1, 10);
        await open.Reader.ExpectNoneAsync(s_quiet);
        time.Advance(TimeSpan.FromSeconds(1));
        await ExpectIdsAsync(open, 11, 20);
        await open.Reader.ExpectNoneAsync(s_quiet);
        time.Advance(TimeSpan.FromSeconds(1));
        await ExpectIdsAsync(open, 21, 25);
    }

    [Fact]
    public async Task Conflation_WhileThrottled_NewestPerKeySurvivesOthersNeverDropped()
    {
        var time = new ManualTimeProvider();
        await using var rig = new RouterRig(time);
        rig.Streams.ThrottleEventsPerSecond = 1;
        rig.Streams.ThrottleBurst = 1;
        rig.Streams.Conflate = ["upload.progress"];
        var open = await rig.OpenAsync(RouterRig.TenantScope("a", "b"));

        await rig.PublishAsync("chat.posted.v1", "a");          // 1: written at once (the burst)
        await rig.PublishAsync("upload.progress.v1", "a");      // 2: superseded by 5
        await rig.PublishAsync("upload.progress.v1", "b");      // 3: other queue, superseded by 6
        await rig.PublishAsync("chat.posted.v1", "a");          // 4: never dropped
        await rig.PublishAsync("upload.progress.v1", "a");      // 5
        await rig.PublishAsync("upload.progress.v1", "b");      // 6
        await ExpectIdsAsync(open, 1, 1);
        await open.Reader.ExpectNoneAsync(s_quiet);
        // Routing runs after each publish is answered: wait until 5 and 6 reached the connection and superseded 2 and 3.
        await Eventually.UntilAsync(() => open.Connection.Conflated == 2, "both progress events superseded");

        var seen = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            seen.Add((await open.NextEventAsync()).Id);
        }

        Assert.Equal(["4", "5", "6"], seen);
        await open.Reader.ExpectNoneAsync(s_quiet);
    }

    [Fact]
    public async Task DropOldest_LiveClientFallsBehind_ResetTellsHowManyWereDropped()
    {
        await using var rig = new RouterRig(bufferEvents: 4, overflow: "drop-oldest");
        var stalled = new Pipe(new PipeOptions(pauseWriterThreshold: 2048, resumeWriterThreshold: 1024));
        var reader = new SseReader(stalled.Reader.AsStream());
        var open = await rig.OpenAsync(RouterRig.QueueScope("q"), output: stalled.Writer);
        Assert.Equal("connection", (await reader.NextAsync()).EventType);
        // Published during catch-up, an overflow sends the connection back to the journal (nothing dropped).
        await Eventually.UntilAsync(() => open.Connection.IsLive);

        var padding = $"{{\"pad\":\"{new string('x', 300)}\"}}";
        // More than one fan-out burst can carry: a burst that finds the writer free goes straight into the response
        // (up to the queue's mailbox, 64 here, if routing lagged behind the publishes), and only what comes after it,
        // while its flush is stalled, meets the 4-event buffer. 60 events could all ride one burst, with nothing dropped.
        for (var i = 0; i < 200; i++)
        {
            await rig.PublishAsync("x.happened.v1", "q", data: padding);
        }

        var ids = new List<long>();
        while (true)
        {
            var item = await reader.NextAsync();
            if (item.EventType == "reset")
            {
                Assert.Contains("\"reason\":\"overflow\"", item.Data);
                Assert.Matches("\"dropped\":[1-9][0-9]*", item.Data);
                break;
            }
            ids.Add(long.Parse(item.EventId!));
        }
        var after = long.Parse((await reader.NextAsync()).EventId!);
        Assert.True(after > ids.Last() + 1, "events were dropped between the last one before the reset and the first after it");
    }

    [Fact]
    public async Task WriteTimeout_ClientStopsReading_ClosedAsSlowClient()
    {
        var time = new ManualTimeProvider();
        await using var rig = new RouterRig(time);
        rig.Streams.WriteTimeout = TimeSpan.FromSeconds(15);
        var stalled = new Pipe(new PipeOptions(pauseWriterThreshold: 1024, resumeWriterThreshold: 512));
        var reader = new SseReader(stalled.Reader.AsStream());
        var open = await rig.OpenAsync(RouterRig.QueueScope("q"), output: stalled.Writer);
        Assert.Equal("connection", (await reader.NextAsync()).EventType);
        await rig.PublishAsync("x.happened.v1", "q", data: $"{{\"pad\":\"{new string('x', 4000)}\"}}");

        await Eventually.UntilAsync(() => open.Connection.Delivered == 1); // written; its flush now waits for the reader

        // Move the clock a second at a time: the stalled flush times out once 15 s pass after it began.
        var advanced = TimeSpan.Zero;
        await Eventually.UntilAsync(() =>
        {
            if (open.Run.IsCompleted || advanced > TimeSpan.FromSeconds(25))
            {
                return true;
            }
            time.Advance(TimeSpan.FromSeconds(1));
            advanced += TimeSpan.FromSeconds(1);
            return false;
        });

        await open.Run.DefaultTimeout();
        Assert.Equal(CloseReason.SlowClient, open.Connection.CloseReason);
    }

    private static async Task ExpectIdsAsync(OpenConnection open, int from, int to)
    {
        for (var id = from; id <= to; id++)
        {
            Assert.Equal(id.ToString(), (await open.NextEventAsync()).Id);
        }
    }
}
