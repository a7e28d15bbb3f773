using System.Net.ServerSentEvents;
using System.Text.Json;
using Router.Journal;
using Router.Routing;
using Router.Tenants;
using Router.TestKit;
using Router.Versioning;

namespace Router.Connections;

/// <summary>Replay writes frames straight into the response; these check it delivers exactly what live delivery does.</summary>
public sealed class ReplayTests
{
    private static VersioningOptions TextToBody() => new()
    {
        Conversions =
        [
            new ConversionOptions { Type = "question.created", From = 1, To = 2, Steps = [new TransformStepOptions { Op = "rename", From = "text", To = "body" }] },
            new ConversionOptions { Type = "question.created", From = 2, To = 1, Steps = [new TransformStepOptions { Op = "rename", From = "body", To = "text" }] },
        ],
    };

    [Fact]
    public async Task CatchUp_MoreResumingThanReplayConcurrency_ReadsTakeTurnsAndAllCatchUp()
    {
        await using var rig = new RouterRig();
        rig.Streams.ReplayConcurrency = 2;
        for (var i = 0; i < 3; i++)
        {
            await rig.PublishAsync("x.happened.v1", "q");
        }
        var readGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        rig.Journal.ReadGate = readGate.Task;

        var resuming = new List<OpenConnection>();
        for (var i = 0; i < 5; i++)
        {
            resuming.Add(await rig.OpenAsync(RouterRig.QueueScope("q"), resume: 0));
        }
        await Eventually.UntilAsync(() => rig.Journal.ReadsInFlight == 2, "two replay reads under way");
        // Nothing is written while the reads are held; the three others wait for their turn meanwhile.
        await resuming[^1].Reader.ExpectNoneAsync(TimeSpan.FromMilliseconds(100));
        readGate.SetResult();

        foreach (var open in resuming)
        {
            Assert.Equal(["1", "2", "3"], [(await open.NextEventAsync()).Id, (await open.NextEventAsync()).Id, (await open.NextEventAsync()).Id]);
        }
        Assert.Equal(2, rig.Journal.MaxReadsInFlight);
    }

    [Fact]
    public async Task CatchUp_AcceptPinsOldVersion_ReplayedEventsDowncast()
    {
        await using var rig = new RouterRig { Versions = EventTypeRegistry.Build(TextToBody(), []) };
        await rig.PublishAsync("question.created.v2", "q", data: """{"body":"first"}""");
        await rig.PublishAsync("question.created.v2", "q", data: """{"body":"second"}""");

        var replay = await rig.OpenAsync(RouterRig.QueueScope("q"), resume: 0, accept: "question.created.v1");

        foreach (var text in new[] { "first", "second" })
        {
            var envelope = await NextEnvelopeAsync(replay);
            Assert.Equal("question.created.v1", envelope.GetProperty("type").GetString());
            Assert.Equal(text, envelope.GetProperty("data").GetProperty("text").GetString());
        }
    }

    [Fact]
    public async Task CatchUp_NoConversionPath_ReplayedAsStoredAndCounted()
    {
        var upOnly = new VersioningOptions { Conversions = [TextToBody().Conversions![0]] };
        await using var rig = new RouterRig { Versions = EventTypeRegistry.Build(upOnly, []) };
        await rig.PublishAsync("question.created.v2", "q", data: """{"body":"hi"}""");

        var replay = await rig.OpenAsync(RouterRig.QueueScope("q"), resume: 0, accept: "question.created.v1");

        var envelope = await NextEnvelopeAsync(replay);
        Assert.Equal("question.created.v2", envelope.GetProperty("type").GetString());
        Assert.Equal(1, rig.Versions.Mismatches);
    }

    [Fact]
    public async Task CatchUp_FreshConnectionClosesItsGap_NotCountedAsReplayed()
    {
        await using var rig = new RouterRig();
        await rig.PublishAsync("question.created.v1", "q");
        // Committed behind the tenant actor's back: its routed head stays at 1, so a fresh connection's catch-up
        // (from that head) finds two rows — the gap a fresh connection closes, not a replay it asked for.
        var rows = new[] { Row(), Row() };
        await rig.Journal.AppendAsync(RouterRig.Acme, [rows], CancellationToken.None).DefaultTimeout();
        using var replayed = new CounterProbe(rig.Tenants.Metrics.Meter, "router.replayed.events");

        var fresh = await rig.OpenAsync(RouterRig.QueueScope("q"));
        Assert.Equal("2", (await fresh.NextEventAsync()).Id);
        Assert.Equal("3", (await fresh.NextEventAsync()).Id);
        Assert.Equal(0, replayed.Total);

        var resumed = await rig.OpenAsync(RouterRig.QueueScope("q"), resume: 0);
        for (var expected = 1; expected <= 3; expected++)
        {
            Assert.Equal(expected.ToString(), (await resumed.NextEventAsync()).Id);
        }
        Assert.Equal(3, replayed.Total);

        static EventToAppend Row() => new(Guid.NewGuid().ToString(), "question.created.v1", "q", DateTimeOffset.UtcNow, "{}"u8.ToArray(), null, null);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData(null, true)]
    [InlineData("question.created.v1", false)]
    [InlineData("question.created.v1", true)]
    public async Task CatchUp_SameOptionsAsALiveConnection_SameFrames(string? accept, bool typeAsEventField)
    {
        // A tenant stream that follows every queue, with a rule that also puts workspace events on the tenant
        // stream: rows of one type with and without a queue, of two versions and of types without conversions.
        var routing = RoutingTable.Create(new RoutingOptions { Rules = [new RoutingRuleOptions { Match = "workspace.*", Tiers = ["queue", "tenant"] }] });
        await using var rig = new RouterRig(routing: routing) { Versions = EventTypeRegistry.Build(TextToBody(), []) };
        var scope = RouterRig.TenantScope("*");
        var live = await rig.OpenAsync(scope, accept: accept, typeAsEventField: typeAsEventField);
        string[] published =
        [
            await Publish(rig, "question.created.v1", "q", """{"text":"a"}"""),
            await Publish(rig, "question.created.v2", null, """{"body":"b"}"""),
            await Publish(rig, "workspace.renamed.v1", "w", """{"name":"c"}"""),
            await Publish(rig, "workspace.renamed.v1", null, """{"name":"d"}"""),
            await Publish(rig, "question.created.v1", "r", """{"text":"e"}""", origin: "tab-1"),
        ];
        var expected = new List<SseItem<string>>();
        foreach (var _ in published)
        {
            expected.Add(await live.Reader.NextNonHeartbeatAsync());
        }

        var replay = await rig.OpenAsync(scope, resume: 0, accept: accept, typeAsEventField: typeAsEventField);

        foreach (var frame in expected)
        {
            var replayed = await replay.Reader.NextNonHeartbeatAsync();
            Assert.Equal(frame.EventType, replayed.EventType);
            Assert.Equal(frame.EventId, replayed.EventId);
            Assert.Equal(frame.Data, replayed.Data);
        }
    }

    [Fact]
    public async Task CatchUp_TypesFilter_SkipsFilteredRowsThenGoesLive()
    {
        await using var rig = new RouterRig();
        await rig.PublishAsync("question.created.v1", "q");
        await rig.PublishAsync("answer.posted.v1", "q");
        var last = await rig.PublishAsync("question.closed.v1", "q");

        var replay = await rig.OpenAsync(RouterRig.QueueScope("q"), resume: 0, types: "question.*");

        Assert.Equal(("1", "question.created.v1"), await replay.NextEventAsync());
        Assert.Equal(("3", "question.closed.v1"), await replay.NextEventAsync());
        var next = await rig.PublishAsync("question.created.v1", "q");
        Assert.Equal((next.ToString(System.Globalization.CultureInfo.InvariantCulture), "question.created.v1"), await replay.NextEventAsync());
        Assert.Equal(last + 1, next);
    }

    private static async Task<string> Publish(RouterRig rig, string type, string? queue, string data, string? origin = null) =>
        (await rig.PublishAsync(type, queue, origin: origin, data: data)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<JsonElement> NextEnvelopeAsync(OpenConnection connection)
    {
        var item = await connection.Reader.NextNonHeartbeatAsync();
        return JsonDocument.Parse(item.Data).RootElement.Clone();
    }
}
