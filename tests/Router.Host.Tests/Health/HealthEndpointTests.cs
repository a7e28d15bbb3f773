using System.Net;
using System.Text.Json;
using Router.TestKit;

namespace Router.Host.Health;

/// <summary>Liveness, readiness and per-tenant/queue health on the real host (SPEC §9).</summary>
public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Health_RunningHost_Returns200Ok()
    {
        await using var host = await RouterTestHost.StartAsync();

        var (status, json) = await GetJsonAsync(host, "/health");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ok", json.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ready_NoStreams_Returns200WithZeroConnections()
    {
        await using var host = await RouterTestHost.StartAsync();

        var (status, json) = await GetJsonAsync(host, "/ready");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ready", json.GetProperty("status").GetString());
        Assert.Equal(0, json.GetProperty("connections").GetInt32());
    }

    [Fact]
    public async Task Ready_OpenStreamsOfSeveralTenants_CountsEveryConnection()
    {
        await using var host = await RouterTestHost.StartAsync();
        await using var acme = await host.StreamAsync("/v1/tenants/acme/stream");
        await acme.ConnectionEventAsync();
        await using var globex = await host.StreamAsync("/v1/tenants/globex/queues/lobby/stream");
        await globex.ConnectionEventAsync();

        var (status, json) = await GetJsonAsync(host, "/ready");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, json.GetProperty("connections").GetInt32());
    }

    [Fact]
    public async Task TenantHealth_NewTenant_ReportsZeroConnectionsAndHeadZero()
    {
        await using var host = await RouterTestHost.StartAsync();

        var (status, json) = await GetJsonAsync(host, "/v1/tenants/acme/health");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("acme", json.GetProperty("tenant").GetString());
        Assert.Equal(0, json.GetProperty("activeConnections").GetInt32());
        Assert.Equal("0", json.GetProperty("head").GetString());
    }

    [Fact]
    public async Task TenantHealth_OpenStreamsAndPublishes_CountsTenantConnectionsAndMovesHead()
    {
        await using var host = await RouterTestHost.StartAsync();
        await using var tenantStream = await host.StreamAsync("/v1/tenants/acme/stream");
        await tenantStream.ConnectionEventAsync();
        await using var queueStream = await host.StreamAsync("/v1/tenants/acme/queues/town-hall/stream");
        await queueStream.ConnectionEventAsync();
        await using var otherTenant = await host.StreamAsync("/v1/tenants/globex/stream");
        await otherTenant.ConnectionEventAsync();

        var (_, before) = await GetJsonAsync(host, "/v1/tenants/acme/health");
        await host.PublishAsync("acme", """[{"type":"question.created.v1"},{"type":"question.created.v1","queue":"town-hall"}]""");
        await host.PublishAsync("globex", """{"type":"question.created.v1"}""");
        var (_, after) = await GetJsonAsync(host, "/v1/tenants/acme/health");
        var (_, globex) = await GetJsonAsync(host, "/v1/tenants/globex/health");

        Assert.Equal(2, before.GetProperty("activeConnections").GetInt32());
        Assert.Equal("0", before.GetProperty("head").GetString());
        Assert.Equal(2, after.GetProperty("activeConnections").GetInt32());
        Assert.Equal("2", after.GetProperty("head").GetString());
        Assert.Equal(("globex", 1, "1"), (globex.GetProperty("tenant").GetString(), globex.GetProperty("activeConnections").GetInt32(), globex.GetProperty("head").GetString()));
    }

    [Fact]
    public async Task QueueHealth_FollowersOfSeveralQueues_CountsOnlyThatQueuesFollowers()
    {
        await using var host = await RouterTestHost.StartAsync();
        await using var own = await host.StreamAsync("/v1/tenants/acme/queues/town-hall/stream");
        await own.ConnectionEventAsync();
        await using var multiplexed = await host.StreamAsync("/v1/tenants/acme/stream?queue=town-hall&queue=lobby");
        await multiplexed.ConnectionEventAsync();
        await using var otherQueue = await host.StreamAsync("/v1/tenants/acme/queues/lobby/stream");
        await otherQueue.ConnectionEventAsync();
        await using var tenantOnly = await host.StreamAsync("/v1/tenants/acme/stream");
        await tenantOnly.ConnectionEventAsync();
        await using var otherTenant = await host.StreamAsync("/v1/tenants/globex/queues/town-hall/stream");
        await otherTenant.ConnectionEventAsync();

        var (status, townHall) = await GetJsonAsync(host, "/v1/tenants/acme/queues/town-hall/health");
        var (_, lobby) = await GetJsonAsync(host, "/v1/tenants/acme/queues/lobby/health");
        var (_, empty) = await GetJsonAsync(host, "/v1/tenants/acme/queues/empty/health");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("acme", townHall.GetProperty("tenant").GetString());
        Assert.Equal("town-hall", townHall.GetProperty("queue").GetString());
        Assert.Equal(2, townHall.GetProperty("activeConnections").GetInt32());
        Assert.Equal(2, lobby.GetProperty("activeConnections").GetInt32());
        Assert.Equal(0, empty.GetProperty("activeConnections").GetInt32());
    }

    [Fact]
    public async Task QueueHealth_EventsInSeveralQueues_ReportsPositionOfQueuesLastEvent()
    {
        await using var host = await RouterTestHost.StartAsync();
        await host.PublishAsync("acme", """
            [{"type":"question.created.v1","queue":"town-hall"},
             {"type":"question.created.v1","queue":"lobby"},
             {"type":"question.created.v1","queue":"town-hall"},
             {"type":"question.created.v1"},
             {"type":"question.created.v1","queue":"lobby"}]
            """);
        await host.PublishAsync("globex", """{"type":"question.created.v1","queue":"town-hall"}""");

        var (_, townHall) = await GetJsonAsync(host, "/v1/tenants/acme/queues/town-hall/health");
        var (_, lobby) = await GetJsonAsync(host, "/v1/tenants/acme/queues/lobby/health");
        var (_, empty) = await GetJsonAsync(host, "/v1/tenants/acme/queues/empty/health");
        var (_, globex) = await GetJsonAsync(host, "/v1/tenants/globex/queues/town-hall/health");

        Assert.Equal("3", townHall.GetProperty("head").GetString());
        Assert.Equal("5", lobby.GetProperty("head").GetString());
        Assert.Equal("0", empty.GetProperty("head").GetString());
        Assert.Equal("1", globex.GetProperty("head").GetString());
    }

    [Theory]
    [InlineData("/v1/tenants/Acme/health", "tenant")]
    [InlineData("/v1/tenants/a%20b/health", "tenant")]
    [InlineData("/v1/tenants/acme%0A/health", "tenant")]
    [InlineData("/v1/tenants/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/health", "tenant")]
    [InlineData("/v1/tenants/Acme/queues/town-hall/health", "tenant")]
    [InlineData("/v1/tenants/acme/queues/Town-Hall/health", "queue")]
    [InlineData("/v1/tenants/acme/queues/town%20hall/health", "queue")]
    [InlineData("/v1/tenants/acme/queues/town-hall%0A/health", "queue")]
    [InlineData("/v1/tenants/acme/queues/_x/health", "queue")]
    public async Task TenantAndQueueHealth_InvalidName_Returns400Problem(string path, string field)
    {
        await using var host = await RouterTestHost.StartAsync();

        using var response = await host.Client.GetAsync(path).DefaultTimeout();

        var text = await response.Content.ReadAsStringAsync().DefaultTimeout();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(text);
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(field, problem.RootElement.GetProperty("field").GetString());
    }

    private static async Task<(HttpStatusCode Status, JsonElement Json)> GetJsonAsync(RouterTestHost host, string path)
    {
        using var response = await host.Client.GetAsync(path).DefaultTimeout();
        var text = await response.Content.ReadAsStringAsync().DefaultTimeout();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(text);
        return (response.StatusCode, json.RootElement.Clone());
    }
}
