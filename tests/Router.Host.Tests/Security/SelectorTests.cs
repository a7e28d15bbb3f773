using Router.Tenants;

namespace Router.Host.Security;

/// <summary>What each <c>tenant/queue-pattern</c> selector grants (SPEC §8); a null queue is the tenant level.</summary>
public sealed class SelectorTests
{
    [Theory]
    // acme/* : the tenant level and every queue of acme, nothing of another tenant.
    [InlineData("acme/*", "acme", null, true)]
    [InlineData("acme/*", "acme", "town-hall", true)]
    [InlineData("acme/*", "acmex", null, false)]
    [InlineData("acme/*", "globex", "town-hall", false)]
    // acme/town-hall : that queue only.
    [InlineData("acme/town-hall", "acme", "town-hall", true)]
    [InlineData("acme/town-hall", "acme", "town-hall-2", false)]
    [InlineData("acme/town-hall", "acme", null, false)]
    [InlineData("acme/town-hall", "globex", "town-hall", false)]
    // acme/town-* : matching queues, not the tenant level.
    [InlineData("acme/town-*", "acme", "town-hall", true)]
    [InlineData("acme/town-*", "acme", "town-", true)]
    [InlineData("acme/town-*", "acme", "backstage", false)]
    [InlineData("acme/town-*", "acme", null, false)]
    [InlineData("acme/*-hall", "acme", "town-hall", true)]
    [InlineData("acme/*-hall", "acme", "town-hall-b", false)]
    // acme : the tenant level only.
    [InlineData("acme", "acme", null, true)]
    [InlineData("acme", "acme", "town-hall", false)]
    // tenant patterns
    [InlineData("*/*", "acme", null, true)]
    [InlineData("*/*", "globex", "lobby", true)]
    [InlineData("*/lobby", "globex", "lobby", true)]
    [InlineData("*/lobby", "globex", null, false)]
    [InlineData("ac*/*", "acme", "q", true)]
    [InlineData("ac*/*", "globex", "q", false)]
    public void Allows_SelectorTenantQueue_Expected(string selector, string tenant, string? queue, bool allowed)
    {
        Assert.True(StreamSelector.TryParse(selector, out var parsed));

        Assert.Equal(allowed, new SelectorSet([parsed!]).Allows(tenant, queue));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("acme/")]
    [InlineData("/queue")]
    [InlineData("Acme/*")]
    [InlineData("acme/town/hall")]
    [InlineData("acme/town hall")]
    [InlineData("acme/town\nhall")]
    [InlineData("acme/?")]
    [InlineData("acme/town.hall")]
    public void TryParse_NotASelector_Refused(string text) => Assert.False(StreamSelector.TryParse(text, out _));

    [Fact]
    public void Allows_SeveralSelectors_AnyOneGrants()
    {
        var set = Set("acme/town-hall", "globex");

        Assert.True(set.Allows("acme", "town-hall"));
        Assert.True(set.Allows("globex", null));
        Assert.False(set.Allows("acme", null));
        Assert.False(set.Allows("globex", "lobby"));
    }

    [Fact]
    public void AccessFor_TokenPrincipal_ReadsOnlyGrantedQueuesOfThatTenant()
    {
        var principal = RouterPrincipal.FromToken("alice", SelectorSet.Empty, Set("acme", "acme/pub-*", "globex/*"), ["staff"], ["admin"], null);

        var access = principal.AccessFor(TenantId.Parse("acme"));

        Assert.Equal("alice", access.UserId);
        Assert.True(access.CanReadQueue("pub-new"));
        Assert.False(access.CanReadQueue("secret"));
        Assert.Contains("staff", access.Groups);
        Assert.Contains("admin", access.Roles);
    }

    [Fact]
    public void Open_Principal_AllowsEverythingAsAnonymous()
    {
        var acme = TenantId.Parse("acme");

        Assert.True(RouterPrincipal.Open.CanPublish(acme, "q"));
        Assert.True(RouterPrincipal.Open.CanSubscribe(acme, null));
        Assert.Null(RouterPrincipal.Open.AccessFor(acme).UserId);
        Assert.True(RouterPrincipal.Open.AccessFor(acme).CanReadQueue("anything"));
    }

    private static SelectorSet Set(params string[] selectors) =>
        new(selectors.Select(s => StreamSelector.TryParse(s, out var parsed) ? parsed! : throw new ArgumentException(s)));
}
