using System.Net;

namespace Router.Host.Security;

/// <summary>
/// Private events on the real host (SPEC §3, §5): delivered live and in replay only to streams whose token
/// matches the audience (its sub, a group or a role); the audience itself is never delivered. Each test ends
/// with a public marker, so an event not delivered shows as the marker arriving first.
/// </summary>
public sealed class PrivateEventEndToEndTests : IAsyncLifetime
{
    private const string Private = """
        [{"type":"secret.user.v1","queue":"q","audience":{"users":["alice"]}},
         {"type":"secret.group.v1","queue":"q","audience":{"groups":["staff"]}},
         {"type":"secret.role.v1","queue":"q","audience":{"roles":["moderator"]}},
         {"type":"marker.sent.v1","queue":"q"}]
        """;

    private RouterTestHost _host = null!;

    public async Task InitializeAsync() => _host = await RouterTestHost.StartAsync(TestTokens.JwtSettings());

    public async Task DisposeAsync() => await _host.DisposeAsync();

    public static TheoryData<string, string[], string[], long[]> Subscribers => new()
    {
        { "alice", [], [], [1, 4] },
        { "bob", ["staff"], [], [2, 4] },
        { "carol", [], ["moderator"], [3, 4] },
        { "alice", ["staff"], ["moderator"], [1, 2, 3, 4] },
        { "mallory", ["guests"], ["viewer"], [4] },
    };

    [Theory]
    [MemberData(nameof(Subscribers))]
    public async Task Live_PrivateEvents_OnlyMatchingOnesDelivered(string sub, string[] groups, string[] roles, long[] expected)
    {
        await using var stream = await OpenAsync(sub, groups, roles, lastEventId: null);

        await _host.PublishAsync("acme", Private, TestTokens.Mint(publish: ["acme/*"]));

        await AssertEventsAsync(stream, expected);
    }

    [Theory]
    [MemberData(nameof(Subscribers))]
    public async Task Replay_PrivateEvents_OnlyMatchingOnesDelivered(string sub, string[] groups, string[] roles, long[] expected)
    {
        await _host.PublishAsync("acme", Private, TestTokens.Mint(publish: ["acme/*"]));

        await using var stream = await OpenAsync(sub, groups, roles, lastEventId: "0");

        await AssertEventsAsync(stream, expected);
    }

    [Fact]
    public async Task OpenMode_PrivateEvent_DeliveredToNoStream()
    {
        // Without auth nobody has an identity, so an audience matches no one: open mode never leaks private events.
        await using var open = await RouterTestHost.StartAsync();
        await using var stream = await open.StreamAsync("/v1/tenants/acme/queues/q/stream");
        await stream.ConnectionEventAsync();

        await open.PublishAsync("acme", Private);
        await using var replay = await open.StreamAsync("/v1/tenants/acme/queues/q/stream", lastEventId: "0");
        await replay.ConnectionEventAsync();

        Assert.Equal(4, (await stream.NextEventAsync()).Id);
        Assert.Equal(4, (await replay.NextEventAsync()).Id);
    }

    private async Task<SseStream> OpenAsync(string sub, string[] groups, string[] roles, string? lastEventId)
    {
        var token = TestTokens.Mint(subscribe: ["acme/*"], sub: sub, groups: groups, roles: roles);
        var stream = await _host.StreamAsync("/v1/tenants/acme/queues/q/stream", lastEventId, TestTokens.Bearer(token));
        Assert.Equal(HttpStatusCode.OK, stream.Response.StatusCode);
        await stream.ConnectionEventAsync();
        return stream;
    }

    private static async Task AssertEventsAsync(SseStream stream, long[] expected)
    {
        foreach (var position in expected)
        {
            var (id, envelope) = await stream.NextEventAsync();
            Assert.Equal(position, id);
            Assert.False(envelope.TryGetProperty("audience", out _));
        }
    }
}
