using Router.Routing;
using Router.Tenants;

namespace Router.Connections;

/// <summary>
/// Private events (SPEC §3 audience, §5) and token-scoped queues reach only the connections allowed to see
/// them, by the same rule live (queue actor fan-out) and in replay (the connection reading the journal).
/// Each test publishes a public marker after the event under test: the next event a connection sees is
/// either the private one or the marker, so non-delivery is proven without waiting.
/// </summary>
public sealed class PrivateEventTests
{
    private const string Marker = "marker.sent.v1";

    public static TheoryData<string, string?, string[], string[], bool> Audiences => new()
    {
        // audience JSON, sub, groups, roles, delivered
        { """{"users":["alice"]}""", "alice", [], [], true },
        { """{"users":["alice"]}""", "bob", [], [], false },
        { """{"users":["alice"]}""", null, [], [], false },
        { """{"groups":["staff"]}""", "bob", ["staff"], [], true },
        { """{"groups":["staff"]}""", "bob", ["guests"], [], false },
        { """{"roles":["moderator"]}""", "bob", [], ["moderator"], true },
        { """{"roles":["moderator"]}""", "bob", [], ["viewer"], false },
        { """{"users":["alice"],"groups":["staff"],"roles":["admin"]}""", "carol", ["guests"], ["admin"], true },
        { """{"users":["alice"],"groups":["staff"],"roles":["admin"]}""", "carol", ["guests"], ["viewer"], false },
        // A group name is not a user name, nor a role name: lists only match their own kind.
        { """{"groups":["alice"]}""", "alice", [], ["alice"], false },
        // An audience that lists nobody admits nobody (fails closed).
        { """{}""", "alice", ["staff"], ["admin"], false },
        { """{"users":[],"groups":[],"roles":[]}""", "alice", ["staff"], ["admin"], false },
    };

    [Theory]
    [MemberData(nameof(Audiences))]
    public async Task Live_PrivateEvent_DeliveredOnlyToMatchingConnection(string audience, string? sub, string[] groups, string[] roles, bool delivered)
    {
        await using var rig = new RouterRig();
        var open = await rig.OpenAsync(RouterRig.QueueScope("q"), access: new SubscriberAccess(sub, groups, roles, null));

        await rig.PublishAsync("secret.shared.v1", "q", audience: audience);
        await rig.PublishAsync(Marker, "q");

        Assert.Equal(delivered ? ("1", "secret.shared.v1") : ("2", Marker), await open.NextEventAsync());
    }

    [Theory]
    [MemberData(nameof(Audiences))]
    public async Task Replay_PrivateEvent_DeliveredOnlyToMatchingConnection(string audience, string? sub, string[] groups, string[] roles, bool delivered)
    {
        await using var rig = new RouterRig();
        await rig.PublishAsync("secret.shared.v1", "q", audience: audience);
        await rig.PublishAsync(Marker, "q");

        var open = await rig.OpenAsync(RouterRig.QueueScope("q"), resume: 0, access: new SubscriberAccess(sub, groups, roles, null));

        Assert.Equal(delivered ? ("1", "secret.shared.v1") : ("2", Marker), await open.NextEventAsync());
    }

    [Fact]
    public async Task LiveAndReplay_MixedPrivateAndPublic_SameEventsInSameOrder()
    {
        await using var rig = new RouterRig();
        var alice = new SubscriberAccess("alice", ["staff"], [], null);
        var live = await rig.OpenAsync(RouterRig.TenantScope("*"), access: alice);

        await rig.PublishAsync("a.v1", "q", audience: """{"users":["bob"]}""");
        await rig.PublishAsync("b.v1", "q", audience: """{"groups":["staff"]}""");
        await rig.PublishAsync("c.v1");
        await rig.PublishAsync("d.v1", audience: """{"roles":["admin"]}""");
        await rig.PublishAsync("e.v1", "r", audience: """{"users":["alice"]}""");
        var replay = await rig.OpenAsync(RouterRig.TenantScope("*"), resume: 0, access: alice);

        foreach (var open in new[] { live, replay })
        {
            Assert.Equal(("2", "b.v1"), await open.NextEventAsync());
            Assert.Equal(("3", "c.v1"), await open.NextEventAsync());
            Assert.Equal(("5", "e.v1"), await open.NextEventAsync());
        }
    }

    [Fact]
    public async Task Anonymous_PrivateEvent_NeverDelivered()
    {
        await using var rig = new RouterRig();
        var open = await rig.OpenAsync(RouterRig.QueueScope("q"));

        await rig.PublishAsync("secret.shared.v1", "q", audience: """{"users":["alice"],"groups":["*"],"roles":["*"]}""");
        await rig.PublishAsync(Marker, "q");

        Assert.Equal(("2", Marker), await open.NextEventAsync());
    }

    [Fact]
    public async Task QueueStar_TokenReadsSomeQueues_LiveOnlyReadableQueuesIncludingNewOnes()
    {
        await using var rig = new RouterRig();
        var access = new SubscriberAccess("alice", [], [], queue => queue.StartsWith("pub-", StringComparison.Ordinal));
        var open = await rig.OpenAsync(RouterRig.TenantScope("*"), access: access);

        await rig.PublishAsync("x.v1", "pub-a");
        await rig.PublishAsync("x.v1", "secret");
        await rig.PublishAsync("x.v1");
        await rig.PublishAsync("x.v1", "pub-created-later");
        await rig.PublishAsync("x.v1", "secret-too");
        await rig.PublishAsync(Marker);

        Assert.Equal("1", (await open.NextEventAsync()).Id);
        Assert.Equal("3", (await open.NextEventAsync()).Id);
        Assert.Equal("4", (await open.NextEventAsync()).Id);
        Assert.Equal("6", (await open.NextEventAsync()).Id);
    }

    [Fact]
    public async Task QueueStar_TokenReadsSomeQueues_ReplayOnlyReadableQueues()
    {
        await using var rig = new RouterRig();
        await rig.PublishAsync("x.v1", "pub-a");
        await rig.PublishAsync("x.v1", "secret");
        await rig.PublishAsync("x.v1", "pub-b");
        await rig.PublishAsync(Marker);
        var access = new SubscriberAccess("alice", [], [], queue => queue.StartsWith("pub-", StringComparison.Ordinal));

        var open = await rig.OpenAsync(RouterRig.TenantScope("*"), resume: 0, access: access);

        Assert.Equal("1", (await open.NextEventAsync()).Id);
        Assert.Equal("3", (await open.NextEventAsync()).Id);
        Assert.Equal("4", (await open.NextEventAsync()).Id);
    }

    [Fact]
    public async Task TenantStream_RuleRoutesQueueEventToTenantTier_DeliveredWithoutQueueAccess()
    {
        // The tenant stream carries what the routing rules put on it; reading it needs the tenant-level grant
        // (checked when the stream opens), not a grant for every queue whose events a rule widened to it.
        var routing = RoutingTable.Create(new RoutingOptions { Rules = [new RoutingRuleOptions { Match = "workspace.*", Tiers = ["queue", "tenant"] }] });
        await using var rig = new RouterRig(routing: routing);
        var open = await rig.OpenAsync(RouterRig.TenantScope("*"), access: new SubscriberAccess("alice", [], [], _ => false));

        await rig.PublishAsync("question.created.v1", "ws-1");
        await rig.PublishAsync("workspace.updated.v1", "ws-1");

        Assert.Equal(("2", "workspace.updated.v1"), await open.NextEventAsync());
    }
}
