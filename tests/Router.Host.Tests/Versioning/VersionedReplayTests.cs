using Router.TestKit;
using Router.Versioning;

namespace Router.Host.Versioning;

public sealed class VersionedReplayTests
{
    /// <summary>question.created: v1 {text} → v2 {body} → v3 {body, author:{name}} and back down.</summary>
    private static Dictionary<string, string?> ThreeVersions() => new()
    {
        ["router:versioning:conversions:0:type"] = "question.created",
        ["router:versioning:conversions:0:from"] = "1",
        ["router:versioning:conversions:0:to"] = "2",
        ["router:versioning:conversions:0:steps:0:op"] = "rename",
        ["router:versioning:conversions:0:steps:0:from"] = "text",
        ["router:versioning:conversions:0:steps:0:to"] = "body",
        ["router:versioning:conversions:1:type"] = "question.created",
        ["router:versioning:conversions:1:from"] = "2",
        ["router:versioning:conversions:1:to"] = "3",
        ["router:versioning:conversions:1:steps:0:op"] = "move",
        ["router:versioning:conversions:1:steps:0:from"] = "author",
        ["router:versioning:conversions:1:steps:0:to"] = "author.name",
        ["router:versioning:conversions:2:type"] = "question.created",
        ["router:versioning:conversions:2:from"] = "3",
        ["router:versioning:conversions:2:to"] = "2",
        ["router:versioning:conversions:2:steps:0:op"] = "move",
        ["router:versioning:conversions:2:steps:0:from"] = "author.name",
        ["router:versioning:conversions:2:steps:0:to"] = "author",
        ["router:versioning:conversions:3:type"] = "question.created",
        ["router:versioning:conversions:3:from"] = "2",
        ["router:versioning:conversions:3:to"] = "1",
        ["router:versioning:conversions:3:steps:0:op"] = "rename",
        ["router:versioning:conversions:3:steps:0:from"] = "body",
        ["router:versioning:conversions:3:steps:0:to"] = "text",
    };

    [Fact]
    public async Task Resume_AfterRestartWithNewVersionsRegistered_EveryEventAtNewestOrPinnedVersion()
    {
        var directory = Path.Combine(Path.GetTempPath(), "router-tests", Guid.NewGuid().ToString("N"));
        await using (var before = await RouterTestHost.StartAsync(directory: directory, keepDirectory: true))
        {
            await before.PublishAsync("acme", """
                [{"type":"question.created.v1","queue":"q","data":{"text":"one","author":"ann"}},
                 {"type":"question.created.v2","queue":"q","data":{"body":"two","author":"bob"}},
                 {"type":"question.created.v3","queue":"q","data":{"body":"three","author":{"name":"cy"}}}]
                """);
        }

        await using var after = await RouterTestHost.StartAsync(ThreeVersions(), directory);

        await using (var newest = await after.StreamAsync("/v1/tenants/acme/queues/q/stream", lastEventId: "0"))
        {
            await newest.ConnectionEventAsync();
            foreach (var (body, author) in new[] { ("one", "ann"), ("two", "bob"), ("three", "cy") })
            {
                var (_, envelope) = await newest.NextEventAsync();
                Assert.Equal("question.created.v3", envelope.GetProperty("type").GetString());
                Assert.Equal(body, envelope.GetProperty("data").GetProperty("body").GetString());
                Assert.Equal(author, envelope.GetProperty("data").GetProperty("author").GetProperty("name").GetString());
            }
        }

        await using var pinned = await after.StreamAsync("/v1/tenants/acme/queues/q/stream?accept=question.created.v1", lastEventId: "0");
        await pinned.ConnectionEventAsync();
        foreach (var (text, author) in new[] { ("one", "ann"), ("two", "bob"), ("three", "cy") })
        {
            var (_, envelope) = await pinned.NextEventAsync();
            Assert.Equal("question.created.v1", envelope.GetProperty("type").GetString());
            Assert.Equal(text, envelope.GetProperty("data").GetProperty("text").GetString());
            Assert.Equal(author, envelope.GetProperty("data").GetProperty("author").GetString());
        }
    }

    [Fact]
    public async Task Start_BrokenConversionChain_FailsNamingTypeAndStep()
    {
        var broken = ThreeVersions();
        broken["router:versioning:conversions:0:steps:0:op"] = "rename-ish";

        var failure = await Assert.ThrowsAsync<VersioningConfigurationException>(() => RouterTestHost.StartAsync(broken));

        Assert.Contains("question.created v1→v2, step 1 (rename-ish): unknown op", failure.Message);
    }
}
