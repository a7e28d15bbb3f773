using System.Text.Json;
using Router.Tenants;
using Router.TestKit;

namespace Router.Connections;

/// <summary>A stream ends when its token expires (SPEC §4, §8), driven by the injected clock.</summary>
public sealed class TokenExpiryTests
{
    [Fact]
    public async Task OpenStream_ClockReachesExp_ShutdownTokenExpiredThenStreamEnds()
    {
        var time = new ManualTimeProvider();
        await using var rig = new RouterRig(time);
        var open = await rig.OpenAsync(RouterRig.QueueScope("q"), expiresAt: time.GetUtcNow().AddMinutes(5));

        time.Advance(TimeSpan.FromMinutes(5));

        var shutdown = await open.Reader.NextNonHeartbeatAsync();
        Assert.Equal("shutdown", shutdown.EventType);
        Assert.Equal("token-expired", JsonDocument.Parse(shutdown.Data).RootElement.GetProperty("reason").GetString());
        Assert.True(await open.Reader.EndsAsync());
        await open.Run.DefaultTimeout();
        Assert.Equal(CloseReason.TokenExpired, open.Connection.CloseReason);
    }

    [Fact]
    public async Task OpenStream_ClockJustBeforeExp_StillDeliversEvents()
    {
        var time = new ManualTimeProvider();
        await using var rig = new RouterRig(time);
        var open = await rig.OpenAsync(RouterRig.QueueScope("q"), expiresAt: time.GetUtcNow().AddMinutes(5));

        time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        await rig.PublishAsync("x.happened.v1", "q");

        Assert.Equal(("1", "x.happened.v1"), await open.NextEventAsync());
        Assert.Equal(CloseReason.None, open.Connection.CloseReason);
    }

    [Fact]
    public async Task OpenStream_ExpAlreadyPassed_ClosesAtOnceWithTokenExpired()
    {
        var time = new ManualTimeProvider();
        await using var rig = new RouterRig(time);
        var open = await rig.OpenAsync(RouterRig.QueueScope("q"), expiresAt: time.GetUtcNow().AddSeconds(-10));

        time.Advance(TimeSpan.Zero);

        var shutdown = await open.Reader.NextNonHeartbeatAsync();
        Assert.Equal("shutdown", shutdown.EventType);
        Assert.Contains("\"reason\":\"token-expired\"", shutdown.Data);
        Assert.True(await open.Reader.EndsAsync());
    }

    [Fact]
    public async Task OpenStream_NoExp_NeverExpires()
    {
        var time = new ManualTimeProvider();
        await using var rig = new RouterRig(time);
        // A month of 30 s heartbeats that nobody reads would fill the pipe and trip the write timeout, which is
        // right for a real client but not what this test is about.
        rig.Streams.Heartbeat = TimeSpan.FromDays(365);
        var open = await rig.OpenAsync(RouterRig.QueueScope("q"));

        time.Advance(TimeSpan.FromDays(30));
        await rig.PublishAsync("x.happened.v1", "q");

        Assert.Equal(("1", "x.happened.v1"), await open.NextEventAsync());
    }
}
