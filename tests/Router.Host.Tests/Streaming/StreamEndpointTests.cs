using System.Net;
using System.Text.Json;
using Router.TestKit;

namespace Router.Host.Streaming;

public sealed class StreamEndpointTests : IAsyncLifetime
{
    private RouterTestHost _host = null!;

    public async Task InitializeAsync() => _host = await RouterTestHost.StartAsync(new Dictionary<string, string?>
    {
        ["router:echo:alwaysdeliver:0"] = "lock.*",
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task QueueStream_Opened_HeadersRetryAndConnectionEventFirst()
    {
        await _host.PublishAsync("acme", """{"type":"question.created.v1","queue":"town-hall"}""");

        await using var stream = await _host.StreamAsync("/v1/tenants/acme/queues/town-hall/stream");

        Assert.Equal(HttpStatusCode.OK, stream.Response.StatusCode);
        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-cache", stream.Response.Headers.CacheControl?.ToString());
        Assert.Equal("no", stream.Response.Headers.GetValues("X-Accel-Buffering").Single());
        var connection = await stream.ConnectionEventAsync();
        Assert.Equal("connection.established", connection.GetProperty("type").GetString());
        Assert.Equal("acme", connection.GetProperty("tenant").GetString());
        Assert.Equal(["town-hall"], connection.GetProperty("queues").EnumerateArray().Select(q => q.GetString()));
        Assert.Equal("1", connection.GetProperty("head").GetString());
        Assert.Equal(JsonValueKind.Null, connection.GetProperty("resumedFrom").ValueKind);
        Assert.Equal(30000, connection.GetProperty("heartbeatMs").GetInt32());
    }

    [Theory]
    [InlineData("GET", "/v1/tenants/acme/queues/town-hall/nope", HttpStatusCode.NotFound)]
    [InlineData("POST", "/v1/tenants/acme/queues/town-hall/stream", HttpStatusCode.MethodNotAllowed)]
    public async Task BareErrorStatus_NextToTheStreamRoutes_StillGetsAStatusCodePageBody(string method, string path, HttpStatusCode status)
    {
        // Status-code pages are left off the stream endpoints themselves (they write their own problems), only them.
        using var response = await _host.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)).DefaultTimeout();

        Assert.Equal(status, response.StatusCode);
        Assert.Contains(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), await response.Content.ReadAsStringAsync().DefaultTimeout());
    }

    [Fact]
    public async Task QueueStream_Opened_ConnectionIdIs32HexDigits()
    {
        await using var stream = await _host.StreamAsync("/v1/tenants/acme/queues/town-hall/stream");

        var connection = await stream.ConnectionEventAsync();
        Assert.Matches("^[0-9a-f]{32}$", connection.GetProperty("connectionId").GetString());
    }

    [Fact]
    public async Task LiveEvent_Published_ArrivesAsCloudEventWithIdEqualToSequence()
    {
        await using var stream = await _host.StreamAsync("/v1/tenants/acme/queues/town-hall/stream");
        await stream.ConnectionEventAsync();

        await _host.PublishAsync("acme", """{"type":"question.created.v2","queue":"town-hall","id":"q-1","data":{"text":"Hello"},"originClientId":"tab-1"}""");

        var (id, envelope) = await stream.NextEventAsync();
        Assert.Equal(1, id);
        Assert.Equal("1.0", envelope.GetProperty("specversion").GetString());
        Assert.Equal("q-1", envelope.GetProperty("id").GetString());
        Assert.Equal("question.created.v2", envelope.GetProperty("type").GetString());
        Assert.Equal("/tenants/acme/queues/town-hall", envelope.GetProperty("source").GetString());
        Assert.Equal("acme", envelope.GetProperty("tenant").GetString());
        Assert.Equal("town-hall", envelope.GetProperty("queue").GetString());
        Assert.Equal("1", envelope.GetProperty("sequence").GetString());
        Assert.Equal("tab-1", envelope.GetProperty("originclientid").GetString());
        Assert.Equal("Hello", envelope.GetProperty("data").GetProperty("text").GetString());
        Assert.True(DateTimeOffset.TryParse(envelope.GetProperty("time").GetString(), out _));
    }

    [Fact]
    public async Task TenantStream_QueueParameters_MultiplexesNamedQueuesAndTenantEvents()
    {
        await using var stream = await _host.StreamAsync("/v1/tenants/acme/stream?queue=a&queue=b");
        var connection = await stream.ConnectionEventAsync();
        Assert.Equal(["a", "b"], connection.GetProperty("queues").EnumerateArray().Select(q => q.GetString()).Order());

        await _host.PublishAsync("acme", """[{"type":"x.v1","queue":"a"},{"type":"x.v1","queue":"c"},{"type":"x.v1","queue":"b"},{"type":"tenant.v1"}]""");

        Assert.Equal(1, (await stream.NextEventAsync()).Id);
        Assert.Equal(3, (await stream.NextEventAsync()).Id);
        Assert.Equal(4, (await stream.NextEventAsync()).Id);
    }

    [Fact]
    public async Task TenantStream_QueueStar_FollowsEveryQueue()
    {
        await using var stream = await _host.StreamAsync("/v1/tenants/acme/stream?queue=*");
        await stream.ConnectionEventAsync();

        await _host.PublishAsync("acme", """[{"type":"x.v1","queue":"a"},{"type":"x.v1","queue":"zz"}]""");

        Assert.Equal(1, (await stream.NextEventAsync()).Id);
        Assert.Equal(2, (await stream.NextEventAsync()).Id);
    }

    [Fact]
    public async Task TypesAndEcho_Filters_OnlyWantedEventsArrive()
    {
        await using var stream = await _host.StreamAsync("/v1/tenants/acme/queues/q/stream?types=question.*,lock.*&clientId=tab-1");
        await stream.ConnectionEventAsync();

        await _host.PublishAsync("acme", """
            [{"type":"answer.posted.v1","queue":"q"},
             {"type":"question.created.v1","queue":"q","originClientId":"tab-1"},
             {"type":"lock.taken.v1","queue":"q","originClientId":"tab-1"},
             {"type":"question.created.v1","queue":"q","originClientId":"tab-2"}]
            """);

        Assert.Equal(3, (await stream.NextEventAsync()).Id);
        Assert.Equal(4, (await stream.NextEventAsync()).Id);
    }

    [Fact]
    public async Task EchoFilter_ClientIdHeader_WorksLikeTheQueryParameter()
    {
        await using var stream = await _host.StreamAsync("/v1/tenants/acme/queues/q/stream", configure: r => r.Headers.Add("X-Client-Id", "tab-9"));
        await stream.ConnectionEventAsync();

        await _host.PublishAsync("acme", """[{"type":"x.v1","queue":"q","originClientId":"tab-9"},{"type":"x.v1","queue":"q"}]""");

        Assert.Equal(2, (await stream.NextEventAsync()).Id);
    }

    [Fact]
    public async Task SseEventType_Requested_TypeInEventField()
    {
        await using var stream = await _host.StreamAsync("/v1/tenants/acme/queues/q/stream?sseEvent=type");
        await stream.ConnectionEventAsync();

        await _host.PublishAsync("acme", """{"type":"question.created.v1","queue":"q"}""");

        var item = await stream.Reader.NextAsync();
        Assert.Equal("question.created.v1", item.EventType);
        Assert.Equal("1", item.EventId);
    }

    [Fact]
    public async Task Resume_LastEventIdHeader_ReplaysMissedThenLive()
    {
        await _host.PublishAsync("acme", """[{"type":"x.v1","queue":"q"},{"type":"x.v1","queue":"q"},{"type":"x.v1","queue":"other"},{"type":"x.v1","queue":"q"}]""");

        await using var stream = await _host.StreamAsync("/v1/tenants/acme/queues/q/stream", lastEventId: "1");
        var connection = await stream.ConnectionEventAsync();
        Assert.Equal("1", connection.GetProperty("resumedFrom").GetString());
        Assert.Equal("4", connection.GetProperty("head").GetString());
        await _host.PublishAsync("acme", """{"type":"x.v1","queue":"q"}""");

        Assert.Equal(2, (await stream.NextEventAsync()).Id);
        Assert.Equal(4, (await stream.NextEventAsync()).Id);
        Assert.Equal(5, (await stream.NextEventAsync()).Id);
    }

    [Fact]
    public async Task Resume_HeaderAndQuery_HeaderWins()
    {
        await _host.PublishAsync("acme", """[{"type":"x.v1","queue":"q"},{"type":"x.v1","queue":"q"},{"type":"x.v1","queue":"q"}]""");

        await using var stream = await _host.StreamAsync("/v1/tenants/acme/queues/q/stream?lastEventId=0", lastEventId: "2");
        await stream.ConnectionEventAsync();

        Assert.Equal(3, (await stream.NextEventAsync()).Id);
    }

    [Fact]
    public async Task Resume_UnknownPosition_ResetThenLiveFromHead()
    {
        await _host.PublishAsync("acme", """{"type":"x.v1","queue":"q"}""");

        await using var stream = await _host.StreamAsync("/v1/tenants/acme/queues/q/stream?lastEventId=42");
        await stream.ConnectionEventAsync();
        var reset = await stream.Reader.NextAsync();
        Assert.Equal("reset", reset.EventType);
        using var body = JsonDocument.Parse(reset.Data);
        Assert.Equal("unknown-position", body.RootElement.GetProperty("reason").GetString());
        Assert.Equal("42", body.RootElement.GetProperty("requested").GetString());

        await _host.PublishAsync("acme", """{"type":"x.v1","queue":"q"}""");
        Assert.Equal(2, (await stream.NextEventAsync()).Id);
    }

    [Theory]
    [InlineData("/v1/tenants/Acme/stream", "tenant")]
    [InlineData("/v1/tenants/acme/queues/Bad%20Queue/stream", "queue")]
    [InlineData("/v1/tenants/acme/stream?queue=no%20way", "queue")]
    [InlineData("/v1/tenants/acme/stream?types=Question", "types")]
    [InlineData("/v1/tenants/acme/stream?lastEventId=abc", "Last-Event-ID")]
    [InlineData("/v1/tenants/acme/stream?lastEventId=-1", "Last-Event-ID")]
    [InlineData("/v1/tenants/acme/stream?sseEvent=name", "sseEvent")]
    [InlineData("/v1/tenants/acme/stream?accept=question", "accept")]
    [InlineData("/v1/tenants/acme%0A/stream", "tenant")]
    [InlineData("/v1/tenants/acme/queues/q%0A/stream", "queue")]
    [InlineData("/v1/tenants/acme/stream?queue=q%0A", "queue")]
    public async Task Stream_BadInput_ProblemDetailsWithField(string path, string field)
    {
        await using var stream = await _host.StreamAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, stream.Response.StatusCode);
        Assert.Equal("application/problem+json", stream.Response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await stream.Response.Content.ReadAsStringAsync());
        Assert.Equal(field, problem.RootElement.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Stream_NonNumericLastEventIdHeader_BadRequest()
    {
        await using var stream = await _host.StreamAsync("/v1/tenants/acme/stream", lastEventId: "12abc");

        Assert.Equal(HttpStatusCode.BadRequest, stream.Response.StatusCode);
    }

    [Fact]
    public async Task Stream_TooManyQueueParameters_BadRequestNotCrash()
    {
        var query = string.Join("&", Enumerable.Range(0, 300).Select(i => $"queue=q{i}"));

        await using var stream = await _host.StreamAsync($"/v1/tenants/acme/stream?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, stream.Response.StatusCode);
    }

    [Fact]
    public async Task Stream_ThousandsOfQueueParameters_RefusedByRequestLineLimit()
    {
        var query = string.Join("&", Enumerable.Range(0, 5000).Select(i => $"queue=q{i}"));

        await using var stream = await _host.StreamAsync($"/v1/tenants/acme/stream?{query}");

        Assert.Equal(HttpStatusCode.RequestUriTooLong, stream.Response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _host.Client.GetAsync("/health").DefaultTimeout()).StatusCode);
    }
}
