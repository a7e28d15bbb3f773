using System.Net;
using System.Text.Json;
using Router.TestKit;

namespace Router.Host.Limits;

public sealed class LimitsTests
{
    [Fact]
    public async Task Stream_OverTenantConnectionLimit_503WithRetryAfterOtherTenantsUnaffected()
    {
        await using var host = await RouterTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["router:limits:maxconnectionspertenant"] = "2",
        });
        await using var first = await host.StreamAsync("/v1/tenants/acme/stream");
        await using var second = await host.StreamAsync("/v1/tenants/acme/queues/q/stream");
        await first.ConnectionEventAsync();
        await second.ConnectionEventAsync();

        await using var third = await host.StreamAsync("/v1/tenants/acme/stream");
        await using var otherTenant = await host.StreamAsync("/v1/tenants/globex/stream");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, third.Response.StatusCode);
        Assert.NotNull(third.Response.Headers.RetryAfter);
        Assert.Equal("application/problem+json", third.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, otherTenant.Response.StatusCode);
    }

    [Fact]
    public async Task Stream_OverTotalConnectionLimit_503AndFreedSlotReusable()
    {
        await using var host = await RouterTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["router:limits:maxconnections"] = "1",
        });
        var first = await host.StreamAsync("/v1/tenants/acme/stream");
        await first.ConnectionEventAsync();

        await using (var refused = await host.StreamAsync("/v1/tenants/globex/stream"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Response.StatusCode);
        }
        await first.DisposeAsync();

        await using var again = await PollUntilAcceptedAsync(host, "/v1/tenants/globex/stream");
        await again.ConnectionEventAsync();
    }

    [Fact]
    public async Task Stream_FloodFromOneAddress_429WithRetryAfterAndSlotsFreedOnClose()
    {
        await using var host = await RouterTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["router:limits:maxconnectionsperaddress"] = "3",
        });
        var open = new List<SseStream>();
        for (var i = 0; i < 3; i++)
        {
            var stream = await host.StreamAsync($"/v1/tenants/t{i}/stream");
            await stream.ConnectionEventAsync();
            open.Add(stream);
        }

        await using (var flood = await host.StreamAsync("/v1/tenants/other/stream"))
        {
            Assert.Equal((HttpStatusCode)429, flood.Response.StatusCode);
            Assert.NotNull(flood.Response.Headers.RetryAfter);
            Assert.Equal("application/problem+json", flood.Response.Content.Headers.ContentType?.MediaType);
        }
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/health").DefaultTimeout()).StatusCode);
        await open[0].DisposeAsync();

        await using var again = await PollUntilAcceptedAsync(host, "/v1/tenants/other/stream");
        await again.ConnectionEventAsync();
        foreach (var stream in open.Skip(1))
        {
            await stream.DisposeAsync();
        }
    }

    [Fact]
    public async Task Publish_OverTenantRate_429WithRetryAfterAndNothingAppended()
    {
        await using var host = await RouterTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["router:limits:publisheventspersecond"] = "0.01",
            ["router:limits:publishburst"] = "2",
        });
        await host.PublishAsync("acme", """[{"type":"x.v1"},{"type":"x.v1"}]""");

        using var refused = await host.PostRawAsync("acme", """{"type":"x.v1"}""");
        using var otherTenant = await host.PostRawAsync("globex", """{"type":"x.v1"}""");

        Assert.Equal((HttpStatusCode)429, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Created, otherTenant.StatusCode);
        using var health = JsonDocument.Parse(await host.Client.GetStringAsync("/v1/tenants/acme/health").DefaultTimeout());
        Assert.Equal("2", health.RootElement.GetProperty("head").GetString());
    }

    /// <summary>The server notices a closed stream when its next write or read fails; retry briefly until it has.</summary>
    private static async Task<SseStream> PollUntilAcceptedAsync(RouterTestHost host, string path)
    {
        var deadline = DateTime.UtcNow + TaskTimeoutExtensions.DefaultTimeoutSpan;
        while (true)
        {
            var stream = await host.StreamAsync(path);
            if (stream.Response.StatusCode == HttpStatusCode.OK || DateTime.UtcNow > deadline)
            {
                return stream;
            }
            await stream.DisposeAsync();
            await Task.Delay(20);
        }
    }
}
