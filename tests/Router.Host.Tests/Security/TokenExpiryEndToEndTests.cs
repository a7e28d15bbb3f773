using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Router.TestKit;

namespace Router.Host.Security;

/// <summary>A stream ends with <c>event: shutdown</c>, reason token-expired, when the token's exp passes (SPEC §4), on the host's clock.</summary>
public sealed class TokenExpiryEndToEndTests
{
    [Fact]
    public async Task Stream_ClockPassesTokenExp_ShutdownTokenExpiredThenClosed()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var settings = TestTokens.JwtSettings();
        // The clock jumps five minutes at once: heartbeats and the write timeout would fire against flushes still in
        // flight (a stall no real clock produces), so both are pushed out of the way of what this test is about.
        settings["router:streams:heartbeat"] = "1.00:00:00";
        settings["router:streams:writetimeout"] = "1.00:00:00";
        await using var host = await RouterTestHost.StartAsync(settings, configureServices: services => services.AddSingleton<TimeProvider>(time));
        var token = TestTokens.Mint(subscribe: ["acme/*"], lifetime: TimeSpan.FromMinutes(5), time: time);
        await using var stream = await host.StreamAsync("/v1/tenants/acme/stream", configure: TestTokens.Bearer(token));
        await stream.ConnectionEventAsync();

        time.Advance(TimeSpan.FromMinutes(5));

        var shutdown = await stream.Reader.NextNonHeartbeatAsync();
        Assert.Equal("shutdown", shutdown.EventType);
        Assert.Contains("\"reason\":\"token-expired\"", shutdown.Data);
        Assert.True(await stream.Reader.EndsAsync());
    }

    [Fact]
    public async Task Stream_ReopenedWithTheExpiredToken_401()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await RouterTestHost.StartAsync(TestTokens.JwtSettings(), configureServices: services => services.AddSingleton<TimeProvider>(time));
        var token = TestTokens.Mint(subscribe: ["acme/*"], lifetime: TimeSpan.FromMinutes(5), time: time);

        time.Advance(TimeSpan.FromMinutes(6));
        await using var stream = await host.StreamAsync("/v1/tenants/acme/stream", configure: TestTokens.Bearer(token));

        Assert.Equal(HttpStatusCode.Unauthorized, stream.Response.StatusCode);
    }
}
