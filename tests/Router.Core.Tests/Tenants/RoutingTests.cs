using Router.Routing;

namespace Router.Tenants;

public sealed class RoutingTests
{
    private static readonly TimeSpan s_quiet = TimeSpan.FromMilliseconds(150);

    [Fact]
    public async Task Publish_QueueEvent_ReachesQueueFollowersOnly()
    {
        await using var rig = new RouterRig();
        var queue = await rig.OpenAsync(RouterRig.QueueScope("town-hall"));
        var tenant = await rig.OpenAsync(RouterRig.TenantScope());
        var other = await rig.OpenAsync(RouterRig.QueueScope("other"));

        await rig.PublishAsync("question.created.v1", "town-hall");

        Assert.Equal(("1", "question.created.v1"), await queue.NextEventAsync());
        await tenant.Reader.ExpectNoneAsync(s_quiet);
        await other.Reader.ExpectNoneAsync(s_quiet);
    }

    [Fact]
    public async Task Publish_TenantEvent_ReachesTenantStreamOnly()
    {
        await using var rig = new RouterRig();
        var queue = await rig.OpenAsync(RouterRig.QueueScope("town-hall"));
        var tenant = await rig.OpenAsync(RouterRig.TenantScope());

        await rig.PublishAsync("tenant.renamed.v1");

        Assert.Equal(("1", "tenant.renamed.v1"), await tenant.NextEventAsync());
        await queue.Reader.ExpectNoneAsync(s_quiet);
    }

    [Fact]
    public async Task Publish_RuleWithQueueAndTenantTiers_TenantStreamAlsoGetsQueueEvent()
    {
        var routing = RoutingTable.Create(new RoutingOptions { Rules = [new RoutingRuleOptions { Match = "workspace.*", Tiers = ["queue", "tenant"] }] });
        await using var rig = new RouterRig(routing: routing);
        var queue = await rig.OpenAsync(RouterRig.QueueScope("ws-1"));
        var tenant = await rig.OpenAsync(RouterRig.TenantScope());

        await rig.PublishAsync("question.created.v1", "ws-1");
        await rig.PublishAsync("workspace.updated.v1", "ws-1");

        Assert.Equal(("1", "question.created.v1"), await queue.NextEventAsync());
        Assert.Equal(("2", "workspace.updated.v1"), await queue.NextEventAsync());
        Assert.Equal(("2", "workspace.updated.v1"), await tenant.NextEventAsync());
    }

    [Fact]
    public async Task TenantStream_WithQueues_MultiplexesInPositionOrder()
    {
        await using var rig = new RouterRig();
        var multiplexed = await rig.OpenAsync(RouterRig.TenantScope("a", "b"));
        var everything = await rig.OpenAsync(RouterRig.TenantScope("*"));

        await rig.PublishAsync("x.happened.v1", "a");
        await rig.PublishAsync("x.happened.v1", "c");
        await rig.PublishAsync("x.happened.v1", "b");
        await rig.PublishAsync("x.happened.v1");

        Assert.Equal("1", (await multiplexed.NextEventAsync()).Id);
        Assert.Equal("3", (await multiplexed.NextEventAsync()).Id);
        Assert.Equal("4", (await multiplexed.NextEventAsync()).Id);
        for (var i = 1; i <= 4; i++)
        {
            Assert.Equal(i.ToString(), (await everything.NextEventAsync()).Id);
        }
    }

    [Fact]
    public async Task TypesFilter_OnlyMatchingTypesDelivered()
    {
        await using var rig = new RouterRig();
        var questions = await rig.OpenAsync(RouterRig.QueueScope("q"), types: "question.*");

        await rig.PublishAsync("answer.posted.v1", "q");
        await rig.PublishAsync("question.created.v2", "q");

        Assert.Equal(("2", "question.created.v2"), await questions.NextEventAsync());
    }

    [Fact]
    public async Task EchoFilter_OwnEventsSkippedExceptAlwaysDeliverTypes()
    {
        await using var rig = new RouterRig();
        var tab1 = await rig.OpenAsync(RouterRig.QueueScope("q"), clientId: "tab-1", alwaysDeliver: ["lock.*"]);
        var tab2 = await rig.OpenAsync(RouterRig.QueueScope("q"), clientId: "tab-2");

        await rig.PublishAsync("question.created.v1", "q", origin: "tab-1");
        await rig.PublishAsync("lock.acquired.v1", "q", origin: "tab-1");

        Assert.Equal(("2", "lock.acquired.v1"), await tab1.NextEventAsync());
        Assert.Equal("1", (await tab2.NextEventAsync()).Id);
        Assert.Equal("2", (await tab2.NextEventAsync()).Id);
    }

    [Fact]
    public async Task Resume_FromPosition_ReplaysMissedThenContinuesLive()
    {
        await using var rig = new RouterRig();
        for (var i = 0; i < 10; i++)
        {
            await rig.PublishAsync("x.happened.v1", "q");
        }

        var resumed = await rig.OpenAsync(RouterRig.QueueScope("q"), resume: 3);
        await rig.PublishAsync("x.happened.v1", "q");

        for (var i = 4; i <= 11; i++)
        {
            Assert.Equal(i.ToString(), (await resumed.NextEventAsync()).Id);
        }
        Assert.True(rig.Journal.Reads >= 2, "replay reads the journal in pages");
    }

    [Fact]
    public async Task Resume_FromUnknownPosition_ResetThenLiveFromHead()
    {
        await using var rig = new RouterRig();
        await rig.PublishAsync("x.happened.v1", "q");
        var open = await rig.OpenAsync(RouterRig.QueueScope("q"), resume: 99);

        var reset = await open.Reader.NextAsync();
        Assert.Equal("reset", reset.EventType);
        Assert.Contains("\"reason\":\"unknown-position\"", reset.Data);
        await rig.PublishAsync("x.happened.v1", "q");
        Assert.Equal("2", (await open.NextEventAsync()).Id);
    }
}
