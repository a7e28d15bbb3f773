using Router.Events;
using Router.Routing;

namespace Router.Connections;

/// <summary>
/// Decides whether one event reaches one connection: its scope, what its token may read, private-event
/// audiences, its <c>types=</c> patterns and the echo filter (SPEC §4, §5, §8). Immutable, so the queue actor
/// can evaluate it on its own thread during fan-out and the connection can evaluate the same rule during
/// replay: live and replayed events are filtered by one rule.
/// </summary>
internal sealed class SubscriptionFilter
{
    public SubscriptionFilter(StreamScope scope, TypePatternSet types, string? clientId, TypePatternSet alwaysDeliver, SubscriberAccess? access = null)
    {
        Scope = scope;
        Types = types;
        ClientId = clientId;
        AlwaysDeliver = alwaysDeliver;
        Access = access ?? SubscriberAccess.Anonymous;
    }

    public StreamScope Scope { get; }

    /// <summary>Empty means every type.</summary>
    public TypePatternSet Types { get; }

    /// <summary>The connection's tab id; events published by the same tab are not echoed back.</summary>
    public string? ClientId { get; }

    /// <summary>Types delivered even to the tab that published them (locks, progress).</summary>
    public TypePatternSet AlwaysDeliver { get; }

    /// <summary>The token's identity and readable queues; <see cref="SubscriberAccess.Anonymous"/> when auth is open.</summary>
    public SubscriberAccess Access { get; }

    /// <summary>The same filter for a connection with <paramref name="access"/>.</summary>
    public SubscriptionFilter WithAccess(SubscriberAccess access) => new(Scope, Types, ClientId, AlwaysDeliver, access);

    public bool Matches(RoutedEvent e) => Matches(e.Type, e.Tiers, e.Queue, e.Stored.OriginClientId, e.Audience);

    /// <summary>
    /// The rule itself, on an event's parts: replay calls it per journal row without wrapping the row in a
    /// <see cref="RoutedEvent"/>, live fan-out through the overload above.
    /// </summary>
    public bool Matches(EventType type, RouteTiers tiers, string? queue, string? originClientId, Audience? audience)
    {
        if (!Scope.Matches(tiers, queue))
        {
            return false;
        }
        // A queue event reaches a tenant stream either through the tenant tier (a routing rule put it on the
        // tenant stream, which the token may read) or as a followed queue, which the token must be able to read:
        // ?queue=* is checked here, per event, so a queue created after the stream opened is covered too.
        if (queue is not null
            && !(Scope.SingleQueue is null && (tiers & RouteTiers.Tenant) != 0)
            && !Access.CanReadQueue(queue))
        {
            return false;
        }
        if (audience is not null && !Access.Admits(audience))
        {
            return false;
        }
        if (!Types.IsEmpty && !Types.Matches(type))
        {
            return false;
        }
        if (ClientId is not null
            && string.Equals(ClientId, originClientId, StringComparison.Ordinal)
            && !AlwaysDeliver.Matches(type))
        {
            return false;
        }
        return true;
    }
}
