using System.Net;
using System.Text.Json;
using Router.Host.Security;
using Router.TestKit;

namespace Router.Host.Ingest;

/// <summary><c>POST /v1/tenants/{tenant}/events</c> on the real host (SPEC §3): what is acknowledged, appended and delivered.</summary>
public sealed class PublishEndpointTests
{
    [Fact]
    public async Task Publish_SingleEvent_Returns201WithFirstSequence()
    {
        await using var host = await RouterTestHost.StartAsync();

        using var response = await host.PostRawAsync("acme", """{"type":"question.created.v1","id":"q-1","data":{"text":"hi"}}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync().DefaultTimeout());
        var events = json.RootElement.GetProperty("events");
        var only = Assert.Single(events.EnumerateArray());
        Assert.Equal("q-1", only.GetProperty("id").GetString());
        Assert.Equal("1", only.GetProperty("sequence").GetString());
        Assert.False(only.GetProperty("duplicate").GetBoolean());
        Assert.Equal("1", await HeadAsync(host, "acme"));
    }

    [Fact]
    public async Task Publish_Batch_AnswersWithContentLengthAndOneEntryPerEvent()
    {
        await using var host = await RouterTestHost.StartAsync();

        using var response = await host.PostRawAsync("acme", """[{"type":"question.created.v1","id":"a\"<b"},{"type":"question.created.v1"}]""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        var body = await response.Content.ReadAsByteArrayAsync().DefaultTimeout();
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        using var json = JsonDocument.Parse(body);
        var events = json.RootElement.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal("a\"<b", events[0].GetProperty("id").GetString());
        Assert.True(Guid.TryParse(events[1].GetProperty("id").GetString(), out _));
        Assert.Equal(["1", "2"], events.Select(e => e.GetProperty("sequence").GetString()));
        Assert.Equal([false, false], events.Select(e => e.GetProperty("duplicate").GetBoolean()));
    }

    [Fact]
    public async Task Publish_EventWithoutId_GetsGeneratedIdThatIsDelivered()
    {
        await using var host = await RouterTestHost.StartAsync();
        await using var stream = await host.StreamAsync("/v1/tenants/acme/stream");
        await stream.ConnectionEventAsync();

        using var response = await host.PostRawAsync("acme", """{"type":"question.created.v1"}""");

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync().DefaultTimeout());
        var id = json.RootElement.GetProperty("events")[0].GetProperty("id").GetString();
        Assert.False(string.IsNullOrEmpty(id));
        var (_, envelope) = await stream.NextEventAsync().DefaultTimeout();
        Assert.Equal(id, envelope.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Publish_Batch_ReturnsResultsInRequestOrderWithConsecutiveSequences()
    {
        await using var host = await RouterTestHost.StartAsync();
        await host.PublishAsync("acme", """{"type":"warmup.done.v1"}""");

        using var response = await host.PostRawAsync("acme", """
            [{"type":"question.created.v1","id":"c"},
             {"type":"question.created.v1","id":"a"},
             {"type":"question.created.v1","id":"b"}]
            """);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync().DefaultTimeout());
        var events = json.RootElement.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["c", "a", "b"], events.Select(e => e.GetProperty("id").GetString()));
        Assert.Equal(["2", "3", "4"], events.Select(e => e.GetProperty("sequence").GetString()));
        Assert.All(events, e => Assert.False(e.GetProperty("duplicate").GetBoolean()));
        Assert.Equal("4", await HeadAsync(host, "acme"));
    }

    [Fact]
    public async Task Publish_ExistingId_ReturnsOriginalSequenceAsDuplicateAndAppendsNothing()
    {
        await using var host = await RouterTestHost.StartAsync();
        await host.PublishAsync("acme", """{"type":"question.created.v1","id":"q-1"}""");
        await host.PublishAsync("acme", """{"type":"question.created.v1","id":"q-2"}""");

        using var response = await host.PostRawAsync("acme", """{"type":"question.created.v1","id":"q-1","data":{"changed":true}}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync().DefaultTimeout());
        var only = Assert.Single(json.RootElement.GetProperty("events").EnumerateArray());
        Assert.Equal("q-1", only.GetProperty("id").GetString());
        Assert.Equal("1", only.GetProperty("sequence").GetString());
        Assert.True(only.GetProperty("duplicate").GetBoolean());
        Assert.Equal("2", await HeadAsync(host, "acme"));
    }

    [Fact]
    public async Task Publish_DuplicateIdsInsideOneBatch_SecondIsDuplicateOfFirst()
    {
        await using var host = await RouterTestHost.StartAsync();

        using var response = await host.PostRawAsync("acme", """
            [{"type":"question.created.v1","id":"same"},
             {"type":"question.created.v1","id":"other"},
             {"type":"question.created.v1","id":"same"}]
            """);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync().DefaultTimeout());
        var events = json.RootElement.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal(["same", "other", "same"], events.Select(e => e.GetProperty("id").GetString()));
        Assert.Equal(["1", "2", "1"], events.Select(e => e.GetProperty("sequence").GetString()));
        Assert.Equal([false, false, true], events.Select(e => e.GetProperty("duplicate").GetBoolean()));
        Assert.Equal("2", await HeadAsync(host, "acme"));
    }

    [Fact]
    public async Task Publish_ClientIdHeader_SetsOriginOnEventsWithoutOneAndExplicitOriginWins()
    {
        await using var host = await RouterTestHost.StartAsync();
        await using var stream = await host.StreamAsync("/v1/tenants/acme/stream");
        await stream.ConnectionEventAsync();

        using var response = await host.PostRawAsync(
            "acme",
            """[{"type":"question.created.v1","id":"from-header"},{"type":"question.created.v1","id":"explicit","originClientId":"tab-2"}]""",
            configure: request => request.Headers.Add("X-Client-Id", "tab-1"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        var (firstId, first) = await stream.NextEventAsync().DefaultTimeout();
        var (secondId, second) = await stream.NextEventAsync().DefaultTimeout();
        Assert.Equal((1, "from-header", "tab-1"), (firstId, first.GetProperty("id").GetString(), first.GetProperty("originclientid").GetString()));
        Assert.Equal((2, "explicit", "tab-2"), (secondId, second.GetProperty("id").GetString(), second.GetProperty("originclientid").GetString()));
    }

    [Fact]
    public async Task Publish_NoClientIdAnywhere_EnvelopeHasNoOrigin()
    {
        await using var host = await RouterTestHost.StartAsync();
        await using var stream = await host.StreamAsync("/v1/tenants/acme/stream");
        await stream.ConnectionEventAsync();

        await host.PublishAsync("acme", """{"type":"question.created.v1"}""");

        var (_, envelope) = await stream.NextEventAsync().DefaultTimeout();
        Assert.False(envelope.TryGetProperty("originclientid", out _));
    }

    [Fact]
    public async Task Publish_AbsentData_DeliversEmptyObject()
    {
        await using var host = await RouterTestHost.StartAsync();
        await using var stream = await host.StreamAsync("/v1/tenants/acme/stream");
        await stream.ConnectionEventAsync();

        await host.PublishAsync("acme", """{"type":"question.created.v1"}""");

        var (id, envelope) = await stream.NextEventAsync().DefaultTimeout();
        Assert.Equal(1, id);
        var data = envelope.GetProperty("data");
        Assert.Equal(JsonValueKind.Object, data.ValueKind);
        Assert.Empty(data.EnumerateObject());
        Assert.Equal("question.created.v1", envelope.GetProperty("type").GetString());
        Assert.Equal("acme", envelope.GetProperty("tenant").GetString());
        Assert.Equal("1", envelope.GetProperty("sequence").GetString());
    }

    [Fact]
    public async Task Publish_TwoTenants_PositionsAreIndependent()
    {
        await using var host = await RouterTestHost.StartAsync();

        var acme = await host.PublishAsync("acme", """[{"type":"a.b.v1"},{"type":"a.b.v1"},{"type":"a.b.v1"}]""");
        var globex = await host.PublishAsync("globex", """[{"type":"a.b.v1"},{"type":"a.b.v1"}]""");
        var acmeAgain = await host.PublishAsync("acme", """{"type":"a.b.v1"}""");

        Assert.Equal([1L, 2L, 3L], acme);
        Assert.Equal([1L, 2L], globex);
        Assert.Equal([4L], acmeAgain);
        Assert.Equal("4", await HeadAsync(host, "acme"));
        Assert.Equal("2", await HeadAsync(host, "globex"));
    }

    [Fact]
    public async Task Publish_DataWithNewlinesAndWhitespace_IsDeliveredAsOneCompactLine()
    {
        await using var host = await RouterTestHost.StartAsync();
        await using var stream = await host.StreamAsync("/v1/tenants/acme/stream");
        await stream.ConnectionEventAsync();
        const string data = "{\n  \"text\" : \"line one\\nline two\",\r\n\t\"list\": [ 1,\n 2 ,\n 3 ],\n  \"nested\": { \"a\" : null }\n}";

        await host.PublishAsync("acme", $$"""{"type":"question.created.v1","data":{{data}}}""");

        var item = await stream.Reader.NextNonHeartbeatAsync().DefaultTimeout();
        Assert.DoesNotContain('\n', item.Data);
        Assert.DoesNotContain('\r', item.Data);
        using var envelope = JsonDocument.Parse(item.Data);
        var delivered = envelope.RootElement.GetProperty("data");
        Assert.Equal("""{"text":"line one\nline two","list":[1,2,3],"nested":{"a":null}}""", delivered.GetRawText());
        using var original = JsonDocument.Parse(data);
        Assert.True(JsonElement.DeepEquals(original.RootElement, delivered));
    }

    [Fact]
    public async Task Publish_EventWithAudience_AudienceIsNotInDeliveredEnvelope()
    {
        // A private event reaches only a subscriber in its audience, so this one needs tokens (SPEC §8).
        await using var host = await RouterTestHost.StartAsync(TestTokens.JwtSettings());
        await using var stream = await host.StreamAsync("/v1/tenants/acme/stream", configure: TestTokens.Bearer(TestTokens.Mint(subscribe: ["acme/*"], sub: "u-1")));
        await stream.ConnectionEventAsync();

        await host.PublishAsync("acme", """{"type":"question.created.v1","data":{"x":1},"audience":{"users":["u-1"],"groups":["g"],"roles":["r"]}}""", TestTokens.Mint(publish: ["acme/*"]));

        var item = await stream.Reader.NextNonHeartbeatAsync().DefaultTimeout();
        Assert.DoesNotContain("audience", item.Data, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("u-1", item.Data, StringComparison.Ordinal);
        using var envelope = JsonDocument.Parse(item.Data);
        Assert.Equal("""{"x":1}""", envelope.RootElement.GetProperty("data").GetRawText());
    }

    [Fact]
    public async Task Publish_QueueEvent_IsDeliveredOnQueueStreamWithQueue()
    {
        await using var host = await RouterTestHost.StartAsync();
        await using var stream = await host.StreamAsync("/v1/tenants/acme/queues/town-hall/stream");
        await stream.ConnectionEventAsync();

        await host.PublishAsync("acme", """{"type":"question.created.v1","queue":"town-hall","id":"q-9"}""");

        var (id, envelope) = await stream.NextEventAsync().DefaultTimeout();
        Assert.Equal(1, id);
        Assert.Equal("town-hall", envelope.GetProperty("queue").GetString());
        Assert.Equal("/tenants/acme/queues/town-hall", envelope.GetProperty("source").GetString());
        Assert.Equal("q-9", envelope.GetProperty("id").GetString());
    }

    private static async Task<string?> HeadAsync(RouterTestHost host, string tenant)
    {
        using var response = await host.Client.GetAsync($"/v1/tenants/{tenant}/health").DefaultTimeout();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync().DefaultTimeout());
        return json.RootElement.GetProperty("head").GetString();
    }
}
