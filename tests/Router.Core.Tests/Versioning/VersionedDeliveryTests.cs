using System.Text.Json;
using System.Text.Json.Nodes;
using Router.Tenants;

namespace Router.Versioning;

public sealed class VersionedDeliveryTests
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
    public async Task Delivery_NoPins_EventArrivesAtNewestVersion()
    {
        await using var rig = new RouterRig { Versions = EventTypeRegistry.Build(TextToBody(), []) };
        var open = await rig.OpenAsync(RouterRig.QueueScope("q"));

        await rig.PublishAsync("question.created.v1", "q", data: """{"text":"hi"}""");

        var envelope = await NextEnvelopeAsync(open);
        Assert.Equal("question.created.v2", envelope.GetProperty("type").GetString());
        Assert.Equal("hi", envelope.GetProperty("data").GetProperty("body").GetString());
    }

    [Fact]
    public async Task Delivery_AcceptPinsOldVersion_DowncastApplied()
    {
        await using var rig = new RouterRig { Versions = EventTypeRegistry.Build(TextToBody(), []) };
        var pinned = await rig.OpenAsync(RouterRig.QueueScope("q"), accept: "question.created.v1");

        await rig.PublishAsync("question.created.v2", "q", data: """{"body":"hi"}""");

        var envelope = await NextEnvelopeAsync(pinned);
        Assert.Equal("question.created.v1", envelope.GetProperty("type").GetString());
        Assert.Equal("hi", envelope.GetProperty("data").GetProperty("text").GetString());
    }

    [Fact]
    public async Task Delivery_NoConversionPath_DeliveredAsStoredAndCounted()
    {
        var upOnly = new VersioningOptions { Conversions = [TextToBody().Conversions![0]] };
        await using var rig = new RouterRig { Versions = EventTypeRegistry.Build(upOnly, []) };
        var pinned = await rig.OpenAsync(RouterRig.QueueScope("q"), accept: "question.created.v1");

        await rig.PublishAsync("question.created.v2", "q", data: """{"body":"hi"}""");

        var envelope = await NextEnvelopeAsync(pinned);
        Assert.Equal("question.created.v2", envelope.GetProperty("type").GetString());
        Assert.Equal(1, rig.Versions.Mismatches);
    }

    [Fact]
    public async Task Delivery_ManyConnectionsOnOneQueue_OneConversionPerEvent()
    {
        var counter = new CountingUpcaster();
        await using var rig = new RouterRig { Versions = EventTypeRegistry.Build(null, [counter]) };
        var connections = new List<OpenConnection>();
        for (var i = 0; i < 20; i++)
        {
            connections.Add(await rig.OpenAsync(RouterRig.QueueScope("q")));
        }

        await rig.PublishAsync("poll.voted.v1", "q", data: """{"option":3}""");

        foreach (var connection in connections)
        {
            var envelope = await NextEnvelopeAsync(connection);
            Assert.Equal("poll.voted.v2", envelope.GetProperty("type").GetString());
            Assert.True(envelope.GetProperty("data").GetProperty("counted").GetBoolean());
        }
        Assert.Equal(1, counter.Calls);
    }

    [Fact]
    public async Task Delivery_LiveAndReplayedSameEvent_ByteIdenticalFrames()
    {
        await using var rig = new RouterRig { Versions = EventTypeRegistry.Build(TextToBody(), []) };
        var live = await rig.OpenAsync(RouterRig.QueueScope("q"));
        await rig.PublishAsync("question.created.v1", "q", data: """{"text":"same bytes"}""");
        var liveItem = await live.Reader.NextNonHeartbeatAsync();

        var replayed = await rig.OpenAsync(RouterRig.QueueScope("q"), resume: 0);
        var replayedItem = await replayed.Reader.NextNonHeartbeatAsync();

        Assert.Equal(liveItem.EventId, replayedItem.EventId);
        Assert.Equal(liveItem.Data, replayedItem.Data);
    }

    private static async Task<JsonElement> NextEnvelopeAsync(OpenConnection connection)
    {
        var item = await connection.Reader.NextNonHeartbeatAsync();
        return JsonDocument.Parse(item.Data).RootElement.Clone();
    }

    private sealed class CountingUpcaster : IEventConverter
    {
        private int _calls;

        public int Calls => _calls;

        public string BaseType => "poll.voted";

        public int FromVersion => 1;

        public int ToVersion => 2;

        public JsonNode? Convert(JsonNode? data)
        {
            Interlocked.Increment(ref _calls);
            data!["counted"] = true;
            return data;
        }
    }
}
