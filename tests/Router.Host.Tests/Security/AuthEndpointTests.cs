using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Router.TestKit;

namespace Router.Host.Security;

/// <summary>
/// JWT on the real host (SPEC §8): which token opens which publish and stream, where a token may come from,
/// and that 401/403 answers say nothing about other tenants.
/// </summary>
public sealed class AuthEndpointTests : IAsyncLifetime
{
    private RouterTestHost _host = null!;

    public async Task InitializeAsync() => _host = await RouterTestHost.StartAsync(TestTokens.JwtSettings());

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Publish_NoToken_401ProblemWithBearerChallenge()
    {
        using var response = await _host.PostRawAsync("acme", """{"type":"x.v1"}""");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("0", await HeadAsync("acme"));
    }

    public static TheoryData<string> InvalidTokens()
    {
        // Minted at test discovery, used minutes later on a slow run: exp and nbf are a day off, not minutes.
        const long Day = 86_400;
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var valid = TestTokens.Mint(publish: ["*/*"], subscribe: ["*/*"]);
        var parts = valid.Split('.');
        return new TheoryData<string>
        {
            TestTokens.Mint(publish: ["*/*"], subscribe: ["*/*"], secret: TestTokens.OtherSecret),
            TestTokens.Craft("""{"alg":"HS256"}""", TestTokens.Payload("""{"publish":["*/*"],"subscribe":["*/*"]}""", exp: now - Day), TestTokens.Hmac(TestTokens.Secret)),
            TestTokens.Craft("""{"alg":"HS256"}""", TestTokens.Payload("""{"publish":["*/*"],"subscribe":["*/*"]}""", nbf: now + Day), TestTokens.Hmac(TestTokens.Secret)),
            TestTokens.Craft("""{"alg":"none"}""", TestTokens.Payload("""{"publish":["*/*"],"subscribe":["*/*"]}"""), sign: null),
            parts[0] + "." + Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(TestTokens.Payload("""{"publish":["*/*"],"subscribe":["*/*"]}""", sub: "mallory")) + "." + parts[2],
            "garbage",
        };
    }

    [Theory]
    [MemberData(nameof(InvalidTokens))]
    public async Task Publish_InvalidToken_401AndNothingAppended(string token)
    {
        using var response = await _host.PostRawAsync("acme", """{"type":"x.v1"}""", configure: TestTokens.Bearer(token));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal("0", await HeadAsync("acme"));
    }

    [Theory]
    [MemberData(nameof(InvalidTokens))]
    public async Task Subscribe_InvalidToken_401(string token)
    {
        await using var stream = await _host.StreamAsync("/v1/tenants/acme/stream", configure: TestTokens.Bearer(token));

        Assert.Equal(HttpStatusCode.Unauthorized, stream.Response.StatusCode);
    }

    [Fact]
    public async Task Publish_TokenInCookieOrQueryOrBasicScheme_401()
    {
        var token = TestTokens.Mint(publish: ["acme/*"]);

        using var cookie = await _host.PostRawAsync("acme", """{"type":"x.v1"}""", configure: r => r.Headers.Add("Cookie", $"router_token={token}"));
        using var query = await _host.Client.PostAsync($"/v1/tenants/acme/events?access_token={token}", new StringContent("""{"type":"x.v1"}""", new MediaTypeHeaderValue("application/json"))).DefaultTimeout();
        using var basic = await _host.PostRawAsync("acme", """{"type":"x.v1"}""", configure: r => r.Headers.Authorization = new AuthenticationHeaderValue("Basic", token));

        Assert.Equal(HttpStatusCode.Unauthorized, cookie.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, query.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, basic.StatusCode);
    }

    [Theory]
    [InlineData("acme/*", "acme", null, HttpStatusCode.Created)]
    [InlineData("acme/*", "acme", "town-hall", HttpStatusCode.Created)]
    [InlineData("acme/*", "globex", null, HttpStatusCode.Forbidden)]
    [InlineData("acme/*", "globex", "town-hall", HttpStatusCode.Forbidden)]
    [InlineData("acme", "acme", null, HttpStatusCode.Created)]
    [InlineData("acme", "acme", "town-hall", HttpStatusCode.Forbidden)]
    [InlineData("acme/town-hall", "acme", "town-hall", HttpStatusCode.Created)]
    [InlineData("acme/town-hall", "acme", "backstage", HttpStatusCode.Forbidden)]
    [InlineData("acme/town-hall", "acme", null, HttpStatusCode.Forbidden)]
    [InlineData("acme/town-*", "acme", "town-square", HttpStatusCode.Created)]
    [InlineData("acme/town-*", "acme", "backstage", HttpStatusCode.Forbidden)]
    [InlineData("*/*", "globex", "lobby", HttpStatusCode.Created)]
    [InlineData("", "acme", null, HttpStatusCode.Forbidden)]
    public async Task Publish_Selector_AllowsOnlyCoveredTenantAndQueue(string selector, string tenant, string? queue, HttpStatusCode expected)
    {
        var token = TestTokens.Mint(publish: selector.Length == 0 ? [] : [selector], subscribe: ["*/*"]);
        var body = queue is null ? """{"type":"x.v1"}""" : $$"""{"type":"x.v1","queue":"{{queue}}"}""";

        using var response = await _host.PostRawAsync(tenant, body, configure: TestTokens.Bearer(token));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(expected == HttpStatusCode.Created ? "1" : "0", await HeadAsync(tenant));
    }

    [Fact]
    public async Task Publish_BatchWithOneForbiddenEvent_403NamingItsIndexAndNothingAppended()
    {
        var token = TestTokens.Mint(publish: ["acme/town-hall"]);

        using var response = await _host.PostRawAsync("acme", """[{"type":"x.v1","queue":"town-hall"},{"type":"x.v1","queue":"backstage"}]""", configure: TestTokens.Bearer(token));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(1, problem.RootElement.GetProperty("index").GetInt32());
        Assert.Equal("0", await HeadAsync("acme"));
    }

    [Fact]
    public async Task Publish_ForbiddenTenant_SameAnswerWhetherTheTenantHasEventsOrNot()
    {
        await _host.PublishAsync("globex", """{"type":"x.v1"}""", TestTokens.Mint(publish: ["globex/*"]));
        var acmeToken = TestTokens.Mint(publish: ["acme/*"]);

        using var existing = await _host.PostRawAsync("globex", """{"type":"x.v1"}""", configure: TestTokens.Bearer(acmeToken));
        using var unknown = await _host.PostRawAsync("nosuch", """{"type":"x.v1"}""", configure: TestTokens.Bearer(acmeToken));
        using var existingNoToken = await _host.PostRawAsync("globex", """{"type":"x.v1"}""");
        using var unknownNoToken = await _host.PostRawAsync("nosuch", """{"type":"x.v1"}""");

        Assert.Equal(HttpStatusCode.Forbidden, existing.StatusCode);
        Assert.Equal(await BodyAsync(existing), await BodyAsync(unknown));
        Assert.Equal(HttpStatusCode.Unauthorized, existingNoToken.StatusCode);
        Assert.Equal(await BodyAsync(existingNoToken), await BodyAsync(unknownNoToken));
        Assert.DoesNotContain("globex", await BodyAsync(existing));
    }

    [Theory]
    // The tenant stream needs the tenant level and every named queue.
    [InlineData("acme/*", "/v1/tenants/acme/stream", HttpStatusCode.OK)]
    [InlineData("acme/*", "/v1/tenants/acme/stream?queue=a&queue=b", HttpStatusCode.OK)]
    [InlineData("acme/*", "/v1/tenants/acme/stream?queue=*", HttpStatusCode.OK)]
    [InlineData("acme/*", "/v1/tenants/acme/queues/a/stream", HttpStatusCode.OK)]
    [InlineData("acme/*", "/v1/tenants/globex/stream", HttpStatusCode.Forbidden)]
    [InlineData("acme/*", "/v1/tenants/globex/queues/a/stream", HttpStatusCode.Forbidden)]
    [InlineData("acme", "/v1/tenants/acme/stream", HttpStatusCode.OK)]
    [InlineData("acme", "/v1/tenants/acme/stream?queue=*", HttpStatusCode.OK)]
    [InlineData("acme", "/v1/tenants/acme/stream?queue=a", HttpStatusCode.Forbidden)]
    [InlineData("acme", "/v1/tenants/acme/queues/a/stream", HttpStatusCode.Forbidden)]
    [InlineData("acme/a", "/v1/tenants/acme/queues/a/stream", HttpStatusCode.OK)]
    [InlineData("acme/a", "/v1/tenants/acme/queues/b/stream", HttpStatusCode.Forbidden)]
    [InlineData("acme/a", "/v1/tenants/acme/stream", HttpStatusCode.Forbidden)]
    [InlineData("acme/a", "/v1/tenants/acme/stream?queue=a", HttpStatusCode.Forbidden)]
    [InlineData("acme/a", "/v1/tenants/acme/stream?queue=*", HttpStatusCode.Forbidden)]
    [InlineData("acme,acme/a", "/v1/tenants/acme/stream?queue=a", HttpStatusCode.OK)]
    [InlineData("acme,acme/a", "/v1/tenants/acme/stream?queue=a&queue=b", HttpStatusCode.Forbidden)]
    [InlineData("acme,acme/town-*", "/v1/tenants/acme/stream?queue=town-hall&queue=town-square", HttpStatusCode.OK)]
    [InlineData("acme,acme/town-*", "/v1/tenants/acme/stream?queue=town-hall&queue=backstage", HttpStatusCode.Forbidden)]
    [InlineData("acme/town-*", "/v1/tenants/acme/queues/town-hall/stream", HttpStatusCode.OK)]
    [InlineData("*/*", "/v1/tenants/globex/stream?queue=*", HttpStatusCode.OK)]
    [InlineData("*/lobby", "/v1/tenants/globex/queues/lobby/stream", HttpStatusCode.OK)]
    [InlineData("*/lobby", "/v1/tenants/globex/stream", HttpStatusCode.Forbidden)]
    [InlineData("", "/v1/tenants/acme/stream", HttpStatusCode.Forbidden)]
    public async Task Subscribe_Selectors_OpenOnlyCoveredStreams(string selectors, string path, HttpStatusCode expected)
    {
        var token = TestTokens.Mint(subscribe: selectors.Split(',', StringSplitOptions.RemoveEmptyEntries), publish: ["*/*"]);

        await using var stream = await _host.StreamAsync(path, configure: TestTokens.Bearer(token));

        Assert.Equal(expected, stream.Response.StatusCode);
        if (expected == HttpStatusCode.OK)
        {
            await stream.ConnectionEventAsync();
        }
        else
        {
            Assert.Equal("application/problem+json", stream.Response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Theory]
    [InlineData("header")]
    [InlineData("cookie")]
    [InlineData("query")]
    public async Task Subscribe_TokenFromEachSource_Opens(string source)
    {
        var token = TestTokens.Mint(subscribe: ["acme/*"]);
        var path = source == "query" ? $"/v1/tenants/acme/stream?access_token={token}" : "/v1/tenants/acme/stream";

        await using var stream = await _host.StreamAsync(path, configure: source switch
        {
            "header" => TestTokens.Bearer(token),
            "cookie" => r => r.Headers.Add("Cookie", $"router_token={token}"),
            _ => null,
        });

        Assert.Equal(HttpStatusCode.OK, stream.Response.StatusCode);
        await stream.ConnectionEventAsync();
    }

    [Fact]
    public async Task Subscribe_NoToken_401WithoutTouchingTheStream()
    {
        await using var stream = await _host.StreamAsync("/v1/tenants/acme/stream");

        Assert.Equal(HttpStatusCode.Unauthorized, stream.Response.StatusCode);
        Assert.Equal("Bearer", stream.Response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Subscribe_ForbiddenTenant_SameAnswerWhetherTheTenantHasEventsOrNot()
    {
        await _host.PublishAsync("globex", """{"type":"x.v1"}""", TestTokens.Mint(publish: ["globex/*"]));
        var acmeToken = TestTokens.Mint(subscribe: ["acme/*"]);

        await using var existing = await _host.StreamAsync("/v1/tenants/globex/stream", configure: TestTokens.Bearer(acmeToken));
        await using var unknown = await _host.StreamAsync("/v1/tenants/nosuch/stream", configure: TestTokens.Bearer(acmeToken));

        Assert.Equal(HttpStatusCode.Forbidden, existing.Response.StatusCode);
        Assert.Equal(await BodyAsync(existing.Response), await BodyAsync(unknown.Response));
    }

    [Fact]
    public async Task Subscribe_QueueStar_OnlyReadableQueuesLiveAndReplayIncludingQueuesCreatedLater()
    {
        var publisher = TestTokens.Mint(publish: ["acme/*"]);
        await _host.PublishAsync("acme", """[{"type":"x.v1","queue":"pub-a"},{"type":"x.v1","queue":"secret"}]""", publisher);
        var token = TestTokens.Mint(subscribe: ["acme", "acme/pub-*"]);
        await using var live = await _host.StreamAsync("/v1/tenants/acme/stream?queue=*", configure: TestTokens.Bearer(token));
        await live.ConnectionEventAsync();

        await _host.PublishAsync("acme", """[{"type":"x.v1","queue":"secret-2"},{"type":"x.v1","queue":"pub-new"},{"type":"x.v1"}]""", publisher);
        await using var replay = await _host.StreamAsync("/v1/tenants/acme/stream?queue=*", lastEventId: "0", configure: TestTokens.Bearer(token));
        await replay.ConnectionEventAsync();

        Assert.Equal(4, (await live.NextEventAsync()).Id);
        Assert.Equal(5, (await live.NextEventAsync()).Id);
        foreach (var expected in new long[] { 1, 4, 5 })
        {
            Assert.Equal(expected, (await replay.NextEventAsync()).Id);
        }
    }

    [Fact]
    public async Task Health_TenantAndQueue_NeedASubscribeTokenForThatTenantAndQueue()
    {
        var townHall = TestTokens.Mint(subscribe: ["acme/town-hall"]);
        var globex = TestTokens.Mint(subscribe: ["globex/*"]);

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync("/v1/tenants/acme/health", null));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync("/v1/tenants/acme/health", globex));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("/v1/tenants/acme/health", townHall));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync("/v1/tenants/acme/queues/town-hall/health", townHall));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync("/v1/tenants/acme/queues/backstage/health", townHall));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync("/v1/tenants/acme/queues/town-hall/health", globex));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync("/v1/tenants/acme/queues/town-hall/health", null));
    }

    [Fact]
    public async Task HealthAndReady_NoToken_AnsweredAndReadyReportsJwt()
    {
        using var health = await _host.Client.GetAsync("/health").DefaultTimeout();
        using var ready = await _host.Client.GetAsync("/ready").DefaultTimeout();

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var json = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        Assert.Equal("jwt", json.RootElement.GetProperty("auth").GetString());
    }

    private async Task<HttpStatusCode> StatusAsync(string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await _host.Client.SendAsync(request).DefaultTimeout();
        return response.StatusCode;
    }

    private async Task<string?> HeadAsync(string tenant)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/tenants/{tenant}/health");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Mint(subscribe: ["*/*"]));
        using var response = await _host.Client.SendAsync(request).DefaultTimeout();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync().DefaultTimeout());
        return json.RootElement.GetProperty("head").GetString();
    }

    /// <summary>The problem body without its per-request trace id.</summary>
    private static async Task<string> BodyAsync(HttpResponseMessage response)
    {
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync().DefaultTimeout())!.AsObject();
        json.Remove("traceId");
        return json.ToJsonString();
    }
}
