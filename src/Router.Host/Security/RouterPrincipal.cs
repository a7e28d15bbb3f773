using Router.Connections;
using Router.Tenants;

namespace Router.Host.Security;

/// <summary>
/// Who a request is, after authentication: the token's <c>sub</c>, its <c>router</c> claim and its <c>exp</c>.
/// With auth open every right is granted and the subscriber is anonymous (private events reach no one).
/// </summary>
internal sealed class RouterPrincipal
{
    private RouterPrincipal(bool open, string? subject, SelectorSet publish, SelectorSet subscribe, IReadOnlyList<string> groups, IReadOnlyList<string> roles, DateTimeOffset? expiresAt)
    {
        IsOpen = open;
        Subject = subject;
        Publish = publish;
        Subscribe = subscribe;
        Groups = groups;
        Roles = roles;
        ExpiresAt = expiresAt;
    }

    /// <summary>Auth is open: no token, everything allowed.</summary>
    public static RouterPrincipal Open { get; } = new(true, null, SelectorSet.Empty, SelectorSet.Empty, [], [], null);

    public bool IsOpen { get; }

    /// <summary>The token's <c>sub</c>: the user id private events are addressed to.</summary>
    public string? Subject { get; }

    public SelectorSet Publish { get; }

    public SelectorSet Subscribe { get; }

    public IReadOnlyList<string> Groups { get; }

    public IReadOnlyList<string> Roles { get; }

    /// <summary>The token's <c>exp</c>, or null when it has none.</summary>
    public DateTimeOffset? ExpiresAt { get; }

    public static RouterPrincipal FromToken(string? subject, SelectorSet publish, SelectorSet subscribe, IReadOnlyList<string> groups, IReadOnlyList<string> roles, DateTimeOffset? expiresAt) =>
        new(false, subject, publish, subscribe, groups, roles, expiresAt);

    /// <summary>May publish an event to the queue, or a tenant-level event when <paramref name="queue"/> is null.</summary>
    public bool CanPublish(TenantId tenant, string? queue) => IsOpen || Publish.Allows(tenant.Value, queue);

    /// <summary>May publish anything at all to the tenant (checked before the body is read).</summary>
    public bool CanPublishAnywhereIn(TenantId tenant) => IsOpen || Publish.MentionsTenant(tenant.Value);

    /// <summary>May read the queue, or the tenant-level stream when <paramref name="queue"/> is null.</summary>
    public bool CanSubscribe(TenantId tenant, string? queue) => IsOpen || Subscribe.Allows(tenant.Value, queue);

    /// <summary>May read something of the tenant (tenant health).</summary>
    public bool CanSubscribeAnywhereIn(TenantId tenant) => IsOpen || Subscribe.MentionsTenant(tenant.Value);

    /// <summary>What a stream of <paramref name="tenant"/> opened with this principal may see, evaluated per event.</summary>
    public SubscriberAccess AccessFor(TenantId tenant)
    {
        if (IsOpen)
        {
            return SubscriberAccess.Anonymous;
        }
        var subscribe = Subscribe;
        var name = tenant.Value;
        return new SubscriberAccess(Subject, Groups, Roles, queue => subscribe.Allows(name, queue));
    }
}
