using System.Net;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Router.Connections;
using Router.TestKit;

namespace Router.Host.Streaming;

/// <summary>
/// A stream ends when its client leaves. On HTTP/1.x that is its connection closing (the transport's token; the
/// limits tests see the slots come back); on HTTP/2 many streams share one connection, so a stream the client resets
/// must end on its own request's token while the connection and its other streams carry on.
/// </summary>
public sealed class StreamClientGoneTests
{
    [Fact]
    public async Task Http2Stream_ClientResetsIt_ItEndsWhileTheOtherStreamOnTheConnectionStaysLive()
    {
        // Cleartext HTTP/2 (prior knowledge): what a TLS endpoint would negotiate with browsers, without a certificate.
        await using var host = await RouterTestHost.StartAsync(
            // No heartbeat within the test's wait: a stream that missed its reset would only end at its next write.
            new Dictionary<string, string?> { ["router:streams:heartbeat"] = "00:10:00" },
            configureServices: services =>
            services.Configure<KestrelServerOptions>(kestrel => kestrel.ConfigureEndpointDefaults(endpoint => endpoint.Protocols = HttpProtocols.Http2)));
        using var client = new HttpClient
        {
            BaseAddress = host.Address,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        var registry = host.Services.GetRequiredService<ConnectionRegistry>();
        var leaving = await OpenAsync(client);
        var staying = await OpenAsync(client);
        Assert.Equal(HttpVersion.Version20, leaving.Version);
        await Eventually.UntilAsync(() => registry.Count == 2, "both streams registered");

        leaving.Dispose(); // the client resets its stream (RST_STREAM); the connection stays open

        await Eventually.UntilAsync(() => registry.Count == 1, "the reset stream ending");
        await using var reader = new SseReader(await staying.Content.ReadAsStreamAsync());
        Assert.Equal("connection", (await reader.NextAsync()).EventType);
        using var published = await client.PostAsync("/v1/tenants/acme/events", new StringContent("""[{"type":"question.created.v1","queue":"town-hall"}]""", Encoding.UTF8, "application/json")).DefaultTimeout();
        Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        Assert.Equal("1", (await reader.NextNonHeartbeatAsync()).EventId);
        staying.Dispose();
    }

    private static Task<HttpResponseMessage> OpenAsync(HttpClient client)
    {
        // A request made by hand does not take the client's default version.
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/tenants/acme/queues/town-hall/stream")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        return client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).DefaultTimeout();
    }
}
