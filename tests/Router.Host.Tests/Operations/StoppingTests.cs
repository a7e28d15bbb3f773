using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Router.TestKit;

namespace Router.Host.Operations;

/// <summary>The first phase of shutdown, in process: the moment the host is told to stop, the router refuses new work.</summary>
public sealed class StoppingTests
{
    [Fact]
    public async Task ApplicationStopping_Signalled_ReadyStreamsAndPublishesAnswer503AtOnce()
    {
        await using var host = await RouterTestHost.StartAsync();
        await using var open = await host.StreamAsync("/v1/tenants/acme/stream");
        await open.ConnectionEventAsync();

        // What SIGTERM does first; Kestrel keeps listening here because the test host is not being run, only started.
        host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

        Assert.Equal("shutdown", (await open.Reader.NextNonHeartbeatAsync()).EventType);
        using var ready = await host.Client.GetAsync("/ready").DefaultTimeout();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.NotNull(ready.Headers.RetryAfter);
        await using var refused = await host.StreamAsync("/v1/tenants/acme/stream");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Response.StatusCode);
        using var publish = await host.PostRawAsync("acme", """{"type":"q.created.v1"}""");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, publish.StatusCode);
        using var health = await host.Client.GetAsync("/health").DefaultTimeout();
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
